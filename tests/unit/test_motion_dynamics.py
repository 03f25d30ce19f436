"""Motion dynamics (being_kit.motion.dynamics): each figure measures what it says on motions built to show it."""
from __future__ import annotations

import numpy as np
import pytest

from being_kit.motion.dynamics import METRICS, motion_dynamics, pooled_dynamics
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import JOINT_INDEX, NUM_JOINTS


def standing(t=40):
    rot = np.tile(np.eye(3), (t, NUM_JOINTS, 1, 1))
    root = np.tile([0.0, 0.93, 0.0], (t, 1))
    joints = forward_kinematics(root, rot)
    return joints - [0, joints[..., 1].min(), 0]


def test_still_body_has_no_speed_and_full_contact():
    d = motion_dynamics(standing())
    assert set(d) == set(METRICS)
    assert d["joint_speed"].max() < 1e-9 and d["root_speed"].max() < 1e-9 and d["contact_fraction"][0] == 1.0
    assert d["knee_flexion_range"][0] < 1e-6 and d["body_extent"][0] < 1e-9


def test_sliding_body_shows_in_root_and_stance_foot_speed():
    j = standing(41)
    j = j + np.linspace(0, 2, 41)[:, None, None] * [1, 0, 0]  # the whole body glides 2 m in 2 s: skating feet
    d = motion_dynamics(j)
    np.testing.assert_allclose(d["root_speed"], 1.0, atol=1e-9)
    np.testing.assert_allclose(d["stance_foot_speed"], 1.0, atol=1e-9)


def test_pelvis_height_is_measured_while_travelling_only():
    """travel_pelvis_height: the pelvis above the floor in frames that move over the ground (>= 0.3 m/s), so that a
    walk carried low on bent knees shows beside an upright one, and standing frames do not count."""
    still = motion_dynamics(standing())
    assert still["travel_pelvis_height"].size == 0
    j = standing(41)
    pelvis = j[0, 0, 1]
    j[20:] = j[20:] + np.linspace(0, 1, 21)[:, None, None] * [1, 0, 0]  # stands 1 s, then walks 1 m in 1 s
    j[20:, 0, 1] -= 0.1  # carried 10 cm lower while it travels
    d = motion_dynamics(j)
    assert d["travel_pelvis_height"].size == 20
    np.testing.assert_allclose(d["travel_pelvis_height"], pelvis - 0.1, atol=1e-9)


def test_travelling_share_counts_the_frames_whose_pelvis_moves_over_the_ground():
    """01 prints how much of the corpus's and the real clips' time travels: a body that stands 1 s and glides 1 m in
    the next second travels half of its frames; a set with no frames has no share."""
    j = standing(41)
    j[20:] = j[20:] + np.linspace(0, 1, 21)[:, None, None] * [1, 0, 0]
    pooled = pooled_dynamics([j, standing(41)])
    assert pooled.travelling_share() == pytest.approx(20 / 80)
    assert pooled.travelling_share(threshold=1.5) == 0.0
    assert np.isnan(pooled_dynamics([]).travelling_share())


def test_bending_knees_and_elbows_are_measured_in_degrees():
    t = 21
    aa = np.zeros((t, NUM_JOINTS, 3))
    bend = np.linspace(0, np.pi / 2, t)
    for side in ("left", "right"):
        aa[:, JOINT_INDEX[f"{side}_knee"], 0] = bend
        aa[:, JOINT_INDEX[f"{side}_elbow"], 0] = -bend  # arms hang down at rest: forearm swings forward
    j = forward_kinematics(np.tile([0.0, 0.93, 0.0], (t, 1)), axis_angle_to_matrix(aa))
    d = motion_dynamics(j)
    assert d["knee_flexion_range"][0] == pytest.approx(90, abs=0.5)
    assert d["elbow_flexion_range"][0] == pytest.approx(90, abs=0.5)


def test_pooled_and_bad_input():
    p = pooled_dynamics([standing(), standing(2), standing(30)])
    assert p.num_motions == 2 and p.values["contact_fraction"].shape == (2,)
    assert set(p.summary()["joint_speed"]) == {"p5", "p50", "p95"}
    with pytest.raises(ValueError, match=r"joints: expected \(t >= 3, 22, 3\)"):
        motion_dynamics(np.zeros((10, 21, 3)))
    bad = standing()
    bad[3, 4, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        motion_dynamics(bad)


def test_real_clip_retrieval_ranks_each_clip_among_distractors():
    from being_kit.eval.protocol import EvalSet
    from being_kit.eval.real_motion import real_clip_retrieval

    class Toy:  # texts and motions embed to their first number: clip i matches caption i exactly
        name = "toy"

        def embed_texts(self, texts):
            return np.array([[float(t.split()[0])] for t in texts])

        def embed_motions(self, motions):
            return np.array([[float(m[0, 0])] for m in motions])

    eval_set = EvalSet([np.full((5, 263), 100.0 + i) for i in range(40)], [["x"]] * 40, [f"t{i}" for i in range(40)])
    clips = [np.full((5, 263), 1.0), np.full((5, 263), 150.0)]  # the second sits among the distractors
    figures, rows = real_clip_retrieval(Toy(), clips, ["1 squat", "2 walk"], ["a", "b"], eval_set)
    assert rows[0]["rank"] == 1 and rows[1]["rank"] > 3 and rows[0]["of"] == 32
    assert figures["eval_real_mocap_r1"] == 0.5 and figures["eval_real_mocap_chance_r3"] == 3 / 32


def test_turning_is_measured_in_degrees_per_second_and_a_straight_glide_does_not_turn():
    from being_kit.motion.dynamics import facing_turn_speed

    j = standing(81)
    j = j + np.linspace(0, 4, 81)[:, None, None] * [0, 0, 1]
    assert facing_turn_speed(j).max() < 1e-9
    # the whole body turns about the vertical at 45 degrees per second for 4 s
    angle = np.radians(45.0) * np.arange(81) / 20
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    x, z = j[..., 0], j[..., 2]
    turned = np.stack([c * x + s * z, j[..., 1], -s * x + c * z], -1)
    speed = facing_turn_speed(turned)
    np.testing.assert_allclose(speed[15:-15], 45.0, rtol=1e-6)
    assert "turn_speed" in motion_dynamics(turned)
