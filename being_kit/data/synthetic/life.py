"""Idle life: the breathing, postural sway and relaxed arms of a real body, added under every action.

Real bodies never stand perfectly still and never lock their elbows; a program's zero is a statue. Each channel is a
smooth, band-limited signal (a few random sinusoids between 0.1 and 0.7 Hz, not white noise) of a degree or two, so
the action and its caption are unchanged while no frame is frozen. The pelvis sways about the hips (the legs are
counter-rotated, so planted feet stay planted); breathing lifts the chest and shoulders. Deterministic in its rng.
"""
from __future__ import annotations

import numpy as np

from .pose import DEG, Clip, band_limited, times

BAND_HZ = (0.1, 0.7)  # postural sway and small fidgets; breathing has its own rate
BREATH_HZ = (0.2, 0.33)  # 12-20 breaths a minute
SWAY = (  # (joint, axis, RMS degrees)
    ("pelvis", "x", 0.6), ("pelvis", "z", 0.6),
    ("spine1", "z", 0.4), ("spine2", "y", 0.8), ("spine3", "x", 0.5),
    ("neck", "x", 1.2), ("neck", "y", 1.8), ("head", "x", 0.8),
    ("left_shoulder", "x", 2.5), ("right_shoulder", "x", 2.5),
    ("left_shoulder", "z", 1.0), ("right_shoulder", "z", 1.0),
    # elbows move most: real clips bend them over a 39-degree range in 10 s (median), the corpus did over 9.5
    ("left_elbow", "x", 5.0), ("right_elbow", "x", 5.0),
)
ELBOW_REST_DEG = (8.0, 14.0)  # relaxed arms hang with the elbows slightly bent
# Standing people shift their weight from foot to foot and turn the hips and shoulders over planted feet: the
# real standing take's pelvis turned 10-30 degrees against its feet and its root moved at 6 cm/s (median) where
# the generator's moved at 2. Legs lean sideways together (hip abduction on one side, adduction on the other,
# the ankles keeping the feet flat) so the pelvis slides over the feet, and the trunk turns over the pelvis.
WEIGHT_SHIFT_RMS = 1.5  # degrees of leg lean: about 2 cm of pelvis travel
TWIST_RMS = 5.0  # degrees of the shoulders turned against the hips and feet
SHIFT_HZ = (0.05, 0.25)  # a weight shift takes seconds


def _shift_envelope(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """(t, 1) slow envelope in [0.3, 1.7]: some stretches of standing shift more than others."""
    return 1.0 + 0.7 * np.sin(2 * np.pi * rng.uniform(0.03, 0.1) * t + rng.uniform(0, 2 * np.pi))[:, None]


def _shift_weight(clip: Clip, lean: np.ndarray, twist: np.ndarray) -> None:
    """Both legs lean by `lean` (radians about the forward axis, + moves the feet towards the body's left, so the
    weight goes over the right foot) with the ankles levelling the feet again; the trunk turns by `twist` over the
    pelvis, a third at each spine joint. (Turning the pelvis itself would carry the hip joints, and the feet
    hanging below them, round with it: planted feet would slide.)"""
    for side in ("left", "right"):
        clip.add(f"{side}_hip", "z", lean).add(f"{side}_ankle", "z", -lean)
    for joint in ("spine1", "spine2", "spine3"):
        clip.add(joint, "y", twist / 3)


def add_idle_life(clip: Clip, rng: np.random.Generator) -> Clip:
    """Add breathing, sway and relaxed elbows to `clip` in place (see the module docstring) and return it."""
    t = times(clip.frames)
    noise = band_limited(rng, t, len(SWAY), band=BAND_HZ)
    for k, (joint, axis, rms) in enumerate(SWAY):
        clip.add(joint, axis, rms * DEG * noise[:, k])
    for axis, k in (("x", 0), ("z", 1)):  # the legs keep their line while the pelvis sways over them
        clip.add("left_hip", axis, -SWAY[k][2] * DEG * noise[:, k])
        clip.add("right_hip", axis, -SWAY[k][2] * DEG * noise[:, k])
    shift = band_limited(rng, t, 2, parts=2, band=SHIFT_HZ) * _shift_envelope(rng, t)
    _shift_weight(clip, WEIGHT_SHIFT_RMS * DEG * shift[:, 0], TWIST_RMS * DEG * shift[:, 1])
    breath = np.sin(2 * np.pi * rng.uniform(*BREATH_HZ) * t + rng.uniform(0, 2 * np.pi))
    clip.add("spine3", "x", -0.8 * DEG * breath)  # the chest lifts (leans back) on the in-breath
    clip.add("left_shoulder", "z", 0.5 * DEG * breath).add("right_shoulder", "z", -0.5 * DEG * breath)
    rest = rng.uniform(*ELBOW_REST_DEG, size=2) * DEG
    clip.add("left_elbow", "x", -rest[0]).add("right_elbow", "x", -rest[1])
    return clip
