"""A tiny, self-consistent run directory for the tests of `being_kit.lm` without the earlier notebooks (a test helper,
kept out of the package).

`make_fake_run(run_dir)` writes `corpus/` (records with captions naming one of a few actions, random motions),
`tokenizer/vq/` (an untrained small `MotionTokenizer`) and `tokens/vq/` whose token ids depend on the action, so a
language model can learn text -> motion in seconds and generation is checkable: action a uses the ids
[a * band, (a + 1) * band).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from being_kit.lm import data

ACTIONS = ("walk", "jump", "wave", "kick")
PHRASES = {"walk": ["a person walks forward", "someone walks ahead slowly", "the man walks"],
           "jump": ["a person jumps up", "someone jumps in place", "the man jumps twice"],
           "wave": ["a person waves a hand", "someone waves hello", "the man waves his arm"],
           "kick": ["a person kicks forward", "someone kicks a ball", "the man kicks with the right leg"]}
PARTS = {"walk": "legs swing", "jump": "legs push off", "wave": "the right arm waves", "kick": "the right leg kicks"}


def action_band(token_vocab_size: int) -> int:
    return token_vocab_size // len(ACTIONS)


def make_fake_run(run_dir: str | Path, n: int = 48, seed: int = 0, codebook_size: int = 64, frames: int = 40) -> Path:
    """Write corpus, tokenizer and token shards under `run_dir`; returns `run_dir/tokens/vq`."""
    from being_kit.data import MotionRecord, write_corpus
    from being_kit.tokenizer import MotionTokenizer, TokenizerConfig

    run_dir = Path(run_dir)
    rng = np.random.default_rng(seed)
    records, tokens, splits = [], [], []
    mt = MotionTokenizer(TokenizerConfig(quantizer="vq", width=16, depth=1, codebook_size=codebook_size, code_dim=8))
    band = action_band(mt.token_vocab_size)
    for i in range(n):
        a = i % len(ACTIONS)
        action = ACTIONS[a]
        split = "val" if i % 8 == 6 else "test" if i % 8 == 7 else "train"
        records.append(MotionRecord(id=f"m{i:06d}", source="fake", fps=20.0, representation="humanml263",
                                    motion=rng.normal(size=(frames, 263)).astype(np.float32) * 0.1,
                                    texts=list(PHRASES[action]), parts={"right_leg": PARTS[action]}, split=split,
                                    meta={"actions": [action]}))
        steps = frames // mt.downsample
        tokens.append(rng.integers(a * band, (a + 1) * band, size=steps * mt.tokens_per_step))
        splits.append(split)
    write_corpus(records, run_dir / "corpus", "humanml263", progress=False)
    mt.save_pretrained(run_dir / "tokenizer" / "vq")
    info = {"tokenizer_id": mt.tokenizer_id, "quantizer": "vq", "token_vocab_size": mt.token_vocab_size,
            "tokens_per_step": mt.tokens_per_step, "downsample": mt.downsample, "corpus_path": str(run_dir / "corpus")}
    return write_token_shards(run_dir / "tokens" / "vq", tokens, splits, info)


def write_token_shards(directory: str | Path, tokens: Sequence[np.ndarray], splits: Sequence[str],
                                 info: dict, index: Sequence[int] | None = None) -> Path:
    """A minimal writer of the documented format (tokens.parquet + tokens.json; the tokenizer's own writer,
    being_kit.tokenizer.write_token_shards, is canonical and needs a trained tokenizer)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    n = len(tokens)
    index = list(range(n)) if index is None else list(index)
    table = pa.table({"index": pa.array(index, pa.int64()), "id": pa.array([f"m{i:06d}" for i in index]),
                      "split": pa.array(list(splits)),
                      "tokens": pa.array([np.asarray(t, np.int32).tolist() for t in tokens], pa.list_(pa.int32())),
                      "num_frames": pa.array([len(t) // info.get("tokens_per_step", 1) * info.get("downsample", 4)
                                              for t in tokens], pa.int32())})
    pq.write_table(table, directory / data.TOKENS_TABLE)
    (directory / data.TOKENS_INFO).write_text(json.dumps(info))
    return directory
