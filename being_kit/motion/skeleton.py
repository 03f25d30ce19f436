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

# HumanML3D's rest offsets: every bone along an axis (hips level with the pelvis, collars level with the chest, the
# head straight ahead of the neck). Its feature code (`features.uniform_skeleton`) retargets onto these.
TARGET_OFFSETS = RAW_OFFSETS * BONE_LENGTHS[:, None]


def _neutral_directions() -> np.ndarray:
    """Unit bone directions of a relaxed real stance, left/right symmetric.

    Torso, collars and shoulders: the bone directions of the mean pose of HumanML3D's training set (the root-relative
    joint positions, features 4:67, of its released Mean.npy; left and mirrored right averaged): the hip joints sit
    below and beside the pelvis, the spine curves back then forward, the collars rise up and out of the chest, the
    shoulder bones run level to the sides, the head sits above and ahead of the neck. Limbs keep the axis directions
    of RAW_OFFSETS (thighs, shins and arms straight down, feet forward): poses put them where they go.
    """
    d = RAW_OFFSETS.astype(np.float64).copy()
    sided = {1: (0.4375, -0.897, -0.058),    # left hip (right: x mirrored)
             13: (0.489, 0.872, -0.0175),    # left collar
             16: (0.9975, -0.075, 0.015)}    # left shoulder bone (collar -> shoulder)
    for left, v in sided.items():
        right = left + 1
        d[left] = v
        d[right] = (-v[0], v[1], v[2])
    d[3] = (0.0, 0.918, -0.397)   # spine1: up and back (the lower back's curve)
    d[6] = (0.0, 0.971, 0.240)    # spine2: up and forward
    d[9] = (0.0, 0.949, 0.315)    # spine3
    d[12] = (0.0, 1.0, 0.030)     # neck
    d[15] = (0.0, 0.448, 0.894)   # head: above and ahead of the neck
    # HumanML3D's right leg is 1.0 cm shorter than its left: each hip drops by what levels the two ankles (the mean
    # pose's drop on average), so straight legs stand on one floor and neither foot hovers or sinks
    legs = {k: float(BONE_LENGTHS[k + 3] + BONE_LENGTHS[k + 6]) for k in (1, 2)}  # hip joint -> ankle, both sides
    reach = np.mean([-d[k, 1] * BONE_LENGTHS[k] + legs[k] for k in (1, 2)])
    for k in (1, 2):
        y = -(reach - legs[k]) / BONE_LENGTHS[k]
        d[k] = (np.sign(d[k, 0]) * np.sqrt(1 - y**2 - d[k, 2] ** 2), y, d[k, 2])
    norms = np.linalg.norm(d, axis=1, keepdims=True)
    return (d / np.where(norms > 0, norms, 1.0)).astype(np.float32)


# The neutral rest skeleton: HumanML3D's bone lengths along the directions of a real stance. Forward kinematics of
# joint rotations uses it (the synthetic generator, SMPL-D135 decoding, BVH export and import), so zero rotations are
# a natural standing body rather than HumanML3D's axis-aligned one, whose collars and hips no real body reaches.
REST_DIRECTIONS = _neutral_directions()
REST_OFFSETS = REST_DIRECTIONS * BONE_LENGTHS[:, None]

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
