"""How a body walks: gait kinematics over the steady-walking stretches of a motion.

`motion.dynamics` says how fast and how far a motion moves; this says what the legs and arms do while walking, which
is where the synthetic generator and real mocap parted most (the tokenizers' error on travelling real pieces was
three times their synthetic error, legs carrying half of it). Each figure is taken over 1 s windows in which the
pelvis moves at walking speed throughout, so a clip's pauses, turns on the spot and gestures do not enter it.
Joints are (t, 22, 3), metres, y up, at `fps`.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .skeleton import FPS, JOINT_INDEX

J = JOINT_INDEX
WALKING_SPEED = (0.6, 1.6)  # m/s of pelvis ground speed (smoothed over 0.45 s) that count as walking
WINDOW_S = 1.0  # one gait cycle at a walk is about 1 s
GAIT_METRICS = {  # name -> (unit, what it is); one value per 1 s walking window, left side (the right mirrors it)
    "knee_range": ("deg", "range of the knee bend: about 60 in real walking (swing flexion)"),
    "foot_pitch_range": ("deg", "range of the foot's pitch: heel strike (toes up) to toe-off (heel up)"),
    "ankle_lift": ("m", "range of the ankle height: how high the swing foot rises"),
    "arm_swing": ("deg", "range of the upper arm's forward/back angle"),
    "elbow_bend": ("deg", "median elbow bend (0 = straight arm)"),
    "pelvis_bob": ("m", "range of the pelvis height"),
    "chest_twist": ("deg", "range of the shoulders' turn against the hips"),
    "pelvis_tilt": ("cm", "range of the left hip's height above the right one (side tilt)"),
}


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    cos = (u * v).sum(-1) / np.maximum(np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1), 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def walking_frames(joints: np.ndarray, fps: float = FPS, speed: tuple[float, float] = WALKING_SPEED) -> np.ndarray:
    """(t,) bool: frames whose smoothed pelvis ground speed is within `speed`."""
    vel = np.gradient(joints[:, 0, [0, 2]], axis=0) * fps
    width = max(1, int(round(0.45 * fps)))
    kernel = np.ones(width) / width
    smooth = np.stack([np.convolve(vel[:, k], kernel, mode="same") for k in (0, 1)], -1)
    ground = np.linalg.norm(smooth, axis=-1)
    walking = (ground >= speed[0]) & (ground <= speed[1])
    walking[: width // 2] = walking[len(walking) - width // 2:] = False  # the smoothing is one-sided at the ends
    return walking


def gait_kinematics(joints: np.ndarray, fps: float = FPS) -> dict[str, np.ndarray]:
    """`GAIT_METRICS` of one motion, one value per 1 s window of steady walking (windows advance by half a second);
    empty arrays when the motion never walks for a whole second."""
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[1:] != (22, 3):
        raise ValueError(f"joints: expected (t, 22, 3) metres, got {joints.shape}")
    if not np.isfinite(joints).all():
        raise ValueError("joints: contains NaN or inf")
    window = int(round(WINDOW_S * fps))
    if len(joints) < window + 2:
        return {k: np.zeros(0) for k in GAIT_METRICS}
    walking = walking_frames(joints, fps)
    across = joints[:, J["left_hip"]] - joints[:, J["right_hip"]]
    across[:, 1] = 0.0
    across /= np.maximum(np.linalg.norm(across, axis=-1, keepdims=True), 1e-9)
    forward = np.cross(across, np.array([0.0, 1.0, 0.0]))  # the hips' facing direction, on the ground
    floor = joints[:, :, 1].min()

    def pitch_forward(vec: np.ndarray) -> np.ndarray:  # a segment's angle from straight down, + = forward
        return np.degrees(np.arctan2((vec * forward).sum(-1), -vec[:, 1]))

    foot = joints[:, J["left_foot"]] - joints[:, J["left_ankle"]]
    shoulders = joints[:, J["left_shoulder"]] - joints[:, J["right_shoulder"]]
    per_frame = {
        "knee_range": 180 - _angle(joints[:, J["left_hip"]] - joints[:, J["left_knee"]],
                                   joints[:, J["left_ankle"]] - joints[:, J["left_knee"]]),
        "foot_pitch_range": np.degrees(np.arctan2(-foot[:, 1], np.linalg.norm(foot[:, [0, 2]], axis=-1))),
        "ankle_lift": joints[:, J["left_ankle"], 1] - floor,
        "arm_swing": pitch_forward(joints[:, J["left_elbow"]] - joints[:, J["left_shoulder"]]),
        "elbow_bend": 180 - _angle(joints[:, J["left_shoulder"]] - joints[:, J["left_elbow"]],
                                   joints[:, J["left_wrist"]] - joints[:, J["left_elbow"]]),
        "pelvis_bob": joints[:, 0, 1] - floor,
        "chest_twist": np.degrees(np.arcsin(np.clip(np.cross(across, shoulders / np.maximum(
            np.linalg.norm(shoulders, axis=-1, keepdims=True), 1e-9))[:, 1], -1, 1))),
        "pelvis_tilt": 100 * (joints[:, J["left_hip"], 1] - joints[:, J["right_hip"], 1]),
    }
    starts = [s for s in range(0, len(joints) - window + 1, max(1, window // 2)) if walking[s:s + window].all()]
    out = {}
    for name, values in per_frame.items():
        pick = np.median if name == "elbow_bend" else np.ptp
        out[name] = np.array([pick(values[s:s + window]) for s in starts])
    return out


def pooled_gait(motions: Iterable[np.ndarray], fps: float = FPS) -> dict[str, np.ndarray]:
    """`gait_kinematics` of each motion, pooled per metric."""
    pooled: dict[str, list[np.ndarray]] = {k: [] for k in GAIT_METRICS}
    for joints in motions:
        for name, values in gait_kinematics(joints, fps).items():
            pooled[name].append(values)
    return {k: np.concatenate(v) if v else np.zeros(0) for k, v in pooled.items()}
