"""`OneCodePerStep`: the quantizer calls of nets whose latents are (b, s, 1, c), one code per step for the whole body
(the 1D vq / lfq and the joint-map vq), so each net only says how it encodes and decodes."""
from __future__ import annotations

import torch
from torch import nn

from .vq import Quantized


class OneCodePerStep(nn.Module):
    """Base of a net with `self.quantizer` (VQ or LFQuantizer) and latents (b, s, 1, c)."""

    tokens_per_step = 1

    def quantize(self, z: torch.Tensor, mask: torch.Tensor) -> Quantized:
        q = self.quantizer(z[:, :, 0], mask)
        return Quantized(q.quantized[:, :, None], q.codes[:, :, None], q.loss)

    def dequantize(self, codes: torch.Tensor) -> torch.Tensor:
        return self.quantizer.dequantize(codes[:, :, 0])[:, :, None]

    def unquantized(self, z: torch.Tensor) -> torch.Tensor:
        """vq only (`MotionTokenizer.reconstruct_without_lookup` checks): the latent with no codebook lookup."""
        return self.quantizer.unquantized(z[:, :, 0])[:, :, None]
