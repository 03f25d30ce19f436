"""Forward kinematics on the 22-joint skeleton: local rotations plus root path to joint positions."""
from __future__ import annotations

import numpy as np

from .skeleton import NUM_JOINTS, PARENTS, REST_OFFSETS


def forward_kinematics(
    root_position: np.ndarray,
    local_rotations: np.ndarray,
    offsets: np.ndarray = REST_OFFSETS,
) -> np.ndarray:
    """Joint positions from per-joint local rotation matrices.

    root_position: (..., t, 3) pelvis position in metres. local_rotations: (..., t, 22, 3, 3), joint i's rotation
    relative to its parent (joint 0's is the global root orientation). offsets: (22, 3) rest-pose bone vectors.
    Returns (..., t, 22, 3). Vectorised over frames and batches; the only loop is over the 22 joints' depth order.
    """
    if local_rotations.shape[-3:] != (NUM_JOINTS, 3, 3):
        raise ValueError(f"local_rotations: expected (..., t, {NUM_JOINTS}, 3, 3), got {local_rotations.shape}")
    if root_position.shape[-1] != 3 or root_position.shape[:-1] != local_rotations.shape[:-3]:
        raise ValueError(f"root_position: expected {local_rotations.shape[:-3] + (3,)}, got {root_position.shape}")
    offsets = np.asarray(offsets, dtype=local_rotations.dtype)
    global_rot = [None] * NUM_JOINTS
    joints = [None] * NUM_JOINTS
    global_rot[0] = local_rotations[..., 0, :, :]
    joints[0] = root_position
    for j in range(1, NUM_JOINTS):
        p = PARENTS[j]
        global_rot[j] = global_rot[p] @ local_rotations[..., j, :, :]
        joints[j] = joints[p] + np.einsum("...ij,j->...i", global_rot[p], offsets[j])
    return np.stack(joints, axis=-2)


def global_rotations(local_rotations: np.ndarray) -> np.ndarray:
    """(..., 22, 3, 3) local rotations to global (world) rotations, parent before child."""
    out = [None] * NUM_JOINTS
    out[0] = local_rotations[..., 0, :, :]
    for j in range(1, NUM_JOINTS):
        out[j] = out[PARENTS[j]] @ local_rotations[..., j, :, :]
    return np.stack(out, axis=-3)
