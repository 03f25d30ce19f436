"""Whatever a user hands a viewer -> joint positions (t, 22, 3) in metres, y up.

Accepted: joints (t, 22, 3) or (t, 66); HumanML3D features (t, 263); SMPL-D135 features (t, 135); a `MotionRecord`;
torch tensors (moved to CPU). Features are converted with `being_kit.motion` (denormalise first: pass raw features).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..motion.convert import to_joints
from ..motion.skeleton import NUM_JOINTS


def as_joints(motion: Any, name: str = "motion") -> np.ndarray:
    """One motion -> (t, 22, 3) float32 joints (`being_kit.motion.convert.to_joints`)."""
    return to_joints(motion, name=name)


def as_joint_list(motions: Any, name: str = "motions") -> list[np.ndarray]:
    """One motion or a sequence of motions -> list of (t_i, 22, 3) arrays."""
    if isinstance(motions, (list, tuple)):
        if not motions:
            raise ValueError(f"{name}: got an empty list")
        return [as_joints(m, f"{name}[{i}]") for i, m in enumerate(motions)]
    if hasattr(motions, "representation"):
        return [as_joints(motions, name)]
    arr = motions.detach().cpu().numpy() if type(motions).__module__.startswith("torch") else np.asarray(motions)
    if arr.ndim == 4 or (arr.ndim == 3 and arr.shape[1:] != (NUM_JOINTS, 3)):  # a batch
        return [as_joints(m, f"{name}[{i}]") for i, m in enumerate(arr)]
    return [as_joints(arr, name)]


def as_captions(captions: Any, n: int) -> list[str]:
    if captions is None:
        return [""] * n
    if isinstance(captions, str):
        captions = [captions]
    captions = [str(c) for c in captions]
    if len(captions) != n:
        raise ValueError(f"captions: expected {n} (one per motion), got {len(captions)}")
    return captions


def as_token_list(tokens: Any, n: int) -> list[np.ndarray | None]:
    """None, one code array, or one per motion -> list of (s, k) int arrays or None."""
    if tokens is None:
        return [None] * n
    if isinstance(tokens, (list, tuple)) and len(tokens) == n and all(
        t is None or np.ndim(t) >= 1 and not np.isscalar(t) for t in tokens
    ) and not (n == 1 and np.ndim(tokens) == 1):
        items: Sequence = tokens
    else:
        items = [tokens] + [None] * (n - 1)
    out: list[np.ndarray | None] = []
    for i, t in enumerate(items):
        if t is None:
            out.append(None)
            continue
        if type(t).__module__.startswith("torch"):
            t = t.detach().cpu().numpy()
        a = np.asarray(t)
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2:
            raise ValueError(f"tokens[{i}]: expected codes (steps,) or (steps, tokens_per_step), got {a.shape}")
        out.append(a.astype(np.int64))
    return out
