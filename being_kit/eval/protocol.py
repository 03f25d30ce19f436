"""The evaluation protocol of the text-to-motion papers, over any evaluator (A: Guo et al., B: built-in contrastive).

An evaluator embeds texts and raw motions: `embed_texts(list[str]) -> (n, e)`, `embed_motions(list of (t, d)) -> (n, e)`.
For each of `repeat` rounds (20 in the papers) a round draws one caption per test motion and a fresh order (so the
batches of 32 for R-Precision differ), obtains one motion per caption (generated, reconstructed, or the real one),
and computes R-Precision top-1/2/3, FID against the real test motions, MM-Dist, Diversity (300 pairs) and, for
generators, MultiModality (repeated generations of the same captions). Each figure is reported as mean ± 95% CI.
`results_table` turns several results into the papers' table; `save_table` writes it as JSON and CSV.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm.auto import tqdm

from . import metrics as M

COLUMNS = ("R-Precision top-1", "R-Precision top-2", "R-Precision top-3", "FID", "MM-Dist", "Diversity", "MultiModality")
_KEYS = ("r_precision_top1", "r_precision_top2", "r_precision_top3", "fid", "mm_dist", "diversity", "multimodality")
GenerateFn = Callable[[list[str], list[int], int], list[np.ndarray]]  # (texts, lengths in frames, seed) -> raw motions


class Evaluator(Protocol):
    name: str

    def embed_texts(self, texts: list[str]) -> np.ndarray: ...

    def embed_motions(self, motions: list[np.ndarray]) -> np.ndarray: ...


@dataclass
class EvalSet:
    """The real motions of a split with all their captions (and action labels where the corpus has them)."""

    motions: list[np.ndarray]
    texts: list[list[str]]
    ids: list[str]
    meta: list[dict] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.motions)

    @property
    def lengths(self) -> list[int]:
        return [len(m) for m in self.motions]


def load_eval_set(corpus, split: str = "test", num_samples: int = 0, seed: int = 0) -> EvalSet:
    """Up to `num_samples` (0 = all) records of `split` ("all" = every record, for smoke runs on tiny corpora),
    a seeded random subset, motions copied into memory."""
    view = corpus if split in ("all", "") else corpus.split(split)
    if len(view) == 0:
        raise ValueError(f"corpus has no records in split {split!r}")
    idx = np.arange(len(view))
    if num_samples and num_samples < len(idx):
        idx = np.sort(np.random.default_rng(seed).choice(len(idx), num_samples, replace=False))
    recs = [view[int(i)] for i in idx]
    return EvalSet([np.array(r.motion, np.float32) for r in recs], [list(r.texts) for r in recs],
                   [r.id for r in recs], [dict(r.meta) for r in recs])


@dataclass
class EvalResult:
    """One table row: per-repeat figures (repeat x metric) and their mean/CI."""

    name: str
    per_repeat: list[dict[str, float]]
    extras: dict[str, float] = field(default_factory=dict)   # e.g. mismatched MM-Dist
    samples: list[dict] = field(default_factory=list)        # last round's per-sample text/motion/distance

    def summary(self) -> dict[str, tuple[float, float]]:
        """metric key -> (mean, 95% CI); keys missing from every repeat (MultiModality of real motions) are absent."""
        out = {}
        for key in (*_KEYS, "mm_dist_mismatched"):
            vals = [r[key] for r in self.per_repeat if key in r]
            if vals:
                out[key] = M.mean_ci(vals)
        return out


def _round_metrics(text_emb, motion_emb, real_emb, rng, diversity_times: int) -> dict[str, float]:
    top = M.r_precision(text_emb, motion_emb)
    return {
        "r_precision_top1": float(top[0]), "r_precision_top2": float(top[1]), "r_precision_top3": float(top[2]),
        "fid": M.fid(real_emb, motion_emb),
        "mm_dist": M.matching_score(text_emb, motion_emb),
        "mm_dist_mismatched": M.mismatched_score(text_emb, motion_emb, rng),
        "diversity": M.diversity(motion_emb, min(diversity_times, len(motion_emb)), rng),
    }


def evaluate_generation(generate: GenerateFn | Sequence[np.ndarray] | None, eval_set: EvalSet, evaluator: Evaluator,
                        repeat: int = 20, name: str = "generated", seed: int = 0, diversity_times: int = M.DIVERSITY_TIMES,
                        mm_num_samples: int = 100, mm_num_repeats: int = 30, mm_times: int = M.MULTIMODALITY_TIMES,
                        progress: bool = True) -> EvalResult:
    """Run the protocol for one row of the table.

    generate: a function (texts, lengths, seed) -> list of raw (t, d) motions, called once per round with one caption
      per test motion (and the real motion's length in frames); or a list of motions aligned with `eval_set` (e.g.
      reconstructions), reused in every round; or None for the real motions themselves.
    MultiModality is computed for functions only: `mm_num_samples` captions x `mm_num_repeats` generations, `mm_times`
    pairs per caption (papers: 100 x 30, 10); 0 samples skips it.
    """
    n = len(eval_set)
    if n < M.R_PRECISION_BATCH:
        raise ValueError(f"eval_set has {n} motions; R-Precision needs at least {M.R_PRECISION_BATCH}")
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    fixed = list(eval_set.motions) if generate is None else None if callable(generate) else list(generate)
    if fixed is not None and len(fixed) != n:
        raise ValueError(f"generate: got {len(fixed)} motions for an eval_set of {n}; pass one per test motion")
    real_emb = evaluator.embed_motions(eval_set.motions)
    fixed_emb = evaluator.embed_motions(fixed) if fixed is not None else None
    rows, samples = [], []
    for r in tqdm(range(repeat), desc=f"evaluate {name}", disable=not progress):
        rng = np.random.default_rng([seed, r])
        order = rng.permutation(n)
        texts = [eval_set.texts[i][rng.integers(len(eval_set.texts[i]))] for i in order]
        if fixed_emb is not None:
            motion_emb, motions = fixed_emb[order], [fixed[i] for i in order]
        else:
            motions = list(generate(texts, [eval_set.lengths[i] for i in order], seed * 1000 + r))
            if len(motions) != n:
                raise ValueError(f"generate returned {len(motions)} motions for {n} texts")
            motion_emb = evaluator.embed_motions(motions)
        text_emb = evaluator.embed_texts(texts)
        row = _round_metrics(text_emb, motion_emb, real_emb, rng, diversity_times)
        if callable(generate) and mm_num_samples > 0:
            picks = rng.choice(n, min(mm_num_samples, n), replace=False)
            mm_texts = [texts[i] for i in picks for _ in range(mm_num_repeats)]
            mm_lens = [eval_set.lengths[order[i]] for i in picks for _ in range(mm_num_repeats)]
            mm_emb = evaluator.embed_motions(list(generate(mm_texts, mm_lens, seed * 1000 + r + 500_000)))
            row["multimodality"] = M.multimodality(mm_emb.reshape(len(picks), mm_num_repeats, -1),
                                                   min(mm_times, mm_num_repeats), rng)
        rows.append(row)
        if r == repeat - 1:
            dist = np.linalg.norm(text_emb - motion_emb, axis=1)
            samples = [{"id": eval_set.ids[i], "text": t, "motion": m, "distance": float(d)}
                       for i, t, m, d in zip(order, texts, motions, dist)]
    return EvalResult(name, rows, samples=samples)


def reconstruct_motions(tokenizer, motions: Sequence[np.ndarray], batch_size: int = 64) -> list[np.ndarray]:
    """Raw motions -> tokenizer encode/decode round trip, raw features of (t // downsample * downsample) frames."""
    import torch

    norm, ds, out = tokenizer.normalizer(), tokenizer.downsample, []
    device = tokenizer.mean.device
    for s in range(0, len(motions), batch_size):
        chunk = [np.asarray(m, np.float32) for m in motions[s: s + batch_size]]
        lens = [max(ds, len(m) // ds * ds) for m in chunk]
        x = np.zeros((len(chunk), max(lens), chunk[0].shape[1]), np.float32)
        for i, m in enumerate(chunk):
            x[i, : min(len(m), lens[i])] = norm.normalize(m[: lens[i]])
        codes = tokenizer.encode(torch.from_numpy(x).to(device), torch.tensor(lens, device=device))
        rec = tokenizer.decode(codes).cpu().numpy()
        out += [norm.denormalize(rec[i, : lens[i]]).astype(np.float32) for i in range(len(chunk))]
    return out


def evaluate_reconstructed_motions(tokenizer, eval_set: EvalSet, evaluator: Evaluator, repeat: int = 20,
                                   name: str | None = None, seed: int = 0, progress: bool = True) -> EvalResult:
    """The table row of a tokenizer: its reconstructions of the real test motions, evaluated by the text-motion
    evaluator like generations (R-Precision, FID, ...). The tokenizer's own MPJPE and codebook figures are
    `being_kit.tokenizer.evaluate_reconstruction`."""
    recon = reconstruct_motions(tokenizer, eval_set.motions)
    return evaluate_generation(recon, eval_set, evaluator, repeat, name or f"reconstruction ({tokenizer.quantizer})",
                               seed, progress=progress)


def results_table(results: Sequence[EvalResult]):
    """pandas DataFrame, one row per result: 'mean ± ci' strings in the papers' columns (MultiModality '-' if absent)."""
    import pandas as pd

    rows = {}
    for res in results:
        summ = res.summary()
        rows[res.name] = {col: (f"{summ[key][0]:.3f} ± {summ[key][1]:.3f}" if key in summ else "-")
                          for col, key in zip(COLUMNS, _KEYS)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(COLUMNS))


def table_records(results: Sequence[EvalResult]) -> list[dict]:
    """JSON-able rows: name, each metric's mean and ci, and the number of repeats."""
    out = []
    for res in results:
        row: dict = {"name": res.name, "repeats": len(res.per_repeat)}
        for key, (mean, ci) in res.summary().items():
            row[key], row[f"{key}_ci"] = mean, ci
        out.append(row)
    return out


def save_table(results: Sequence[EvalResult], out_dir: str | Path, stem: str = "table", info: dict | None = None) -> Path:
    """Write `<out_dir>/<stem>.json` (rows with means, CIs and `info`) and `<stem>.csv` (the display table)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.json").write_text(json.dumps({"info": info or {}, "rows": table_records(results)}, indent=2))
    results_table(results).to_csv(out_dir / f"{stem}.csv", index_label="method")
    return out_dir


def best_and_worst(result: EvalResult, k: int = 3) -> tuple[list[dict], list[dict]]:
    """The k samples of the last round whose motion is closest to / farthest from its caption in evaluator space."""
    ranked = sorted(result.samples, key=lambda s: s["distance"])
    return ranked[:k], ranked[::-1][:k]
