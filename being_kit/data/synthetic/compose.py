"""Compositions: actions in sequence with smooth transitions.

Consecutive clips overlap by a short window in which every joint's rotation vector, the heading, the lift and the
push cross-fade with a smoothstep weight. Clips start and end near the standing pose, so the blend is between nearby
rotations (rotation-vector interpolation is then a smooth, valid rotation path). Each later clip's heading continues
from where the previous one ended, so "walk, then turn, then walk" travels on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...motion.skeleton import FPS
from .pose import Clip, smoothstep

BLEND_SECONDS = 0.4


@dataclass
class Composition:
    """The joined clip and, per action, (start, end) seconds of its segment (boundaries mid-blend)."""

    clip: Clip
    spans: list[tuple[float, float]]


def compose(clips: list[Clip], blend_seconds: float = BLEND_SECONDS) -> Composition:
    """Join clips in order with cross-faded overlaps of `blend_seconds` (shortened for very short clips)."""
    if not clips:
        raise ValueError("compose: need at least one clip")
    out = clips[0]
    aa, yaw, lift, push = out.aa.copy(), out.yaw.copy(), out.lift.copy(), out.push.copy()
    starts, widths = [0], [0]
    for clip in clips[1:]:
        w = int(min(round(blend_seconds * FPS), clip.frames // 3, aa.shape[0] // 3))
        b_yaw = clip.yaw + yaw[-1]
        if w > 0:
            s = smoothstep((np.arange(w) + 1) / (w + 1))
            head = slice(aa.shape[0] - w, aa.shape[0])
            aa[head] = (1 - s)[:, None, None] * aa[head] + s[:, None, None] * clip.aa[:w]
            yaw[head] = (1 - s) * yaw[head] + s * b_yaw[:w]
            lift[head] = (1 - s) * lift[head] + s * clip.lift[:w]
            push[head] = (1 - s) * push[head] + s * clip.push[:w]
        starts.append(aa.shape[0] - w)
        widths.append(w)
        aa = np.concatenate([aa, clip.aa[w:]])
        yaw = np.concatenate([yaw, b_yaw[w:]])
        lift = np.concatenate([lift, clip.lift[w:]])
        push = np.concatenate([push, clip.push[w:]])
    total = aa.shape[0]
    bounds = [0.0]
    for k in range(1, len(clips)):
        bounds.append((starts[k] + widths[k] / 2) / FPS)
    bounds.append(total / FPS)
    joined = Clip("+".join(c.family for c in clips), aa, yaw, lift, push, {})
    return Composition(joined, [(round(bounds[k], 2), round(bounds[k + 1], 2)) for k in range(len(clips))])
