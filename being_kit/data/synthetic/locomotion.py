"""Locomotion families: walk, jog, run, walk backwards, side-step, walk in a circle, march in place, turn, spin.

Each program takes a random generator and a frame count and returns a left-side (or counterclockwise) `Clip`;
right / clockwise variants are its mirror image (`pose.mirror_clip`). Travel is not scripted: the legs move and
`body.place_on_floor` carries the body over the planted foot, so the distance covered follows from the stride.
"""
from __future__ import annotations

import numpy as np

from .pose import DEG, FOOT_PITCH_REST, SHIN, THIGH, Clip, bump, envelope, hold, leg_ik, smoothstep, times

TAU = 2 * np.pi


def _pace(frequency: float, slow: float, fast: float) -> str:
    return "slow" if frequency < slow else "fast" if frequency > fast else "normal"


def gait(clip: Clip, phase: np.ndarray, stride: float, duty: float, clearance: float, arm: float, elbow: float,
         lean: float) -> None:
    """Alternating steps by inverse kinematics on planted footsteps. phase: (t,) cycles of the left leg (0 = left
    foot lands); stride: metres a foot advances per cycle; duty: fraction of the cycle a foot is planted (> 0.5:
    double support); clearance: swing-foot lift (m). The pelvis is as high as the planted legs allow (3% knee bend),
    which gives the natural vertical bob. Angles in radians: arm swing, mean elbow bend, forward lean."""
    rel, swing, free = {}, {}, {}
    for side, shift in (("left", 0.0), ("right", 0.5)):
        p = np.mod(phase + shift, 1.0)
        x = np.clip((p - duty) / (1 - duty), 0, 1)
        glide = x * x * (3 - 2 * x)  # leaves and meets the floor at rest; peak speed 1.5x the mean
        rel[side] = stride * (np.where(p < duty, 0.0, glide) - p + duty / 2)  # ankle z relative to the hip
        swing[side] = np.where(p < duty, 0.0, np.sin(np.pi * x))  # lifts off at once: no scuffing
        # a leg in swing stops limiting the pelvis height gradually (toe-off), not at once
        free[side] = np.where(p < duty, 0.0, 0.3 * bump(x))
    reach = 0.97 * (THIGH + SHIN)
    pelvis = np.minimum(*[np.sqrt(np.maximum(reach**2 - rel[s] ** 2, 0.0)) + free[s] for s in rel])
    pelvis = np.minimum(pelvis, reach)
    for side in rel:
        ankle_y = clearance * swing[side] - pelvis
        leg_ik(clip, side, rel[side], ankle_y, FOOT_PITCH_REST + 10 * DEG * swing[side], lean)
        back = rel[side] / max(stride * duty / 2, 1e-6)  # about -1 (arm forwards) .. 1 (arm back)
        clip.add(f"{side}_shoulder", "x", arm * back)
        # the forearm swings with the arm: the elbow bends most at the front of the swing, least at the back
        clip.add(f"{side}_elbow", "x", -elbow + 0.6 * arm * np.clip(back, -1.2, 1.2))
        clip.add(f"{side}_shoulder", "z", 4 * DEG if side == "left" else -4 * DEG)
    clip.add("pelvis", "x", lean)
    clip.add("spine3", "y", -5 * DEG * np.sin(TAU * phase))


def _travel(rng, frames: int, family: str, speed: tuple[float, float], cadence: tuple[float, float], duty: float,
            clearance: float, arm: float, elbow: float, lean: float, reach: float, backwards: bool = False) -> Clip:
    """Start and stop in double support (one foot ahead, as people stand when they set off or halt).
    reach: the farthest a planted ankle gets ahead of or behind the hip (m); it caps the stride, so faster gaits
    take quicker steps rather than impossibly long ones."""
    v = rng.uniform(*speed)
    f = max(rng.uniform(*cadence), v * duty / (2 * reach))
    third = (speed[1] - speed[0]) / 3
    clip = Clip.empty(family, frames, speed=round(v, 2), cadence=round(float(2 * f), 2),
                      pace="slow" if v < speed[0] + third else "fast" if v > speed[1] - third else "normal")
    go = envelope(frames, 0.5)
    advance = f * go.sum() / 20
    halves = max(1.0, np.round(2 * advance)) / 2  # end in double support too
    rate = go * halves / max(go.sum() / 20, 1e-6)
    s0 = (duty - 0.5) / 2
    phase = s0 + np.concatenate([[0.0], np.cumsum(rate[1:] + rate[:-1]) / 40])
    phase = s0 + (phase - s0) * halves / max(phase[-1] - s0, 1e-6)
    if backwards:
        phase = 2 * s0 - phase
    gait(clip, phase, v / f, duty, clearance, arm, elbow, lean)
    p = np.mod(phase, 1.0)
    double = ((p >= 0.5) & (p < duty)) | (p < duty - 0.5)
    clip.params["_single"] = (~double).astype(float)  # for walk_circle; removed from the params below
    if family != "walk_circle":
        clip.params.pop("_single")
    return clip


def walk(rng, frames: int, family: str = "walk") -> Clip:
    return _travel(rng, frames, family, (0.7, 1.5), (0.8, 1.0), 0.6, 0.08, 20 * DEG, 28 * DEG, 3 * DEG, 0.34)


def jog(rng, frames: int) -> Clip:
    return _travel(rng, frames, "jog", (1.8, 2.5), (1.2, 1.35), 0.5, 0.14, 30 * DEG, 80 * DEG, 8 * DEG, 0.4)


def run(rng, frames: int) -> Clip:
    return _travel(rng, frames, "run", (2.5, 3.2), (1.45, 1.6), 0.5, 0.2, 45 * DEG, 90 * DEG, 14 * DEG, 0.45)


def walk_backward(rng, frames: int) -> Clip:
    return _travel(rng, frames, "walk_backward", (0.5, 1.0), (0.7, 0.9), 0.6, 0.07, 12 * DEG, 22 * DEG, -2 * DEG,
                   0.28, backwards=True)


def walk_circle(rng, frames: int) -> Clip:
    """Walk while turning left at a steady rate (a counterclockwise circle seen from above)."""
    clip = walk(rng, frames, family="walk_circle")
    laps = rng.uniform(0.5, 1.0)
    # turn while one foot is in the air: a turn in double support would twist the other planted foot
    rate = np.convolve(clip.params.pop("_single") * envelope(frames, 0.5), [0.25, 0.5, 0.25], mode="same")
    clip.yaw = laps * TAU * np.cumsum(rate) / max(rate.sum(), 1e-9)
    clip.params.update(direction="left", laps=round(laps, 2))
    clip.add("pelvis", "z", -3 * DEG * envelope(frames))  # lean into the turn
    return clip


def side_step(rng, frames: int) -> Clip:
    """Step sideways to the left: the left foot leads out, the right foot follows; planted feet stay put.
    Each foot's sideways position relative to its hip follows a footstep plan (as in `gait`), the hip abducts to
    reach it and the knee lifts the moving foot."""
    f = rng.uniform(0.55, 0.85)
    width = rng.uniform(0.25, 0.4)  # metres travelled per cycle
    clip = Clip.empty("side_step", frames, direction="left", pace=_pace(f, 0.65, 0.75))
    go = envelope(frames, 0.4)
    phase = np.concatenate([[0.0], np.cumsum(f * (go[1:] + go[:-1]) / 40)])
    halves = max(1.0, np.floor(phase[-1]))
    phase = phase * halves / max(phase[-1], 1e-6)  # whole cycles: end with the feet together
    rel, lift = {}, {}
    for side, start in (("left", 0.0), ("right", 0.5)):
        p = np.mod(phase, 1.0)
        x = np.clip((p - start) / 0.4, 0, 1)
        rel[side] = width * (smoothstep(x) - p - (0.3 - start))
        lift[side] = np.where((p > start) & (p < start + 0.4), np.sin(np.pi * x), 0.0)
    rel = {k: v - (v[0] if k else 0) for k, v in rel.items()}  # feet under the hips at the start
    reach = 0.97 * (THIGH + SHIN)
    pelvis = np.minimum(*[np.sqrt(np.maximum(reach**2 - rel[s] ** 2, 0.0)) + 0.2 * lift[s] for s in rel])
    pelvis = np.minimum(pelvis, reach)
    for side in rel:
        drop = pelvis - 0.07 * lift[side]
        clip.add(f"{side}_hip", "z", np.arctan2(rel[side], drop))
        leg_ik(clip, side, np.zeros(frames), -np.hypot(rel[side], drop), FOOT_PITCH_REST)
    clip.add("left_shoulder", "z", go * 8 * DEG).add("right_shoulder", "z", -go * 8 * DEG)
    clip.params["steps"] = int(halves)
    return clip


def march(rng, frames: int) -> Clip:
    """March in place: knees raised high in turn, arms swinging."""
    f = rng.uniform(0.7, 1.0)
    height = rng.uniform(45 * DEG, 75 * DEG)
    clip = Clip.empty("march", frames, pace=_pace(f, 0.8, 0.9), knee_height=round(height / DEG))
    phase = f * times(frames)
    amp = envelope(frames, 0.4)
    for side, shift in (("left", 0.0), ("right", 0.5)):
        up = amp * bump(np.mod(phase + shift, 1.0) / 0.5)
        clip.add(f"{side}_hip", "x", -height * up).add(f"{side}_knee", "x", 1.4 * height * up)
        clip.add(f"{side}_ankle", "x", 15 * DEG * up)
        other = "right" if side == "left" else "left"
        clip.add(f"{other}_shoulder", "x", -40 * DEG * up).add(f"{other}_elbow", "x", -70 * DEG * up)
    return clip


def turn(rng, frames: int) -> Clip:
    """Turn on the spot to the left by 90 or 180 degrees, with small stepping."""
    nominal = int(rng.choice([90, 180]))
    angle = nominal + rng.uniform(-10, 10)  # people do not turn exact angles (HumanML3D's IK is undefined at 180)
    clip = Clip.empty("turn", frames, direction="left", angle=nominal)
    t = times(frames)
    dur = frames / 20
    clip.yaw = angle * DEG * smoothstep((t - 0.2 * dur) / (0.6 * dur))
    steps = envelope(frames, 0.4) * hold(frames, 0.15 * dur, 0.85 * dur, 0.3)
    phase = 1.6 * t
    for side, shift in (("left", 0.0), ("right", 0.5)):
        up = steps * bump(np.mod(phase + shift, 1.0) / 0.5)
        clip.add(f"{side}_hip", "x", -25 * DEG * up).add(f"{side}_knee", "x", 45 * DEG * up)
    clip.add("neck", "y", 15 * DEG * bump((t - 0.1 * dur) / (0.7 * dur)))  # look where the turn goes
    return clip


def spin(rng, frames: int) -> Clip:
    """Spin around to the left (counterclockwise) one or two full turns, arms out."""
    dur = frames / 20
    turns = int(rng.choice([1, 1, 2])) if dur >= 3.0 else 1  # at most ~1.5 turns/s: hands stay under 12 m/s
    clip = Clip.empty("spin", frames, direction="left", turns=turns)
    t = times(frames)
    arms = envelope(frames, 0.5)
    clip.add("left_shoulder", "z", 60 * DEG * arms).add("right_shoulder", "z", -60 * DEG * arms)
    phase = 2.2 * t
    steps = hold(frames, 0.12 * dur, 0.88 * dur, 0.3)
    # pivot on the planted foot: turn only while the other foot is up (it is, mid-step), never in double support,
    # where a turn would twist one of the planted feet over the floor
    rate = steps**2 * np.sin(TAU * phase) ** 2
    clip.yaw = turns * TAU * np.cumsum(rate) / max(rate.sum(), 1e-9)
    for side, shift in (("left", 0.0), ("right", 0.5)):
        up = steps * bump(np.mod(phase + shift, 1.0) / 0.5)
        clip.add(f"{side}_hip", "x", -20 * DEG * up).add(f"{side}_knee", "x", 40 * DEG * up)
        clip.add(f"{side}_ankle", "x", -15 * DEG * up)  # keep the toes up too: the step clears the floor
    return clip
