"""`python -m being_kit.bench lm --feed` (or `lm_feed`): can the language model's data feed keep up with a node?

What 8 GPUs consume: gpt2-medium (N = 355M parameters) at 45% MFU on H100-class GPUs (989 TFLOP/s dense bf16)
trains 6 N tokens/s = 0.45 * 8 * 989e12, i.e. 1.67M tokens/s for the node, 209k tokens/s per GPU (the PaLM count
without the attention term; with it, 6 N + 12 L d T at T = 1024, 1.46M). Each GPU's process builds its own rows
(`lm.data.rank_block`), so every figure below is for one process on one core, and the number of loader workers
one GPU needs is that demand over the per-core rate.

Measured on a corpus in the real formats: token shards (`tokens.parquet`, `tokens.json`) of `--motions` synthetic
motions with random codes and the lengths of the synthetic generator's motions, their captions and part captions
from the generator's own caption writer, and the default text tokenizer (byte-level BPE trained on those captions,
`lm.base_models`). Stages:
- shard reading (`read_token_shards`), motion tokens/s;
- rows of one epoch, the trainer's path (`stage_rows`: examples, text tokenization, packing), align and instruct,
  and packing alone;
- the same rows through `lm.feed` (text ids cached per distinct string, which gives identical rows);
- collation of shuffled batches into tensors (as the trainer's `run_batch`);
- `lm.feed.EpochLoader` with background workers (an epoch boundary then costs the GPU nothing once they keep up).
`train_lm` takes its rows from `lm.feed` (`stage_rows_cached` in `LMConfig.loader_workers` background workers, 1 by
default); the last lines say how many workers one GPU needs, and how long the GPUs would wait with
`loader_workers=0` (each epoch built in the training loop, at its start).
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import time
from pathlib import Path

import numpy as np

H100_BF16_FLOPS = 989e12
NODE_GPUS = 8
GPT2_MEDIUM = dict(n_params=355e6, n_layer=24, n_embd=1024)


def node_demand(mfu: float = 0.45, gpus: int = NODE_GPUS, peak: float = H100_BF16_FLOPS,
                n_params: float = GPT2_MEDIUM["n_params"]) -> float:
    """Tokens/s a node trains: 6 N tokens/s = mfu * gpus * peak (PaLM's count without attention)."""
    return mfu * gpus * peak / (6 * n_params)


def synthetic_descriptions(n: int, seed: int = 0) -> list[dict]:
    """Captions, part captions, actions, parameters and frame count of `n` motions drawn as the synthetic generator
    draws them (families, durations, parameters, caption writer), without building the motions themselves."""
    from ..data.synthetic.actions import make_action
    from ..data.synthetic.captions import describe
    from ..data.synthetic.compose import compose
    from ..data.synthetic.generator import _plain, _plan  # the generator's own plan and JSON conversion

    out = []
    for i in range(n):
        rng = np.random.default_rng([seed, i])
        clips = [make_action(name, rng, secs) for name, secs in _plan(rng)]
        comp = compose(clips)
        actions = [(c.family, _plain(c.params)) for c in clips]
        texts, parts, _ = describe(actions, comp.spans, rng, num_texts=int(rng.integers(3, 6)))
        out.append({"texts": texts, "parts": parts, "actions": [a for a, _ in actions],
                    "params": [p for _, p in actions], "frames": int(comp.clip.aa.shape[0])})
    return out


def feed_corpus(n: int, cache_dir: str | Path, seed: int = 0, codes: int = 1024, tokens_per_step: int = 1,
                downsample: int = 4):
    """(token-shard folder, TextInfo per row) of `n` synthetic motions, written once under `cache_dir` and reused."""
    from ..data.synthetic.generator import record_id, split_of
    from ..lm.data import TextInfo

    folder = Path(cache_dir) / f"feed_n{n}_seed{seed}_codes{codes}_tps{tokens_per_step}_ds{downsample}"
    texts_file = folder / "texts.json"
    if not texts_file.is_file():  # written whole into a temporary folder, then swapped in
        from ..atomic_dirs import replace_folder, temporary_sibling

        desc = synthetic_descriptions(n, seed)
        rng = np.random.default_rng(seed)
        tokens = [rng.integers(0, codes, (d["frames"] // downsample) * tokens_per_step) for d in desc]
        info = {"tokenizer_id": f"bench-feed-{codes}", "quantizer": "vq", "token_vocab_size": codes,
                "tokens_per_step": tokens_per_step, "downsample": downsample, "num_motions": n}
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = temporary_sibling(folder)
        _write_shards(tmp, tokens, [split_of(record_id(i)) for i in range(n)], info)
        (tmp / texts_file.name).write_text(json.dumps([{k: d[k] for k in ("texts", "parts", "actions", "params")}
                                                       for d in desc]))
        replace_folder(tmp, folder)
    desc = json.loads(texts_file.read_text())
    return folder, [TextInfo(d["texts"], d["parts"], d["actions"], d["params"]) for d in desc]


def _write_shards(folder: Path, tokens: list[np.ndarray], splits: list[str], info: dict) -> None:
    """Token shards of random codes in the documented format (`tokenizer/shards.py`: tokens.parquet, tokens.json),
    without a tokenizer to write them; `num_frames` from the token counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..lm.data import TOKENS_INFO, TOKENS_TABLE

    folder.mkdir(parents=True, exist_ok=True)
    frames = [len(t) // info["tokens_per_step"] * info["downsample"] for t in tokens]
    pq.write_table(pa.table({"index": pa.array(range(len(tokens)), pa.int64()),
                             "id": pa.array([f"m{i:06d}" for i in range(len(tokens))]), "split": pa.array(splits),
                             "tokens": pa.array([np.asarray(t, np.int32) for t in tokens], pa.list_(pa.int32())),
                             "num_frames": pa.array(frames, pa.int32())}), folder / TOKENS_TABLE)
    (folder / TOKENS_INFO).write_text(json.dumps(info))


def feed_model(texts, shards, text_vocab_size: int = 2048):
    """(text tokenizer, motion vocabulary) as `train_lm` builds them for base_model="default"."""
    from ..lm.base_models import DefaultModelSize, build_default_model
    from ..lm.vocab import add_motion_vocabulary

    captions = [t for info in texts for t in info.texts]
    model, tok = build_default_model(captions, DefaultModelSize(n_layer=1, n_embd=32, n_head=2, n_positions=64,
                                                                text_vocab_size=text_vocab_size))
    vocab = add_motion_vocabulary(model, tok, shards.token_vocab_size, tokenizer_id=shards.tokenizer_id,
                                  tokens_per_step=int(shards.info["tokens_per_step"]),
                                  downsample=int(shards.info["downsample"]))
    return tok, vocab


def _best_rate(fn, work: float, repeats: int = 3) -> tuple[float, object]:
    """(work per second of the fastest of `repeats` calls, the last result): the least disturbed run on a shared
    machine."""
    best, out = math.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return work / best, out


def _copy_cache(builder):
    """A builder with its own copy of `builder`'s cached text ids (so one measurement does not warm the next)."""
    from ..lm.feed import CachedTextIds

    out = copy.copy(builder)
    out.tok = CachedTextIds(builder.tok.tokenizer, builder.tok.max_entries)
    out.tok.ids = dict(builder.tok.ids)
    return out


def collate_rate(packed, batch: int, seed: int = 0) -> float:
    """Tokens/s of cutting an epoch's rows into shuffled batches of tensors, as the trainer's `run_batch` does
    (`torch.as_tensor` of the rows at a random order, an attention mask of ones)."""
    import torch

    order = np.random.default_rng(seed).permutation(len(packed.input_ids))
    n = len(order) // batch
    t = time.perf_counter()
    for b in range(n):
        sl = order[b * batch:(b + 1) * batch]
        inp = torch.as_tensor(packed.input_ids[sl])
        torch.as_tensor(packed.labels[sl])
        torch.ones_like(inp)
    return n * batch * packed.input_ids.shape[1] / max(time.perf_counter() - t, 1e-9)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m being_kit.bench lm --feed", description=__doc__.splitlines()[0])
    p.add_argument("--motions", type=int, default=20000, help="synthetic motions in the token shards")
    p.add_argument("--seq-len", type=int, default=1024, help="row length (gpt2-medium's context)")
    p.add_argument("--batch", type=int, default=8, help="rows per batch in the collation figure")
    p.add_argument("--tokens-per-step", type=int, default=1, help="motion tokens per 4 frames (vq: 1)")
    p.add_argument("--workers", type=int, default=2, help="background workers of the EpochLoader figure")
    p.add_argument("--mfu", type=float, default=0.45)
    p.add_argument("--cache-dir", default=str(Path.home() / ".cache" / "being_kit" / "bench"),
                   help="where the synthetic token corpus is written once and reused")
    args = p.parse_args(argv)
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # per-core figures: one thread for the tokenizer too
    import torch

    torch.set_num_threads(1)
    from ..lm.data import read_token_shards, stage_examples, stage_rows
    from ..lm.packing import pack_examples
    from ..lm.feed import EpochLoader, cached_builder, stage_rows_cached
    from ..lm.templates import TASKS, ExampleBuilder

    node = node_demand(args.mfu)
    per_gpu = node / NODE_GPUS
    print(f"demand: 6 N tokens/s = {args.mfu} x {NODE_GPUS} GPUs x {H100_BF16_FLOPS / 1e12:.0f} TFLOP/s, N = "
          f"{GPT2_MEDIUM['n_params'] / 1e6:.0f}M (gpt2-medium) -> {node / 1e6:.2f}M tokens/s per node, "
          f"{per_gpu / 1e3:,.0f}k per GPU process")
    t = time.perf_counter()
    folder, texts = feed_corpus(args.motions, args.cache_dir, tokens_per_step=args.tokens_per_step)
    print(f"corpus: {args.motions} motions in {folder} ({time.perf_counter() - t:.1f} s; written once)")
    shards = read_token_shards(folder)
    motion_tokens = sum(len(x) for x in shards.tokens)
    read_rate, _ = _best_rate(lambda: read_token_shards(folder), motion_tokens)
    print(f"shard reading (read_token_shards): {read_rate / 1e6:,.1f}M motion tokens/s "
          f"({motion_tokens:,} tokens, once per run)")
    train = np.flatnonzero(shards.splits == "train")
    tokens, infos = [shards.tokens[i] for i in train], [texts[i] for i in train]
    tok, vocab = feed_model(texts, shards)
    builder = ExampleBuilder(tok, vocab)
    kwargs = dict(seq_len=args.seq_len, loss="all", tasks=TASKS, captions_per_motion=3)
    rates, epochs, caches = {}, {}, {}
    for stage in ("align", "instruct"):
        for epoch in (0, 1):
            base_rate, base = _best_rate(lambda: stage_rows(builder, stage, tokens, infos, seed=epoch + 1, **kwargs),
                                         1, repeats=2)
            # epoch 0 starts from an empty cache (best of two fresh ones), epoch 1 from the cache epoch 0 left
            if epoch == 0:
                fresh = [cached_builder(builder) for _ in range(2)]
                fast_rate, fast = _best_rate(lambda: stage_rows_cached(fresh.pop(), stage, tokens, infos, seed=1,
                                                                       **kwargs), 1, repeats=2)
                caches[stage] = cached = cached_builder(builder)
                stage_rows_cached(cached, stage, tokens, infos, seed=1, **kwargs)
            else:  # best of two copies of the cache epoch 0 left
                copies = [_copy_cache(caches[stage]) for _ in range(2)]
                fast_rate, fast = _best_rate(lambda: stage_rows_cached(copies.pop(), stage, tokens, infos,
                                                                       seed=epoch + 1, **kwargs), 1, repeats=2)
            t_base, t_fast = 1 / base_rate, 1 / fast_rate
            same = np.array_equal(base.input_ids, fast.input_ids) and np.array_equal(base.labels, fast.labels)
            n = base.input_ids.size
            rates[stage, epoch] = (n / t_base, n / t_fast)
            epochs[stage, epoch] = fast
            print(f"rows {stage} epoch {epoch} ({base.input_ids.shape[0]:,} x {args.seq_len}): stage_rows "
                  f"{n / t_base / 1e3:,.0f}k tokens/s, stage_rows_cached {n / t_fast / 1e3:,.0f}k tokens/s "
                  f"({t_base / t_fast:.1f}x; identical rows: {'yes' if same else 'NO'})")
    cached = caches["instruct"]
    examples = stage_examples(cached, "instruct", tokens, infos, tasks=TASKS, captions_per_motion=3, seed=1)
    n = sum(len(e.ids) for e in examples)
    pack, _ = _best_rate(lambda: pack_examples(examples, args.seq_len), n)
    print(f"packing alone (pack_examples of {len(examples):,} examples): {pack / 1e6:,.1f}M tokens/s")
    collate = min(collate_rate(epochs[s, 0], args.batch) for s in ("align", "instruct"))
    print(f"collation (batches of {args.batch} shuffled rows -> tensors): {collate / 1e6:,.1f}M tokens/s")
    keys = list(epochs)
    fresh = cached_builder(builder)  # an empty cache: the loader pays for its first epochs
    loader = EpochLoader(lambda s, e: stage_rows_cached(fresh, s, tokens, infos, seed=e + 1, **kwargs), keys,
                         num_workers=args.workers)
    t = time.perf_counter()
    total = sum(loader.rows(*k).input_ids.size for k in keys)
    wall = time.perf_counter() - t
    loader.close()
    print(f"EpochLoader, {args.workers} workers (on {os.cpu_count()} cores here): {len(keys)} epochs, "
          f"{total / wall / 1e3:,.0f}k tokens/s")
    for label, col in (("stage_rows (without lm.feed)", 0), ("stage_rows_cached (train_lm)", 1)):
        worst = min(r[col] for r in rates.values())
        per_core = 1 / (1 / worst + 1 / collate)  # rows built, then collated, by the same core
        print(f"{label}: worst epoch {worst / 1e3:,.0f}k tokens/s per core with collation {per_core / 1e3:,.0f}k; "
              f"a GPU needs {per_gpu / 1e3:,.0f}k -> {math.ceil(per_gpu / per_core)} loader worker(s) per GPU, "
              f"{NODE_GPUS * math.ceil(per_gpu / per_core)} cores per node beside the trainers; built in the "
              f"training loop (loader_workers=0) the GPUs wait {per_gpu / (per_gpu + per_core):.0%} of the time")
