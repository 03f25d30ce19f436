"""`MotionTokenizer`: normalised motion features <-> discrete codes, one interface over the vq, lfq and lfq2d quantizers.

Shapes: feats (b, t, d) normalised; codes (b, t // downsample, tokens_per_step) int64, -1 past a motion's length.
A motion of L frames gives L // downsample steps; its last L % downsample frames are not encoded (decode returns
(L // downsample) * downsample frames). Batches of different lengths are padded and masked at every layer, so a
motion's codes do not depend on what it is batched with. Language-model token ids: `codes_to_tokens` flattens one
motion's (s, k) codes time-major (step 0's k codes, then step 1's, ...); id = code, so `token_vocab_size` =
`codebook_size` (lfq2d's parts share one codebook; see lfq2d.py).
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np
import torch
from torch import nn

from ..model_files import CONFIG_FILE, WEIGHTS_FILE, read_model, save_model
from .config import TokenizerConfig
from .convnets import Decoder, Encoder
from .joint_map_vq import JointMapVQNet
from .lfq import LFQuantizer
from .lfq2d import MotionBookNet
from .one_code import OneCodePerStep
from .vq import VQ

FORMAT = "being_kit.tokenizer/1"


class TokenizerOutput(NamedTuple):
    recon: torch.Tensor  # (b, t', d) normalised, t' = (t // downsample) * downsample; zero past each motion's end
    codes: torch.Tensor  # (b, t // downsample, tokens_per_step), -1 past each motion's end
    quant_loss: torch.Tensor  # scalar: commitment (+ entropy for LFQ), already weighted
    mask: torch.Tensor  # (b, t') bool, frames that were encoded


class Conv1DNet(OneCodePerStep):
    """vq / lfq: 1D residual conv encoder over (b, d, t), one code per step."""

    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        latent = cfg.code_dim if cfg.quantizer == "vq" else cfg.lfq_bits
        self.encoder = Encoder(cfg.feature_dim, latent, cfg.width, cfg.depth, cfg.down_stages)
        self.decoder = Decoder(latent, cfg.feature_dim, cfg.width, cfg.depth, cfg.down_stages)
        if cfg.quantizer == "vq":
            self.quantizer = VQ(dim=latent, codebook_size=cfg.codebook_size, decay=cfg.ema_decay,
                                commitment_weight=cfg.commitment_weight, dead_code_threshold=cfg.dead_code_threshold,
                                codebook_dim=cfg.vq_codebook_dim, cosine=cfg.vq_cosine)
        else:
            self.quantizer = LFQuantizer(bits=cfg.lfq_bits, entropy_weight=cfg.entropy_weight,
                                         commitment_weight=cfg.lfq_commitment_weight, diversity_gamma=cfg.diversity_gamma,
                                         frac_per_sample_entropy=cfg.frac_per_sample_entropy,
                                         inv_temperature=cfg.lfq_inv_temperature)

    def encode_latent(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, m = self.encoder(x.transpose(1, 2), mask[:, None, :].to(x.dtype))
        return h.transpose(1, 2)[:, :, None, :], m[:, 0] > 0  # (b, s, 1, c), (b, s)

    def decode_latent(self, zq: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.decoder(zq[:, :, 0].transpose(1, 2), mask[:, None, :].to(zq.dtype)).transpose(1, 2)


class MotionTokenizer(nn.Module):
    """Encoder + quantizer + decoder, carrying its normaliser (mean/std of the raw features) and config."""

    def __init__(self, config: TokenizerConfig, mean: np.ndarray | None = None, std: np.ndarray | None = None):
        super().__init__()
        if not isinstance(config, TokenizerConfig):
            raise TypeError(f"config: expected a TokenizerConfig, got {type(config).__name__}")
        self.config = config
        d = config.feature_dim
        mean = np.zeros(d, np.float32) if mean is None else np.asarray(mean, np.float32)
        std = np.ones(d, np.float32) if std is None else np.asarray(std, np.float32)
        if mean.shape != (d,) or std.shape != (d,):
            raise ValueError(f"mean, std: expected ({d},) vectors for feature_dim {d}, got {mean.shape} and {std.shape}")
        self.register_buffer("mean", torch.from_numpy(mean.copy()))
        self.register_buffer("std", torch.from_numpy(std.copy()))
        if config.quantizer == "lfq2d":
            self.net = MotionBookNet(config)
        else:
            self.net = JointMapVQNet(config) if config.vq_joint_map else Conv1DNet(config)

    # ---- facts -------------------------------------------------------------------------------------------------
    @property
    def quantizer(self) -> str:
        return self.config.quantizer

    @property
    def codebook_size(self) -> int:
        return self.config.num_codes

    @property
    def downsample(self) -> int:
        return self.config.downsample

    @property
    def tokens_per_step(self) -> int:
        return self.net.tokens_per_step

    @property
    def token_vocab_size(self) -> int:
        return self.codebook_size

    @property
    def tokenizer_id(self) -> str:
        """Content hash of the weights and normaliser buffers (names, shapes, bytes; 16 hex chars).

        The config dataclass is deliberately not hashed: adding a field to it in code must not change the id of a saved
        tokenizer (a language model trained on its tokens would then refuse them). Anything that changes the codes
        changes a weight, a buffer, or a tensor's shape or name.
        """
        return _content_id(self.quantizer, self.state_dict())

    def normalizer(self):
        from ..motion.normalize import Normalizer

        return Normalizer(self.mean.cpu().numpy(), self.std.cpu().numpy())

    # ---- tensors -----------------------------------------------------------------------------------------------
    def frame_mask(self, lengths: torch.Tensor | None, b: int, t: int, device) -> torch.Tensor:
        """(b, t') bool: the frames of each motion that get encoded (whole steps only)."""
        ds = self.downsample
        t_used = (t // ds) * ds
        if lengths is None:
            return torch.ones(b, t_used, dtype=torch.bool, device=device)
        lengths = torch.as_tensor(lengths, device=device)
        if lengths.is_floating_point() and not torch.equal(lengths, lengths.round()):
            raise ValueError(f"lengths: expected whole frame counts, got {lengths.tolist()} (a fraction would be "
                             "dropped silently)")
        if lengths.is_complex() or lengths.dtype == torch.bool:
            raise ValueError(f"lengths: expected integer frame counts, got dtype {lengths.dtype}")
        lengths = lengths.long()
        if lengths.shape != (b,) or (lengths < 0).any() or (lengths > t).any():
            raise ValueError(f"lengths: expected ({b},) ints in [0, {t}], got {lengths.tolist()}")
        valid = (lengths // ds) * ds
        return torch.arange(t_used, device=device)[None, :] < valid[:, None]

    def check_features(self, feats: torch.Tensor, name: str = "feats", finite: bool = False) -> None:
        """Raise a ValueError naming `name` unless feats is (b, t >= downsample, feature_dim) (and finite)."""
        d = self.config.feature_dim
        if not feats.is_floating_point():
            raise ValueError(f"{name}: expected float features, got dtype {feats.dtype} (convert with .float())")
        if feats.ndim != 3 or feats.shape[-1] != d:
            hint = " (one motion? add a batch axis: feats[None])" if feats.ndim == 2 and feats.shape[-1] == d else ""
            raise ValueError(f"{name}: expected (b, t, {d}) normalised features, got {tuple(feats.shape)}{hint}")
        if feats.shape[1] < self.downsample:
            raise ValueError(f"{name}: need at least downsample = {self.downsample} frames, got {feats.shape[1]}")
        if finite and not torch.isfinite(feats).all():
            bad = (~torch.isfinite(feats)).nonzero()[0].tolist()
            raise ValueError(f"{name}: holds NaN or inf (first at index {tuple(bad)}); such a motion would get "
                             "normal-looking codes")

    def forward(self, feats: torch.Tensor, lengths: torch.Tensor | None = None) -> TokenizerOutput:
        """feats (b, t, d) normalised -> TokenizerOutput (reconstruction, codes, quantizer loss, frame mask)."""
        self.check_features(feats)
        mask = self.frame_mask(lengths, feats.shape[0], feats.shape[1], feats.device)
        x = feats[:, : mask.shape[1]] * mask[..., None]
        z, step_mask = self.net.encode_latent(x, mask)
        q = self.net.quantize(z, step_mask)
        recon = self.net.decode_latent(q.quantized, step_mask)
        codes = q.codes.masked_fill(~step_mask[..., None], -1)
        return TokenizerOutput(recon, codes, q.loss, mask)

    @torch.no_grad()
    def encode(self, feats: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """feats (b, t, d) normalised, lengths (b,) frames -> codes (b, t // downsample, tokens_per_step) int64,
        -1 past each motion's length. Never updates the codebook (runs in eval mode)."""
        z, step_mask = self._latent(feats, lengths)
        with self._evaluating():
            return self.net.quantize(z, step_mask).codes.masked_fill(~step_mask[..., None], -1)

    @torch.no_grad()
    def reconstruct_without_lookup(self, feats: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """feats (b, t, d) normalised -> (b, t', d) decoded from the latent with no codebook lookup (vq only): what an
        unlimited codebook would give, so it splits a reconstruction error between the codebook and the conv nets."""
        if self.quantizer != "vq":  # LFQ's codes are signs: its latent between them means nothing
            raise ValueError(f"reconstruct_without_lookup: only vq's codes are points of its latent space; "
                             f"{self.quantizer} has no such reading")
        z, step_mask = self._latent(feats, lengths)
        with self._evaluating():
            return self.net.decode_latent(self.net.unquantized(z) * step_mask[..., None, None], step_mask)

    def _latent(self, feats: torch.Tensor, lengths: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """The encoder's latent of checked, normalised feats in eval mode, and its step mask."""
        feats = torch.as_tensor(feats)
        self.check_features(feats, finite=True)
        mask = self.frame_mask(lengths, feats.shape[0], feats.shape[1], feats.device)
        with self._evaluating():
            return self.net.encode_latent(feats[:, : mask.shape[1]] * mask[..., None], mask)

    @contextmanager
    def _evaluating(self) -> Iterator[None]:
        """Eval mode inside the block (no codebook update, no dropout), the caller's mode back afterwards."""
        was_training = self.training
        self.eval()
        try:
            yield
        finally:
            self.train(was_training)

    @torch.no_grad()
    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """codes (b, s, tokens_per_step), -1 = padding -> feats (b, s * downsample, d) normalised, zero past the end."""
        codes = torch.as_tensor(codes, device=self.mean.device)
        if codes.is_floating_point() or codes.is_complex() or codes.dtype == torch.bool:
            raise ValueError(f"codes: expected integer codes, got dtype {codes.dtype}")
        codes = codes.long()
        k = self.tokens_per_step
        if codes.ndim != 3 or codes.shape[2] != k:
            raise ValueError(f"codes: expected (b, s, {k}), got {tuple(codes.shape)}")
        if codes.shape[1] == 0:
            raise ValueError("codes: no steps to decode (s = 0)")
        if (codes >= self.codebook_size).any():
            raise ValueError(f"codes: values must be < codebook_size {self.codebook_size}, got max {int(codes.max())}")
        if (codes < -1).any():
            raise ValueError(f"codes: -1 is the only negative value (padding), got min {int(codes.min())}")
        step_mask = (codes >= 0).all(dim=2)
        with self._evaluating():
            zq = self.net.dequantize(codes.clamp(min=0)) * step_mask[..., None, None]
            return self.net.decode_latent(zq, step_mask)

    # ---- language-model tokens ---------------------------------------------------------------------------------
    def codes_to_tokens(self, codes):
        """One motion's codes (s, tokens_per_step) -> (s * tokens_per_step,) token ids in [0, token_vocab_size)."""
        k = self.tokens_per_step
        if codes.ndim != 2 or codes.shape[1] != k:
            raise ValueError(f"codes: expected (s, {k}) for one motion, got {tuple(codes.shape)}")
        if (codes < 0).any() or (codes >= self.token_vocab_size).any():
            raise ValueError(f"codes: expected values in [0, {self.token_vocab_size}); strip -1 padding first")
        return codes.reshape(-1)

    def tokens_to_codes(self, tokens):
        """(n,) token ids -> (n // tokens_per_step, tokens_per_step); an incomplete last step is dropped."""
        k = self.tokens_per_step
        if tokens.ndim != 1:
            raise ValueError(f"tokens: expected a 1-d sequence, got shape {tuple(tokens.shape)}")
        if tokens.shape[0] < k:
            raise ValueError(f"tokens: expected at least one step of {k} token id(s), got {tokens.shape[0]}")
        if (tokens < 0).any() or (tokens >= self.token_vocab_size).any():
            raise ValueError(f"tokens: expected ids in [0, {self.token_vocab_size})")
        n = (tokens.shape[0] // k) * k
        return tokens[:n].reshape(-1, k)

    def tokenize(self, motion: np.ndarray) -> np.ndarray:
        """One raw (unnormalised) motion (t, d) -> int32 LM token ids ((t // downsample) * tokens_per_step,)."""
        raw = np.asarray(motion, np.float32)
        d = self.config.feature_dim
        if raw.ndim != 2 or raw.shape[1] != d:
            raise ValueError(f"motion: expected one raw motion (t, {d}), got {raw.shape}")
        if raw.shape[0] < self.downsample:
            raise ValueError(f"motion: need at least downsample = {self.downsample} frames, got {raw.shape[0]}")
        if not np.isfinite(raw).all():
            raise ValueError(f"motion: holds NaN or inf at frame {int(np.argwhere(~np.isfinite(raw))[0, 0])}")
        x = torch.as_tensor(self.normalizer().normalize(raw), device=self.mean.device)
        codes = self.encode(x[None])[0]
        return self.codes_to_tokens(codes).cpu().numpy().astype(np.int32)

    def detokenize(self, tokens) -> np.ndarray:
        """Token ids (n,) -> raw (unnormalised) features (n // tokens_per_step * downsample, d) as float32 numpy."""
        arr = np.asarray(tokens)
        if arr.dtype.kind not in "iu":
            raise ValueError(f"tokens: expected integer token ids, got dtype {arr.dtype}")
        codes = self.tokens_to_codes(torch.as_tensor(arr, dtype=torch.long))
        feats = self.decode(codes[None])[0].cpu().numpy()
        return self.normalizer().denormalize(feats).astype(np.float32)

    # ---- files -------------------------------------------------------------------------------------------------
    def save_pretrained(self, directory: str | os.PathLike, state_dict: dict | None = None) -> Path:
        """Write `model.safetensors` (weights and the normaliser's mean/std buffers) + `config.json` (config,
        tokenizer_id) into `directory`, replacing an earlier save as a whole (`being_kit.model_files`). Loadable by
        `from_pretrained` alone. `state_dict`: the full weights when the model in memory is sharded."""
        meta = {"format": FORMAT, "tokenizer_id": self.tokenizer_id, "config": self.config.to_dict(),
                "token_vocab_size": self.token_vocab_size, "tokens_per_step": self.tokens_per_step,
                "downsample": self.downsample}
        if state_dict is not None:
            meta["tokenizer_id"] = _content_id(self.quantizer, state_dict)
        return save_model(self, directory, meta, state_dict=state_dict)

    @classmethod
    def from_pretrained(cls, directory: str | os.PathLike, device: str | torch.device = "cpu") -> "MotionTokenizer":
        """Rebuild from a `save_pretrained` folder; errors name the missing, unreadable or corrupt file. The weights
        must hash to the `tokenizer_id` in config.json: a flipped byte would otherwise change every code silently."""
        directory = Path(directory)
        meta, state = read_model(directory, "tokenizer")
        cfg_path, w_path = directory / CONFIG_FILE, directory / WEIGHTS_FILE
        try:
            if meta.get("format") != FORMAT:
                raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT!r}")
            config = TokenizerConfig.from_dict(meta["config"], where="config")
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{cfg_path}: corrupt tokenizer config ({type(e).__name__}: {e})") from None
        model = cls(config)  # mean/std come with the weights (folders written before 2026-12 also list them in config.json)
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as e:
            raise ValueError(f"{w_path}: weights do not match {cfg_path.name} ({str(e)[:300]})") from None
        if "tokenizer_id" in meta and model.tokenizer_id != meta["tokenizer_id"]:
            raise ValueError(f"{w_path}: corrupt weights: they hash to {model.tokenizer_id}, but {cfg_path.name} "
                             f"records {meta['tokenizer_id']}; restore the folder or retrain")
        return model.to(device).eval()


def _content_id(quantizer: str, state: dict) -> str:
    """`MotionTokenizer.tokenizer_id` of a state dict: a hash of the names, shapes, dtypes and bytes of its tensors."""
    h = hashlib.sha256()
    for name, tensor in sorted(state.items()):
        h.update(f"{name}:{tuple(tensor.shape)}:{tensor.dtype}".encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return f"{quantizer}-{h.hexdigest()[:16]}"
