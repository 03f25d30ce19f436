"""Rotation conversions: the one home for rotation math in being-kit.

Array-namespace agnostic where it matters: functions marked "numpy or torch" take either and return the same kind,
so the feature decoder can run inside a training graph. Quaternions are (w, x, y, z); matrices act on column vectors;
continuous 6D (Zhou et al. 2019) is the first two matrix columns, as HumanML3D stores it.
"""
from __future__ import annotations

import numpy as np

import importlib
import sys


class _LazyTorch:
    """torch, imported on first use: numpy-only callers (corpus building, importers) never pay its 1 s import."""

    def __getattr__(self, name: str):
        return getattr(importlib.import_module("torch"), name)


torch = _LazyTorch()


def _is_torch(x) -> bool:
    # A tensor can only exist once torch is imported, so an unimported torch means "not a tensor".
    mod = sys.modules.get("torch")
    return mod is not None and isinstance(x, mod.Tensor)


def _stack(xs, axis: int):
    return torch.stack(xs, dim=axis) if _is_torch(xs[0]) else np.stack(xs, axis=axis)


def _cat(xs, axis: int):
    return torch.cat(xs, dim=axis) if _is_torch(xs[0]) else np.concatenate(xs, axis=axis)


def _norm(x, axis: int = -1, keepdims: bool = True):
    if _is_torch(x):
        return torch.linalg.norm(x, dim=axis, keepdim=keepdims)
    if axis == -1 and x.shape[-1] in (3, 4):  # numpy reduces tiny last axes slowly; sum the components instead
        sq = x[..., 0] * x[..., 0] + x[..., 1] * x[..., 1] + x[..., 2] * x[..., 2]
        if x.shape[-1] == 4:
            sq = sq + x[..., 3] * x[..., 3]
        n = np.sqrt(sq)
        return n[..., None] if keepdims else n
    return np.linalg.norm(x, axis=axis, keepdims=keepdims)


def _dot3(a, b):
    """Row-wise dot product of (..., 3) vectors, without a slow reduction over the tiny last axis."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def _cross(a, b):
    if _is_torch(a) or _is_torch(b):
        return torch.linalg.cross(*torch.broadcast_tensors(torch.as_tensor(a), torch.as_tensor(b)), dim=-1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def axis_angle_to_matrix(axis_angle: np.ndarray) -> np.ndarray:
    """(..., 3) rotation vectors (radians) to (..., 3, 3) matrices; numpy or torch (Rodrigues)."""
    angle = _norm(axis_angle)
    safe = angle + 1e-12
    k = axis_angle / safe
    kx, ky, kz = k[..., 0], k[..., 1], k[..., 2]
    zero = kx * 0
    K = _stack([_stack([zero, -kz, ky], -1), _stack([kz, zero, -kx], -1), _stack([-ky, kx, zero], -1)], -2)
    a = angle[..., None]
    eye = torch.eye(3, dtype=axis_angle.dtype, device=axis_angle.device) if _is_torch(axis_angle) else np.eye(3, dtype=axis_angle.dtype)
    sin, cos = (torch.sin, torch.cos) if _is_torch(a) else (np.sin, np.cos)
    return eye + sin(a) * K + (1 - cos(a)) * (K @ K)


def matrix_to_rot6d(mat):
    """(..., 3, 3) to (..., 6): first column then second column; numpy or torch."""
    return _cat([mat[..., :, 0], mat[..., :, 1]], -1)


def rot6d_to_matrix(d6):
    """(..., 6) to (..., 3, 3) by Gram-Schmidt; numpy or torch. Inverse of `matrix_to_rot6d` on rotations."""
    a1, a2 = d6[..., :3], d6[..., 3:6]
    b1 = a1 / (_norm(a1) + 1e-8)
    b2 = a2 - (b1 * a2).sum(-1)[..., None] * b1
    b2 = b2 / (_norm(b2) + 1e-8)
    b3 = _cross(b1, b2)
    return _stack([b1, b2, b3], -1)


def quat_to_matrix(q):
    """(..., 4) unit quaternions (w, x, y, z) to (..., 3, 3); numpy or torch."""
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    rows = [
        _stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
        _stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
        _stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
    ]
    return _stack(rows, -2)


def matrix_to_quat(m: np.ndarray) -> np.ndarray:
    """(..., 3, 3) rotation matrices to (..., 4) unit quaternions (w, x, y, z) with w >= 0; numpy."""
    m = np.asarray(m)
    tr = m[..., 0, 0] + m[..., 1, 1] + m[..., 2, 2]
    cands = np.stack(
        [
            np.stack([1 + tr, m[..., 2, 1] - m[..., 1, 2], m[..., 0, 2] - m[..., 2, 0], m[..., 1, 0] - m[..., 0, 1]], -1),
            np.stack([m[..., 2, 1] - m[..., 1, 2], 1 + m[..., 0, 0] - m[..., 1, 1] - m[..., 2, 2], m[..., 0, 1] + m[..., 1, 0], m[..., 0, 2] + m[..., 2, 0]], -1),
            np.stack([m[..., 0, 2] - m[..., 2, 0], m[..., 0, 1] + m[..., 1, 0], 1 - m[..., 0, 0] + m[..., 1, 1] - m[..., 2, 2], m[..., 1, 2] + m[..., 2, 1]], -1),
            np.stack([m[..., 1, 0] - m[..., 0, 1], m[..., 0, 2] + m[..., 2, 0], m[..., 1, 2] + m[..., 2, 1], 1 - m[..., 0, 0] - m[..., 1, 1] + m[..., 2, 2]], -1),
        ],
        -2,
    )  # (..., 4, 4): each row is 4*q*q_k for the k-th largest-component choice
    diag = np.stack([1 + tr, 1 + m[..., 0, 0] - m[..., 1, 1] - m[..., 2, 2], 1 - m[..., 0, 0] + m[..., 1, 1] - m[..., 2, 2], 1 - m[..., 0, 0] - m[..., 1, 1] + m[..., 2, 2]], -1)
    best = np.argmax(diag, axis=-1)
    q = np.take_along_axis(cands, best[..., None, None].repeat(4, -1), -2)[..., 0, :]
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    return np.where(q[..., :1] < 0, -q, q)


def quat_mul(a, b):
    """Hamilton product of (..., 4) quaternions; numpy or torch."""
    aw, ax, ay, az = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bw, bx, by, bz = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return _stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        -1,
    )


def quat_conj(q):
    """Conjugate (the inverse of a unit quaternion); numpy or torch."""
    return _cat([q[..., :1], -q[..., 1:]], -1)


def quat_rotate(q, v):
    """Rotate (..., 3) vectors by (..., 4) unit quaternions; numpy or torch."""
    qv = q[..., 1:]
    t = 2 * _cross(qv, v)
    return v + q[..., :1] * t + _cross(qv, t)


def yaw_matrix(angle):
    """(...,) angles (radians) about +y to (..., 3, 3) matrices; numpy."""
    c, s = np.cos(angle), np.sin(angle)
    z, o = np.zeros_like(angle), np.ones_like(angle)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def quat_between(v0, v1):
    """Unit quaternion rotating (..., 3) directions v0 onto v1 by the shortest arc; numpy or torch."""
    v = _cross(v0, v1)
    w = (_dot3(v0, v0) * _dot3(v1, v1)) ** 0.5 + _dot3(v0, v1)
    q = _cat([w[..., None], v], -1)
    n = _norm(q)
    if _is_torch(q):
        opposite = n[..., 0] < 1e-6
        if bool(opposite.any()):
            q = torch.where(opposite[..., None], _half_turn_about_perpendicular(v0), q)
            n = _norm(q)
        return q / n
    opposite = n[..., 0] < 1e-6  # v0 and v1 point in opposite directions: any perpendicular axis, half a turn
    if opposite.any():
        q = np.where(opposite[..., None], _half_turn_about_perpendicular(np.broadcast_to(v0, q.shape[:-1] + (3,))), q)
        n = _norm(q)
    return q / n


def _half_turn_about_perpendicular(v):
    """(..., 4) quaternions of a 180-degree turn about an axis perpendicular to (..., 3) vectors v."""
    if _is_torch(v):
        ex = torch.zeros_like(v)
        ex[..., 0] = 1
        ey = torch.zeros_like(v)
        ey[..., 1] = 1
        axis = _cross(v, ex)
        axis = torch.where((_norm(axis) < 1e-6), _cross(v, ey), axis)
        return _cat([torch.zeros_like(v[..., :1]), axis / _norm(axis)], -1)
    v = np.asarray(v)
    axis = _cross(v, np.broadcast_to(np.array([1.0, 0.0, 0.0], dtype=v.dtype), v.shape))
    axis = np.where(_norm(axis) < 1e-6, _cross(v, np.broadcast_to(np.array([0.0, 1.0, 0.0], dtype=v.dtype), v.shape)), axis)
    return np.concatenate([np.zeros_like(v[..., :1]), axis / _norm(axis)], -1)


def quat_from_yaw(angle):
    """(...,) rotation angles about +y (radians) to (..., 4) quaternions; numpy or torch."""
    half = angle / 2
    sin, cos = (torch.sin, torch.cos) if _is_torch(angle) else (np.sin, np.cos)
    zero = angle * 0
    return _stack([cos(half), zero, sin(half), zero], -1)


# --- Euler angles (BVH channels). Added by the corpora/BVH helper; separate functions, numpy only. ---
_AXIS = {"X": 0, "Y": 1, "Z": 2}


def _check_order(order: str) -> tuple[int, int, int]:
    order = order.upper()
    if len(order) != 3 or set(order) != {"X", "Y", "Z"}:
        raise ValueError(f"rotation order must be a permutation of 'XYZ' (Tait-Bryan, as BVH uses), got {order!r}")
    return _AXIS[order[0]], _AXIS[order[1]], _AXIS[order[2]]


def _axis_matrix(axis: int, angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    m = np.zeros(angle.shape + (3, 3), dtype=np.result_type(angle, np.float32))
    i, j = (axis + 1) % 3, (axis + 2) % 3
    m[..., axis, axis] = 1
    m[..., i, i] = c
    m[..., j, j] = c
    m[..., i, j] = -s
    m[..., j, i] = s
    return m


def euler_to_matrix(angles: np.ndarray, order: str = "ZYX") -> np.ndarray:
    """(..., 3) angles in radians, angles[..., k] about axis order[k], to (..., 3, 3) matrices; numpy.

    R = R_order[0] @ R_order[1] @ R_order[2] (intrinsic rotations in the listed order): the BVH convention, where
    a joint with channels `Zrotation Yrotation Xrotation` has order "ZYX".
    """
    axes = _check_order(order)
    angles = np.asarray(angles)
    if angles.shape[-1:] != (3,):
        raise ValueError(f"angles: expected (..., 3), got {angles.shape}")
    m0, m1, m2 = (_axis_matrix(a, angles[..., k]) for k, a in enumerate(axes))
    return m0 @ m1 @ m2


def matrix_to_euler(mat: np.ndarray, order: str = "ZYX") -> np.ndarray:
    """(..., 3, 3) rotation matrices to (..., 3) angles in radians for `order`; inverse of `euler_to_matrix`.

    The middle angle is in [-pi/2, pi/2]; at gimbal lock (middle angle +-pi/2) the last angle is set to 0.
    """
    i, j, k = _check_order(order)
    m = np.asarray(mat)
    s = 1.0 if (j - i) % 3 == 1 else -1.0  # even permutation of XYZ -> +1
    sb = np.clip(s * m[..., i, k], -1.0, 1.0)
    b = np.arcsin(sb)
    cb = np.sqrt(np.maximum(m[..., i, i] ** 2 + m[..., i, j] ** 2, 0.0))
    locked = cb < 1e-6
    a = np.where(locked, np.arctan2(s * m[..., k, j], m[..., j, j]), np.arctan2(-s * m[..., j, k], m[..., k, k]))
    c = np.where(locked, 0.0, np.arctan2(-s * m[..., i, j], m[..., i, i]))
    return np.stack([a, b, c], -1)


def heading_angle(mat):
    """Yaw (radians about +y) of where (..., 3, 3) rotations send +z, projected on the floor; numpy or torch.

    Zero for a body facing +z; positive turns towards +x. Used to express root velocities in the facing frame.
    """
    forward_x, forward_z = mat[..., 0, 2], mat[..., 2, 2]
    return torch.atan2(forward_x, forward_z) if _is_torch(mat) else np.arctan2(forward_x, forward_z)


def mirror_rot6d(d6):
    """Mirror (..., 6) continuous-6D rotations through the x = 0 plane (R -> M R M, M = diag(-1, 1, 1)); numpy or torch.

    Column 1 becomes (x, -y, -z), column 2 becomes (-x, y, z). An involution, exact in floating point.
    """
    sign = (1.0, -1.0, -1.0, -1.0, 1.0, 1.0)
    if _is_torch(d6):
        return d6 * torch.tensor(sign, dtype=d6.dtype, device=d6.device)
    return d6 * np.asarray(sign, dtype=d6.dtype)


def quat_to_rot6d(q):
    """(..., 4) unit quaternions (w, x, y, z) to continuous 6D (..., 6); numpy or torch.

    Equals matrix_to_rot6d(quat_to_matrix(q)) but computes only the two needed columns, in one stack.
    """
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    xx, yy, zz = x * x, y * y, z * z
    xy, xz, yz, wx, wy, wz = x * y, x * z, y * z, w * x, w * y, w * z
    return _stack(
        [1 - 2 * (yy + zz), 2 * (xy + wz), 2 * (xz - wy), 2 * (xy - wz), 1 - 2 * (xx + zz), 2 * (yz + wx)],
        -1,
    )
