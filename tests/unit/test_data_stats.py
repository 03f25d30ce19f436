"""being_kit.data.stats: corpus statistics, yaw alignment, the feature round trip."""
import numpy as np
import pytest

from being_kit.data import Corpus, MotionRecord, Segment
from being_kit.data.stats import align_yaw, corpus_stats, feature_roundtrip_mm, motion_joints, sample_indices
from being_kit.motion import features_from_joints, features_from_rotations
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.rotations import axis_angle_to_matrix, yaw_matrix


def turning_motion(t=60, turn=np.pi / 2, walk=0.03, seed=0):
    """Joints (t, 22, 3) of a body that turns by `turn` radians while stepping forward, limbs swinging a little."""
    rng = np.random.default_rng(seed)
    rot = axis_angle_to_matrix((0.2 * np.sin(np.linspace(0, 6, t))[:, None, None] * rng.normal(size=(1, 22, 3))
                                ).astype(np.float32))
    rot[:, 0] = yaw_matrix(np.linspace(0, turn, t).astype(np.float32))
    heading = np.linspace(0, turn, t)
    root = np.stack([np.cumsum(np.sin(heading)) * walk, np.full(t, 0.95), np.cumsum(np.cos(heading)) * walk], -1)
    return forward_kinematics(root.astype(np.float32), rot), root.astype(np.float32), rot


def make_record(k, joints):
    return MotionRecord(
        id=f"m{k}", source="test", fps=20.0, representation="humanml263", motion=features_from_joints(joints),
        texts=["a person walks and turns", "someone slowly turns while walking forward"][: 1 + k % 2],
        parts={"torso": "turns"} if k % 2 == 0 else {}, segments=[Segment(0.0, 1.0, "walks")] if k == 0 else [],
        split=("train", "train", "val", "test")[k % 4], meta={"actions": ["walk", "turn"][: 1 + (k % 2)]},
    )


def test_corpus_stats_counts_splits_captions_actions_parts():
    corpus = Corpus.from_records([make_record(k, turning_motion(t=40 + 10 * k, seed=k)[0]) for k in range(4)])
    stats = corpus_stats(corpus, sample=None)
    assert stats.num_sequences == 4 and stats.sampled == 4
    assert stats.split_counts == {"train": 2, "val": 1, "test": 1}
    np.testing.assert_allclose(stats.lengths_s, (np.array([40, 50, 60, 70]) - 1) / 20.0)  # features have t-1 frames
    assert stats.captions_per_motion.tolist() == [1, 2, 1, 2]
    assert stats.caption_words.tolist() == [5, 5, 6, 5, 5, 6]
    assert stats.action_counts == {"walk": 4, "turn": 2}
    assert stats.actions_per_motion.tolist() == [1, 2, 1, 2]
    assert stats.part_coverage["torso"] == 0.5 and stats.part_coverage["left_arm"] == 0.0
    assert stats.segment_fraction == 0.25
    summary = stats.summary()
    assert summary["num_sequences"] == 4 and summary["num_val"] == 1 and summary["num_action_families"] == 2
    assert summary["mean_length_s"] == pytest.approx(2.7)


def test_corpus_stats_samples_captions_but_not_lengths():
    corpus = Corpus.from_records([make_record(k, turning_motion(t=30, seed=k)[0]) for k in range(6)])
    stats = corpus_stats(corpus, sample=3, seed=1)
    assert stats.sampled == 3 and len(stats.captions_per_motion) == 3 and len(stats.lengths_s) == 6


def test_sample_indices_sorted_unique_deterministic():
    a = sample_indices(100, 10, seed=3)
    assert a.tolist() == sorted(set(a.tolist())) and len(a) == 10
    assert (a == sample_indices(100, 10, seed=3)).all() and not (a == sample_indices(100, 10, seed=4)).all()
    assert sample_indices(5, 10).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="sample"):
        sample_indices(5, 0)


def test_align_yaw_undoes_a_turn_and_shift():
    joints = turning_motion()[0]
    moved = joints @ yaw_matrix(np.float32(2.5)).T + np.array([3.0, -0.2, 1.0], dtype=np.float32)
    np.testing.assert_allclose(align_yaw(moved, joints), joints, atol=1e-5)


def test_feature_roundtrip_exact_below_half_a_turn():
    got = feature_roundtrip_mm([turning_motion(turn=np.pi / 2)[0], turning_motion(turn=-0.8 * np.pi, seed=1)[0]])
    assert got["num_motions"] == 2 and got["max_mm"] < 0.01 and got["exact_fraction"] == 1.0


def test_feature_roundtrip_exact_past_half_a_turn():
    """HumanML3D's reference flips the sign of the stored root yaw velocity when the facing passes 180 degrees; ours
    keeps the velocity quaternion in one hemisphere, so a full turn comes back exact."""
    got = feature_roundtrip_mm([turning_motion(t=100, turn=2 * np.pi)[0], turning_motion(turn=0.5)[0]])
    assert got["max_mm"] < 1.0 and got["exact_fraction"] == 1.0


def test_motion_joints_for_both_representations():
    joints, root, rot = turning_motion(turn=0.5)
    back = motion_joints(features_from_joints(joints), "humanml263")
    assert back.shape == (59, 22, 3)
    d135 = features_from_rotations(root, rot)
    from_d135 = motion_joints(d135, "smpl_d135")
    assert from_d135.shape == (60, 22, 3)
    bones = np.linalg.norm(from_d135[:, 4] - from_d135[:, 1], axis=-1)  # left knee - left hip: rigid
    np.testing.assert_allclose(bones, bones[0], atol=1e-5)
    with pytest.raises(ValueError, match="representation"):
        motion_joints(d135, "bvh")
