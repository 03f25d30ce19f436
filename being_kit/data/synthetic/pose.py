"""Pose programs: the per-frame joint-angle container the action families fill, with anatomical helpers.

A `Clip` holds, for t frames at 20 fps, one rotation vector per joint (`aa`, (t, 22, 3), radians) expressed in
"anatomical" frames: zero is the standing rest pose (legs straight, arms hanging at the sides, feet slightly toes-down),
so a program only adds flexions. `body.clip_to_motion` turns it into local rotation matrices, runs forward
kinematics and places the body on the floor. Sign conventions (rest pose faces +z, the body's left is +x, y up):
    hip/shoulder flexion (limb forward)   -angle about x     knee flexion / ankle toes-down   +angle about x
    elbow flexion (forearm forward)       -angle about x     spine/root bend forward          +angle about x
    left limb out to the side             +angle about z     turn left (towards +x)           +angle about y
Programs are written for the left side; `mirror_clip` makes the right-side variant as a true mirror image.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...motion.signals import band_limited  # noqa: F401  (the generator's programs take it from here)
from ...motion.skeleton import BONE_LENGTHS, FPS, JOINT_INDEX, MIRROR_PERMUTATION, NUM_JOINTS, REST_OFFSETS

J = JOINT_INDEX
DEG = np.pi / 180.0
THIGH = float(min(BONE_LENGTHS[J["left_knee"]], BONE_LENGTHS[J["right_knee"]]))
SHIN = float(min(BONE_LENGTHS[J["left_ankle"]], BONE_LENGTHS[J["right_ankle"]]))
FOOT = float(BONE_LENGTHS[J["left_foot"]])
# the target skeleton's legs differ by about 1 cm; IK uses each side's own bones so planted feet stay planted
LEG = {s: (float(BONE_LENGTHS[J[f"{s}_knee"]]), float(BONE_LENGTHS[J[f"{s}_ankle"]])) for s in ("left", "right")}
# (up, forward) metres of each hip joint from the pelvis joint in the neutral rest skeleton (it sits below the pelvis)
HIP_OFFSET = {s: (float(REST_OFFSETS[J[f"{s}_hip"], 1]), float(REST_OFFSETS[J[f"{s}_hip"], 2])) for s in ("left", "right")}
FOOT_PITCH_REST = 25 * DEG  # toes below the ankle at rest, as in real capture (ankle ~6 cm above the floor)
# A body stands with its weight over the middle of its feet, so the ankles sit behind the pelvis joint: HumanML3D's
# Mean.npy puts them 4.5 cm behind (root-relative features), real standing takes 6-9 cm (LaFAN1, Rigify), the
# HumanML3D fixtures' walking frames 2-5 cm; straight legs hanging from the hips put them 1 cm behind. The rest
# pose's legs lean back this much from the hips (`body` rotates the whole leg; feet stay pitched FOOT_PITCH_REST).
STANCE_LEAN = 3.5 * DEG
STANCE_SET_BACK = (THIGH + SHIN) * float(np.sin(STANCE_LEAN))  # metres the rest pose's ankles sit behind the hips
_AXIS = {"x": 0, "y": 1, "z": 2}
_PERM = np.asarray(MIRROR_PERMUTATION)


@dataclass
class Clip:
    """One action instance. aa: (t, 22, 3) anatomical rotation vectors; yaw: (t,) heading change (radians, + = left);
    lift: (t,) metres above the grounded height (flight phases); push: (t,) forward metres per frame added while
    airborne (in the heading frame); params: caption-relevant parameters (JSON-able)."""

    family: str
    aa: np.ndarray
    yaw: np.ndarray
    lift: np.ndarray
    push: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls, family: str, frames: int, **params) -> "Clip":
        z = np.zeros(frames)
        return cls(family, np.zeros((frames, NUM_JOINTS, 3)), z.copy(), z.copy(), z.copy(), dict(params))

    @property
    def frames(self) -> int:
        return self.aa.shape[0]

    def add(self, joint: str | int, axis: str, angle) -> "Clip":
        """Add `angle` (scalar or (t,) radians) to one component of a joint's rotation vector."""
        j = J[joint] if isinstance(joint, str) else joint
        self.aa[:, j, _AXIS[axis]] += angle
        return self


def mirror_clip(clip: Clip) -> Clip:
    """Mirror image through the x = 0 plane: left and right joints swap, rotation vectors (x, y, z) -> (x, -y, -z),
    turns change direction. Exact, so a right-side variant is the genuine mirror of the left one."""
    aa = clip.aa[:, _PERM].copy()
    aa[..., 1:] *= -1
    swap = {"left": "right", "right": "left"}
    params = {k: swap.get(v, v) if k in ("side", "direction") else v for k, v in clip.params.items()}
    return Clip(clip.family, aa, -clip.yaw, clip.lift.copy(), clip.push.copy(), params)


# ---- time curves (all smooth: the motion is sampled at 20 fps and must not jerk) ----
def times(frames: int) -> np.ndarray:
    return np.arange(frames) / FPS


def smoothstep(x) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6 * x - 15) + 10)


def envelope(frames: int, ramp_s: float = 0.5) -> np.ndarray:
    """0 -> 1 -> 0 over the clip with smooth ramps of `ramp_s` seconds: clips start and end in the rest pose."""
    t = times(frames)
    dur = frames / FPS
    ramp = min(ramp_s, dur / 2.5)
    return smoothstep(t / ramp) * smoothstep((dur - t) / ramp)


def bump(x) -> np.ndarray:
    """sin^2 bump on [0, 1] (0 outside): smooth up and down."""
    x = np.asarray(x)
    return np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)) ** 2, 0.0)


def hold(frames: int, rise: float, fall: float, ramp: float) -> np.ndarray:
    """Smooth plateau: up over [rise, rise+ramp] seconds, down over [fall-ramp, fall]."""
    t = times(frames)
    return smoothstep((t - rise) / ramp) * smoothstep((fall - t) / ramp)


# ---- the legs in the sagittal plane ----
def leg_ik(clip: Clip, side: str, ankle_z, ankle_y, foot_pitch, pelvis_pitch=0.0) -> None:
    """Set one leg's hip, knee and ankle so the ankle reaches (ankle_z, ankle_y) metres relative to the hip joint
    (forward, up; (t,) arrays) with the knee bending forwards, and the foot pitched `foot_pitch` radians toes-down.
    `pelvis_pitch` (forward lean of the root, radians) is compensated so the target is in the heading frame."""
    thigh_len, shin_len = LEG[side]
    dz, dy = np.asarray(ankle_z, float), np.asarray(ankle_y, float)
    # targets are relative to where the hip joint sits with the pelvis upright; a pitched pelvis swings the hip
    # joint (below and behind the pelvis joint) about the pelvis, so the leg reaches from there
    hip_y, hip_z = HIP_OFFSET[side]
    c, s = np.cos(pelvis_pitch), np.sin(pelvis_pitch)
    dz = dz - (hip_y * s + hip_z * c - hip_z)
    dy = dy - (hip_y * c - hip_z * s - hip_y)
    r = np.clip(np.hypot(dz, dy), 0.2, thigh_len + shin_len - 1e-4)
    direction = np.arctan2(-dz, -dy)  # pitch of the hip->ankle line (+ = backwards)
    beta = np.arccos(np.clip((thigh_len**2 + r**2 - shin_len**2) / (2 * thigh_len * r), -1, 1))
    gamma = np.arccos(np.clip((shin_len**2 + r**2 - thigh_len**2) / (2 * shin_len * r), -1, 1))
    thigh, shin = direction - beta, direction + gamma
    # `body` leans the rest legs back by STANCE_LEAN (hip +lean, foot -lean against the shin): undone here, so the
    # thigh, shin and foot reach exactly these targets
    clip.add(f"{side}_hip", "x", thigh - pelvis_pitch - STANCE_LEAN)
    clip.add(f"{side}_knee", "x", shin - thigh)
    clip.add(f"{side}_ankle", "x", foot_pitch - FOOT_PITCH_REST - shin + STANCE_LEAN)


def ankle_from_toe(toe_z, toe_y, foot_pitch) -> tuple[np.ndarray, np.ndarray]:
    """Ankle (z, y) of a foot whose toe joint is at (toe_z, toe_y) and pitched `foot_pitch` toes-down."""
    return np.asarray(toe_z) - FOOT * np.cos(foot_pitch), np.asarray(toe_y) + FOOT * np.sin(foot_pitch)


STAND_HEIGHT = THIGH + SHIN + FOOT * np.sin(FOOT_PITCH_REST)  # hip joints above the floor, legs straight
