"""Rig conventions out, the body in: a rig's torso joints redrawn where the neutral rest skeleton has them.

Rigs place their hip, spine, collar, neck and head joints by convention, not by anatomy: measured on the shipped
clips, the pelvis -> hip bone lies 27-67 degrees from a real body's (Rigify and MocapBank put the hips level with the
pelvis), MocapBank's collars sit on the neck and Rigify's on the spine line. HumanML3D's features are bone directions,
so to a tokenizer trained on human bodies such a rig looks like a body with its legs splayed at the hips and its
shoulders in its throat. The head joint too: a rig's Head joint sits on the neck's line, 20-33 degrees forward of
vertical from the neck (median over LaFAN1's, Mixamo's and Rigify's takes), where SMPL's sits up and well ahead of it
(53-63 degrees: HumanML3D's mean pose and its fixtures), so real heads imported as captured read as heads thrown
back. Each torso bone is therefore drawn along the neutral skeleton's direction
(`skeleton.REST_DIRECTIONS`), turned by the rotation of its parent's segment since a standing calibration pose (the
rig's rest pose when it stands, else its first standing frame). The motion of every segment is kept, twist
included; only the rig's placement of joints inside a segment is replaced. Limbs keep their captured directions:
their rest poses (T, A, arms down) differ by design, and their directions are the motion itself.
"""
from __future__ import annotations

import numpy as np

from ...motion.skeleton import BONE_LENGTHS, JOINT_INDEX, NUM_JOINTS, PARENTS, REST_DIRECTIONS, REST_OFFSETS

# The bones redrawn, by their child joint, parents before children.
TORSO_BONES = ("left_hip", "right_hip", "spine1", "spine2", "spine3", "neck", "left_collar", "right_collar",
               "left_shoulder", "right_shoulder")
HEAD_BONES = ("head",)  # calibrated on the first standing frame unless the rig's rest head is a body's (`bvh_import`)


def _descendants() -> list[list[int]]:
    """Joint j -> j and every joint below it."""
    out = []
    for j in range(NUM_JOINTS):
        below = []
        for c in range(NUM_JOINTS):
            k = c
            while k >= 0 and k != j:
                k = PARENTS[k]
            if k == j:
                below.append(c)
        out.append(below)
    return out


_DESCENDANTS = _descendants()
_J = JOINT_INDEX


def _rest_pose() -> np.ndarray:
    """(22, 3) the neutral skeleton standing, pelvis at the origin."""
    pos = np.zeros((NUM_JOINTS, 3))
    for j in range(1, NUM_JOINTS):
        pos[j] = pos[PARENTS[j]] + REST_OFFSETS[j]
    return pos


_NEUTRAL = _rest_pose()
_FIT = [_J[n] for n in TORSO_BONES]  # the joints the calibration pose is matched on


def body_frame(pose: np.ndarray, mirrored: bool = False) -> np.ndarray:
    """(3, 3) the orientation of a standing (22, 3) pose in its file's axes: the rotation that best lays the neutral
    skeleton's torso (hips, spine, collars, shoulders, pelvis-relative, at the pose's scale) onto the pose's
    (least squares). Its columns are the body's named-left, up and forward directions; for a mirrored file (named-left
    on the body's right) the named-left column is the mirror image, so the frame is improper like the file."""
    flip = np.diag([-1.0, 1.0, 1.0]) if mirrored else np.eye(3)
    ref = (_NEUTRAL[_FIT] @ flip) * leg_scale(pose)  # neutral joints, mirrored like the file
    obs = pose[_FIT] - pose[_J["pelvis"]]
    u, _, vt = np.linalg.svd(ref.T @ obs)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    rot = vt.T @ np.diag([1.0, 1.0, d]) @ u.T  # proper rotation: rot @ ref ~ obs
    return rot @ flip


def bone_off_neutral(pose: np.ndarray, name: str, mirrored: bool = False) -> float:
    """Degrees between the (22, 3) standing pose's bone into joint `name` and the neutral skeleton's, in the pose's
    body frame: 0 for a rig built on a body (being-kit's own export), 30-40 for a rig's head on its neck line."""
    bone = pose[_J[name]] - pose[PARENTS[_J[name]]]
    neutral = body_frame(pose, mirrored) @ REST_DIRECTIONS[_J[name]]
    cos = bone @ neutral / max(float(np.linalg.norm(bone)), 1e-12)
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def leg_scale(pose: np.ndarray) -> float:
    """Source units per HumanML3D metre, from the (22, 3) pose's thigh and shin lengths."""
    src = np.mean([np.linalg.norm(pose[_J[f"{s}_knee"]] - pose[_J[f"{s}_hip"]])
                   + np.linalg.norm(pose[_J[f"{s}_ankle"]] - pose[_J[f"{s}_knee"]]) for s in ("left", "right")])
    tgt = np.mean([BONE_LENGTHS[_J[f"{s}_knee"]] + BONE_LENGTHS[_J[f"{s}_ankle"]] for s in ("left", "right")])
    return float(src / tgt)


def neutral_torso(joints: np.ndarray, rotations: np.ndarray, calib_pose: np.ndarray, calib_rotations: np.ndarray,
                  mirrored: bool = False, bones: tuple[str, ...] = TORSO_BONES) -> np.ndarray:
    """Redraw the torso bones of (t, 22, 3) `joints` along the neutral skeleton (see the module docstring).

    rotations: (t, 22, 3, 3) global rotation of the rig segment each SMPL joint belongs to; calib_pose (22, 3) and
    calib_rotations (22, 3, 3): the same at the standing calibration pose; all in the file's axes and units. Each bone
    keeps the rig's motion of its parent segment; every joint below a moved joint moves with it, so limb directions
    are unchanged. Returns new (t, 22, 3) joints.
    """
    joints = np.array(joints, dtype=np.float64)
    frame = body_frame(calib_pose, mirrored)
    scale = leg_scale(calib_pose)
    for name in bones:
        j = _J[name]
        p = PARENTS[j]
        rest_dir = frame @ REST_DIRECTIONS[j]  # the neutral direction placed in the calibration pose
        turn = rotations[:, p] @ calib_rotations[p].T  # (t, 3, 3) the segment's rotation since calibration
        target = joints[:, p] + scale * BONE_LENGTHS[j] * np.einsum("tij,j->ti", turn, rest_dir)
        joints[:, _DESCENDANTS[j]] += (target - joints[:, j])[:, None]
    return joints
