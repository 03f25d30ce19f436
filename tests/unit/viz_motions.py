"""Motions for the viz / IK tests, made by forward kinematics (known rotations, rigid bones)."""
from __future__ import annotations

import numpy as np

from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import NUM_JOINTS, REST_OFFSETS


def fk_motion(t: int = 40, seed: int = 0, turn: float = 1.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(joints (t, 22, 3) float32, root (t, 3), local rotations (t, 22, 3, 3)): random smooth joint swings, a root
    that walks forward while turning by `turn` radians."""
    rng = np.random.default_rng(seed)
    phase = np.linspace(0, 2 * np.pi, t)[:, None, None]
    aa = 0.5 * rng.standard_normal((1, NUM_JOINTS, 3)) * np.sin(phase + rng.uniform(0, 6, (1, NUM_JOINTS, 1)))
    aa[:, 0] = np.array([0.0, 1.0, 0.0]) * np.linspace(0, turn, t)[:, None]
    rot = axis_angle_to_matrix(aa)
    root = np.stack([np.linspace(0, 1.5, t), 0.95 + 0.03 * np.sin(np.linspace(0, 6, t)), np.linspace(0, 0.5, t)], -1)
    return forward_kinematics(root, rot, REST_OFFSETS).astype(np.float32), root, rot
