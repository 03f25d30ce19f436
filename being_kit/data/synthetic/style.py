"""Body style: how one person holds themselves, drawn once per motion and held under every action.

Real people differ in posture more than in anything a caption says: some stoop, some stand tall, shoulders ride high
or drop, arms hang a little out or forward, elbows stay bent, feet turn out. A generator whose every body has the
same posture teaches a tokenizer one posture, and real motion then lands far outside what it saw. Each channel is a
constant offset (degrees, uniform in a symmetric range or a one-sided range where anatomy has a direction) on a
joint's anatomical rotation; legs are counter-rotated under a pelvis tilt so planted feet stay where they were.
Offsets are small beside any action's own angles, so the action and its caption are unchanged.
"""
from __future__ import annotations

import numpy as np

from .pose import DEG, Clip

# (joint, axis, low, high) degrees. Left/right channels get independent draws around a shared mean so the two sides
# are alike but not mirror-perfect, as in real bodies. Signs follow pose.py: +x bends the spine/head forward,
# -x swings an arm forward, +z takes the left arm out (-z the right), +y turns a joint to the body's left.
POSTURE = (
    ("pelvis", "x", -6.0, 6.0),      # pelvic tilt (legs counter-rotated below)
    ("spine1", "x", -5.0, 5.0),      # lower back: sway-back .. flat
    ("spine2", "x", -4.0, 6.0),
    ("spine3", "x", -4.0, 8.0),      # upper back: upright .. stooped
    ("neck", "x", -8.0, 12.0),       # head carriage: chin up .. head forward
    ("head", "x", -10.0, 10.0),
    ("head", "y", -6.0, 6.0),
)
SIDED = (  # written for the left side; the right gets the mirrored sign on y and z
    ("collar", "z", -8.0, 10.0),     # shoulders dropped .. shrugged
    ("collar", "y", -8.0, 8.0),      # shoulders back .. rounded forward
    ("shoulder", "z", 0.0, 14.0),    # arms hang slightly out
    ("shoulder", "x", -10.0, 8.0),   # arms a little forward .. back
    ("shoulder", "y", -10.0, 10.0),  # arm rotation (palms in .. forward)
    ("elbow", "x", -20.0, 0.0),      # more elbow bend on top of idle life's relaxed 8-14 degrees
    ("hip", "y", -4.0, 14.0),        # feet turned out (external hip rotation)
    ("hip", "z", -2.0, 4.0),         # stance width
)
SIDE_SPREAD = 0.35  # each side's draw: shared mean plus this fraction of the range as its own deviation


def add_body_style(clip: Clip, rng: np.random.Generator) -> dict[str, float]:
    """Add one person's constant posture offsets to `clip` in place; returns them (degrees) for the record's meta."""
    drawn: dict[str, float] = {}
    for joint, axis, lo, hi in POSTURE:
        angle = float(rng.uniform(lo, hi))
        clip.add(joint, axis, angle * DEG)
        drawn[f"{joint}.{axis}"] = round(angle, 1)
    tilt = drawn["pelvis.x"] * DEG
    for side in ("left", "right"):  # the legs keep their line while the pelvis tilts over them
        clip.add(f"{side}_hip", "x", -tilt)
    for part, axis, lo, hi in SIDED:
        shared = rng.uniform(lo, hi)
        for side in ("left", "right"):
            angle = float(np.clip(shared + rng.normal(0, SIDE_SPREAD * (hi - lo) / 2), lo, hi))
            sign = -1.0 if side == "right" and axis in ("y", "z") else 1.0
            clip.add(f"{side}_{part}", axis, sign * angle * DEG)
            drawn[f"{side}_{part}.{axis}"] = round(angle, 1)
    return drawn
