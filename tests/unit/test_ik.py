"""being_kit.motion.ik: joint positions -> local rotations that forward kinematics turns back into the joints."""
import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.motion.features import features_from_joints, joints_from_features
from being_kit.motion.ik import bone_offsets, ik_error, inverse_kinematics
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.skeleton import REST_OFFSETS


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ik_reproduces_fk_joints(seed):
    joints, _, _ = fk_motion(50, seed=seed)
    res = inverse_kinematics(joints)
    assert res.local_rotations.shape == (50, 22, 3, 3) and res.root_positions.shape == (50, 3)
    assert ik_error(joints, res) < 1e-4
    rot = res.local_rotations
    assert np.allclose(rot @ np.swapaxes(rot, -1, -2), np.eye(3), atol=1e-6)  # proper rotations
    assert np.allclose(np.linalg.det(rot), 1.0, atol=1e-6)


def test_offsets_are_rest_directions_with_measured_lengths():
    joints, _, _ = fk_motion(20)
    assert np.allclose(bone_offsets(joints), REST_OFFSETS, atol=1e-5)


def test_ik_on_humanml3d_feature_roundtrip_joints():
    joints, _, _ = fk_motion(60, seed=3)
    recovered = joints_from_features(features_from_joints(joints))  # what HumanML3D data gives us: positions only
    assert ik_error(recovered) < 1e-3


def test_ik_handles_a_bone_opposite_its_rest_direction():
    joints, _, _ = fk_motion(10)
    joints = joints.copy()
    knee, ankle = joints[:, 4].copy(), joints[:, 7]
    joints[:, 7] = knee + (knee - ankle)  # shin pointing straight back up
    joints[:, 10] = joints[:, 7] + (joints[:, 10] - ankle)
    res = inverse_kinematics(joints)
    assert np.isfinite(res.local_rotations).all()
    recon = forward_kinematics(res.root_positions, res.local_rotations, res.offsets)
    assert np.linalg.norm(recon[:, 7] - joints[:, 7], axis=-1).max() < 0.02


def test_ik_rejects_bad_shapes():
    with pytest.raises(ValueError, match="joints"):
        inverse_kinematics(np.zeros((5, 21, 3)))
    with pytest.raises(ValueError, match="NaN"):
        inverse_kinematics(np.full((2, 22, 3), np.nan))
