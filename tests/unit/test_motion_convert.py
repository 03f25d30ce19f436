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


def test_batched_torch_joints_follow_the_named_representation():
    """Training losses and batched metrics read joints in the corpus's representation, never guessed by shape."""
    import torch

    from being_kit.motion.convert import to_joints_torch
    from being_kit.motion.d135 import features_from_rotations, joints_from_d135

    joints, _, _ = fk_motion(30, seed=2)
    feats = torch.as_tensor(features_from_joints(joints))[None].repeat(2, 1, 1).requires_grad_()
    out = to_joints_torch(feats, "humanml263")
    assert out.shape == (2, feats.shape[1], 22, 3)
    np.testing.assert_allclose(out[0].detach().numpy(), to_joints(feats[0].detach().numpy()), atol=1e-5)
    out.sum().backward()  # differentiable: the tokenizer's joint loss goes through it
    assert feats.grad is not None
    rng = np.random.default_rng(0)
    rots = np.tile(np.eye(3, dtype=np.float32), (12, 22, 1, 1))
    d135 = features_from_rotations(np.cumsum(rng.normal(size=(12, 3)) * 0.01, 0).astype(np.float32), rots)
    np.testing.assert_allclose(to_joints_torch(torch.as_tensor(d135)[None], "smpl_d135")[0].numpy(),
                               joints_from_d135(d135), atol=1e-5)
    flat = torch.zeros(1, 4, 66)
    assert to_joints_torch(flat, "joints").shape == (1, 4, 22, 3)
    with pytest.raises(ValueError, match=r"smpl_d135 has 135 values per frame, got shape \(1, 4, 263\)"):
        to_joints_torch(torch.zeros(1, 4, 263), "smpl_d135")
    with pytest.raises(ValueError, match="representation: expected one of"):
        to_joints_torch(flat, "263")
