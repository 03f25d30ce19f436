"""motion.tempo.retime: features of a motion played faster or slower match the features of the retimed joints."""
import numpy as np
import pytest

from being_kit.data.synthetic import generate_joints
from being_kit.motion.d135 import D135_DIM
from being_kit.motion.features import GROUPS, features_from_joints
from being_kit.motion.tempo import retime, retimed_length


def _retimed_joints(joints: np.ndarray, factor: float) -> np.ndarray:
    t = np.minimum(np.arange(retimed_length(len(joints), factor)) * factor, len(joints) - 1)
    lo = np.floor(t).astype(int)
    hi = np.minimum(lo + 1, len(joints) - 1)
    frac = (t - lo)[:, None, None]
    return joints[lo] * (1 - frac) + joints[hi] * frac


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean() / np.abs(b).mean())


@pytest.mark.parametrize("factor", [0.75, 1.4])
def test_retimed_features_match_the_features_of_retimed_joints(factor):
    joints = generate_joints(21).joints  # a jog: it travels and steps, so every velocity group is alive
    feats = features_from_joints(joints)
    truth = features_from_joints(_retimed_joints(joints, factor))
    played = retime(feats, factor)
    n = min(len(truth), len(played)) - 2  # the last frame's velocities are padding in both
    assert abs(len(played) - len(truth)) <= 1
    for group, tolerance in (("ric", 0.03), ("rot6d", 0.03), ("local_velocity", 0.08)):
        dims = GROUPS[group]
        assert _relative_error(played[:n, dims], truth[:n, dims]) < tolerance, group
    assert _relative_error(played[:n, 1:3], truth[:n, 1:3]) < 0.08  # travel per frame scales with the speed
    # without scaling the velocities the same frames are far off: the test can tell
    unscaled = retime(feats, factor)
    unscaled[:, GROUPS["local_velocity"]] /= factor
    assert _relative_error(unscaled[:n, GROUPS["local_velocity"]], truth[:n, GROUPS["local_velocity"]]) > 0.15


def test_retime_keeps_contacts_binary_and_the_identity_exact():
    feats = features_from_joints(generate_joints(1).joints)
    assert np.array_equal(retime(feats, 1.0), feats)
    contacts = retime(feats, 1.3)[:, GROUPS["foot_contact"]]
    assert set(np.unique(contacts)) <= {0.0, 1.0}
    assert len(retime(feats, 2.0)) == retimed_length(len(feats), 2.0) == (len(feats) - 1) // 2 + 1
    assert retime(feats, 0.5, frames=10).shape == (10, feats.shape[1])
    assert retime(np.ones((5, D135_DIM), np.float32), 2.0, "smpl_d135").shape == (3, D135_DIM)


def test_retime_names_what_is_wrong():
    feats = np.zeros((10, 263), np.float32)
    with pytest.raises(ValueError, match="factor"):
        retime(feats, 0.0)
    with pytest.raises(ValueError, match="factor"):
        retime(feats, float("nan"))
    with pytest.raises(ValueError, match="features.*263"):
        retime(np.zeros((10, 135)), 1.2)
    with pytest.raises(ValueError, match="features"):
        retime(np.zeros((0, 263)), 1.2)
    with pytest.raises(ValueError, match="representation"):
        retime(feats, 1.2, "smplx")
