"""The 22-joint SMPL body skeleton used by HumanML3D, as plain data.

Every format fact about the skeleton lives here once; the rest of being-kit reads it.
Coordinates: metres, y up, a body in its rest pose faces +z with its left side towards +x.
"""
from __future__ import annotations

import numpy as np

FPS = 20  # HumanML3D / MotionLib frame rate after resampling
NUM_JOINTS = 22

JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck",
    "left_collar", "right_collar", "head", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist",
)
JOINT_INDEX = {name: i for i, name in enumerate(JOINT_NAMES)}

PARENTS: tuple[int, ...] = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19)

# HumanML3D `t2m_kinematic_chain`: right leg, left leg, spine to head, right arm, left arm.
KINEMATIC_CHAINS: tuple[tuple[int, ...], ...] = (
    (0, 2, 5, 8, 11),
    (0, 1, 4, 7, 10),
    (0, 3, 6, 9, 12, 15),
    (9, 14, 17, 19, 21),
    (9, 13, 16, 18, 20),
)

# HumanML3D `t2m_raw_offsets`: unit direction of each bone in the rest pose.
RAW_OFFSETS = np.array(
    [
        [0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, -1, 0], [0, 1, 0],
        [0, -1, 0], [0, -1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0], [1, 0, 0],
        [-1, 0, 0], [0, 0, 1], [0, -1, 0], [0, -1, 0], [0, -1, 0], [0, -1, 0], [0, -1, 0],
        [0, -1, 0],
    ],
    dtype=np.float32,
)

# Bone lengths (metres) of HumanML3D's uniform target skeleton, joint i to its parent; measured on the
# released `new_joints` files (identical to 1e-6 across motions, since HumanML3D retargets all to one body).
BONE_LENGTHS = np.array(
    [
        0.0, 0.10307, 0.10988, 0.13157, 0.39362, 0.39019, 0.14319, 0.43243, 0.42564, 0.05736,
        0.14338, 0.14942, 0.21936, 0.13749, 0.14338, 0.10304, 0.13161, 0.12298, 0.25684,
        0.26309, 0.26601, 0.26988,
    ],
    dtype=np.float32,
)

# Rest-pose offsets of the target skeleton: what forward kinematics rotates.
TARGET_OFFSETS = RAW_OFFSETS * BONE_LENGTHS[:, None]

FOOT_JOINTS_RIGHT = (8, 11)  # HumanML3D fid_r: right ankle, right foot
FOOT_JOINTS_LEFT = (7, 10)  # HumanML3D fid_l: left ankle, left foot
FOOT_JOINTS = FOOT_JOINTS_LEFT + FOOT_JOINTS_RIGHT
# HumanML3D face_joint_indx: right hip, left hip, right shoulder, left shoulder (for facing direction).
FACE_JOINTS = (2, 1, 17, 16)

# Left/right pairs for mirroring (HumanML3D's left_chain / right_chain order).
LEFT_JOINTS = (1, 4, 7, 10, 13, 16, 18, 20)
RIGHT_JOINTS = (2, 5, 8, 11, 14, 17, 19, 21)
MIRROR_PERMUTATION = tuple(
    {**{l: r for l, r in zip(LEFT_JOINTS, RIGHT_JOINTS)}, **{r: l for l, r in zip(LEFT_JOINTS, RIGHT_JOINTS)}}.get(i, i)
    for i in range(NUM_JOINTS)
)

# Body parts, the unit of MotionLib's hierarchical captions and of the lfq2d token layout.
BODY_PARTS: dict[str, tuple[int, ...]] = {
    "torso": (0, 3, 6, 9, 12, 15),
    "left_arm": (13, 16, 18, 20),
    "right_arm": (14, 17, 19, 21),
    "left_leg": (1, 4, 7, 10),
    "right_leg": (2, 5, 8, 11),
}
PART_NAMES: tuple[str, ...] = tuple(BODY_PARTS)
