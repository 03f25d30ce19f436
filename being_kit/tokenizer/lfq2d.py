"""MotionBook (Being-M0's 2D-LFQ): motion as a 2D map, time x joints, encoded by 2D convolutions and quantised with
lookup-free codes per time step and body part.

The map. Each of the 22 joints gets `MAP_CHANNELS` = 13 slots filled from the 263-d HumanML3D features: its
root-relative position (3), 6D rotation (6), velocity (3) and foot contact (1, feet only); the root joint holds the
4 root values (yaw velocity, xz velocity, height) in its position/rotation slots. Every feature dim lands in exactly one
slot, so `features -> map -> features` is exact. Joints are ordered part by part (skeleton.BODY_PARTS: torso, left
arm, right arm, left leg, right leg), so each part is a contiguous block of columns and 2D kernels mix neighbours
along a chain.

Tokens. After temporal downsampling (4 frames per step) each part's columns are projected to `lfq_bits` dims and
quantised by one shared LFQ: `codes` is (b, s, P) with P = 5 parts and values in [0, 2^bits). For the language model
they are flattened time-major, parts in PART_NAMES order within a step: [s0 torso, s0 l_arm, s0 r_arm, s0 l_leg,
s0 r_leg, s1 torso, ...]; the codebook is shared by the parts, so token id = code and `token_vocab_size` = 2^bits
(a part is known from the token's position modulo P, not from its id).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..motion.skeleton import BODY_PARTS, FOOT_JOINTS_LEFT, FOOT_JOINTS_RIGHT, NUM_JOINTS
from .config import TokenizerConfig
from .convnets import Encoder, Decoder
from .lfq import LFQuantizer
from .vq import Quantized

MAP_CHANNELS = 13
JOINT_ORDER: tuple[int, ...] = tuple(j for part in BODY_PARTS.values() for j in part)
PART_SLICES: tuple[slice, ...] = tuple(
    slice(int(start), int(start) + len(part)) for start, part in zip(np.cumsum([0] + [len(p) for p in BODY_PARTS.values()]), BODY_PARTS.values())
)


def _gather_index() -> np.ndarray:
    """(22, 13) feature index per map slot, in JOINT_ORDER rows; 263 marks an empty slot (reads a zero)."""
    idx = np.full((NUM_JOINTS, MAP_CHANNELS), 263, dtype=np.int64)
    contact = {j: 259 + i for i, j in enumerate(FOOT_JOINTS_LEFT + FOOT_JOINTS_RIGHT)}  # 259..262: l ankle, l foot, r ...
    for row, j in enumerate(JOINT_ORDER):
        if j == 0:
            idx[row, 0:4] = np.arange(0, 4)
        else:
            idx[row, 0:3] = 4 + 3 * (j - 1) + np.arange(3)
            idx[row, 3:9] = 67 + 6 * (j - 1) + np.arange(6)
        idx[row, 9:12] = 193 + 3 * j + np.arange(3)
        if j in contact:
            idx[row, 12] = contact[j]
    return idx


GATHER_INDEX = _gather_index()
_flat = GATHER_INDEX.reshape(-1)
SCATTER_INDEX = np.array([int(np.flatnonzero(_flat == f)[0]) for f in range(263)], dtype=np.int64)
assert sorted(_flat[_flat < 263].tolist()) == list(range(263)), "every feature dim must occupy one map slot"


def features_to_map(x: torch.Tensor) -> torch.Tensor:
    """(b, t, 263) -> (b, 13, t, 22)."""
    padded = torch.cat([x, x.new_zeros(x.shape[:-1] + (1,))], dim=-1)
    m = padded[..., torch.as_tensor(GATHER_INDEX.reshape(-1), device=x.device)]
    return m.reshape(x.shape[:-1] + (NUM_JOINTS, MAP_CHANNELS)).permute(0, 3, 1, 2)


def map_to_features(m: torch.Tensor) -> torch.Tensor:
    """(b, 13, t, 22) -> (b, t, 263)."""
    flat = m.permute(0, 2, 3, 1).reshape(m.shape[0], m.shape[2], NUM_JOINTS * MAP_CHANNELS)
    return flat[..., torch.as_tensor(SCATTER_INDEX, device=m.device)]


class MotionBookNet(nn.Module):
    """2D conv encoder -> per-part projection -> shared LFQ -> per-part projection -> 2D conv decoder."""

    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        w = cfg.width
        self.tokens_per_step = len(PART_SLICES)
        self.encoder = Encoder(MAP_CHANNELS, w, w, cfg.depth, cfg.down_stages, dims=2)
        self.decoder = Decoder(w, MAP_CHANNELS, w, cfg.depth, cfg.down_stages, dims=2)
        self.part_in = nn.ModuleList(nn.Linear((s.stop - s.start) * w, cfg.lfq_bits) for s in PART_SLICES)
        self.part_out = nn.ModuleList(nn.Linear(cfg.lfq_bits, (s.stop - s.start) * w) for s in PART_SLICES)
        self.quantizer = LFQuantizer(bits=cfg.lfq_bits, entropy_weight=cfg.entropy_weight,
                                     commitment_weight=cfg.lfq_commitment_weight, diversity_gamma=cfg.diversity_gamma,
                                     frac_per_sample_entropy=cfg.frac_per_sample_entropy,
                                         inv_temperature=cfg.lfq_inv_temperature)

    def encode_latent(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (b, t, 263), mask (b, t) -> latents (b, s, P, bits), step mask (b, s)."""
        h, m = self.encoder(features_to_map(x), mask[:, None, :, None].to(x.dtype))  # (b, w, s, J)
        h = h.permute(0, 2, 3, 1)  # (b, s, J, w)
        z = torch.stack([proj(h[:, :, sl].flatten(2)) for proj, sl in zip(self.part_in, PART_SLICES)], dim=2)
        return z, m[:, 0, :, 0] > 0

    def quantize(self, z: torch.Tensor, mask: torch.Tensor) -> Quantized:
        b, s, p, c = z.shape
        q = self.quantizer(z.reshape(b, s * p, c), mask.repeat_interleave(p, dim=1))
        return Quantized(q.quantized.reshape(b, s, p, c), q.codes.reshape(b, s, p), q.loss)

    def dequantize(self, codes: torch.Tensor) -> torch.Tensor:
        b, s, p = codes.shape
        return self.quantizer.dequantize(codes.reshape(b, s * p)).reshape(b, s, p, -1)

    def decode_latent(self, zq: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """zq (b, s, P, bits), mask (b, s) -> (b, s * downsample, 263)."""
        b, s = zq.shape[:2]
        h = torch.cat([proj(zq[:, :, i]).reshape(b, s, sl.stop - sl.start, -1)
                       for i, (proj, sl) in enumerate(zip(self.part_out, PART_SLICES))], dim=2)  # (b, s, J, w)
        out = self.decoder(h.permute(0, 3, 1, 2), mask[:, None, :, None].to(zq.dtype))
        return map_to_features(out)
