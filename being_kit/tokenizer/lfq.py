"""Lookup-free quantisation (Yu et al., "Language Model Beats Diffusion", 2023): each of `bits` latent dims is
quantised to its sign, so the code is the bit pattern (2^bits codes, no codebook to look up or collapse). Training
adds a per-sample entropy term (confident bits), a codebook entropy term (use all codes) and a commitment loss.
Wraps `vector_quantize_pytorch.LFQ`; `frac_per_sample_entropy` < 1 keeps 2^16 codes affordable on CPU (0.1: 0.8 s
instead of 10.5 s fwd+bwd for 2048 tokens on 2 cores, 6 GB peak without it).
"""
from __future__ import annotations

import torch
from torch import nn

from .vq import Quantized


class LFQuantizer(nn.Module):
    """(b, n, bits) -> Quantized with codes in [0, 2**bits); mask (b, n) bool excludes padding from the entropy."""

    def __init__(self, *, bits: int, entropy_weight: float, commitment_weight: float, diversity_gamma: float,
                 frac_per_sample_entropy: float, inv_temperature: float = 100.0):
        super().__init__()
        from vector_quantize_pytorch import LFQ

        self.codebook_size = 2**bits
        self.inv_temperature = inv_temperature
        self.lfq = LFQ(dim=bits, codebook_size=2**bits, entropy_loss_weight=entropy_weight,
                       commitment_loss_weight=commitment_weight, diversity_gamma=diversity_gamma,
                       frac_per_sample_entropy=frac_per_sample_entropy)

    def forward(self, z: torch.Tensor, mask: torch.Tensor | None = None) -> Quantized:
        if mask is None:
            quantized, codes, loss = self.lfq(z, inv_temperature=self.inv_temperature)
            return Quantized(quantized, codes.long(), loss.sum())
        # Only the valid tokens go in, as one sequence: with LFQ's own `mask` argument (vector-quantize-pytorch 1.32)
        # the batch-entropy average runs over the wrong axis, so the entropy terms are exactly zero.
        valid = z[mask][None]  # (1, n_valid, bits)
        q, c, loss = self.lfq(valid, inv_temperature=self.inv_temperature)
        quantized = z.new_zeros(z.shape).masked_scatter(mask[..., None], q[0])
        codes = torch.zeros(mask.shape, dtype=torch.long, device=z.device).masked_scatter(mask, c[0].long())
        return Quantized(quantized, codes, loss.sum())

    def dequantize(self, codes: torch.Tensor) -> torch.Tensor:
        """(b, n) int -> (b, n, bits) of +-1."""
        return self.lfq.indices_to_codes(codes.long())
