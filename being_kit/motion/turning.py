"""Turn a motion's facing more or less as it goes: `add_turning(features, extra_yaw)` on HumanML3D features.

Real people turn their facing all the time and in any pose (the real-mocap bench: 15 degrees per second at the
median, against 4 in the synthetic corpus, which turns mostly while it walks a bend, turns or spins). A tokenizer
trained on the corpus can read the turning off the pose instead of coding it, and on real motion its heading goes
astray (README: real mocap). Turning training crops at random rates breaks that link.

The turn is made on the joints: each frame's body is turned about the vertical through its pelvis, and its path bends
with it (each step of the pelvis turns with the body, so it travels the same way in its own facing). The features are
then computed afresh (`features_from_joints`), so the heading is the smoothed body facing, as HumanML3D defines it,
and the velocities and foot contacts are those of the turned motion.
"""
from __future__ import annotations

import numpy as np

from .features import FEATURE_DIM, features_from_joints, joints_from_features


def turn_joints(joints: np.ndarray, extra_yaw: np.ndarray) -> np.ndarray:
    """(t, 22, 3) joints, y up -> the same motion with each frame turned `extra_yaw` (t,) radians more about the
    vertical through the pelvis (positive: the way a positive turning feature, HumanML3D's dimension 0, turns), its
    pelvis path turned with it."""
    j = np.asarray(joints, dtype=np.float64)
    yaw = np.asarray(extra_yaw, dtype=np.float64)
    c, s = np.cos(yaw), -np.sin(yaw)

    def turn(v: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:  # (t, ..., 2) xz, by per-frame c, s
        c, s = c.reshape((-1,) + (1,) * (v.ndim - 2)), s.reshape((-1,) + (1,) * (v.ndim - 2))
        return np.stack([c * v[..., 0] + s * v[..., 1], -s * v[..., 0] + c * v[..., 1]], axis=-1)

    root = j[:, 0, [0, 2]]
    steps = turn(np.diff(root, axis=0), c[1:], s[1:])  # each step taken in the facing it ends in
    path = root[:1] + np.concatenate([np.zeros((1, 2)), np.cumsum(steps, axis=0)])
    body = turn(j[..., [0, 2]] - root[:, None], c, s) + path[:, None]
    out = j.copy()
    out[..., 0], out[..., 2] = body[..., 0], body[..., 1]
    return out.astype(np.float32)


def add_turning(features: np.ndarray, extra_yaw: np.ndarray) -> np.ndarray:
    """(t, 263) raw HumanML3D features -> (t - 2, 263) features of the motion turned `extra_yaw` (t,) radians more
    at each frame. Two rows fewer: a row is a step between two frames of joints, and the first row of features made
    afresh is dropped, because HumanML3D starts its smoothed heading at the first frame's own facing, a jump of tens
    of degrees in one frame once a crop from the middle of a motion turns."""
    x = np.asarray(features)
    if x.ndim != 2 or x.shape[1] != FEATURE_DIM or len(x) < 3:
        raise ValueError(f"features: expected (frames >= 3, {FEATURE_DIM}) humanml263 features, got {x.shape}")
    yaw = np.asarray(extra_yaw, dtype=np.float64)
    if yaw.shape != (len(x),):
        raise ValueError(f"extra_yaw: expected one angle per frame, shape ({len(x)},), got {yaw.shape}")
    if not np.isfinite(yaw).all():
        raise ValueError("extra_yaw: contains NaN or inf")
    return features_from_joints(turn_joints(joints_from_features(x), yaw))[1:]
