"""vq on MotionBook's joint map: 2D convolutions over time x joints, one whole-body code per step.

`TokenizerConfig.vq_joint_map`. T2M-GPT's vq reads the 263 features as channels of a 1D signal: every filter sees
every joint at once, so a pose the corpus never held (real mocap: crouched walking, aimed arms) meets weights fitted to
the corpus's whole-body combinations. MotionBook's map (`lfq2d.features_to_map`) gives each joint its own column and
shares the filters along the chains; lfq2d reconstructs real motion best of the three (README: real mocap). Here the
map's encoder and decoder keep vq's token layout: the columns are projected to one latent per step and looked up in
one codebook, so the language model reads the same kind of stream as from the 1D vq. Off by default: at lfq2d's
width on the cpu corpus it reconstructed both synthetic and real motion worse than the 1D vq (README: real mocap).
"""
from __future__ import annotations

import torch
from torch import nn

from ..motion.skeleton import NUM_JOINTS
from .config import TokenizerConfig
from .convnets import Decoder, Encoder
from .lfq2d import MAP_CHANNELS, features_to_map, map_to_features
from .one_code import OneCodePerStep
from .vq import VQ


class JointMapVQNet(OneCodePerStep):
    """2D conv encoder (width channels per joint) -> linear to code_dim -> VQ -> linear back -> 2D conv decoder."""

    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        w = cfg.width
        self.encoder = Encoder(MAP_CHANNELS, w, w, cfg.depth, cfg.down_stages, dims=2)
        self.decoder = Decoder(w, MAP_CHANNELS, w, cfg.depth, cfg.down_stages, dims=2)
        self.to_latent = nn.Linear(NUM_JOINTS * w, cfg.code_dim)
        self.from_latent = nn.Linear(cfg.code_dim, NUM_JOINTS * w)
        self.quantizer = VQ(dim=cfg.code_dim, codebook_size=cfg.codebook_size, decay=cfg.ema_decay,
                            commitment_weight=cfg.commitment_weight, dead_code_threshold=cfg.dead_code_threshold,
                            codebook_dim=cfg.vq_codebook_dim, cosine=cfg.vq_cosine)

    def encode_latent(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (b, t, 263), mask (b, t) -> latents (b, s, 1, code_dim), step mask (b, s)."""
        h, m = self.encoder(features_to_map(x), mask[:, None, :, None].to(x.dtype))  # (b, w, s, J)
        z = self.to_latent(h.permute(0, 2, 3, 1).flatten(2))
        return z[:, :, None], m[:, 0, :, 0] > 0

    def decode_latent(self, zq: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """zq (b, s, 1, code_dim), mask (b, s) -> (b, s * downsample, 263)."""
        b, s = zq.shape[:2]
        h = self.from_latent(zq[:, :, 0]).reshape(b, s, NUM_JOINTS, -1).permute(0, 3, 1, 2)
        return map_to_features(self.decoder(h, mask[:, None, :, None].to(zq.dtype)))
