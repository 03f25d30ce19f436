"""The learning-rate schedule of every being-kit trainer: linear warmup, then cosine decay to a floor.

`warmup_cosine(step, warmup, total, min_ratio)` multiplies the peak learning rate: (step + 1) / warmup over the first
`warmup` steps (the peak is reached at the last warmup step), then a half cosine from 1 at step `warmup` to
`min_ratio` at step `total`, flat after it. `staged` restarts it at the first step of each training stage (the LM's
alignment and instruction stages each warm up and decay on their own).
"""
from __future__ import annotations

import bisect
import math
from typing import Callable, Sequence


def warmup_cosine(step: int, warmup: int, total: int, min_ratio: float = 0.0) -> float:
    """The factor on the peak learning rate at optimizer step `step` (0-based)."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def staged(stages: Sequence[tuple[int, int]], min_ratio: float = 0.0) -> Callable[[int], float]:
    """A factor over global steps for stages run one after the other, each `(warmup, steps)`: a stage's own
    `warmup_cosine` starts at its first global step. Steps past the last stage stay on its floor."""
    if not stages:
        raise ValueError("stages: expected at least one (warmup, steps) pair")
    starts = [0]
    for _, steps in stages:
        starts.append(starts[-1] + steps)

    def factor(global_step: int) -> float:
        s = min(bisect.bisect_right(starts, global_step) - 1, len(stages) - 1)
        warmup, steps = stages[s]
        return warmup_cosine(global_step - starts[s], warmup, steps, min_ratio)

    return factor
