"""A tiny, self-consistent run directory for tests and benchmarks of `being_kit.lm` without the earlier notebooks.

`make_fake_run(run_dir)` writes `corpus/` (records with captions naming one of a few actions, random motions),
`tokenizer/vq/` (an untrained small `MotionTokenizer`) and `tokens/vq/` whose token ids depend on the action, so a
language model can learn text -> motion in seconds and generation is checkable: action a uses the ids
[a * band, (a + 1) * band).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .data import write_token_shards_for_tests

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
    from ..data import MotionRecord, write_corpus
    from ..tokenizer import MotionTokenizer, TokenizerConfig

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
    return write_token_shards_for_tests(run_dir / "tokens" / "vq", tokens, splits, info)
