"""Dance: steps on a beat with a bounce in the knees, the hips swaying and the chest turning with them, arms that
change their figure every two bars, and now and then a turn on the stepping foot.

Real capture dances in ways no other family moves (LaFAN1's dance take is a quarter of `bench real`'s 517 s, and
the tokenizers' worst take): the whole body moves at once and keeps changing what it does, the arms go anywhere,
the heading turns in bursts. The feet follow a footstep plan (as in `locomotion.side_step`): one foot steps per beat
to a spot near where it stands, the body shifts its weight over the other, and `body.place_on_floor` carries the body
over whichever foot is planted, so nothing slides.
"""
from __future__ import annotations

import numpy as np

from ...motion.skeleton import FPS
from .pose import (DEG, FOOT_PITCH_REST, SHIN, STANCE_SET_BACK, THIGH, Clip, band_limited, bump, envelope, leg_ik,
                   smoothstep, times)

TAU = 2 * np.pi
TEMPO = (1.6, 2.4)  # beats per second (96-144 beats per minute)
STEP_REACH = (0.08, 0.26)  # m a stepping foot lands from the spot under its hip, any direction
STEP_CLEARANCE = (0.04, 0.14)  # m the stepping ankle rises
BOUNCE = (0.01, 0.06)  # m the pelvis dips on each beat
TURN_PROBABILITY = 0.6  # dances with one or two turns of 90-360 degrees, spread over a few steps
ARM_FIGURES = ("pump", "swing", "out", "free", "hips")
BEATS_PER_FIGURE = 8  # the arms change figure every two bars


def _footsteps(rng, frames: int, f: float) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list]:
    """Each foot's floor position (t, 2) (x: the body's left, z: forward; metres from where it stood) and its lift
    (t,) 0..1, with the list of steps (side, start, end seconds). One foot steps per beat from the second beat to
    the second last; the same foot twice now and then (a touch); a third of the steps return home."""
    t = times(frames)
    dur = frames / FPS
    foot = {s: np.zeros((frames, 2)) for s in ("left", "right")}
    lift = {s: np.zeros(frames) for s in ("left", "right")}
    at = {s: np.zeros(2) for s in ("left", "right")}
    swing = rng.uniform(0.45, 0.7) / f
    side, steps = "left" if rng.random() < 0.5 else "right", []
    reach = rng.uniform(*STEP_REACH)
    for k in range(1, int(dur * f) - 1):
        t0 = k / f
        if t0 + swing > dur - 0.4:
            break
        if rng.random() < 0.35:
            target = np.zeros(2)
        else:
            out = 1.0 if side == "left" else -1.0  # away from the other foot rather than across it
            angle = rng.uniform(-100, 100) * DEG
            target = reach * rng.uniform(0.4, 1.0) * np.array([out * np.cos(angle) * 0.8 + 0.2 * out,
                                                              np.sin(angle)])
        x = smoothstep((t - t0) / swing)
        foot[side] += (target - at[side]) * x[:, None]
        lift[side] += bump((t - t0) / swing)
        at[side] = target
        steps.append((side, t0, t0 + swing))
        if rng.random() > 0.2:
            side = "right" if side == "left" else "left"
    return foot, lift, steps


def _turning(rng, frames: int, steps: list) -> tuple[np.ndarray, int]:
    """(t,) heading: a small re-orientation on some steps and, in most dances, one or two turns of 90-360 degrees
    over 2-4 consecutive steps; the body turns only while a foot is up (a turn in double support twists a planted
    foot). Returns the heading and the number of big turns."""
    t = times(frames)
    per_step = rng.normal(0, 15, len(steps)) * DEG
    turns = 0
    if steps and rng.random() < TURN_PROBABILITY:
        turns = int(rng.choice([1, 1, 2]))
        for _ in range(turns):
            span = int(min(len(steps), rng.integers(2, 5)))
            first = int(rng.integers(0, len(steps) - span + 1))
            angle = rng.choice([-1, 1]) * rng.uniform(90, 360) * DEG
            per_step[first:first + span] += angle / span
    rate = np.zeros(frames)
    for (_, t0, t1), angle in zip(steps, per_step):
        w = bump((t - t0) / (t1 - t0))
        rate += angle * w / max(w.sum(), 1e-9)
    return np.cumsum(rate), turns


def _arm_figure(name: str, rng, beat: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
    """Left-arm angles (radians) of one figure over the beat: shoulder x (-: forward/up), shoulder z (+: out), elbow
    x (-: bent), shoulder y (turn); the right arm's are drawn alike and mirrored by the caller."""
    half = TAU * beat / 2  # big arm motions go at half the beat (hands peaked at 2-10 m/s in six dances, turns and all)
    phase = rng.uniform(0, TAU)
    zero = np.zeros_like(t)
    if name == "pump":  # a fist pumped up and down
        up = 0.5 + 0.5 * np.cos(half + phase)
        return {"x": -rng.uniform(60, 150) * DEG * up - 20 * DEG, "z": rng.uniform(10, 50) * DEG + zero,
                "elbow": -(20 + rng.uniform(40, 90) * (1 - up)) * DEG, "y": zero}
    if name == "swing":  # arms swing forwards and back across the body
        a = rng.uniform(30, 75) * DEG
        return {"x": a * np.sin(half + phase), "z": rng.uniform(5, 30) * DEG + zero,
                "elbow": -rng.uniform(30, 110) * DEG + 20 * DEG * np.sin(half + phase), "y": 20 * DEG * np.sin(half)}
    if name == "out":  # arms out to the sides, rising and falling
        base = rng.uniform(50, 110) * DEG
        return {"x": -rng.uniform(-20, 40) * DEG + zero, "z": base + 25 * DEG * np.sin(half + phase),
                "elbow": -rng.uniform(0, 70) * DEG * (0.5 + 0.5 * np.sin(TAU * beat + phase)), "y": zero}
    if name == "hips":  # hands on or near the hips
        return {"x": 10 * DEG + zero, "z": rng.uniform(20, 45) * DEG + zero,
                "elbow": -rng.uniform(70, 110) * DEG + zero, "y": -30 * DEG + zero}
    # free: slow wandering arms anywhere in front, above and beside the body
    s = band_limited(rng, t, 4, (0.25, 1.0))
    return {"x": (-55 + 70 * s[:, 0]) * DEG, "z": (55 + 45 * s[:, 1]) * DEG, "elbow": (-65 + 45 * s[:, 2]) * DEG,
            "y": 25 * DEG * s[:, 3]}


def _arms(clip: Clip, rng, beat: np.ndarray, level: np.ndarray) -> None:
    """Arm figures, one per BEATS_PER_FIGURE beats, cross-faded over half a beat: both arms do the same figure, each
    with its own sizes and phase, the right arm half a beat behind half the time."""
    t = times(clip.frames)
    n = int(np.ceil(beat[-1] / BEATS_PER_FIGURE)) + 1
    names = [str(rng.choice(ARM_FIGURES)) for _ in range(n)]
    weights = [smoothstep((beat - k * BEATS_PER_FIGURE + 0.25) / 0.5)
               * smoothstep(((k + 1) * BEATS_PER_FIGURE + 0.25 - beat) / 0.5) for k in range(n)]
    weights[0] = smoothstep((BEATS_PER_FIGURE + 0.25 - beat) / 0.5)  # the first and last figures hold to the ends
    weights[-1] = smoothstep((beat - (n - 1) * BEATS_PER_FIGURE + 0.25) / 0.5)
    total = np.maximum(sum(weights), 1e-9)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        for name, w in zip(names, weights):
            a = _arm_figure(name, rng, beat if side == "left" or rng.random() < 0.5 else beat + 0.5, t)
            k = level * w / total
            clip.add(f"{side}_shoulder", "x", k * a["x"]).add(f"{side}_shoulder", "z", sign * k * a["z"])
            clip.add(f"{side}_shoulder", "y", sign * k * a["y"]).add(f"{side}_elbow", "x", k * a["elbow"])


def dance(rng, frames: int) -> Clip:
    """Dance on the spot to a beat of 96-144 per minute (`TEMPO`): see the module docstring. params: pace (from the
    tempo), turns (big turns, 0-2), side "both" (nothing sided: the steps go either way)."""
    f = rng.uniform(*TEMPO)
    t = times(frames)
    beat = f * t
    foot, lift, steps = _footsteps(rng, frames, f)
    yaw, turns = _turning(rng, frames, steps)
    clip = Clip.empty("dance", frames, side="both", turns=turns,
                      pace="slow" if f < 1.85 else "fast" if f > 2.15 else "normal")
    clip.yaw = yaw
    level = envelope(frames, 0.4)
    # the weight goes over the planted foot: the body sits between the feet, leaning to the one that stands
    weight = np.clip(0.5 + 0.45 * (lift["right"] - lift["left"]), 0, 1)  # share on the left foot
    body = weight[:, None] * foot["left"] + (1 - weight[:, None]) * foot["right"]
    rel = {s: foot[s] - body for s in foot}
    clearance = rng.uniform(*STEP_CLEARANCE)
    reach = 0.97 * (THIGH + SHIN)
    height = np.minimum(*[np.sqrt(np.maximum(reach**2 - (rel[s] ** 2).sum(1), 0.0)) + 0.5 * clearance * lift[s]
                          for s in rel])
    height = np.minimum(height, reach)
    dip = rng.uniform(*BOUNCE) * level * (0.5 + 0.5 * np.cos(TAU * beat))
    lean = rng.uniform(0, 15) * DEG * level
    for side in rel:
        vertical = height - dip - clearance * lift[side]
        clip.add(f"{side}_hip", "z", np.arctan2(rel[side][:, 0], vertical))
        pitch = FOOT_PITCH_REST + 20 * DEG * lift[side]  # toes point down as the foot leaves the floor
        leg_ik(clip, side, rel[side][:, 1] - STANCE_SET_BACK, -np.hypot(rel[side][:, 0], vertical), pitch, lean)
    clip.add("pelvis", "x", lean)
    sway = rng.uniform(3, 10) * DEG * level * np.sin(TAU * beat / 2 + rng.uniform(0, TAU))
    clip.add("pelvis", "z", sway).add("left_hip", "z", -sway).add("right_hip", "z", -sway)
    clip.add("spine2", "z", -0.8 * sway).add("spine3", "y", rng.uniform(5, 20) * DEG * level * np.sin(TAU * beat / 2))
    clip.add("neck", "x", rng.uniform(3, 12) * DEG * level * np.cos(TAU * beat))
    clip.add("head", "y", 20 * DEG * level * band_limited(rng, t, 1, (0.2, 0.6))[:, 0])
    _arms(clip, rng, beat, level)
    return clip
