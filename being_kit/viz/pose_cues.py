"""Where a skeleton's head is and which way it faces: the cues shared by static pictures and the 3D player.

A stick figure seen from behind looks like one seen from the front; a head circle with a nose and an arrow on the
ground in front of the pelvis tell them apart. Numpy only (the player and the static pictures both import it).
"""
from __future__ import annotations

import numpy as np

from ..motion.skeleton import JOINT_INDEX

HEAD_RADIUS = 0.1  # m
_HEAD, _NECK, _SPINE3, _LEFT_HIP, _RIGHT_HIP = (JOINT_INDEX[n] for n in ("head", "neck", "spine3", "left_hip",
                                                                        "right_hip"))


def facing_directions(joints: np.ndarray) -> np.ndarray:
    """(t, 22, 3) joints -> (t, 3) unit forward directions on the ground, from the hips' left-right axis."""
    across = joints[:, _LEFT_HIP] - joints[:, _RIGHT_HIP]
    forward = np.stack([-across[:, 2], np.zeros(len(across)), across[:, 0]], -1)  # across x up
    norm = np.linalg.norm(forward, axis=-1, keepdims=True)
    return np.where(norm > 1e-6, forward / np.maximum(norm, 1e-6), np.array([0.0, 0.0, 1.0]))


def head_positions(joints: np.ndarray, nose_out: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """(t, 22, 3) joints -> (centres of the head ball, nose points), each (t, 3). The skeleton's head joint sits at
    the face, forward of the neck, so the ball rises from between the two along the spine and the nose lies
    `nose_out` head radii from the centre towards the face."""
    up = joints[:, _NECK] - joints[:, _SPINE3]
    ahead = joints[:, _HEAD] - joints[:, _NECK]
    up = up / np.maximum(np.linalg.norm(up, axis=-1, keepdims=True), 1e-6)
    ahead = ahead / np.maximum(np.linalg.norm(ahead, axis=-1, keepdims=True), 1e-6)
    centre = (joints[:, _NECK] + joints[:, _HEAD]) / 2 + 0.9 * HEAD_RADIUS * up
    return centre, centre + nose_out * HEAD_RADIUS * ahead
