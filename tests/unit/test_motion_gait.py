"""Gait kinematics (being_kit.motion.gait): walking windows are found by pelvis speed, and each figure measures what
it says on motions built to show it."""
from __future__ import annotations

import numpy as np
import pytest

from being_kit.motion.gait import GAIT_METRICS, gait_kinematics, pooled_gait, walking_frames
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.skeleton import JOINT_INDEX, NUM_JOINTS

J = JOINT_INDEX


def standing(t: int) -> np.ndarray:
    rot = np.tile(np.eye(3), (t, NUM_JOINTS, 1, 1))
    joints = forward_kinematics(np.tile([0.0, 0.93, 0.0], (t, 1)), rot)
    return joints - [0, joints[..., 1].min(), 0]


def gliding(t: int, speed: float) -> np.ndarray:
    """A standing body carried forward (+z, the way it faces) at `speed` m/s."""
    return standing(t) + (np.arange(t) / 20 * speed)[:, None, None] * [0, 0, 1]


def test_only_frames_at_walking_speed_count():
    assert not walking_frames(standing(60)).any()
    assert walking_frames(gliding(60, 1.0))[10:-10].all()
    assert not walking_frames(gliding(60, 3.0)).any()  # a run is not a walk
    assert all(v.size == 0 for v in gait_kinematics(standing(60)).values())


def test_each_figure_measures_its_own_movement():
    t = 60
    still = gait_kinematics(gliding(t, 1.0))
    assert set(still) == set(GAIT_METRICS)
    assert all(v.size > 0 for v in still.values())
    assert still["knee_range"].max() < 1e-6 and still["pelvis_bob"].max() < 1e-9
    # the pelvis bobs 4 cm once a second: only the bob changes
    j = gliding(t, 1.0)
    j[..., 1] += (0.02 * np.sin(2 * np.pi * np.arange(t) / 20))[:, None]
    bob = gait_kinematics(j)
    np.testing.assert_allclose(bob["pelvis_bob"], 0.04, atol=2e-3)
    assert bob["knee_range"].max() < 1e-6
    # the left wrist and elbow swing forward 20 cm: the arm swing and the elbow bend see it
    j = gliding(t, 1.0)
    swing = 0.2 * (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(t) / 20))
    j[:, J["left_elbow"], 2] += swing / 2
    j[:, J["left_wrist"], 2] += swing
    arm = gait_kinematics(j)
    assert arm["arm_swing"].min() > 10 and arm["pelvis_bob"].max() < 1e-9


def test_synthetic_walks_bend_the_knee_and_roll_the_foot_like_real_walking():
    from being_kit.data.synthetic import make_action
    from being_kit.data.synthetic.body import clip_to_motion

    walks = [clip_to_motion(make_action("walk", np.random.default_rng(s)))[0] for s in range(10)]
    g = pooled_gait(walks)
    assert g["knee_range"].size > 10
    # real walking (the LaFAN1 takes in bvhtools' sdist): knee about 60 degrees, foot roll 55-85 degrees
    assert 45 < np.median(g["knee_range"]) < 80 and 40 < np.median(g["foot_pitch_range"]) < 90


def test_bad_joints_are_refused_by_name():
    with pytest.raises(ValueError, match="joints: expected"):
        gait_kinematics(np.zeros((30, 21, 3)))
    j = gliding(30, 1.0)
    j[3, 4, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        gait_kinematics(j)
