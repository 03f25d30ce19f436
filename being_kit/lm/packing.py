"""Pack examples into fixed-length rows: no padding is trained on, every row is `seq_len` tokens.

Examples (each ending in eos) are concatenated in order and cut into rows of `seq_len` (an example may continue on
the next row, as GPT-2/nanoGPT pretraining does). Labels are the ids where loss is taken and -100 elsewhere:
`loss="all"` (default; the paper's ablation found that masking the caption hurts alignment) takes every position,
`loss="answer"` only the answer part of each example.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

import numpy as np

from .templates import Example

IGNORE_INDEX = -100  # label value that cross-entropy skips (PyTorch / Hugging Face convention)
LOSS_MODES = ("all", "answer")


class Packed(NamedTuple):
    input_ids: np.ndarray  # (rows, seq_len) int64
    labels: np.ndarray  # (rows, seq_len) int64, IGNORE_INDEX where no loss
    cond_index: np.ndarray | None = None  # (rows, seq_len) int32: index into cond_texts at filled placeholders, else -1
    cond_texts: tuple[str, ...] = ()  # the distinct texts whose sentence vectors fill the placeholders


def pack_examples(examples: Iterable[Example], seq_len: int, loss: str = "all", drop_last: bool = False,
                  slot_ids: tuple[int, ...] = ()) -> Packed:
    """Concatenate `examples` and cut into rows of `seq_len`; the last partial row is padded with ignored labels
    (input id = the last example's eos) unless `drop_last`. slot_ids: the `<cond_k>` ids of a text-conditioned
    model; the placeholders of examples with a `cond_text` are indexed in `cond_index` (see `Packed`)."""
    if seq_len < 2:
        raise ValueError(f"seq_len: expected >= 2, got {seq_len}")
    if loss not in LOSS_MODES:
        raise ValueError(f"loss: expected one of {LOSS_MODES}, got {loss!r}")
    ids_list, lab_list, cond_list = [], [], []
    text_index: dict[str, int] = {}
    slots = np.asarray(slot_ids, np.int64)
    for ex in examples:
        ids_list.append(ex.ids)
        lab = ex.ids.copy()
        if loss == "answer":
            lab[~ex.answer_mask] = IGNORE_INDEX
        if len(slots):
            lab[np.isin(ex.ids, slots)] = IGNORE_INDEX  # placeholders are given, never predicted
            cond = np.full(len(ex.ids), -1, np.int32)
            if ex.cond_text:
                cond[np.isin(ex.ids, slots)] = text_index.setdefault(ex.cond_text, len(text_index))
            cond_list.append(cond)
        lab_list.append(lab)
    if not ids_list:
        return Packed(np.zeros((0, seq_len), np.int64), np.zeros((0, seq_len), np.int64))
    ids = np.concatenate(ids_list)
    labels = np.concatenate(lab_list)
    cond = np.concatenate(cond_list) if cond_list else None
    rows = len(ids) // seq_len
    rest = len(ids) - rows * seq_len
    if rest and not drop_last:
        pad = seq_len - rest
        ids = np.concatenate([ids, np.full(pad, ids[-1], np.int64)])
        labels = np.concatenate([labels, np.full(pad, IGNORE_INDEX, np.int64)])
        if cond is not None:
            cond = np.concatenate([cond, np.full(pad, -1, np.int32)])
        rows += 1
    n = rows * seq_len
    return Packed(ids[:n].reshape(rows, seq_len), labels[:n].reshape(rows, seq_len),
                  None if cond is None else cond[:n].reshape(rows, seq_len), tuple(text_index))
