"""motion.turning: a motion turned more as it goes keeps its body and its travel in its own facing; only the heading
changes, by the turn asked for."""
import numpy as np
import pytest

from being_kit.data.synthetic import generate_joints
from being_kit.motion.features import GROUPS, features_from_joints
from being_kit.motion.turning import add_turning, turn_joints


@pytest.fixture(scope="module")
def motion():
    joints = generate_joints(270).joints  # walk a circle, lunge: it travels, turns and steps
    return joints, features_from_joints(joints)


def _facing(joints: np.ndarray) -> np.ndarray:
    """(t,) unwrapped angle of the line across the hips and shoulders about the vertical, atan2(x, z)."""
    across = joints[:, 2] - joints[:, 1] + joints[:, 17] - joints[:, 16]
    return np.unwrap(np.arctan2(across[:, 0], across[:, 2]))


def test_turned_joints_are_the_body_turned_about_its_pelvis(motion):
    joints, _ = motion
    yaw = np.radians(50) * np.sin(np.linspace(0, 4, len(joints)))
    turned = turn_joints(joints, yaw)
    # positive yaw turns the facing clockwise in atan2(x, z): the way HumanML3D's turning feature counts positive
    np.testing.assert_allclose(_facing(turned) - _facing(joints), -yaw, atol=1e-5)
    np.testing.assert_allclose(turned[..., 1], joints[..., 1], atol=1e-6)  # heights
    step = lambda j: np.linalg.norm(np.diff(j[:, 0, [0, 2]], axis=0), axis=-1)  # noqa: E731
    np.testing.assert_allclose(step(turned), step(joints), atol=1e-6)  # the pelvis covers the same ground
    body = lambda j: np.linalg.norm(j[..., [0, 2]] - j[:, :1, [0, 2]], axis=-1)  # noqa: E731
    np.testing.assert_allclose(body(turned), body(joints), atol=1e-5)  # a rigid turn about the pelvis


def test_turned_features_turn_by_the_extra_yaw_and_keep_the_body(motion):
    _, feats = motion
    yaw = np.radians(50) * np.sin(np.linspace(0, 4, len(feats)))  # left, right, left: up to 50 degrees
    turned = add_turning(feats, yaw)
    assert turned.shape == (len(feats) - 2, 263)  # rows 1 .. t-2 of the input's
    same = feats[1:-1]
    # feature 0 is HumanML3D's half-angle per frame; the heading is the body facing smoothed over 1 s, so it
    # follows the extra yaw closely but not exactly (least at the ends, where it lags)
    extra_heading, want = 2 * np.cumsum(turned[:, 0] - same[:, 0]), yaw[2:] - yaw[1]
    assert np.abs(extra_heading - want).max() < 0.25 and np.corrcoef(extra_heading, want)[0, 1] > 0.98
    assert np.abs(turned[:, GROUPS["ric"]] - same[:, GROUPS["ric"]]).mean() < 0.01  # metres: the body in its facing
    speed = lambda f: np.hypot(f[:, 1], f[:, 2])  # noqa: E731
    np.testing.assert_allclose(speed(turned), speed(same), atol=1e-5)  # travels as fast, on a bent path
    assert np.abs(turned[:, GROUPS["local_velocity"]] - same[:, GROUPS["local_velocity"]]).max() > 5e-3


def test_no_extra_turn_gives_the_features_back(motion):
    _, feats = motion
    again = add_turning(feats, np.zeros(len(feats)))
    assert np.abs(again - feats[1:-1]).max() < 1e-2  # the crop is renormalised on its own: floor, first facing
    np.testing.assert_allclose(again[:, 0], feats[1:-1, 0], atol=1e-4)


def test_a_crop_from_the_middle_turns_without_a_jump_at_its_start(motion):
    _, feats = motion
    crop = feats[60:100]
    turned = add_turning(crop, np.radians(60) / 20 * np.arange(len(crop)))  # 60 degrees per second
    rate = np.degrees(2 * turned[:, 0]) * 20
    assert np.abs(rate).max() < 200, rate[:4]  # a person's turn, not HumanML3D's first-frame convention


def test_bad_input_is_named(motion):
    _, feats = motion
    with pytest.raises(ValueError, match="features: expected"):
        add_turning(feats[:, :100], np.zeros(len(feats)))
    with pytest.raises(ValueError, match="features: expected"):
        add_turning(feats[:2], np.zeros(2))
    with pytest.raises(ValueError, match="extra_yaw: expected one angle per frame"):
        add_turning(feats, np.zeros(len(feats) - 1))
    yaw = np.zeros(len(feats))
    yaw[3] = np.nan
    with pytest.raises(ValueError, match="extra_yaw: contains NaN"):
        add_turning(feats, yaw)
