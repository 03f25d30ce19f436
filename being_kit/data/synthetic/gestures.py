"""Upper-body families: wave, raise arms, punch, clap, bow, stretch, arm circles, throw.

The legs stand still (feet planted), so these clips do not travel. Programs are written for the body's left side
(`params["side"] = "left"`); the generator mirrors them for the right. Arm rotations are in the torso's frame:
an arm hanging down is zero, +z swings the left arm out to the side, -x raises an arm forwards.
"""
from __future__ import annotations

import numpy as np

from .pose import DEG, Clip, bump, envelope, hold, smoothstep, times

TAU = 2 * np.pi


def _reps(rng, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _wave_arm(clip: Clip, side: str, level: np.ndarray, phase: np.ndarray, width: float, height: float) -> None:
    sign = 1.0 if side == "left" else -1.0
    clip.add(f"{side}_shoulder", "z", sign * height * level).add(f"{side}_shoulder", "x", -15 * DEG * level)
    # forearm up (pi - height brings it vertical), swinging side to side about the elbow
    clip.add(f"{side}_elbow", "z", sign * level * (np.pi - height - 10 * DEG + width * np.sin(phase)))


def wave(rng, frames: int) -> Clip:
    """Wave with the left hand (or both hands): the arm rises, the forearm swings side to side, the arm lowers."""
    side = "both" if rng.random() < 0.3 else "left"
    f = rng.uniform(1.3, 2.3)
    clip = Clip.empty("wave", frames, side=side, pace="fast" if f > 2.0 else "slow" if f < 1.6 else "normal")
    level = envelope(frames, 0.6)
    phase = TAU * f * times(frames)
    height = rng.uniform(95 * DEG, 130 * DEG)
    width = rng.uniform(20 * DEG, 35 * DEG)
    for s in (("left", "right") if side == "both" else ("left",)):
        _wave_arm(clip, s, level, phase if s == "left" else -phase, width, height)
    return clip


def raise_arms(rng, frames: int) -> Clip:
    """Raise both arms (up overhead, forwards to shoulder height, or out to the sides) and lower them, 1-3 times."""
    how = str(rng.choice(["up", "forward", "sideways"]))
    reps = _reps(rng, 1, 3)
    clip = Clip.empty("raise_arms", frames, side="both", how=how, repetitions=reps)
    u = times(frames) / (frames / 20) * reps
    level = bump(np.clip(u, 0, reps) % 1.0) ** 0.6 * envelope(frames, 0.3)
    if how == "up":
        clip.add("left_shoulder", "x", -170 * DEG * level).add("right_shoulder", "x", -170 * DEG * level)
    elif how == "forward":
        clip.add("left_shoulder", "x", -90 * DEG * level).add("right_shoulder", "x", -90 * DEG * level)
    else:
        clip.add("left_shoulder", "z", 88 * DEG * level).add("right_shoulder", "z", -88 * DEG * level)
    return clip


def punch(rng, frames: int) -> Clip:
    """Guard up, then punch forwards with the left fist 1-4 times (the torso twists into each punch)."""
    reps = _reps(rng, 1, 4)
    clip = Clip.empty("punch", frames, side="left", repetitions=reps)
    dur = frames / 20
    guard = hold(frames, 0.0, dur, min(0.5, dur / 4))
    for s in ("left", "right"):
        sign = 1 if s == "left" else -1
        clip.add(f"{s}_shoulder", "x", -35 * DEG * guard).add(f"{s}_elbow", "x", -115 * DEG * guard)
        clip.add(f"{s}_shoulder", "z", -sign * 10 * DEG * guard)
    t = times(frames)
    start, end = 0.2 * dur + 0.2, 0.9 * dur - 0.1
    hits = sum(bump((t - (start + k * (end - start) / reps)) / min(0.5, (end - start) / reps)) ** 0.7 for k in range(reps))
    clip.add("left_shoulder", "x", -55 * DEG * hits).add("left_elbow", "x", 115 * DEG * hits)
    clip.add("left_shoulder", "z", 10 * DEG * hits)
    clip.add("spine3", "y", -20 * DEG * hits).add("spine2", "y", -10 * DEG * hits)
    return clip


def clap(rng, frames: int) -> Clip:
    """Clap the hands in front of the chest, 3-8 claps."""
    f = rng.uniform(1.5, 2.5)
    clip = Clip.empty("clap", frames, side="both", claps=0)
    level = envelope(frames, 0.5)
    t = times(frames)
    closed = 0.5 - 0.5 * np.cos(TAU * f * t)
    for s, sign in (("left", 1.0), ("right", -1.0)):
        clip.add(f"{s}_shoulder", "x", -55 * DEG * level).add(f"{s}_elbow", "x", -60 * DEG * level)
        clip.add(f"{s}_shoulder", "y", -sign * level * (10 * DEG + 30 * DEG * closed))
        clip.add(f"{s}_shoulder", "z", -sign * 12 * DEG * level * closed)
    clip.params["claps"] = int(max(1, round(f * max(frames / 20 - 1.0, 0.5))))
    return clip


def bow(rng, frames: int) -> Clip:
    """Bend forwards at the hips (a bow), hold briefly, straighten up."""
    depth = rng.uniform(30 * DEG, 65 * DEG)
    clip = Clip.empty("bow", frames, depth_deg=round(depth / DEG), side="both")
    dur = frames / 20
    level = hold(frames, 0.1 * dur, 0.9 * dur, 0.35 * dur)
    clip.add("pelvis", "x", 0.7 * depth * level).add("spine2", "x", 0.3 * depth * level)
    for s in ("left", "right"):
        clip.add(f"{s}_hip", "x", -0.7 * depth * level)
        clip.add(f"{s}_shoulder", "x", -0.5 * depth * level)
    clip.add("neck", "x", -0.3 * depth * level)
    return clip


def stretch(rng, frames: int) -> Clip:
    """Stretch both arms overhead, then lean the upper body to the left and back up."""
    lean = rng.uniform(15 * DEG, 30 * DEG)
    clip = Clip.empty("stretch", frames, side="left", lean_deg=round(lean / DEG))
    dur = frames / 20
    arms = hold(frames, 0.05 * dur, 0.95 * dur, 0.3 * dur)
    clip.add("left_shoulder", "x", -170 * DEG * arms).add("right_shoulder", "x", -170 * DEG * arms)
    bend = hold(frames, 0.35 * dur, 0.8 * dur, 0.2 * dur)
    for j in ("spine1", "spine2", "spine3"):
        clip.add(j, "z", -lean / 3 * bend)  # -z tilts the spine towards +x, the body's left
    return clip


def arm_circles(rng, frames: int) -> Clip:
    """Both arms out to the sides, drawing circles."""
    f = rng.uniform(0.8, 1.6)
    radius = rng.uniform(15 * DEG, 30 * DEG)
    clip = Clip.empty("arm_circles", frames, side="both", pace="fast" if f > 1.3 else "slow" if f < 1.0 else "normal")
    level = envelope(frames, 0.6)
    phase = TAU * f * times(frames)
    for s, sign in (("left", 1.0), ("right", -1.0)):
        clip.add(f"{s}_shoulder", "z", sign * level * (85 * DEG + radius * np.cos(phase)))
        clip.add(f"{s}_shoulder", "x", level * radius * np.sin(phase))
    return clip


def throw(rng, frames: int) -> Clip:
    """Overhand throw with the left hand: wind up behind the head, whip the arm forwards, follow through."""
    clip = Clip.empty("throw", frames, side="left")
    dur = frames / 20
    t = times(frames)
    wind = hold(frames, 0.1 * dur, 0.55 * dur, 0.25 * dur)
    release = smoothstep((t - 0.5 * dur) / (0.12 * dur + 0.1)) * smoothstep((0.95 * dur - t) / (0.3 * dur))
    clip.add("left_shoulder", "z", 80 * DEG * wind).add("left_shoulder", "x", 30 * DEG * wind)
    clip.add("left_elbow", "z", 90 * DEG * wind)
    clip.add("left_shoulder", "x", -100 * DEG * release).add("left_elbow", "x", -20 * DEG * release)
    clip.add("spine3", "y", (25 * wind - 45 * release) * DEG)
    clip.add("right_shoulder", "x", -40 * DEG * wind)
    return clip
