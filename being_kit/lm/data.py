"""What the language model reads: token shards (`tokens/<quantizer>/`, see docs/architecture.md) joined with the
corpus captions, split per process, turned into packed rows for one stage and epoch.

Each process reads only its own contiguous block of the rows (`rank_block`), so on a node the eight processes
touch disjoint data; the number of optimizer steps per epoch is agreed across processes by the trainer.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .packing import Packed, pack_examples
from .templates import Example, ExampleBuilder

TOKENS_TABLE, TOKENS_INFO = "tokens.parquet", "tokens.json"
REQUIRED_INFO = ("tokenizer_id", "token_vocab_size", "tokens_per_step", "downsample")


def read_token_shards(directory: str | Path):
    """`being_kit.tokenizer.shards.load_token_shards` (the one reader of the format), checked for the fields the
    LM needs."""
    from ..tokenizer.shards import load_token_shards

    shards = load_token_shards(directory)
    missing = [k for k in REQUIRED_INFO if k not in shards.info]
    if missing:
        raise ValueError(f"{directory}/{TOKENS_INFO}: missing fields {missing}; expected {list(REQUIRED_INFO)}")
    return shards


def rank_block(rows: np.ndarray, num_processes: int, rank: int) -> np.ndarray:
    """Contiguous block `rank` of `num_processes` near-equal blocks of `rows` (as `Corpus.shard`)."""
    n = len(rows)
    return rows[n * rank // num_processes: n * (rank + 1) // num_processes]


@dataclass
class TextInfo:
    texts: list[str]
    parts: dict[str, str]
    actions: list[str]
    params: list[dict] | None = None  # the synthetic generator's parameters per action (meta["params"]), if any


def load_texts(corpus, positions: np.ndarray) -> list[TextInfo]:
    """Captions, part captions, action labels (and synthetic parameters) of corpus records at `positions`."""
    out = []
    for p in positions:
        r = corpus[int(p)]
        params = r.meta.get("params")
        out.append(TextInfo(list(r.texts), dict(r.parts), list(r.meta.get("actions", [])),
                            list(params) if isinstance(params, list) else None))
    return out


def train_texts(corpus, shards) -> list[TextInfo]:
    """`load_texts` of every train row of the token shards (all processes' rows: vocabularies and the bank)."""
    return load_texts(corpus, shards.index[shards.splits == "train"])


def augmented_captions(info: TextInfo, rng: random.Random, n: int) -> list[str]:
    """`n` fresh captions of a synthetic record from the richer paraphrase generator (`data.synthetic.paraphrase`),
    drawn from its actions and parameters; [] for records without them (real corpora)."""
    if not info.params or len(info.params) != len(info.actions) or n < 1:
        return []
    from ..data.synthetic.paraphrase import paraphrase

    return paraphrase(list(zip(info.actions, info.params)), np.random.default_rng(rng.getrandbits(32)), n)


def stage_examples(builder: ExampleBuilder, stage: str, tokens: Sequence[np.ndarray], texts: Sequence[TextInfo],
                   *, tasks: Sequence[str], captions_per_motion: int, seed: int,
                   caption_dropout: float = 0.0, caption_augment: float = 0.0,
                   duration_hint: float = 0.0) -> list[Example]:
    """Examples of one stage for one epoch, shuffled with `seed`.

    align: one `caption <som> motion <eom>` per caption (up to `captions_per_motion`); with probability
    `caption_dropout` the caption is left out (`\n <som> motion <eom>`), which teaches the unconditional branch of
    classifier-free guidance (`generate_motion(guidance_scale=...)`). caption_augment: the probability that a
    caption is replaced by a fresh paraphrase (synthetic records; new wording every epoch). duration_hint: the
    probability that a prompt carries the motion's length (models whose vocabulary has `duration_hint`).
    instruct: one example per motion per task (skipping tasks a record cannot serve), random phrasings; t2m texts
    are augmented like alignment captions."""
    if not 0.0 <= caption_dropout < 1.0:
        raise ValueError(f"caption_dropout: expected a probability in [0, 1), got {caption_dropout}")
    rng = random.Random(seed)
    examples: list[Example] = []
    for toks, info in zip(tokens, texts):
        if len(toks) == 0 or not info.texts:
            continue
        if caption_augment > 0:
            fresh = augmented_captions(info, rng, captions_per_motion)
            if fresh:
                caps = list(info.texts)
                for i in range(min(len(caps), len(fresh))):
                    if rng.random() < caption_augment:
                        caps[i] = fresh[i]
                info = TextInfo(caps, info.parts, info.actions, info.params)
        if stage == "align":
            caps = list(info.texts)
            rng.shuffle(caps)
            for c in caps[:captions_per_motion]:
                dropped = bool(caption_dropout) and rng.random() < caption_dropout
                hint = bool(duration_hint) and rng.random() < duration_hint
                examples.append(builder.alignment("" if dropped else c, toks, hint=hint,
                                                  rng=rng if builder.condition is not None else None))
        elif stage == "instruct":
            for task in tasks:
                ex = builder.instruction(task, rng, info.texts, toks, info.parts)
                if ex is not None:
                    examples.append(ex)
        else:
            raise ValueError(f"stage: expected 'align' or 'instruct', got {stage!r}")
    rng.shuffle(examples)
    return examples


def stage_rows(builder: ExampleBuilder, stage: str, tokens, texts, *, seq_len: int, loss: str, tasks,
               captions_per_motion: int, seed: int, caption_dropout: float = 0.0, caption_augment: float = 0.0,
               duration_hint: float = 0.0) -> Packed:
    """Packed rows (rows, seq_len) for one stage and epoch of this process's data."""
    ex = stage_examples(builder, stage, tokens, texts, tasks=tasks, captions_per_motion=captions_per_motion, seed=seed,
                        caption_dropout=caption_dropout, caption_augment=caption_augment, duration_hint=duration_hint)
    return pack_examples(ex, seq_len, loss=loss, slot_ids=tuple(builder.condition.slot_ids) if builder.condition
                         is not None else ())
