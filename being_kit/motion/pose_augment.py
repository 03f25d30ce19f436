"""Bend the trunk and swing the arms of a motion at random: `vary_pose(features, rng)` on HumanML3D features.

The synthetic corpus holds its trunk near upright and moves its arms in the few ways its families script: a walker
swings them, a spinner holds them out. Real people hunch, lean and stoop as they walk and throw their arms anywhere
(the 517 s real set of `bench real`: LaFAN1's crouched, head-down walk and its dance read 140-270 mm on vq against
about 50 on the corpus; arm swing at a walk p90 72 degrees against 28). A tokenizer trained on the corpus alone codes
those bodies as the nearest pose it knows, and reads turning off arm poses that only spins had. Training crops with
the trunk bent and the arms moved at random, independently of what the legs and the path do, teach the codes poses
the families never make.

The change is made on the joints and rigidly per limb, so bone lengths stay: the upper body (everything from the
second spine joint up) turns about the first spine joint (a lean forwards or back and to the side), the head about
the neck (looking down or up), each arm about its shoulder and each forearm about its elbow (bending or
straightening within the elbow's range). The features are then computed afresh (`features_from_joints`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import FEATURE_DIM, features_from_joints, joints_from_features
from .rotations import axis_angle_to_matrix
from .signals import band_limited
from .skeleton import FPS, JOINT_INDEX


def _ids(*names: str) -> list[int]:
    return [JOINT_INDEX[n] for n in names]


UPPER_BODY = _ids("spine2", "spine3", "neck", "left_collar", "right_collar", "head", "left_shoulder",
                  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist")
FOOT_JOINTS = _ids("left_ankle", "right_ankle", "left_foot", "right_foot")
FLOOR_MARGIN_M = 0.02  # a moved joint further below the feet than this would move the floor: no change
ELBOW_FLEXION_DEG = (5.0, 150.0)  # the elbow's range: nearly straight .. fully bent


@dataclass(frozen=True)
class PoseVariation:
    """How far the parts move, in degrees; each a mean drawn per crop plus a slow wobble about it (`WOBBLE_HZ`).
    Defaults: a lean up to 45 degrees forwards (LaFAN1's crouched walk leans about 35; back up to 15), 15 to the
    side, the head 30 down to 15 up, each upper arm up to 70 degrees from where it was and each elbow up to 60
    more or less bent."""

    lean_forward: float = 45.0
    lean_back: float = 15.0
    lean_side: float = 15.0
    head_down: float = 30.0
    head_up: float = 15.0
    arm: float = 70.0
    elbow: float = 60.0
    wobble: float = 0.3  # the wobble's RMS as a share of each range


WOBBLE_HZ = (0.2, 1.0)  # how often the parts change their pose: over seconds, as a gesture or a dance step does


def _unit(v: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.where(n > 1e-6, v / np.maximum(n, 1e-9), fallback)


def _rotate_about(joints: np.ndarray, ids: list[int], pivot: int, mats: np.ndarray) -> None:
    """Turn `ids` of (t, 22, 3) joints about joint `pivot` by per-frame (t, 3, 3) `mats`, in place."""
    rel = joints[:, ids] - joints[:, pivot : pivot + 1]
    joints[:, ids] = np.einsum("tij,tkj->tki", mats, rel) + joints[:, pivot : pivot + 1]


def vary_joints(joints: np.ndarray, rng: np.random.Generator, variation: PoseVariation = PoseVariation()) -> np.ndarray:
    """(t, 22, 3) joints, y up, metres -> the same motion with its trunk bent, head tilted and arms moved by random
    slowly changing amounts (`PoseVariation`); the pelvis, legs and path are untouched."""
    j = np.array(joints, dtype=np.float64)
    if j.ndim != 3 or j.shape[1:] != (22, 3):
        raise ValueError(f"joints: expected (frames, 22, 3), got {j.shape}")
    t = np.arange(len(j)) / FPS
    v, rad = variation, np.pi / 180
    wobble = v.wobble * band_limited(rng, t, 7, WOBBLE_HZ, parts=2)
    up = np.array([0.0, 1.0, 0.0])
    hip = JOINT_INDEX
    lateral = j[:, hip["left_hip"]] - j[:, hip["right_hip"]]
    lateral[:, 1] = 0.0
    lateral = _unit(lateral, np.array([1.0, 0.0, 0.0]))
    forward = np.cross(lateral, up)  # facing (SMPL: left +x, up +y, forward +z)

    # the trunk: forwards (+) or back about the lateral axis, then to the side about the facing
    lean = rng.uniform(-v.lean_back, v.lean_forward)
    pitch = np.clip(lean + (v.lean_forward + v.lean_back) * wobble[:, 0], -v.lean_back, v.lean_forward) * rad
    roll = (rng.uniform(-1, 1) + wobble[:, 1]) * v.lean_side * rad
    trunk = axis_angle_to_matrix(forward * roll[:, None]) @ axis_angle_to_matrix(lateral * pitch[:, None])
    _rotate_about(j, UPPER_BODY, hip["spine1"], trunk)

    # the head: down (+) or up about the chest's lateral axis
    chest_lateral = _unit(j[:, hip["left_shoulder"]] - j[:, hip["right_shoulder"]], lateral)
    nod = rng.uniform(-v.head_up, v.head_down)
    nod = np.clip(nod + (v.head_down + v.head_up) * wobble[:, 2], -v.head_up, v.head_down) * rad
    _rotate_about(j, _ids("head"), hip["neck"], axis_angle_to_matrix(chest_lateral * nod[:, None]))

    for k, side in enumerate(("left", "right")):
        shoulder, elbow, wrist = _ids(f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist")
        # the upper arm about a random axis by up to `arm` degrees
        axis = rng.normal(size=3) + 0.5 * wobble[:, 3 + k, None] * rng.normal(size=3)
        axis = _unit(axis, up)
        swing = np.clip(rng.uniform(0, 1) + wobble[:, 3 + k], 0, 1) * v.arm * rad
        _rotate_about(j, [elbow, wrist], shoulder, axis_angle_to_matrix(axis * swing[:, None]))
        # the forearm about the elbow's hinge, kept within the elbow's range
        upper, fore = j[:, elbow] - j[:, shoulder], j[:, wrist] - j[:, elbow]
        hinge = _unit(np.cross(upper, fore), chest_lateral)
        cos = (upper * fore).sum(-1) / np.maximum(np.linalg.norm(upper, axis=-1) * np.linalg.norm(fore, axis=-1), 1e-9)
        flexion = np.degrees(np.arccos(np.clip(cos, -1, 1)))
        target = np.clip(flexion + (rng.uniform(-1, 1) + wobble[:, 5 + k]) * v.elbow, *ELBOW_FLEXION_DEG)
        _rotate_about(j, [wrist], elbow, axis_angle_to_matrix(hinge * ((target - flexion) * rad)[:, None]))
    return j.astype(np.float32)


def vary_pose(features: np.ndarray, rng: np.random.Generator,
              variation: PoseVariation = PoseVariation()) -> np.ndarray | None:
    """(t, 263) raw HumanML3D features (t >= 2) -> (t - 1, 263) features of the motion with its trunk, head and
    arms moved (`vary_joints`), or None where a moved joint would reach below the feet (the floor would move)."""
    x = np.asarray(features)
    if x.ndim != 2 or x.shape[1] != FEATURE_DIM or len(x) < 2:
        raise ValueError(f"features: expected (frames >= 2, {FEATURE_DIM}) humanml263 features, got {x.shape}")
    joints = vary_joints(joints_from_features(x), rng, variation)
    if joints[:, UPPER_BODY, 1].min() < joints[:, FOOT_JOINTS, 1].min() - FLOOR_MARGIN_M:
        return None
    return features_from_joints(joints)
