"""SMPL-D135: layout, exact round trips (rotations -> d135 -> joints, d135 -> rotations -> d135), canonical frame,
torch decoding, bad input."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from being_kit.motion import D135_DIM, features_from_rotations, forward_kinematics, joints_from_d135, rotations_from_d135
from being_kit.motion.rotations import axis_angle_to_matrix, heading_angle, rot6d_to_matrix


def _motion(batch=(2,), frames=40, seed=0):
    """Random smooth rotations (root turning and pitching) and a wandering root path, float64."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames)[:, None, None] / 20.0
    aa = rng.normal(0, 0.5, batch + (1, 22, 3)) * np.sin(2 * np.pi * rng.uniform(0.2, 1.0, batch + (1, 22, 1)) * t)
    aa[..., 0, 1] += rng.uniform(-np.pi, np.pi, batch + (1,))  # arbitrary initial heading
    rotations = axis_angle_to_matrix(aa)
    root = np.cumsum(rng.normal(0, 0.05, batch + (frames, 3)), axis=-2) + np.array([0.3, 0.9, -1.2])
    return root, rotations


def _canonical(root, rotations):
    """What features_from_rotations promises to encode: frame 0 at the xz origin, facing +z."""
    yaw = heading_angle(rotations[..., 0, 0, :, :])
    c, s = np.cos(-yaw), np.sin(-yaw)
    turn = np.zeros(yaw.shape + (3, 3))
    turn[..., 0, 0], turn[..., 0, 2], turn[..., 1, 1], turn[..., 2, 0], turn[..., 2, 2] = c, s, 1, -s, c
    pos = root - root[..., :1, :] * np.array([1.0, 0.0, 1.0])
    pos = np.einsum("...ij,...tj->...ti", turn, pos)
    rots = rotations.copy()
    rots[..., 0, :, :] = turn[..., None, :, :] @ rotations[..., 0, :, :]
    return pos, rots


def test_layout_and_shapes():
    root, rots = _motion(batch=(3,), frames=25)
    feats = features_from_rotations(root, rots)
    assert feats.shape == (3, 25, D135_DIM) and feats.dtype == np.float32
    np.testing.assert_array_equal(feats[:, 0, 6:8], 0.0)  # frame 0 has no velocity
    np.testing.assert_allclose(feats[..., 8], root[..., 1], atol=1e-6)  # height kept
    np.testing.assert_allclose(rot6d_to_matrix(feats[..., 9:15]), rots[..., 1, :, :], atol=1e-6)  # joint 1 local
    assert np.abs(heading_angle(rot6d_to_matrix(feats[:, 0, 0:6]))).max() < 1e-5  # canonical: faces +z


@pytest.mark.parametrize("batch", [(), (2,), (2, 2)])
def test_round_trip_rotations_to_joints_exact(batch):
    root, rots = _motion(batch=batch, frames=30, seed=len(batch))
    joints = joints_from_d135(features_from_rotations(root, rots))
    expected = forward_kinematics(*_canonical(root, rots))
    assert joints.shape == batch + (30, 22, 3)
    assert np.abs(joints - expected).max() < 1e-5


def test_round_trip_features_rotations_features():
    root, rots = _motion(frames=50, seed=5)
    feats = features_from_rotations(root, rots)
    pos, local = rotations_from_d135(feats)
    np.testing.assert_allclose(features_from_rotations(pos, local), feats, atol=1e-5)
    canon_pos, canon_rots = _canonical(root, rots)
    np.testing.assert_allclose(pos, canon_pos, atol=1e-5)
    np.testing.assert_allclose(local, canon_rots, atol=1e-5)


def test_without_canonicalisation_keeps_heading():
    root, rots = _motion(batch=(), frames=20, seed=2)
    feats = features_from_rotations(root, rots, canonicalize=False)
    np.testing.assert_allclose(rot6d_to_matrix(feats[:, :6]), rots[:, 0], atol=1e-6)
    joints = joints_from_d135(feats)
    expected = forward_kinematics(root - root[:1] * np.array([1.0, 0.0, 1.0]), rots)
    assert np.abs(joints - expected).max() < 1e-5


def test_velocity_is_in_the_facing_frame():
    """Walking forward along the facing direction gives +z velocity whatever the world heading."""
    frames = 10
    rots = np.broadcast_to(np.eye(3), (frames, 22, 3, 3)).copy()
    yaw = 1.0 + 0.1 * np.arange(frames)
    rots[:, 0] = axis_angle_to_matrix(np.stack([0 * yaw, yaw, 0 * yaw], -1))
    step = 0.05 * np.stack([np.sin(yaw), 0 * yaw, np.cos(yaw)], -1)
    root = np.concatenate([np.zeros((1, 3)), np.cumsum(step[:-1], 0)]) + np.array([0, 0.9, 0])
    feats = features_from_rotations(root, rots, canonicalize=False)
    np.testing.assert_allclose(feats[1:, 6], 0.0, atol=1e-6)
    np.testing.assert_allclose(feats[1:, 7], 0.05, atol=1e-6)


def test_torch_decoding_matches_numpy_and_is_differentiable():
    root, rots = _motion(frames=20, seed=4)
    feats = features_from_rotations(root, rots)
    x = torch.tensor(feats, requires_grad=True)
    joints = joints_from_d135(x)
    assert isinstance(joints, torch.Tensor) and joints.shape == (2, 20, 22, 3)
    assert np.abs(joints.detach().numpy() - joints_from_d135(feats)).max() < 1e-5
    joints.sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU")
def test_torch_decoding_on_gpu():
    feats = features_from_rotations(*_motion(frames=20, seed=6))
    joints = joints_from_d135(torch.tensor(feats, device="cuda"))
    assert joints.device.type == "cuda"
    assert np.abs(joints.cpu().numpy() - joints_from_d135(feats)).max() < 1e-4


def test_bad_input():
    root, rots = _motion(frames=10)
    with pytest.raises(ValueError, match="local_rotations: expected"):
        features_from_rotations(root, rots[..., :21, :, :])
    with pytest.raises(ValueError, match="root_positions: expected"):
        features_from_rotations(root[:, :9], rots)
    bad = root.copy()
    bad[0, 3, 1] = np.nan
    with pytest.raises(ValueError, match="root_positions: contains NaN"):
        features_from_rotations(bad, rots)
    bad = rots.copy()
    bad[1, 2, 5, 0, 0] = np.inf
    with pytest.raises(ValueError, match="local_rotations: contains NaN"):
        features_from_rotations(root, bad)
    with pytest.raises(ValueError, match="fps"):
        features_from_rotations(root, rots, fps=30)
    with pytest.raises(ValueError, match=r"feats: expected \(\.\.\., t, 135\)"):
        joints_from_d135(np.zeros((10, 263)))


def test_non_finite_features():
    feats = features_from_rotations(*_motion(frames=10))
    feats[0, 3, 20] = np.nan
    with pytest.raises(ValueError, match="feats: contains NaN or inf"):
        joints_from_d135(feats)
