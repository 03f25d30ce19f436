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


def pack_examples(examples: Iterable[Example], seq_len: int, loss: str = "all", drop_last: bool = False) -> Packed:
    """Concatenate `examples` and cut into rows of `seq_len`; the last partial row is padded with ignored labels
    (input id = the last example's eos) unless `drop_last`."""
    if seq_len < 2:
        raise ValueError(f"seq_len: expected >= 2, got {seq_len}")
    if loss not in LOSS_MODES:
        raise ValueError(f"loss: expected one of {LOSS_MODES}, got {loss!r}")
    ids_list, lab_list = [], []
    for ex in examples:
        ids_list.append(ex.ids)
        lab = ex.ids.copy()
        if loss == "answer":
            lab[~ex.answer_mask] = IGNORE_INDEX
        lab_list.append(lab)
    if not ids_list:
        return Packed(np.zeros((0, seq_len), np.int64), np.zeros((0, seq_len), np.int64))
    ids = np.concatenate(ids_list)
    labels = np.concatenate(lab_list)
    rows = len(ids) // seq_len
    rest = len(ids) - rows * seq_len
    if rest and not drop_last:
        pad = seq_len - rest
        ids = np.concatenate([ids, np.full(pad, ids[-1], np.int64)])
        labels = np.concatenate([labels, np.full(pad, IGNORE_INDEX, np.int64)])
        rows += 1
    n = rows * seq_len
    return Packed(ids[:n].reshape(rows, seq_len), labels[:n].reshape(rows, seq_len))
