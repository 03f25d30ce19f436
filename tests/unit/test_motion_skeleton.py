"""being_kit.motion.skeleton: the neutral rest skeleton that forward kinematics of rotations stands on."""
from pathlib import Path

import numpy as np
import pytest

from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.skeleton import (BONE_LENGTHS, JOINT_INDEX, NUM_JOINTS, PARENTS, REST_DIRECTIONS, REST_OFFSETS,
                                       TARGET_OFFSETS)

J = JOINT_INDEX
HUMANML3D_MEAN = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "humanml3d" / "Mean.npy"
TORSO = ("left_hip", "right_hip", "spine1", "spine2", "spine3", "neck", "left_collar", "right_collar", "head",
         "left_shoulder", "right_shoulder")


def _rest_pose(offsets=REST_OFFSETS) -> np.ndarray:
    return forward_kinematics(np.zeros((1, 3)), np.tile(np.eye(3), (1, NUM_JOINTS, 1, 1)), offsets)[0]


def test_rest_offsets_keep_humanml3d_bone_lengths():
    np.testing.assert_allclose(np.linalg.norm(REST_OFFSETS, axis=1), BONE_LENGTHS, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(REST_DIRECTIONS[1:], axis=1), 1.0, atol=1e-6)


def test_rest_pose_stands_like_a_body():
    """Hips below the pelvis, collars above the chest joint, the head above and ahead of the neck, shoulders level
    to the sides, both ankles on one floor (HumanML3D's legs differ by 1 cm; the hips make up for it)."""
    p = _rest_pose()
    for side in ("left", "right"):
        assert p[J[f"{side}_hip"], 1] < p[J["pelvis"], 1] - 0.08
        assert p[J[f"{side}_collar"], 1] > p[J["spine3"], 1] + 0.1
        sign = 1 if side == "left" else -1
        assert sign * (p[J[f"{side}_shoulder"], 0] - p[J[f"{side}_collar"], 0]) > 0.1
        assert abs(p[J[f"{side}_shoulder"], 1] - p[J[f"{side}_collar"], 1]) < 0.02
    assert p[J["head"], 1] > p[J["neck"], 1] + 0.03 and p[J["head"], 2] > p[J["neck"], 2] + 0.05
    assert abs(p[J["left_ankle"], 1] - p[J["right_ankle"], 1]) < 1e-6
    # HumanML3D's axis-aligned offsets have the hips and collars level with the pelvis and chest: not a body
    t = _rest_pose(TARGET_OFFSETS)
    assert abs(t[J["left_hip"], 1] - t[J["pelvis"], 1]) < 1e-6 and abs(t[J["left_collar"], 1] - t[J["spine3"], 1]) < 1e-6


def test_rest_directions_are_left_right_mirrors_above_the_hips():
    for left in ("collar", "shoulder", "knee", "ankle", "foot", "elbow", "wrist"):
        a, b = REST_DIRECTIONS[J[f"left_{left}"]], REST_DIRECTIONS[J[f"right_{left}"]]
        np.testing.assert_allclose(a, b * [-1, 1, 1], atol=1e-6)
    for j in ("spine1", "spine2", "spine3", "neck", "head"):
        assert REST_DIRECTIONS[J[j], 0] == 0.0


@pytest.mark.skipif(not HUMANML3D_MEAN.is_file(), reason="../shared/fixtures/humanml3d absent")
def test_torso_directions_match_humanml3d_mean_pose():
    """The torso's rest directions are the mean pose's of HumanML3D (within 6 degrees; the hips moved 2 degrees to
    level the ankles); HumanML3D's own axis-aligned offsets are 30-90 degrees off for collars, hips and head."""
    mean = np.load(HUMANML3D_MEAN)
    pose = np.concatenate([[[0.0, float(mean[3]), 0.0]], mean[4:67].reshape(21, 3)])
    bones = pose[1:] - pose[list(PARENTS[1:])]
    bones /= np.linalg.norm(bones, axis=1, keepdims=True)

    def angle(directions, joint):
        return np.degrees(np.arccos(np.clip(directions[J[joint]] @ bones[J[joint] - 1], -1, 1)))

    raw = TARGET_OFFSETS / np.maximum(np.linalg.norm(TARGET_OFFSETS, axis=1, keepdims=True), 1e-9)
    for joint in TORSO:
        assert angle(REST_DIRECTIONS, joint) < 6, joint
    assert min(angle(raw, j) for j in ("left_hip", "left_collar", "head", "spine1")) > 20
