"""Motion codes as extra vocabulary of a causal language model (Being-M0, ICML 2025, Sec. 4.2).

One text token per motion token id `<motion_k>` (k in [0, token_vocab_size), the ids a `MotionTokenizer` writes
with `codes_to_tokens`) plus the start/end-of-motion markers `SPECIAL_TOKENS`. The ids of the added tokens are
contiguous, so the mapping is three numbers (`first_motion_id`, `som_id`, `eom_id`); it is saved with the model as
`motion_vocab.json` together with the `tokenizer_id` of the motion tokenizer whose tokens the model learned, and a
model refuses tokens from any other tokenizer. Works for 1024-code VQ, 65,536-code LFQ and the `lfq2d` layout
(`tokens_per_step` tokens per time step): the LM only sees flat token ids.
"""
from __future__ import annotations

import json
import os
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any, Sequence

import numpy as np

SOM, EOM = "<som>", "<eom>"
SPECIAL_TOKENS: tuple[str, ...] = (SOM, EOM)  # start / end of a motion span; declared here once
MOTION_TOKEN_FORMAT = "<motion_{}>"
VOCAB_FILE = "motion_vocab.json"


class TokenizerMismatchError(ValueError):
    """Tokens made by a motion tokenizer other than the one the language model was trained on."""


@dataclass(frozen=True)
class MotionVocabulary:
    """Where the motion tokens live in the language model's vocabulary.

    first_motion_id: LM id of `<motion_0>`; `<motion_k>` is `first_motion_id + k`.
    tokenizer_id: content hash of the motion tokenizer whose tokens these are (see `being_kit.tokenizer`).
    tokens_per_step / downsample: layout of the motion tokens (tokens per time step, frames per step), used to
    bound generated lengths by duration.
    """

    token_vocab_size: int
    first_motion_id: int
    som_id: int
    eom_id: int
    tokenizer_id: str
    tokens_per_step: int = 1
    downsample: int = 4
    quantizer: str = ""
    duration_hint: bool = False  # prompts carry the motion's length (" [4.5 s]", see templates.length_hint)

    def __post_init__(self) -> None:
        if self.token_vocab_size < 1:
            raise ValueError(f"token_vocab_size: expected >= 1, got {self.token_vocab_size}")
        if self.tokens_per_step < 1 or self.downsample < 1:
            raise ValueError(f"tokens_per_step/downsample: expected >= 1, got {self.tokens_per_step}/{self.downsample}")
        if not self.tokenizer_id:
            raise ValueError("tokenizer_id: the motion tokenizer's id is required (read it from tokens.json)")

    @property
    def end_motion_id(self) -> int:
        """One past the last motion token's LM id."""
        return self.first_motion_id + self.token_vocab_size

    def check_tokenizer(self, tokenizer_id: str, where: str = "") -> None:
        """Raise `TokenizerMismatchError` unless `tokenizer_id` is the one this model was trained on."""
        if tokenizer_id != self.tokenizer_id:
            raise TokenizerMismatchError(
                f"motion tokens{' in ' + where if where else ''} come from tokenizer {tokenizer_id!r}, but this "
                f"language model was trained on tokens of tokenizer {self.tokenizer_id!r}; re-tokenize the corpus "
                "with the model's tokenizer or train the LM on these tokens"
            )

    def to_lm_ids(self, motion_tokens: Sequence[int] | np.ndarray) -> np.ndarray:
        """Motion token ids (n,) in [0, token_vocab_size) -> LM ids (n,) int64."""
        t = np.asarray(motion_tokens)
        if t.size and t.dtype.kind not in "iu":  # a float id would be truncated to another token
            raise ValueError(f"motion tokens must be integer ids, got dtype {t.dtype} (e.g. "
                             f"{t.reshape(-1)[0].item()!r}); pass the ids a MotionTokenizer wrote, not features")
        if t.size and (t.min() < 0 or t.max() >= self.token_vocab_size):  # before the cast: uint64 would wrap
            raise ValueError(f"motion tokens must lie in [0, {self.token_vocab_size}), got range [{t.min()}, {t.max()}]")
        return t.astype(np.int64).reshape(-1) + self.first_motion_id

    def is_motion(self, lm_ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(lm_ids)
        return (ids >= self.first_motion_id) & (ids < self.end_motion_id)

    def to_motion_tokens(self, lm_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """LM ids -> motion token ids; raises ValueError naming the first id that is not a motion token."""
        ids = np.asarray(lm_ids, dtype=np.int64).reshape(-1)
        bad = ~self.is_motion(ids)
        if bad.any():
            raise ValueError(f"LM id {int(ids[bad][0])} is not a motion token (motion ids are "
                             f"[{self.first_motion_id}, {self.end_motion_id}))")
        return ids - self.first_motion_id

    def save(self, directory: str | os.PathLike) -> Path:
        from ..atomic_dirs import write_file_atomic

        text = json.dumps(asdict(self), indent=2)
        return write_file_atomic(Path(directory) / VOCAB_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    @classmethod
    def load(cls, directory: str | os.PathLike) -> "MotionVocabulary":
        """Read `motion_vocab.json`; ValueError naming the file and the field for anything malformed."""
        path = Path(directory) / VOCAB_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no motion vocabulary; is {directory} a being-kit language model folder?")
        redo = "restore the file from the run that trained this model, or train it again"
        try:
            d: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
            raise ValueError(f"{path}: corrupt motion vocabulary ({type(e).__name__}: {e}); {redo}") from None
        if not isinstance(d, dict):
            raise ValueError(f"{path}: expected a JSON object, got a JSON {type(d).__name__}; {redo}")
        for f in fields(cls):
            if f.name not in d:
                if f.default is MISSING:
                    raise ValueError(f"{path}: missing field {f.name!r}; {redo}")
                continue
            want, v = {"int": int, "str": str, "bool": bool}.get(str(f.type)), d[f.name]
            if want is not None and (not isinstance(v, want) or (want is int and isinstance(v, bool))):
                raise ValueError(f"{path}: {f.name} must be {str(f.type)}, got {type(v).__name__} {v!r}; {redo}")
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in d.items() if k in known})
        except ValueError as e:
            raise ValueError(f"{path}: {e}; {redo}") from None


def motion_token_strings(token_vocab_size: int) -> list[str]:
    return [MOTION_TOKEN_FORMAT.format(k) for k in range(token_vocab_size)]


def add_motion_vocabulary(model, text_tokenizer, token_vocab_size: int, *, tokenizer_id: str, tokens_per_step: int = 1,
                          downsample: int = 4, quantizer: str = "", pad_to_multiple_of: int | None = 64) -> MotionVocabulary:
    """Add `<som>`, `<eom>` and `token_vocab_size` motion tokens to `text_tokenizer` and `model` (in place).

    New embedding rows (input and, when untied, output) start at the mean of the existing rows: the new tokens
    begin as an "average word" instead of random vectors whose norm dwarfs the trained ones. The embedding matrix
    is padded to `pad_to_multiple_of` rows (tensor-core friendly); padded ids are never produced by
    constrained generation.
    """
    import torch
    from tokenizers import AddedToken

    if token_vocab_size < 1:
        raise ValueError(f"token_vocab_size: expected >= 1, got {token_vocab_size}")
    existing = set(text_tokenizer.get_vocab())
    clash = [t for t in SPECIAL_TOKENS if t in existing]
    if clash:
        raise ValueError(f"text tokenizer already has {clash}: motion vocabulary was added before "
                         "(load the model with MotionLM.from_pretrained instead)")
    old_rows = model.get_input_embeddings().weight.shape[0]
    n_before = len(text_tokenizer)
    text_tokenizer.add_special_tokens({"additional_special_tokens": list(SPECIAL_TOKENS)})
    som_id, eom_id = text_tokenizer.convert_tokens_to_ids(list(SPECIAL_TOKENS))
    first = len(text_tokenizer)
    text_tokenizer.add_tokens([AddedToken(s, special=True, normalized=False) for s in motion_token_strings(token_vocab_size)])
    if len(text_tokenizer) != first + token_vocab_size or (som_id, eom_id) != (n_before, n_before + 1):
        raise RuntimeError("text tokenizer did not give the motion tokens contiguous ids; it may already contain "
                           "some '<motion_k>' strings")
    new_rows = len(text_tokenizer)
    if pad_to_multiple_of:
        new_rows = -(-new_rows // pad_to_multiple_of) * pad_to_multiple_of
    # the model may have more rows than the text tokenizer (padded vocabularies); never shrink it
    new_rows = max(new_rows, old_rows)
    model.resize_token_embeddings(new_rows, mean_resizing=False)
    with torch.no_grad():
        n_text = min(old_rows, n_before)
        emb = model.get_input_embeddings().weight
        emb[n_before:] = emb[:n_text].mean(0, keepdim=True)
        out = model.get_output_embeddings()
        if out is not None and out.weight.data_ptr() != emb.data_ptr():
            out.weight[n_before:] = out.weight[:n_text].mean(0, keepdim=True)
            if getattr(out, "bias", None) is not None:
                out.bias[n_before:] = out.bias[:n_text].mean()
    return MotionVocabulary(token_vocab_size=token_vocab_size, first_motion_id=first, som_id=som_id, eom_id=eom_id,
                            tokenizer_id=tokenizer_id, tokens_per_step=tokens_per_step, downsample=downsample,
                            quantizer=quantizer)
