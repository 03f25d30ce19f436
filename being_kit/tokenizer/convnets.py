"""Residual convolutional encoders/decoders with temporal downsampling (T2M-GPT / Being-M0 style), 1D and 2D.

Every layer is followed by a multiplication with a padding mask, so the frames of a short motion padded into a batch
are encoded exactly as if it were alone (padding never leaks into valid steps). Masks are prefix masks whose valid
length is a multiple of the downsampling factor, so halving by slicing and doubling by repetition are exact.
1D works on (b, c, t); 2D on (b, c, t, j) (time x joints, the lfq2d MotionBook map) and downsamples time only.
"""
from __future__ import annotations

import torch
from torch import nn


def down_mask(mask: torch.Tensor) -> torch.Tensor:
    """(b, 1, t[, 1]) prefix mask -> (b, 1, t // 2[, 1])."""
    return mask[:, :, ::2]


def up_mask(mask: torch.Tensor) -> torch.Tensor:
    return mask.repeat_interleave(2, dim=2)


def _conv(dims: int, c_in: int, c_out: int, k: int, stride: int = 1, pad: int = 0, dil: int = 1) -> nn.Module:
    """dims=1: Conv1d; dims=2: Conv2d that strides/dilates along time only and uses a kernel of 3 over joints."""
    if dims == 1:
        return nn.Conv1d(c_in, c_out, k, stride, pad, dilation=dil)
    kj = 3 if k > 1 else 1
    return nn.Conv2d(c_in, c_out, (k, kj), (stride, 1), (pad, kj // 2), dilation=(dil, 1))


class ResBlock(nn.Module):
    """x + conv1x1(relu(conv3_dilated(relu(x)))), masked."""

    def __init__(self, dims: int, width: int, dilation: int):
        super().__init__()
        self.conv1 = _conv(dims, width, width, 3, pad=dilation, dil=dilation)
        self.conv2 = _conv(dims, width, width, 1)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.conv1(self.act(x)) * mask
        return x + self.conv2(self.act(h)) * mask


class ResStack(nn.Module):
    def __init__(self, dims: int, width: int, depth: int, reverse: bool = False):
        super().__init__()
        dilations = [3**i for i in range(depth)]
        self.blocks = nn.ModuleList(ResBlock(dims, width, d) for d in (dilations[::-1] if reverse else dilations))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x, mask)
        return x


class Encoder(nn.Module):
    """(b, c_in, t[, j]) -> (b, c_out, t / 2**stages[, j]); mask (b, 1, t[, 1]) of 0/1."""

    def __init__(self, c_in: int, c_out: int, width: int, depth: int, stages: int, dims: int = 1):
        super().__init__()
        self.conv_in = _conv(dims, c_in, width, 3, pad=1)
        self.downs = nn.ModuleList(_conv(dims, width, width, 4, stride=2, pad=1) for _ in range(stages))
        self.stacks = nn.ModuleList(ResStack(dims, width, depth) for _ in range(stages))
        self.conv_out = _conv(dims, width, c_out, 3, pad=1)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns (encoded, mask at the token rate)."""
        x = self.act(self.conv_in(x * mask)) * mask
        for down, stack in zip(self.downs, self.stacks):
            mask = down_mask(mask)
            x = stack(down(x) * mask, mask)
        return self.conv_out(x) * mask, mask


class Decoder(nn.Module):
    """(b, c_in, s[, j]) -> (b, c_out, s * 2**stages[, j]); nearest upsampling + conv per stage."""

    def __init__(self, c_in: int, c_out: int, width: int, depth: int, stages: int, dims: int = 1):
        super().__init__()
        self.conv_in = _conv(dims, c_in, width, 3, pad=1)
        self.stacks = nn.ModuleList(ResStack(dims, width, depth, reverse=True) for _ in range(stages))
        self.ups = nn.ModuleList(_conv(dims, width, width, 3, pad=1) for _ in range(stages))
        self.conv_mid = _conv(dims, width, width, 3, pad=1)
        self.conv_out = _conv(dims, width, c_out, 3, pad=1)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.act(self.conv_in(x * mask)) * mask
        for stack, up in zip(self.stacks, self.ups):
            x = stack(x, mask)
            mask = up_mask(mask)
            x = up(x.repeat_interleave(2, dim=2)) * mask
        x = self.act(self.conv_mid(x)) * mask
        return self.conv_out(x) * mask
