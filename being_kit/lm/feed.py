"""A faster feed of packed rows for the trainer, giving exactly the rows of `data.stage_rows`.

Measured by `python -m being_kit.bench lm --feed`: building an epoch's rows spends about 80% of its time in the
text tokenizer's Python wrapper (one `tokenizer(text)` call per caption and template piece, ~100 us each, most of
it building a `BatchEncoding`), not in tokenization itself. Two remedies, both exact by construction:

- `CachedTextIds`: the tokenizer's ids per distinct string, filled by one batched call (the same tokenizer, the same
  call; only the wrapper's overhead is shared) and kept across epochs. `stage_rows_cached` first collects every
  string an epoch will tokenize with a dry run of the same code under the same seed (the random choices never depend
  on token ids), tokenizes them in one batch, then builds the rows from the cache. A string the dry run did not
  foresee is tokenized on the spot, so the rows are the tokenizer's rows whatever happens.
- `EpochLoader`: the rows of upcoming (stage, epoch)s built by background worker processes (a torch DataLoader
  over epochs, forked workers), so an epoch boundary does not stall the GPUs, and `k` workers feed `k` times what
  one core does.
"""
from __future__ import annotations

import copy
from typing import Callable, Iterable, Sequence

from .data import stage_examples
from .packing import Packed, pack_examples
from .templates import ExampleBuilder


class CachedTextIds:
    """Wraps a Hugging Face text tokenizer: `tok(text, add_special_tokens=False)["input_ids"]` is answered from a
    cache of the tokenizer's own results per distinct string; every other use goes to the tokenizer. `max_entries`
    bounds the memory (about 1 kB an entry); past it, new strings are tokenized on the spot."""

    def __init__(self, tokenizer, max_entries: int = 1 << 20):
        if isinstance(tokenizer, CachedTextIds):
            tokenizer = tokenizer.tokenizer
        self.tokenizer = tokenizer
        self.max_entries = max_entries
        self.ids: dict[str, tuple[int, ...]] = {}
        self.misses = 0  # strings tokenized one by one (not foreseen by `add`)

    def __getattr__(self, name: str):
        if "tokenizer" not in self.__dict__:  # while unpickling or copying: no tokenizer to ask yet
            raise AttributeError(name)
        return getattr(self.__dict__["tokenizer"], name)

    def __len__(self) -> int:
        return len(self.tokenizer)

    def __call__(self, text, add_special_tokens: bool = True, **kwargs):
        if add_special_tokens or kwargs or not isinstance(text, str):
            return self.tokenizer(text, add_special_tokens=add_special_tokens, **kwargs)
        ids = self.ids.get(text)
        if ids is None:
            self.misses += 1
            ids = tuple(self.tokenizer(text, add_special_tokens=False)["input_ids"])
            if len(self.ids) < self.max_entries:
                self.ids[text] = ids
        return {"input_ids": ids}

    def add(self, texts: Iterable[str]) -> int:
        """Tokenize the strings of `texts` not cached yet in one batched call; returns how many were new."""
        new = [t for t in dict.fromkeys(texts) if t not in self.ids][: max(0, self.max_entries - len(self.ids))]
        if new:
            for text, ids in zip(new, self.tokenizer(new, add_special_tokens=False)["input_ids"]):
                self.ids[text] = tuple(ids)
        return len(new)


class _Recorder:
    """A stand-in tokenizer for the dry run: remembers what it is asked to tokenize, answers no ids."""

    def __init__(self, tokenizer):
        self.tokenizer, self.texts = tokenizer, []

    def __getattr__(self, name: str):
        if "tokenizer" not in self.__dict__:  # while unpickling or copying: no tokenizer to ask yet
            raise AttributeError(name)
        return getattr(self.__dict__["tokenizer"], name)

    def __call__(self, text, add_special_tokens: bool = True, **kwargs):
        if isinstance(text, str):
            self.texts.append(text)
        return {"input_ids": []}


_DRY = object()  # what the dry run's builder returns for an example


def cached_builder(builder: ExampleBuilder, max_entries: int = 1 << 20) -> ExampleBuilder:
    """A copy of `builder` whose text tokenizer is a `CachedTextIds` (the same one when it already is)."""
    if isinstance(builder.tok, CachedTextIds):
        return builder
    out = copy.copy(builder)
    out.tok = CachedTextIds(builder.tok, max_entries)
    return out


def stage_rows_cached(builder: ExampleBuilder, stage: str, tokens, texts, *, seq_len: int, loss: str, tasks,
                      captions_per_motion: int, seed: int, caption_dropout: float = 0.0,
                      caption_augment: float = 0.0, duration_hint: float = 0.0) -> Packed:
    """`data.stage_rows` with the same arguments and the same rows, faster: the strings of the epoch are tokenized
    in one batch (see the module docstring). Pass a `cached_builder` to keep the cache across epochs."""
    builder = cached_builder(builder)
    kwargs = dict(tasks=tasks, captions_per_motion=captions_per_motion, seed=seed, caption_dropout=caption_dropout,
                  caption_augment=caption_augment, duration_hint=duration_hint)
    dry = copy.copy(builder)  # the same choices, no ids: motion spans and examples are not built
    dry.tok = _Recorder(builder.tok.tokenizer)
    dry.motion_ids = lambda motion_tokens: []
    dry._example = lambda prompt, answer, cond_text="": _DRY
    stage_examples(dry, stage, tokens, texts, **kwargs)
    builder.tok.add(dry.tok.texts)
    examples = stage_examples(builder, stage, tokens, texts, **kwargs)
    return pack_examples(examples, seq_len, loss=loss, slot_ids=tuple(builder.condition.slot_ids) if
                         builder.condition is not None else ())


class _Epochs:
    """Map-style dataset of epochs: item i is `build(*keys[i])` (a torch Dataset by duck typing)."""

    def __init__(self, build: Callable[..., Packed], keys: Sequence[tuple]):
        self.build, self.keys = build, list(keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i: int) -> Packed:
        return self.build(*self.keys[i])


def _as_is(item):
    return item


def _worker_init(_: int) -> None:
    import os

    import torch

    torch.set_num_threads(1)
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one core per worker


class EpochLoader:
    """The rows of `keys` (e.g. `[("align", 0), ("align", 1), ("instruct", 0)]`), in order, `build(*key)` each,
    built ahead by `num_workers` forked worker processes (0: in this process when asked). Each worker holds up to
    one finished epoch (`prefetch_factor=1`), so memory grows by about `num_workers` epochs of rows. A key asked
    for after the last planned one is built in this process (a plan may run short by an epoch). `built` gives the
    rows of keys already at hand (the trainer's plan counted epoch 0's batches on them): they are handed out as they
    are, and no worker is started when nothing is left to build.

    Forked workers inherit `build` (no pickling of the builder, tokens or captions); they run numpy and the text
    tokenizer only, never CUDA, so forking a trainer that holds GPUs is safe. The loader leaves torch's global random
    generator as it found it (training draws from it)."""

    def __init__(self, build: Callable[..., Packed], keys: Sequence[tuple], num_workers: int = 2,
                 built: dict[tuple, Packed] | None = None):
        import torch

        if num_workers < 0:
            raise ValueError(f"num_workers: expected >= 0, got {num_workers}")
        self.keys = [tuple(k) for k in keys]
        self._build = build
        self._built = {tuple(k): rows for k, rows in (built or {}).items() if tuple(k) in self.keys}
        todo = [k for k in self.keys if k not in self._built]
        self._i, self._it = 0, None
        if not todo:
            return
        kwargs = dict(num_workers=num_workers)
        if num_workers:
            kwargs.update(prefetch_factor=1, multiprocessing_context="fork", worker_init_fn=_worker_init,
                          persistent_workers=False)
        # its own generator: a DataLoader iterator otherwise draws its workers' base seed from torch's global one,
        # and the trainer's dropout and condition noise after it would change with the loader
        loader = torch.utils.data.DataLoader(_Epochs(build, todo), batch_size=None, shuffle=False,
                                             collate_fn=_as_is, generator=torch.Generator().manual_seed(0), **kwargs)
        self._it = iter(loader)

    def rows(self, *key) -> Packed:
        """The rows of the next key, which must be `key` (the trainer asks for epochs in the planned order)."""
        if self._i >= len(self.keys):
            return self._build(*key)
        if self.keys[self._i] != tuple(key):
            raise ValueError(f"EpochLoader: asked for {tuple(key)}, the next planned epoch is {self.keys[self._i]}")
        self._i += 1
        if tuple(key) in self._built:
            return self._built.pop(tuple(key))
        return next(self._it)

    def close(self) -> None:
        """Stop the workers (an epoch still being built is dropped)."""
        self._it = None
        self._built.clear()
