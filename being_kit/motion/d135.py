"""SMPL-D135, the paper's rotation representation for corpora that carry SMPL-family joint rotations.

Per frame t (t frames in, t frames out), 135 numbers:
    [0:6]     root (pelvis) global orientation, continuous 6D (first two matrix columns)
    [6:8]     root xz velocity (metres per frame): pos[t] - pos[t-1] rotated into the facing frame of frame t-1
              (the frame rotated by -heading(t-1) about +y); frame 0 stores 0
    [8]       root height y (metres), as given
    [9:135]   21 joints x local rotation (relative to the parent, SMPL convention), continuous 6D, joints 1..21
heading(t) is the yaw of where the root orientation sends +z (`rotations.heading_angle`). Because frame t's velocity
uses heading(t-1), which the decoder knows from the stored orientation, integration is exact: decoding reproduces
the root path up to floating point, with the first frame's root at the xz origin.

With `canonicalize=True` (the default) the motion is first rotated about +y so that frame 0 faces +z and moved so
that frame 0's root is at the xz origin, as HumanML3D does for its features; the stored orientations are then those
of the canonical motion. Joint positions come from forward kinematics on `skeleton.REST_OFFSETS`.
"""
from __future__ import annotations

import numpy as np

from .kinematics import forward_kinematics
from .rotations import _cat, _is_torch, heading_angle, matrix_to_rot6d, mirror_rot6d, quat_from_yaw, quat_rotate, rot6d_to_matrix, yaw_matrix
from .skeleton import FPS, MIRROR_PERMUTATION, NUM_JOINTS, PARENTS, REST_OFFSETS

D135_DIM = 135
D135_GROUPS: dict[str, slice] = {
    "root_rot6d": slice(0, 6),
    "root_velocity": slice(6, 8),
    "root_height": slice(8, 9),
    "local_rot6d": slice(9, 135),
}


def _check_finite(x: np.ndarray, name: str) -> None:
    if not np.isfinite(x).all():
        raise ValueError(f"{name}: contains NaN or inf")


def features_from_rotations(
    root_positions: np.ndarray,
    local_rotations: np.ndarray,
    fps: float = FPS,
    canonicalize: bool = True,
) -> np.ndarray:
    """Root path (..., t, 3) metres, y up, and local rotation matrices (..., t, 22, 3, 3) -> D135 (..., t, 135).

    local_rotations[..., 0, :, :] is the root's global orientation; joint j's is relative to its parent (SMPL
    convention). `fps` is checked, not used: corpora are resampled to 20 fps before encoding.
    """
    if fps != FPS:
        raise ValueError(f"fps: SMPL-D135 features are defined at {FPS} fps, got {fps}; resample first")
    root_positions = np.asarray(root_positions)
    local_rotations = np.asarray(local_rotations)
    if local_rotations.ndim < 4 or local_rotations.shape[-3:] != (NUM_JOINTS, 3, 3):
        raise ValueError(f"local_rotations: expected (..., t, {NUM_JOINTS}, 3, 3) rotation matrices, got {local_rotations.shape}")
    if root_positions.shape != local_rotations.shape[:-3] + (3,):
        raise ValueError(f"root_positions: expected {local_rotations.shape[:-3] + (3,)} to match local_rotations, got {root_positions.shape}")
    if root_positions.shape[-2] < 1:
        raise ValueError("root_positions: need at least one frame")
    _check_finite(root_positions, "root_positions")
    _check_finite(local_rotations, "local_rotations")
    dtype = np.float64 if root_positions.dtype == np.float64 else np.float32
    pos = root_positions.astype(dtype, copy=True)
    rots = local_rotations.astype(dtype, copy=False)
    root_rot = rots[..., 0, :, :]
    if canonicalize:
        turn = yaw_matrix(-heading_angle(root_rot[..., 0, :, :])).astype(dtype)  # (..., 3, 3): frame 0 to +z
        pos[..., 0] -= pos[..., :1, 0]
        pos[..., 2] -= pos[..., :1, 2]
        pos = np.einsum("...ij,...tj->...ti", turn, pos)
        root_rot = turn[..., None, :, :] @ root_rot
    heading = heading_angle(root_rot)
    step = np.zeros_like(pos)
    step[..., 1:, :] = pos[..., 1:, :] - pos[..., :-1, :]
    step[..., 1:, :] = quat_rotate(quat_from_yaw(-heading[..., :-1]), step[..., 1:, :])
    lead = rots.shape[:-3]
    parts = [
        matrix_to_rot6d(root_rot),
        step[..., [0, 2]],
        pos[..., 1:2],
        matrix_to_rot6d(rots[..., 1:, :, :]).reshape(lead + (6 * (NUM_JOINTS - 1),)),
    ]
    return np.concatenate(parts, axis=-1).astype(np.float32)


def _check_d135(feats, name: str = "feats"):
    if feats.ndim < 2 or feats.shape[-1] != D135_DIM:
        raise ValueError(f"{name}: expected (..., t, {D135_DIM}) SMPL-D135 features, got {tuple(feats.shape)}")
    if not _is_torch(feats) and not np.isfinite(feats).all():  # torch: no check, it would sync the GPU every call
        raise ValueError(f"{name}: contains NaN or inf")


def rotations_from_d135(feats):
    """D135 (..., t, 135) -> (root positions (..., t, 3), local rotations (..., t, 22, 3, 3)); numpy or torch.

    The inverse of `features_from_rotations` (of its canonical motion), for export to BVH or SMPL bodies.
    """
    if not _is_torch(feats):
        feats = np.asarray(feats)
    _check_d135(feats)
    local = rot6d_to_matrix(feats[..., 9:].reshape(tuple(feats.shape[:-1]) + (NUM_JOINTS - 1, 6)))
    root_rot = rot6d_to_matrix(feats[..., 0:6])
    rots = _cat([root_rot[..., None, :, :], local], -3)
    heading = heading_angle(root_rot)
    zero = feats[..., :1, 6:7] * 0
    step_x, step_z = feats[..., 1:, 6:7], feats[..., 1:, 7:8]
    step = _cat([step_x, step_x * 0, step_z], -1)
    world = quat_rotate(quat_from_yaw(heading[..., :-1]), step)
    xz = _cat([_cat([zero, zero, zero], -1), world], -2)
    xz = _cumsum(xz, -2)
    pos = _cat([xz[..., 0:1], feats[..., 8:9], xz[..., 2:3]], -1)
    return pos, rots


def joints_from_d135(feats, offsets=REST_OFFSETS):
    """D135 (..., t, 135) -> joint positions (..., t, 22, 3) by forward kinematics on `offsets` (22, 3), metres.

    numpy in -> numpy out; torch in -> torch out (differentiable, any device).
    """
    pos, rots = rotations_from_d135(feats)
    if not _is_torch(feats):
        return forward_kinematics(pos, rots, np.asarray(offsets, dtype=rots.dtype))
    import torch

    off = torch.as_tensor(np.asarray(offsets), dtype=rots.dtype, device=rots.device)
    global_rot = [rots[..., 0, :, :]] + [None] * (NUM_JOINTS - 1)
    joints = [pos] + [None] * (NUM_JOINTS - 1)
    for j in range(1, NUM_JOINTS):  # parents come before children in SMPL order
        p = PARENTS[j]
        global_rot[j] = global_rot[p] @ rots[..., j, :, :]
        joints[j] = joints[p] + global_rot[p] @ off[j]
    return torch.stack(joints, dim=-2)


_MIRROR_LOCAL = np.asarray(MIRROR_PERMUTATION[1:]) - 1  # joint j's mirror partner, as an index into joints 1..21


def mirror_d135(feats):
    """Left/right mirror of D135 features (x -> -x, left and right joints swapped); numpy or torch, an involution.

    Consistent with `mirror.mirror_joints` on the decoded joints up to the target skeleton's small left/right
    bone-length asymmetry (exact with symmetric offsets).
    """
    if not _is_torch(feats):
        feats = np.asarray(feats)
    _check_d135(feats)
    local = feats[..., 9:].reshape(tuple(feats.shape[:-1]) + (NUM_JOINTS - 1, 6))
    local = mirror_rot6d(local[..., _MIRROR_LOCAL, :]).reshape(tuple(feats.shape[:-1]) + (6 * (NUM_JOINTS - 1),))
    return _cat([mirror_rot6d(feats[..., 0:6]), -feats[..., 6:7], feats[..., 7:9], local], -1)


def _cumsum(x, axis: int):
    if _is_torch(x):
        import torch

        return torch.cumsum(x, dim=axis)
    return np.cumsum(x, axis=axis)
