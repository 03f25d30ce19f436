"""A small motion encoder shared by evaluator B and the action classifier: normalised features -> one vector.

1D convolutions (two stride-2 stages with a residual convolution each, so 4 frames per step as in Guo et al.'s
movement encoder) followed by masked mean and max pooling over valid steps. Cheap enough to train on 2 CPU cores in minutes; variable lengths are handled
by masks after every layer, so a padded batch gives the same vector per motion as that motion alone.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


class MotionConvEncoder(nn.Module):
    """(b, t, d) normalised features, (b,) lengths in frames -> (b, out_dim)."""

    def __init__(self, input_dim: int, hidden: int = 256, out_dim: int = 256, dropout: float = 0.1):
        super().__init__()
        self.input_dim = input_dim
        # both stride-2 stages, the first straight from the features: 4 frames per step, cheap on CPU
        self.down = nn.ModuleList([nn.Conv1d(input_dim, hidden, 4, 2, 1), nn.Conv1d(hidden, hidden, 4, 2, 1)])
        self.res = nn.ModuleList([nn.Conv1d(hidden, hidden, 3, 1, 1) for _ in range(2)])
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)
        self.out = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(), nn.Linear(hidden, out_dim))

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        if x.ndim != 3 or x.shape[-1] != self.input_dim:
            raise ValueError(f"x: expected (b, t, {self.input_dim}) features, got {tuple(x.shape)}")
        lengths = lengths.to(x.device)
        h = x.transpose(1, 2) * _mask(lengths, x.shape[1])
        for down, res in zip(self.down, self.res):
            lengths = lengths // 2  # a stride-2 conv (k 4, pad 1) keeps floor(t / 2) steps
            h = self.act(down(self.drop(h)))
            m = _mask(lengths, h.shape[-1])
            h = h * m
            h = (h + self.act(res(h))) * m
        mean = h.sum(-1) / m.sum(-1)
        mx = h.masked_fill(m == 0, float("-inf")).amax(-1)
        return self.out(torch.cat([mean, mx], dim=-1))


def _mask(lengths: torch.Tensor, steps: int) -> torch.Tensor:
    """(b,) valid lengths -> (b, 1, steps) float mask (at least one valid step per row)."""
    lengths = torch.clamp(lengths, min=1, max=steps)
    return (torch.arange(steps, device=lengths.device)[None, :] < lengths[:, None]).float()[:, None, :]


def pad_batch(motions: list[np.ndarray], max_frames: int, rng: np.random.Generator | None = None,
              device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """List of (t_i, d) -> (b, T, d) zero-padded float tensor and (b,) lengths. Longer motions are cropped to
    `max_frames`: at a random offset when `rng` is given (training), else centred (evaluation, deterministic)."""
    if not motions:
        raise ValueError("pad_batch: no motions")
    crops = []
    for m in motions:
        m = np.asarray(m, np.float32)
        if len(m) > max_frames:
            start = int(rng.integers(len(m) - max_frames + 1)) if rng is not None else (len(m) - max_frames) // 2
            m = m[start: start + max_frames]
        crops.append(m)
    lengths = np.array([len(m) for m in crops])
    out = np.zeros((len(crops), max(4, int(lengths.max())), crops[0].shape[1]), np.float32)
    for i, m in enumerate(crops):
        out[i, : len(m)] = m
    return torch.from_numpy(out).to(device), torch.from_numpy(lengths).to(device)
