"""From a pose program to a motion on the floor: local rotations, forward kinematics, grounding, planted feet.

Rotations: the anatomical rotation vectors of a `Clip` become local rotation matrices (SMPL convention: joint 0's is
the root's global orientation, every other joint's is relative to its parent). Forward kinematics runs on
`skeleton.REST_OFFSETS`, the bone lengths of HumanML3D's skeleton along the directions of a real standing body (hips
below the pelvis, the spine's curve, collars up and out of the chest, the head above and ahead of the neck), so
"zero" is a natural stance and every bone length is exact; constant base corrections pitch the feet toes-down and
lean the legs back from the hips (`pose.STANCE_LEAN`: the weight over the middle of the feet).

Grounding: the root height puts the lowest contact joint (pelvis, knees, ankles, toes) on the floor at every frame,
plus the clip's `lift` in flight. The root's floor position is integrated from the planted joint: between two frames
the lowest joint does not move horizontally, so whatever the legs do, the stance foot never slides; the body is carried
over it. In flight the root keeps its last grounded velocity plus the clip's `push`.
"""
from __future__ import annotations

import numpy as np

from ...motion.kinematics import forward_kinematics
from ...motion.rotations import axis_angle_to_matrix, yaw_matrix
from ...motion.skeleton import NUM_JOINTS, PARENTS
from .pose import FOOT_PITCH_REST, STANCE_LEAN, Clip, J

CONTACT_JOINTS = np.array([J[n] for n in ("pelvis", "left_knee", "right_knee", "left_ankle", "right_ankle",
                                           "left_foot", "right_foot")])
_LEAVES = [J[n] for n in ("left_foot", "right_foot")]  # no child: their rotation carries nothing; kept identity
AIRBORNE = 1e-3  # metres of lift above which the body is in flight
STICK = 0.001  # metres: the planted joint stays the anchor while within this of the lowest one (no float flicker)
RISE = 2e-4  # metres per frame: an anchor rising faster than this is lifting off and hands over to the lowest joint


def _sticky_argmin(heights: np.ndarray, tolerance: float, rise: float = RISE) -> np.ndarray:
    """(t,) index of the anchor per frame: the lowest column, but the previous anchor is kept while it is within
    `tolerance` of the lowest and not rising, so a foot arriving on the floor takes over only once the other one
    lifts off, and a foot lifting off hands over at once (kept any longer, it would drag the body and the foot that
    really stands along with it)."""
    low = heights.argmin(axis=1)
    best = heights[np.arange(len(low)), low]
    near = heights <= best[:, None] + tolerance
    near[1:] &= np.diff(heights, axis=0) <= rise
    near = near.tolist()
    out = low.tolist()
    for i in range(1, len(out)):
        if near[i][out[i - 1]]:
            out[i] = out[i - 1]
    return np.asarray(out)


def _base_corrections() -> np.ndarray:
    """(22, 3, 3) constant rotation per joint on top of the neutral rest skeleton: thigh and shin leaned back by
    STANCE_LEAN (a correction is not inherited: the knee's repeats the hip's so the shin leans too), the feet
    pitched toes-down against the floor, not the shin."""
    aa = np.zeros((NUM_JOINTS, 3))
    for side in ("left", "right"):
        aa[J[f"{side}_hip"]] = (STANCE_LEAN, 0, 0)
        aa[J[f"{side}_knee"]] = (STANCE_LEAN, 0, 0)
        aa[J[f"{side}_ankle"]] = (FOOT_PITCH_REST, 0, 0)
    return axis_angle_to_matrix(aa)


_C = _base_corrections()
_PRE = np.stack([_C[p].T if p >= 0 else np.eye(3) for p in PARENTS])  # undo the parent's correction for the child
_FIX = _PRE @ _C  # local = PRE @ C @ A


_CORRECTED = np.flatnonzero(np.abs(_FIX - np.eye(3)).max(axis=(1, 2)) > 1e-12)


def clip_rotations(clip: Clip) -> np.ndarray:
    """(t, 22, 3, 3) local rotation matrices of a clip (root: heading yaw times the root's own pose).
    Only joints the program moves go through Rodrigues, only corrected joints through a matrix product: this is
    the generator's hot spot."""
    local = np.empty((clip.frames, NUM_JOINTS, 3, 3))
    local[:] = np.eye(3)
    active = np.flatnonzero(np.abs(clip.aa).max(axis=(0, 2)) > 0)
    if active.size:
        local[:, active] = axis_angle_to_matrix(clip.aa[:, active])
    local[:, _CORRECTED] = _FIX[_CORRECTED] @ local[:, _CORRECTED]
    local[:, _LEAVES] = np.eye(3)
    local[:, 0] = yaw_matrix(clip.yaw) @ local[:, 0]
    return local


def place_on_floor(rel: np.ndarray, lift: np.ndarray, push: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """Root path (t, 3) for joints `rel` (t, 22, 3) posed around a root at the origin (see the module docstring)."""
    t = rel.shape[0]
    contact = rel[:, CONTACT_JOINTS, 1]
    height = -rel[:, :, 1].min(axis=1) + lift
    # heights above the lowest contact, not above the root: while the body lowers every joint rises towards the
    # root, and a planted foot read as 'rising' handed the anchor to a foot still travelling as it landed
    anchor = CONTACT_JOINTS[_sticky_argmin(contact - contact.min(axis=1, keepdims=True), STICK)]
    frames = np.arange(1, t)
    a = anchor[1:]
    step = -(rel[frames, a][:, [0, 2]] - rel[frames - 1, a][:, [0, 2]])  # root moves opposite to the anchor
    air = lift[1:] > AIRBORNE
    if air.any():
        last = np.where(~air, np.arange(t - 1), -1)
        last = np.maximum.accumulate(last)
        carried = np.where(last[:, None] >= 0, step[np.maximum(last, 0)], 0.0)
        forward = np.stack([np.sin(yaw[1:]), np.cos(yaw[1:])], -1) * push[1:, None]
        step = np.where(air[:, None], carried + forward, step)
    xz = np.concatenate([np.zeros((1, 2)), np.cumsum(step, axis=0)])
    return np.stack([xz[:, 0], height, xz[:, 1]], -1)


def clip_to_motion(clip: Clip) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """joints (t, 22, 3), local rotations (t, 22, 3, 3), root positions (t, 3); metres, y up, float32."""
    local = clip_rotations(clip)
    rel = forward_kinematics(np.zeros((clip.frames, 3)), local)
    root = place_on_floor(rel, clip.lift, clip.push, clip.yaw)
    joints = rel + root[:, None, :]
    return joints.astype(np.float32), local.astype(np.float32), root.astype(np.float32)
