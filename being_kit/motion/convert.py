"""Any motion a user holds -> joint positions (t, 22, 3) in metres, y up: the one features-to-joints dispatcher.

Accepted: joints (t, 22, 3) or (t, 66); HumanML3D features (t, 263); SMPL-D135 features (t, 135); anything with
`.motion` and `.representation` (a `MotionRecord`); torch tensors (moved to CPU). Features must be raw (denormalise
first). `representation` forces the reading when a shape is ambiguous or a caller knows it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .skeleton import NUM_JOINTS

REPRESENTATIONS = ("joints", "humanml263", "smpl_d135")
_FEATURE_DIMS = {263: "humanml263", 135: "smpl_d135"}


def as_array(x: Any) -> np.ndarray:
    """numpy float32 view of an array or a torch tensor (detached, on the CPU)."""
    if type(x).__module__.startswith("torch"):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float32)


def infer_representation(motion: np.ndarray, representation: str | None = None) -> str:
    """'joints', 'humanml263' or 'smpl_d135' from the shape (or `representation`, checked)."""
    if representation is not None:
        if representation not in REPRESENTATIONS:
            raise ValueError(f"representation: expected one of {REPRESENTATIONS}, got {representation!r}")
        return representation
    if motion.ndim == 2 and motion.shape[1] in _FEATURE_DIMS:
        return _FEATURE_DIMS[motion.shape[1]]
    return "joints"


def to_joints(motion: Any, representation: str | None = None, name: str = "motion") -> np.ndarray:
    """One motion -> (t, 22, 3) float32 joints; ValueError naming `name` for a shape it cannot read, no frames,
    or NaN/inf."""
    if hasattr(motion, "representation") and hasattr(motion, "motion"):  # a MotionRecord
        motion, representation = motion.motion, representation or motion.representation
    arr = as_array(motion)
    kind = infer_representation(arr, representation)
    if kind == "humanml263" and arr.ndim == 2 and arr.shape[1] == 263:
        from .features import joints_from_features

        out = joints_from_features(arr)
    elif kind == "smpl_d135" and arr.ndim == 2 and arr.shape[1] == 135:
        from .d135 import joints_from_d135

        out = joints_from_d135(arr)
    elif kind == "joints" and arr.ndim == 3 and arr.shape[1:] == (NUM_JOINTS, 3):
        out = arr
    elif kind == "joints" and arr.ndim == 2 and arr.shape[1] == NUM_JOINTS * 3:
        out = arr.reshape(len(arr), NUM_JOINTS, 3)
    else:
        raise ValueError(
            f"{name}: expected joints (t, {NUM_JOINTS}, 3) or (t, {NUM_JOINTS * 3}), HumanML3D features (t, 263) "
            f"or SMPL-D135 features (t, 135); got shape {arr.shape}"
            + (f" as {representation!r}" if representation else ""))
    if len(out) < 1:
        raise ValueError(f"{name}: needs at least one frame")
    if not np.isfinite(out).all():
        raise ValueError(f"{name}: contains NaN or inf")
    return np.ascontiguousarray(out, dtype=np.float32)


def to_joints_torch(x, representation: str):
    """Batched raw features (..., t, d) as a torch tensor -> joints (..., t, 22, 3) in metres, differentiable and on
    x's device: the reader of training losses and batched metrics. `representation` is the corpus's or the model's
    ('humanml263', 'smpl_d135' or 'joints'), never guessed from the shape."""
    dims = {"humanml263": 263, "smpl_d135": 135, "joints": NUM_JOINTS * 3}
    if representation not in dims:
        raise ValueError(f"representation: expected one of {REPRESENTATIONS}, got {representation!r}")
    if x.shape[-1] != dims[representation]:
        raise ValueError(f"features: {representation} has {dims[representation]} values per frame, got shape "
                         f"{tuple(x.shape)}")
    if representation == "humanml263":
        from .features import joints_from_features

        return joints_from_features(x)
    if representation == "smpl_d135":
        from .d135 import joints_from_d135

        return joints_from_d135(x)
    return x.reshape(*x.shape[:-1], NUM_JOINTS, 3)
