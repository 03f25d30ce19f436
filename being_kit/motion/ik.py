"""Inverse kinematics on the 22-joint skeleton: joint positions -> local rotations for animation tools (BVH).

HumanML3D stores joint positions; its 6D rotation features are not usable as joint rotations in animation tools, so
export goes through this IK instead. Per frame, each joint's global rotation turns its rest-pose child offsets
(`skeleton.REST_DIRECTIONS`: a natural standing body) onto the observed child bones:
- joints with several children (pelvis: hips + spine; spine3: neck + collars) fit all child directions at once
  (Kabsch/SVD, weighted), which fixes facing and twist;
- joints with one child take the parent's global rotation and add the shortest arc onto the bone (no extra twist);
- leaves (feet, head, wrists) keep their parent's rotation.
Offsets are the rest directions scaled by each bone's mean observed length, so forward kinematics with the returned
offsets reproduces the bone directions exactly and the joints up to the non-rigidity of the multi-child fits
(zero for data made by forward kinematics).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .kinematics import forward_kinematics
from .rotations import quat_between, quat_to_matrix
from .skeleton import NUM_JOINTS, PARENTS, REST_DIRECTIONS

_CHILDREN: tuple[tuple[int, ...], ...] = tuple(tuple(c for c, p in enumerate(PARENTS) if p == j) for j in range(NUM_JOINTS))


class IKResult(NamedTuple):
    """root_positions (t, 3) metres; local_rotations (t, 22, 3, 3) (root's is global); offsets (22, 3) metres."""

    root_positions: np.ndarray
    local_rotations: np.ndarray
    offsets: np.ndarray


def bone_offsets(joints: np.ndarray) -> np.ndarray:
    """(t, 22, 3) joints -> (22, 3) rest offsets: each bone's rest direction times its mean length over time."""
    lengths = np.stack([np.linalg.norm(joints[:, j] - joints[:, p], axis=-1).mean() if p >= 0 else 0.0
                        for j, p in enumerate(PARENTS)])
    return (REST_DIRECTIONS * lengths[:, None]).astype(np.float64)


def _kabsch(rest: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Rotations R (t, 3, 3) minimising sum_i |R rest_i - observed_i|^2; rest (n, 3), observed (t, n, 3)."""
    h = np.einsum("ni,tnj->tij", rest, observed)  # covariance rest^T observed
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.swapaxes(vt, -1, -2) @ np.swapaxes(u, -1, -2)))
    fix = np.ones(u.shape[:-1])
    fix[..., -1] = d
    return np.swapaxes(vt, -1, -2) @ (fix[..., None] * np.swapaxes(u, -1, -2))


def inverse_kinematics(joints: np.ndarray) -> IKResult:
    """Joint positions (t, 22, 3), metres, y up -> `IKResult` such that
    `forward_kinematics(root_positions, local_rotations, offsets)` reproduces `joints`."""
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[1:] != (NUM_JOINTS, 3):
        raise ValueError(f"joints: expected (t, {NUM_JOINTS}, 3) positions, got {joints.shape}")
    if not np.isfinite(joints).all():
        raise ValueError("joints: contains NaN or inf")
    t = len(joints)
    offsets = bone_offsets(joints)
    glob = np.zeros((t, NUM_JOINTS, 3, 3))
    for j in range(NUM_JOINTS):  # parents come first in SMPL order
        children = _CHILDREN[j]
        parent_rot = glob[:, PARENTS[j]] if PARENTS[j] >= 0 else np.broadcast_to(np.eye(3), (t, 3, 3))
        if len(children) >= 2:
            rest = REST_DIRECTIONS[list(children)].astype(np.float64)
            obs = joints[:, list(children)] - joints[:, j : j + 1]
            obs = obs / np.maximum(np.linalg.norm(obs, axis=-1, keepdims=True), 1e-9)
            glob[:, j] = _kabsch(rest, obs)
        elif len(children) == 1:
            c = children[0]
            current = np.einsum("tij,j->ti", parent_rot, REST_DIRECTIONS[c].astype(np.float64))
            target = joints[:, c] - joints[:, j]
            target = target / np.maximum(np.linalg.norm(target, axis=-1, keepdims=True), 1e-9)
            with np.errstate(invalid="ignore", divide="ignore"):  # opposite vectors: NaN, replaced below
                q = quat_between(current, target)
            bad = ~np.isfinite(q).all(-1)
            if bad.any():  # bone exactly opposite its rest direction: half a turn about a perpendicular axis
                axis = np.cross(current[bad], [1.0, 0.0, 0.0])
                weak = np.linalg.norm(axis, axis=-1) < 1e-6
                axis[weak] = np.cross(current[bad][weak], [0.0, 0.0, 1.0])
                axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
                q[bad] = np.concatenate([np.zeros((len(axis), 1)), axis], -1)
            glob[:, j] = quat_to_matrix(q) @ parent_rot
        else:
            glob[:, j] = parent_rot
    local = glob.copy()
    for j in range(1, NUM_JOINTS):
        local[:, j] = np.swapaxes(glob[:, PARENTS[j]], -1, -2) @ glob[:, j]
    return IKResult(joints[:, 0].copy(), local, offsets)


def ik_error(joints: np.ndarray, result: IKResult | None = None) -> float:
    """Largest joint distance (metres) between `joints` and forward kinematics of their IK solution."""
    result = result or inverse_kinematics(joints)
    recon = forward_kinematics(result.root_positions, result.local_rotations, result.offsets)
    return float(np.linalg.norm(recon - np.asarray(joints, dtype=np.float64), axis=-1).max())
