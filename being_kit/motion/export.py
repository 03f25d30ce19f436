"""Export motions for other tools: joints `.npy`, features `.npy`, and BVH that Blender opens with the right pose.

BVH rotations come straight from the data for SMPL-D135 features (`rotations_from_d135`); for joint positions and
HumanML3D features (whose 6D part is not usable as joint rotations) they come from `motion.ik.inverse_kinematics`.
The BVH format itself lives in `being_kit.motion.bvh`. Not visual, so it sits with the motion, below every layer
that writes files (lm's generations, the playground).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .bvh import write_bvh
from .convert import as_array as _array
from .convert import infer_representation as _infer_representation
from .convert import to_joints as as_joints
from .skeleton import FPS, REST_OFFSETS


def export_joints(motion: Any, path: str | Path, *, representation: str | None = None) -> Path:
    """Save joint positions (t, 22, 3) float32, metres, y up (converted from features when needed; representation
    forces the reading, as in `convert.to_joints`)."""
    path = Path(path)
    np.save(path, as_joints(motion, representation))
    return path


def export_features(features: Any, path: str | Path) -> Path:
    """Save raw (not normalised) features (t, 263) or (t, 135) float32 as `.npy`."""
    feats = _array(features)
    if feats.ndim != 2 or feats.shape[1] not in (263, 135):
        raise ValueError(f"features: expected (t, 263) HumanML3D or (t, 135) SMPL-D135 features, got {feats.shape}")
    if not np.isfinite(feats).all():
        frame = int(np.argwhere(~np.isfinite(feats))[0, 0])
        raise ValueError(f"features: NaN or inf at frame {frame}; nothing written to {path}")
    path = Path(path)
    np.save(path, feats)
    return path


def export_bvh(motion: Any, path: str | Path, *, representation: str | None = None, fps: float = FPS) -> Path:
    """Write a BVH (centimetres, ZYX Euler channels, joint names of `skeleton.JOINT_NAMES`).

    motion: SMPL-D135 features (rotations used directly), HumanML3D features or joints (t, 22, 3) (rotations from
    inverse kinematics). representation: force the reading of `motion` ('joints', 'humanml263', 'smpl_d135').
    """
    if hasattr(motion, "representation") and hasattr(motion, "motion"):  # MotionRecord
        representation, fps, motion = motion.representation, motion.fps, motion.motion
    arr = _array(motion)
    kind = _infer_representation(arr, representation)
    if kind == "smpl_d135":
        from .d135 import rotations_from_d135

        root, rots = rotations_from_d135(arr.astype(np.float64))
        return write_bvh(path, local_rotations=rots, root_positions=root, offsets=REST_OFFSETS, fps=fps)
    from .ik import inverse_kinematics

    ik = inverse_kinematics(as_joints(arr))
    return write_bvh(path, local_rotations=ik.local_rotations, root_positions=ik.root_positions, offsets=ik.offsets,
                     fps=fps)


def export_motion(motion: Any, folder: str | Path, name: str = "motion", *, representation: str | None = None,
                  fps: float = FPS, bvh: bool = True) -> dict[str, Path]:
    """Write `<name>.joints.npy`, `<name>.features.npy` (when `motion` is features) and `<name>.bvh` into `folder`;
    returns {"joints": path, "features": path, "bvh": path} for what was written. The files land together or not at
    all: they are written into a hidden temporary folder first (a BVH that fails leaves no joints without it).
    name: a plain file name stem (no folders, so nothing is written outside `folder`)."""
    import os
    import shutil

    from ..atomic_dirs import temporary_sibling

    if not isinstance(name, str) or not name.strip() or name in (".", "..") or any(c in name for c in "/\\\0"):
        raise ValueError(f"name: expected a plain file name stem without folders, got {name!r}")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(f"folder: {folder} (or a folder above it) is a file; export into a folder") from None
    if hasattr(motion, "representation") and hasattr(motion, "motion"):
        representation, fps, motion = motion.representation, motion.fps, motion.motion
    arr = _array(motion)
    kind = _infer_representation(arr, representation)
    staging = temporary_sibling(folder / name, "export")
    staging.mkdir()
    try:
        out = {"joints": export_joints(arr, staging / f"{name}.joints.npy", representation=kind)}
        if kind != "joints":
            out["features"] = export_features(arr, staging / f"{name}.features.npy")
        if bvh:
            out["bvh"] = export_bvh(arr, staging / f"{name}.bvh", representation=kind, fps=fps)
        for key, path in out.items():
            out[key] = folder / path.name
            os.replace(path, out[key])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
