"""Rig conventions out (being_kit.data.importers.retarget): a rig's torso joints redrawn where a body has them."""
from __future__ import annotations

import numpy as np
from test_importers_bvh import cmu_names, motion

from being_kit.data.importers.bvh_import import BvhImportOptions, bvh_joints_y_up
from being_kit.data.importers.retarget import TORSO_BONES, body_frame, neutral_torso
from being_kit.motion.bvh import write_bvh
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import JOINT_INDEX, NUM_JOINTS, PARENTS, REST_OFFSETS, TARGET_OFFSETS

J = JOINT_INDEX


def _bones(joints: np.ndarray) -> np.ndarray:
    return joints[:, 1:] - joints[:, list(PARENTS[1:])]


def test_a_rig_with_level_hips_and_collars_on_the_chest_imports_as_a_body(tmp_path):
    """HumanML3D's axis-aligned offsets are a rig convention like Rigify's (hips level with the pelvis, collars beside
    the chest joint). The same rotations on that rig import as the neutral body: torso bones along the neutral
    skeleton turned by their segments, limbs as captured; without the redraw the rig's placement stays."""
    rot, root = motion(seed=4)
    write_bvh(tmp_path / "rig.bvh", local_rotations=rot, root_positions=root, joint_names=cmu_names(), fps=20,
              offsets=TARGET_OFFSETS)
    redrawn, info = bvh_joints_y_up(tmp_path / "rig.bvh", BvhImportOptions())
    kept, _ = bvh_joints_y_up(tmp_path / "rig.bvh", BvhImportOptions(neutral_torso=False))
    assert info["torso"] == "neutral (calibrated on the rest pose; the head on frame 0)"  # its rest head points ahead
    body = forward_kinematics(root, rot, REST_OFFSETS)
    rig = forward_kinematics(root, rot, TARGET_OFFSETS)
    for name in TORSO_BONES:  # the neutral body, up to how the rig's torso is best laid on it (a degree here)
        k = J[name] - 1
        np.testing.assert_allclose(_bones(redrawn)[:, k], _bones(body)[:, k], atol=0.003, err_msg=name)
        assert np.abs(_bones(kept)[:, k] - _bones(rig)[:, k]).max() < 1e-5
    for name in ("left_knee", "right_ankle", "left_elbow", "right_wrist"):  # limbs: as captured
        k = J[name] - 1
        np.testing.assert_allclose(_bones(redrawn)[:, k], _bones(rig)[:, k], atol=1e-5, err_msg=name)
    assert np.abs(redrawn[:, J["left_collar"]] - kept[:, J["left_collar"]]).max() > 0.05


def test_a_rig_that_is_the_neutral_skeleton_is_left_as_it_is(tmp_path):
    rot, root = motion(seed=5)
    write_bvh(tmp_path / "m.bvh", local_rotations=rot, root_positions=root, joint_names=cmu_names(), fps=20)
    redrawn, _ = bvh_joints_y_up(tmp_path / "m.bvh", BvhImportOptions())
    np.testing.assert_allclose(redrawn, forward_kinematics(root, rot), atol=1e-5)


def test_the_calibration_frame_is_found_in_any_orientation_and_scale():
    """body_frame recovers how a standing body lies in the file (any rotation, any units), improper when mirrored."""
    pose = forward_kinematics(np.zeros((1, 3)), np.tile(np.eye(3), (1, NUM_JOINTS, 1, 1)))[0]
    turn = axis_angle_to_matrix(np.array([0.4, -1.1, 2.0]))
    np.testing.assert_allclose(body_frame(pose @ turn.T * 39.37), turn, atol=1e-6)
    mirrored = pose * [-1, 1, 1]
    np.testing.assert_allclose(body_frame(mirrored, mirrored=True), np.diag([-1.0, 1, 1]), atol=1e-6)


def test_segment_motion_since_calibration_turns_the_redrawn_bones():
    """A pelvis segment turned by R since calibration turns the redrawn hips by R; the legs follow the hips."""
    pose = forward_kinematics(np.zeros((1, 3)), np.tile(np.eye(3), (1, NUM_JOINTS, 1, 1)), TARGET_OFFSETS)[0]
    turn = axis_angle_to_matrix(np.array([0.3, 0.0, 0.0]))
    rotations = np.tile(np.eye(3), (2, NUM_JOINTS, 1, 1))
    rotations[1, 0] = turn
    joints = np.stack([pose, pose])
    out = neutral_torso(joints, rotations, pose, np.tile(np.eye(3), (NUM_JOINTS, 1, 1)))
    hip = out[:, J["left_hip"]] - out[:, J["pelvis"]]
    np.testing.assert_allclose(hip[1], turn @ hip[0], atol=1e-9)
    np.testing.assert_allclose(hip[0], body_frame(pose) @ REST_OFFSETS[J["left_hip"]], atol=1e-9)
    leg = out[:, J["left_knee"]] - out[:, J["left_hip"]]
    np.testing.assert_allclose(leg, joints[:, J["left_knee"]] - joints[:, J["left_hip"]], atol=1e-12)


def test_a_rest_pose_that_does_not_stand_calibrates_on_the_first_standing_frame():
    """LaFAN1-like rigs (every rest bone along one axis) calibrate on the motion's first standing frame; a motion
    that never stands keeps the rig's placement and says so."""
    from being_kit.data.importers.bvh_import import _neutral_torso

    standing = forward_kinematics(np.zeros((1, 3)), np.tile(np.eye(3), (1, NUM_JOINTS, 1, 1)), TARGET_OFFSETS)[0]
    squat = standing.copy()
    squat[:, 1] = np.abs(squat[:, 1]) * 0.1  # everything squashed near the pelvis height: legs not straight
    rotations = np.tile(np.eye(3), (3, NUM_JOINTS, 1, 1))
    out, how = _neutral_torso(np.stack([squat, standing, standing]), rotations, squat, False, False)
    assert how == "neutral (calibrated on the frame 1)"
    np.testing.assert_allclose(out[1, J["left_hip"]] - out[1, J["pelvis"]], body_frame(standing) @ REST_OFFSETS[J["left_hip"]],
                               atol=1e-9)
    out, how = _neutral_torso(np.stack([squat, squat]), rotations[:2], squat, False, False)
    assert how.startswith("rig's own") and np.array_equal(out, np.stack([squat, squat]))


def test_the_shipped_rigs_hips_sit_where_a_body_has_them():
    """Rigify and MocapBank put the hip joints level with the pelvis, Mixamo 30 degrees off a body's: imported, the
    pelvis -> hip bones of all three lie within 25 degrees of the neutral skeleton's (over the whole clip, in the
    body's own frame; the squat tilts its pelvis)."""
    from being_kit.data.importers.bvh_import import BvhImportOptions, bvh_joints_y_up
    from being_kit.data.real_clips import clip_paths
    from being_kit.motion.skeleton import REST_DIRECTIONS

    def hip_angles(joints):
        across = joints[:, J["left_shoulder"]] - joints[:, J["right_shoulder"]]
        left = across * [1, 0, 1]
        left /= np.linalg.norm(left, axis=-1, keepdims=True)
        frame = np.stack([left, np.broadcast_to([0.0, 1, 0], left.shape), np.cross(left, [0.0, 1, 0])], -2)
        out = []
        for side in ("left", "right"):
            bone = joints[:, J[f"{side}_hip"]] - joints[:, J["pelvis"]]
            local = np.einsum("tij,tj->ti", frame, bone / np.linalg.norm(bone, axis=-1, keepdims=True)).mean(0)
            out.append(np.degrees(np.arccos(local @ REST_DIRECTIONS[J[f"{side}_hip"]] / np.linalg.norm(local))))
        return max(out)

    raw = []
    for path in clip_paths():
        redrawn, _ = bvh_joints_y_up(path, BvhImportOptions())
        kept, _ = bvh_joints_y_up(path, BvhImportOptions(neutral_torso=False))
        assert hip_angles(redrawn) < 25, path.name
        raw.append(hip_angles(kept))
    assert sorted(raw)[-2] > 45  # two of the three rigs are far off without the redraw


def test_real_heads_sit_ahead_of_the_neck_as_smpl_heads_do(tmp_path):
    """A rig's Head joint sits on the neck's line (the shipped Mixamo walk: 21 degrees forward of vertical from the
    neck, median); SMPL's sits up and well ahead (HumanML3D: 53-63). Imported as captured, every real head read as
    thrown back; redrawn with the torso it sits where a body's does."""
    from being_kit.data.real_clips import import_real_clips
    from being_kit.data.stats import motion_joints

    clips = import_real_clips(tmp_path / "real")
    j = motion_joints(clips[list(clips.ids).index("mixamo_walk_turn")].motion, "humanml263").astype(np.float64)
    across = j[:, J["left_hip"]] - j[:, J["right_hip"]]
    across[:, 1] = 0
    forward = np.cross(across / np.linalg.norm(across, axis=-1, keepdims=True), [0.0, 1.0, 0.0])
    bone = j[:, J["head"]] - j[:, J["neck"]]
    pitch = np.degrees(np.arctan2((bone * forward).sum(-1), bone[:, 1]))
    assert 45 < np.median(pitch) < 80, np.median(pitch)
