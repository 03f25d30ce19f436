"""`TokenizerConfig`: everything that defines a motion tokenizer's architecture, saved as JSON beside its weights.

The defaults are the paper's sizes (Being-M0 / T2M-GPT): width 512, temporal downsampling 4 (two stride-2 stages),
VQ 1024 x 512, LFQ 2^16 codes (16 binary dims). Profiles shrink `width`/`depth`/`lfq_bits` on CPU.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Config

QUANTIZERS = ("vq", "lfq", "lfq2d")


@dataclass
class TokenizerConfig(Config):
    quantizer: str = "vq"  # "vq" (EMA codebook), "lfq" (lookup-free, 2^bits codes), "lfq2d" (MotionBook: per body part)
    feature_dim: int = 263  # 263 = HumanML3D features; lfq2d needs 263 (it maps the features onto joints)
    # what the features are ("humanml263", "smpl_d135"), so decoded motions are read as joints the right way;
    # "" = the representation of feature_dim (folders saved before this field existed load that way)
    representation: str = ""
    width: int = 512  # channels of the conv stacks (lfq2d: per joint, so smaller, e.g. width // 4)
    depth: int = 3  # residual blocks per resolution (dilations 1, 3, 9, ...)
    down_stages: int = 2  # stride-2 stages: downsample = 2 ** down_stages (paper: 4 frames per token step)
    # vq
    codebook_size: int = 1024
    code_dim: int = 512
    ema_decay: float = 0.99
    dead_code_threshold: float = 2.0  # EMA cluster size below which a code is reset to a random encoder output
    commitment_weight: float = 0.02  # T2M-GPT's beta
    # codes looked up in a smaller space (a projection of the latent; 0 = code_dim) and by cosine similarity: the
    # factorised, l2-normalised codebook of ViT-VQGAN (Yu et al. 2022), which uses more of its codes
    vq_codebook_dim: int = 0
    vq_cosine: bool = False
    # vq's conv stacks on MotionBook's time x joints map (2D, `width` channels per joint), one code per step as before
    # (`joint_map_vq.py`); needs 263-d features
    vq_joint_map: bool = False
    # lfq / lfq2d
    lfq_bits: int = 16  # codebook 2 ** lfq_bits (paper: 2^16)
    entropy_weight: float = 0.1
    diversity_gamma: float = 1.0
    # < 1 samples the per-sample entropy term: at 2^16 codes, 2048 tokens on CPU, 0.8 s fwd+bwd instead of 10.5 s
    frac_per_sample_entropy: float = 0.1
    lfq_commitment_weight: float = 0.25
    lfq_inv_temperature: float = 100.0  # sharpness of the soft code assignment in the entropy terms (library default)

    def __post_init__(self) -> None:
        if self.quantizer not in QUANTIZERS:
            raise ValueError(f"quantizer: expected one of {QUANTIZERS}, got {self.quantizer!r}")
        from ..data.schema import REPRESENTATIONS

        if not self.representation:
            by_dim = {dim: name for name, dim in REPRESENTATIONS.items()}
            self.representation = by_dim.get(self.feature_dim, "")
        elif REPRESENTATIONS.get(self.representation) != self.feature_dim:
            raise ValueError(f"representation: {self.representation!r} has {REPRESENTATIONS.get(self.representation)} "
                             f"values per frame, but feature_dim is {self.feature_dim} (known: {REPRESENTATIONS})")
        if self.quantizer == "lfq2d" and self.feature_dim != 263:
            raise ValueError(f"feature_dim: lfq2d maps HumanML3D 263-d features onto joints; got {self.feature_dim}")
        if self.vq_joint_map and (self.quantizer != "vq" or self.feature_dim != 263):
            raise ValueError(f"vq_joint_map: a vq option on HumanML3D's 263-d features; got quantizer "
                             f"{self.quantizer!r}, feature_dim {self.feature_dim}")
        if not 0 <= int(self.vq_codebook_dim) <= int(self.code_dim):
            raise ValueError(f"vq_codebook_dim: expected 0 (= code_dim) .. code_dim {self.code_dim}, got {self.vq_codebook_dim}")
        for name in ("feature_dim", "width", "depth", "codebook_size", "code_dim"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}: must be a positive integer, got {getattr(self, name)}")
        if not 1 <= self.down_stages <= 4:
            raise ValueError(f"down_stages: expected 1..4 (downsample 2..16; the paper uses 2), got {self.down_stages}")
        if not 1 <= self.lfq_bits <= 20:
            raise ValueError(f"lfq_bits: expected 1..20 (codebook 2..2^20; the paper uses 16), got {self.lfq_bits}")
        if not 0.0 < self.ema_decay < 1.0:
            raise ValueError(f"ema_decay: expected in (0, 1), got {self.ema_decay}")
        if not self.lfq_inv_temperature > 0:
            raise ValueError(f"lfq_inv_temperature: must be positive, got {self.lfq_inv_temperature}")
        if not 0.0 < self.frac_per_sample_entropy <= 1.0:
            raise ValueError(f"frac_per_sample_entropy: expected in (0, 1], got {self.frac_per_sample_entropy}")

    @property
    def downsample(self) -> int:
        return 2 ** self.down_stages

    @property
    def num_codes(self) -> int:
        """Codes per token (the quantizer's codebook size)."""
        return self.codebook_size if self.quantizer == "vq" else 2 ** self.lfq_bits
