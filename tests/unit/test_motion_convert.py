"""being_kit.motion.convert.to_joints: the one reader of joints from any representation."""
import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.data import MotionRecord
from being_kit.motion.convert import to_joints
from being_kit.motion.features import features_from_joints


def test_every_representation_and_a_record_give_the_same_joints():
    joints, _, _ = fk_motion(30, seed=1)
    feats = features_from_joints(joints)
    from_feats = to_joints(feats)
    np.testing.assert_allclose(to_joints(from_feats.reshape(len(from_feats), 66)), from_feats)
    record = MotionRecord(id="r", source="s", fps=20, representation="humanml263", motion=feats, texts=["x"])
    np.testing.assert_array_equal(to_joints(record), from_feats)
    assert to_joints(joints).dtype == np.float32 and to_joints(joints).shape == joints.shape


def test_bad_shapes_names_and_values():
    with pytest.raises(ValueError, match=r"clip: expected joints .* got shape \(10, 100\)"):
        to_joints(np.zeros((10, 100)), name="clip")
    with pytest.raises(ValueError, match=r"got shape \(10, 263\) as 'smpl_d135'"):
        to_joints(np.zeros((10, 263)), "smpl_d135")
    with pytest.raises(ValueError, match="representation: expected one of"):
        to_joints(np.zeros((10, 263)), "bvh")
    bad = np.zeros((5, 22, 3))
    bad[2, 3, 1] = np.inf
    with pytest.raises(ValueError, match="motion: contains NaN or inf"):
        to_joints(bad)
