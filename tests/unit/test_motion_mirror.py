"""Mirroring: joints, 263-d features (direct, consistent with mirroring the joints), D135, captions."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

import being_kit.motion.features as features_module
from being_kit.bench.features import fk_motion
from being_kit.motion import (
    GROUPS,
    features_from_joints,
    features_from_rotations,
    joints_from_d135,
    joints_from_features,
    mirror_d135,
    mirror_features,
    mirror_joints,
    mirror_text,
)
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import LEFT_JOINTS, RIGHT_JOINTS, TARGET_OFFSETS

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "humanml3d"


def _joints() -> np.ndarray:
    path = FIXTURES / "new_joints" / "012314.npy"
    return np.load(path) if path.is_file() else fk_motion(1, 120, seed=11)[0]


def _symmetric_offsets() -> np.ndarray:
    sym = TARGET_OFFSETS.copy()
    for left, right in zip(LEFT_JOINTS, RIGHT_JOINTS):
        length = (np.abs(sym[left]) + np.abs(sym[right])) / 2
        sym[left], sym[right] = np.sign(sym[left]) * length, np.sign(sym[right]) * length
    return sym


def test_mirror_joints_swaps_sides_and_is_an_involution():
    joints = _joints()
    mirrored = mirror_joints(joints)
    np.testing.assert_array_equal(mirrored[:, 1, 0], -joints[:, 2, 0])  # new left hip = old right hip, x flipped
    np.testing.assert_array_equal(mirrored[:, 0, 1:], joints[:, 0, 1:])
    np.testing.assert_array_equal(mirror_joints(mirrored), joints)
    t = torch.tensor(joints)
    assert torch.equal(mirror_joints(t), torch.tensor(mirrored))


def test_mirror_features_commutes_with_decoding_exactly():
    feats = features_from_joints(_joints())
    np.testing.assert_array_equal(mirror_features(mirror_features(feats)), feats)
    np.testing.assert_allclose(joints_from_features(mirror_features(feats)), mirror_joints(joints_from_features(feats)), atol=1e-6)
    t = torch.tensor(feats)
    np.testing.assert_array_equal(mirror_features(t).numpy(), mirror_features(feats))


def test_mirror_features_equals_features_of_mirrored_joints_on_a_symmetric_skeleton(monkeypatch):
    """With left and right bones of equal length, retargeting commutes with mirroring: then the two agree exactly."""
    monkeypatch.setattr(features_module, "TARGET_OFFSETS", _symmetric_offsets())
    joints = features_module.uniform_skeleton(_joints()[None])[0]
    direct = mirror_features(features_from_joints(joints))
    via_joints = features_from_joints(mirror_joints(joints))
    for group, sl in GROUPS.items():
        assert np.abs(direct[:, sl] - via_joints[:, sl]).max() < 1e-5, group


def test_mirror_features_close_to_features_of_mirrored_joints_on_the_target_skeleton():
    """HumanML3D's target skeleton is slightly asymmetric (bones differ by up to 9 mm between sides, legs by 1.2%),
    so retargeting the mirrored joints changes the pose by 1-3 cm and scales the root path a little."""
    joints = _joints()
    direct = mirror_features(features_from_joints(joints))
    via_joints = features_from_joints(mirror_joints(joints))
    a, b = joints_from_features(direct), joints_from_features(via_joints)
    assert np.abs((a - a[:, :1]) - (b - b[:, :1])).max() < 0.04  # pose about the root, world axes
    travel = np.linalg.norm(np.diff(a[:, 0, [0, 2]], axis=0), axis=-1).sum()
    assert np.abs(a[:, 0] - b[:, 0]).max() < 0.015 * travel + 0.01  # root path: the leg-length ratio
    assert (direct[:, GROUPS["foot_contact"]] == via_joints[:, GROUPS["foot_contact"]]).mean() > 0.98


def test_mirror_d135():
    rng = np.random.default_rng(0)
    rots = axis_angle_to_matrix(rng.normal(0, 0.4, (30, 22, 3)))
    root = np.cumsum(rng.normal(0, 0.05, (30, 3)), 0) + np.array([0, 0.9, 0])
    feats = features_from_rotations(root, rots)
    np.testing.assert_array_equal(mirror_d135(mirror_d135(feats)), feats)
    sym = _symmetric_offsets()
    np.testing.assert_allclose(joints_from_d135(mirror_d135(feats), sym), mirror_joints(joints_from_d135(feats, sym)), atol=1e-5)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a man waves his left hand", "a man waves his right hand"),
        ("Left foot forward, then the right.", "Right foot forward, then the left."),
        ("TURNS LEFT", "TURNS RIGHT"),
        ("spins clockwise then counterclockwise", "spins counterclockwise then clockwise"),
        ("turns counter-clockwise", "turns clockwise"),
        ("Clockwise circle with the left-hand side", "Counterclockwise circle with the right-hand side"),
        ("the leftover step is alright", "the leftover step is alright"),
        ("left/right alternating", "right/left alternating"),
    ],
)
def test_mirror_text(text, expected):
    assert mirror_text(text) == expected


def test_mirror_bad_input():
    with pytest.raises(ValueError, match=r"joints: expected \(\.\.\., 22, 3\)"):
        mirror_joints(np.zeros((5, 21, 3)))
    with pytest.raises(ValueError, match=r"feats: expected \(\.\.\., 263\)"):
        mirror_features(np.zeros((5, 135)))
    with pytest.raises(ValueError, match="text"):
        mirror_text(None)


def test_mirror_rot6d_is_reflection_conjugation():
    from being_kit.motion.rotations import matrix_to_rot6d, mirror_rot6d, rot6d_to_matrix

    rots = axis_angle_to_matrix(np.random.default_rng(2).normal(size=(50, 3)))
    m = np.diag([-1.0, 1.0, 1.0])
    np.testing.assert_allclose(rot6d_to_matrix(mirror_rot6d(matrix_to_rot6d(rots))), m @ rots @ m, atol=1e-9)
