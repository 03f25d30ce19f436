"""Small motion corpora for the tokenizer tests: FK-made motions (sinusoidal joint rotations, a root walking and
turning) turned into 263-d features."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def fk_records(n: int, seed: int = 0, min_frames: int = 40, max_frames: int = 120):
    from being_kit.data import MotionRecord
    from being_kit.motion import features_from_joints, forward_kinematics
    from being_kit.motion.rotations import axis_angle_to_matrix

    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        t = int(rng.integers(min_frames, max_frames + 1)) + 1
        time = np.arange(t)[:, None] / 20.0
        freq, phase = rng.uniform(0.3, 1.5, (1, 22)), rng.uniform(0, 2 * np.pi, (1, 22))
        axes = rng.normal(size=(22, 3))
        axes /= np.linalg.norm(axes, axis=-1, keepdims=True)
        amp = rng.uniform(0.1, 0.6, (1, 22))
        angles = amp * np.sin(2 * np.pi * freq * time + phase)  # (t, 22)
        aa = angles[..., None] * axes[None]
        yaw = rng.uniform(-0.5, 0.5) * time[:, 0]
        aa[:, 0] = 0.0
        aa[:, 0, 1] = yaw
        rots = axis_angle_to_matrix(aa.astype(np.float32))
        speed = rng.uniform(0.0, 1.2)
        heading = np.stack([np.sin(yaw), np.zeros_like(yaw), np.cos(yaw)], -1)
        root = np.cumsum(heading * speed / 20.0, axis=0) + np.array([0.0, 0.95, 0.0])
        joints = forward_kinematics(root.astype(np.float32), rots)
        joints[..., 1] -= joints[..., 1].min()
        feats = features_from_joints(joints.astype(np.float32)).astype(np.float32)
        split = ("train", "train", "train", "train", "train", "train", "train", "train", "val", "test")[i % 10]
        records.append(MotionRecord(id=f"fk{i:05d}", source="fk", fps=20.0, representation="humanml263",
                                    motion=feats, texts=["a person moves"], split=split))
    return records


def make_test_corpus(path: Path, n: int = 60, seed: int = 0):
    """A stored FK corpus at `path` with mean.npy/std.npy (independent of the synthetic generator, so these tests
    only test the tokenizer)."""
    from being_kit.data import write_corpus

    return write_corpus(fk_records(n, seed), path, "humanml263", progress=False)
