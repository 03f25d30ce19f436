"""motion.pose_augment: the trunk, head and arms move rigidly (every bone keeps its length) while the pelvis, legs
and path stay; the lean goes the way it says; elbows stay within their range; a pose reaching below the feet is
refused; bad input is named."""
import numpy as np
import pytest

from being_kit.data.synthetic import generate_joints
from being_kit.motion.features import GROUPS, features_from_joints, joints_from_features
from being_kit.motion.pose_augment import (ELBOW_FLEXION_DEG, UPPER_BODY, PoseVariation, vary_joints, vary_pose)
from being_kit.motion.skeleton import JOINT_INDEX, PARENTS

LEGS = [JOINT_INDEX[n] for n in ("pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee",
                                 "left_ankle", "right_ankle", "left_foot", "right_foot")]


@pytest.fixture(scope="module")
def walker():
    return generate_joints(270).joints  # walk a circle, lunge: travels and turns


def _bones(j: np.ndarray) -> np.ndarray:
    return np.linalg.norm(j[:, 1:] - j[:, list(PARENTS[1:])], axis=-1)


def _flexion(j: np.ndarray, side: str) -> np.ndarray:
    s, e, w = (JOINT_INDEX[f"{side}_{n}"] for n in ("shoulder", "elbow", "wrist"))
    u, f = j[:, e] - j[:, s], j[:, w] - j[:, e]
    cos = (u * f).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(f, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_upper_body_moves_rigidly_and_the_legs_stay(walker, seed):
    varied = vary_joints(walker, np.random.default_rng(seed))
    np.testing.assert_array_equal(varied[:, LEGS], walker[:, LEGS])
    np.testing.assert_allclose(_bones(varied), _bones(walker), atol=1e-5)
    assert np.abs(varied[:, UPPER_BODY] - walker[:, UPPER_BODY]).max() > 0.1  # and it did move
    for side in ("left", "right"):  # within the elbow's range (a little slack: the range is met at the hinge)
        assert ELBOW_FLEXION_DEG[0] - 0.5 <= _flexion(varied, side).min()
        assert _flexion(varied, side).max() <= ELBOW_FLEXION_DEG[1] + 0.5
    again = vary_joints(walker, np.random.default_rng(seed))
    np.testing.assert_array_equal(varied, again)  # the rng decides everything


def test_a_forward_lean_carries_the_head_forwards(walker):
    # a lean of exactly 40 degrees forwards (the range [-lean_back, lean_forward] shut to one value), nothing else
    still = PoseVariation(lean_forward=40.0, lean_back=-40.0, lean_side=0.0, head_down=0.0, head_up=0.0, arm=0.0,
                          elbow=0.0, wobble=0.0)
    varied = vary_joints(walker, np.random.default_rng(0), still)
    head, spine1 = JOINT_INDEX["head"], JOINT_INDEX["spine1"]
    lateral = walker[:, JOINT_INDEX["left_hip"]] - walker[:, JOINT_INDEX["right_hip"]]
    forward = np.cross(lateral * [1, 0, 1], [0.0, 1.0, 0.0])
    forward /= np.linalg.norm(forward, axis=-1, keepdims=True)
    ahead = lambda j: ((j[:, head] - j[:, spine1]) * forward).sum(-1)  # noqa: E731
    up = lambda j: j[:, head, 1] - j[:, spine1, 1]  # noqa: E731
    assert (ahead(varied) - ahead(walker)).min() > 0.15  # the head is well ahead of where it was (the lunge leans)
    assert (up(varied) < up(walker) - 0.05).all()  # and lower


def test_varied_features_keep_the_legs_path_and_contacts(walker):
    f = features_from_joints(walker)
    varied = vary_pose(f, np.random.default_rng(0))
    assert varied.shape == (len(f) - 1, 263)  # features made afresh from t joint frames: t - 1 rows
    jv, jf = joints_from_features(varied), joints_from_features(f)[: len(varied)]
    rel = lambda j: np.linalg.norm(j[:, LEGS] - j[:, :1], axis=-1)  # noqa: E731
    np.testing.assert_allclose(rel(jv), rel(jf), atol=3e-3)
    np.testing.assert_allclose(varied[:, 3], f[: len(varied), 3], atol=2e-3)  # pelvis height
    np.testing.assert_array_equal(varied[:, GROUPS["foot_contact"]], f[:-1, GROUPS["foot_contact"]])
    assert np.abs(varied[:, GROUPS["ric"]] - f[:-1, GROUPS["ric"]]).max() > 0.05


def test_a_pose_reaching_below_the_feet_is_refused(walker):
    low = walker.copy()
    above_knees = [j for j in range(22) if j not in (4, 5, 7, 8, 10, 11)]
    low[:, above_knees, 1] -= 0.6  # a body sunk down to its knees (the legs need not keep their length here)
    # a trunk folded 160 degrees forwards: standing, the head stays off the floor; sunk, it goes through
    bow = PoseVariation(lean_forward=160.0, lean_back=-160.0, lean_side=0.0, arm=0.0, elbow=0.0, wobble=0.0)
    assert vary_pose(features_from_joints(low), np.random.default_rng(0), bow) is None  # hands through the floor
    assert vary_pose(features_from_joints(walker), np.random.default_rng(0), bow) is not None  # standing: they clear


def test_bad_input_is_named(walker):
    with pytest.raises(ValueError, match="features: expected"):
        vary_pose(np.zeros((10, 100)), np.random.default_rng(0))
    with pytest.raises(ValueError, match="features: expected"):
        vary_pose(np.zeros((1, 263)), np.random.default_rng(0))
    with pytest.raises(ValueError, match="joints: expected"):
        vary_joints(walker[:, :21], np.random.default_rng(0))
