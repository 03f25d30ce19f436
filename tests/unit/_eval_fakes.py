"""A small labelled corpus for the evaluation tests: each action family has its own periodic feature pattern and
its own captions, so a text-motion model and a classifier can learn it in seconds. Not motion-realistic."""
from __future__ import annotations

from pathlib import Path

import numpy as np

ACTIONS = ("walk", "jump", "wave", "kick", "squat", "spin")
TEMPLATES = ("a person {}s", "someone {}s slowly", "the figure starts to {}")


def fake_records(n: int, seed: int = 0, dim: int = 263):
    from being_kit.data import MotionRecord

    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(123).normal(size=(len(ACTIONS), 2, dim)).astype(np.float32)
    records = []
    for i in range(n):
        k = i % len(ACTIONS)
        t = int(rng.integers(24, 80))
        time = np.arange(t)[:, None] / 20.0
        f = 0.5 + 0.4 * k
        motion = (np.sin(2 * np.pi * f * time) * basis[k, 0] + np.cos(2 * np.pi * f * time) * basis[k, 1]
                  + 0.5 * rng.normal(size=(t, dim))).astype(np.float32)
        split = ("train",) * 6 + ("val", "test", "test", "train")
        records.append(MotionRecord(id=f"fake{i:05d}", source="fake", fps=20.0, representation="humanml263",
                                    motion=motion, texts=[tpl.format(ACTIONS[k]) for tpl in TEMPLATES],
                                    split=split[(i // len(ACTIONS)) % 10], meta={"actions": [ACTIONS[k]]}))
    return records


def fake_corpus(path: Path, n: int = 240, seed: int = 0):
    from being_kit.data import write_corpus

    return write_corpus(fake_records(n, seed), path, progress=False)
