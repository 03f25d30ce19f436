"""How a motion moves, as distributions: joint, root and turning speed, range of motion, foot contact and sliding.

Used to hold the synthetic generator against real mocap (01, `python -m being_kit.bench real`): each figure is
something a viewer notices when motion looks wrong. Stiff motion has a small range of motion and knee/elbow
flexion; too regular motion has narrow speed distributions; skating feet show as a fast stance foot (the lower foot
while it touches the floor should hardly move: real mocap keeps its 95th percentile near 0.1-0.2 m/s).
Joints are (t, 22, 3), metres, y up, at `fps`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .skeleton import FPS, JOINT_INDEX

CONTACT_HEIGHT = 0.05  # metres above the clip's floor (its 2nd-percentile foot height) that count as touching it
TRAVEL_SPEED = 0.3  # m/s of the pelvis over the ground from which a frame counts as travelling
_FEET = [JOINT_INDEX[j] for j in ("left_ankle", "right_ankle", "left_foot", "right_foot")]
_FLEX = {"knee": ("hip", "knee", "ankle"), "elbow": ("shoulder", "elbow", "wrist")}
METRICS = {  # name -> (unit, what it is); per frame unless marked per clip
    "joint_speed": ("m/s", "mean speed of the 22 joints"),
    "root_speed": ("m/s", "horizontal pelvis speed"),
    "turn_speed": ("deg/s", "how fast the body's facing turns (hips and shoulders, smoothed over 1 s)"),
    "stance_foot_speed": ("m/s", "horizontal speed of the lower foot while it touches the floor (sliding)"),
    "travel_pelvis_height": ("m", "pelvis height above the floor while travelling (bent-kneed walkers carry it low)"),
    "contact_fraction": ("", "per clip: share of frames with a foot on the floor"),
    "body_extent": ("m", "per clip: mean over joints of the extent of their pelvis-relative, heading-aligned path"),
    "knee_flexion_range": ("deg", "per clip: range of the knee angle, mean of both knees"),
    "elbow_flexion_range": ("deg", "per clip: range of the elbow angle, mean of both elbows"),
}


@dataclass
class MotionDynamics:
    """Pooled values of each metric over a set of motions (`METRICS` says what each is)."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    num_motions: int = 0

    def summary(self, percentiles: tuple[int, ...] = (5, 50, 95)) -> dict[str, dict[str, float]]:
        return {k: {f"p{p}": float(np.percentile(v, p)) if v.size else float("nan") for p in percentiles}
                for k, v in self.values.items()}

    def travelling_share(self, threshold: float = TRAVEL_SPEED) -> float:
        """Share of frames whose pelvis moves over the ground at `threshold` m/s or more: how much of the time the
        motions travel (real mocap about half; a tokenizer's error grows with travel, so the share sets the mix)."""
        speeds = self.values.get("root_speed", np.zeros(0))
        return float(np.mean(speeds >= threshold)) if speeds.size else float("nan")


def _heading_aligned(joints: np.ndarray) -> np.ndarray:
    """Pelvis-relative joints rotated about y so that the hips' left-right axis is x in every frame."""
    across = joints[:, JOINT_INDEX["left_hip"]] - joints[:, JOINT_INDEX["right_hip"]]
    yaw = np.arctan2(across[:, 2], across[:, 0])  # angle of the hip axis from +x in the ground plane
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    rel = joints - joints[:, :1]
    x, z = rel[..., 0], rel[..., 2]
    return np.stack([c * x + s * z, rel[..., 1], -s * x + c * z], -1)


def _flexion(joints: np.ndarray, a: str, b: str, c: str) -> np.ndarray:
    """(t,) bend at joint b in degrees (0 = straight) averaged over both sides."""
    out = []
    for side in ("left", "right"):
        u = joints[:, JOINT_INDEX[f"{side}_{a}"]] - joints[:, JOINT_INDEX[f"{side}_{b}"]]
        v = joints[:, JOINT_INDEX[f"{side}_{c}"]] - joints[:, JOINT_INDEX[f"{side}_{b}"]]
        cos = (u * v).sum(-1) / np.maximum(np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1), 1e-9)
        out.append(180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1))))
    return np.mean(out, 0)


def facing_turn_speed(joints: np.ndarray, fps: float = FPS) -> np.ndarray:
    """(t-1,) degrees per second the body's facing turns: the ground direction across the hips and the shoulders
    (HumanML3D's root facing), unwrapped and smoothed over 1 s so that the hips' swing within a stride does not
    count, only turning. Real walking turns a little all the time; a program's straight walk not at all."""
    across = (joints[:, JOINT_INDEX["left_hip"]] - joints[:, JOINT_INDEX["right_hip"]]
              + joints[:, JOINT_INDEX["left_shoulder"]] - joints[:, JOINT_INDEX["right_shoulder"]])
    heading = np.unwrap(np.arctan2(across[:, 2], across[:, 0]))
    width = max(1, int(round(fps)))
    padded = np.pad(heading, (width // 2, width - 1 - width // 2), mode="edge")
    smooth = np.convolve(padded, np.ones(width) / width, mode="valid")
    return np.degrees(np.abs(np.diff(smooth))) * fps


def motion_dynamics(joints: np.ndarray, fps: float = FPS) -> dict[str, np.ndarray]:
    """The metrics of one motion: per-frame arrays for speeds, one value for per-clip figures."""
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[1:] != (22, 3) or joints.shape[0] < 3:
        raise ValueError(f"joints: expected (t >= 3, 22, 3) metres, got {joints.shape}")
    if not np.isfinite(joints).all():
        raise ValueError("joints: contains NaN or inf")
    vel = np.diff(joints, axis=0) * fps  # (t-1, 22, 3)
    feet_y = joints[:, _FEET, 1]
    floor = np.percentile(feet_y, 2)
    lower = np.argmin(feet_y[1:], axis=1)  # the lower foot joint at each frame (after the first)
    touching = feet_y[1:][np.arange(len(lower)), lower] < floor + CONTACT_HEIGHT
    foot_vel = vel[:, _FEET][np.arange(len(lower)), lower]
    local = _heading_aligned(joints)
    root_speed = np.linalg.norm(vel[:, 0, [0, 2]], axis=-1)
    return {
        "joint_speed": np.linalg.norm(vel, axis=-1).mean(-1),
        "root_speed": root_speed,
        "turn_speed": facing_turn_speed(joints, fps),
        "stance_foot_speed": np.linalg.norm(foot_vel[touching][:, [0, 2]], axis=-1),
        "travel_pelvis_height": joints[1:, 0, 1][root_speed >= TRAVEL_SPEED] - floor,
        "contact_fraction": np.array([touching.mean()]),
        "body_extent": np.array([np.linalg.norm(np.ptp(local[:, 1:], axis=0), axis=-1).mean()]),
        "knee_flexion_range": np.array([np.ptp(_flexion(joints, *_FLEX["knee"]))]),
        "elbow_flexion_range": np.array([np.ptp(_flexion(joints, *_FLEX["elbow"]))]),
    }


def pooled_dynamics(motions: Iterable[np.ndarray], fps: float = FPS) -> MotionDynamics:
    """`motion_dynamics` of each (t, 22, 3) motion, pooled; motions shorter than 3 frames are skipped."""
    pooled: dict[str, list[np.ndarray]] = {k: [] for k in METRICS}
    n = 0
    for j in motions:
        if len(j) < 3:
            continue
        for k, v in motion_dynamics(j, fps).items():
            pooled[k].append(v)
        n += 1
    return MotionDynamics({k: np.concatenate(v) if v else np.zeros(0) for k, v in pooled.items()}, n)
