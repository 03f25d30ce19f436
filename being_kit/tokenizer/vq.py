"""Vector quantisation with an EMA codebook, dead-code reset and a commitment loss (van den Oord et al. 2017; the
T2M-GPT / Being-M0 baseline: 1024 codes x 512 dims). Wraps `vector_quantize_pytorch.VectorQuantize`, which also
keeps the codebook in sync across DDP processes.
"""
from __future__ import annotations

import warnings
from contextlib import nullcontext
from typing import NamedTuple

import torch
from torch import nn

from ..quiet import quiet_loguru


class Quantized(NamedTuple):
    quantized: torch.Tensor  # (b, n, c), straight-through
    codes: torch.Tensor  # (b, n) int64
    loss: torch.Tensor  # scalar, already weighted


class VQ(nn.Module):
    """(b, n, dim) -> Quantized; mask (b, n) bool keeps padding out of the codebook statistics."""

    def __init__(self, *, dim: int, codebook_size: int, decay: float, commitment_weight: float, dead_code_threshold: float,
                 codebook_dim: int = 0, cosine: bool = False):
        super().__init__()
        from vector_quantize_pytorch import VectorQuantize

        self.codebook_size = codebook_size
        self.cosine = cosine
        # The projections are ours: the library's own `codebook_dim` compares the projected codes with the unprojected
        # latent in the masked commitment loss (vector-quantize-pytorch 1.32: a shape error).
        small = bool(codebook_dim) and codebook_dim != dim
        self.project_in = nn.Linear(dim, codebook_dim) if small else nn.Identity()
        self.project_out = nn.Linear(codebook_dim, dim) if small else nn.Identity()
        self.vq = VectorQuantize(dim=codebook_dim if small else dim, codebook_size=codebook_size, decay=decay,
                                 commitment_weight=commitment_weight, threshold_ema_dead_code=dead_code_threshold,
                                 kmeans_init=True, kmeans_iters=10, use_cosine_sim=cosine)

    def forward(self, z: torch.Tensor, mask: torch.Tensor | None = None) -> Quantized:
        first = not bool(self.vq._codebook.initted)  # the first forward, in training or not, starts the codebook
        if first and self.training:
            self._say_if_kmeans_init_is_short(z, mask)
        # the library logs that start in terminal colours: raw escape codes in a notebook
        with quiet_loguru() if first else nullcontext():
            quantized, codes, loss = self.vq(self.project_in(z), mask=mask)
        return Quantized(self.project_out(quantized), codes.long(), loss.sum())

    def _say_if_kmeans_init_is_short(self, z: torch.Tensor, mask: torch.Tensor | None) -> None:
        """The codebook starts as k-means of the first batch's latents: with fewer latents than codes, some codes
        start as copies (dead-code reset replaces them later). Said once, as a plain warning, by the main process."""
        n = int(mask.sum()) if mask is not None else z.shape[0] * z.shape[1]
        main = not torch.distributed.is_initialized() or torch.distributed.get_rank() == 0
        if n < self.codebook_size and main:
            warnings.warn(f"vq: the codebook's k-means initialisation sees {n} latent vectors for {self.codebook_size} "
                          f"codes, so some codes start as duplicates (dead-code reset replaces them as training goes); "
                          f"batch_size x window / 4 >= codebook_size avoids this", stacklevel=3)

    def unquantized(self, z: torch.Tensor) -> torch.Tensor:
        """(b, n, dim) -> what the decoder would get from a codebook with a code at every point: the latent through
        the lookup space (l2-normalised there for a cosine codebook), without snapping to a code."""
        x = self.project_in(z)
        return self.project_out(torch.nn.functional.normalize(x, dim=-1) if self.cosine else x)

    def dequantize(self, codes: torch.Tensor) -> torch.Tensor:
        """(b, n) int -> (b, n, dim) codebook vectors."""
        return self.project_out(self.vq.get_output_from_indices(codes.long()))
