"""The text-to-motion metrics of Guo et al. (CVPR 2022), as every later paper computes them (T2M-GPT, MoMask, Being-M0).

Plain functions over embeddings (numpy, float64 inside):
- `frechet_distance` / `fid`: Fréchet distance between Gaussians fitted to real and generated motion embeddings.
- `r_precision`: each text is ranked against the motions of its batch of 32 (its own + 31 mismatched) by Euclidean
  distance; top-1/2/3 hit rates. Incomplete last batches are dropped, as the reference loader does (drop_last).
- `matching_score` (MM-Dist): mean Euclidean distance between each text and its own motion.
- `diversity`: mean distance between 300 random pairs of motion embeddings.
- `multimodality`: mean distance between pairs of generations of the same text (10 pairs per text).
- `mean_ci`: mean and 95% confidence interval 1.96 * std / sqrt(repeats) (std with ddof 0, as in the papers' code).
"""
from __future__ import annotations

import numpy as np
from scipy import linalg

R_PRECISION_BATCH = 32   # each text vs 31 mismatched motions
TOP_K = 3
DIVERSITY_TIMES = 300
MULTIMODALITY_TIMES = 10


def _as_2d(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"{name}: expected (n, e) embeddings with n >= 1, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"{name}: contains NaN or inf")
    return x


def euclidean_distance_matrix(a, b) -> np.ndarray:
    """(n, e), (m, e) -> (n, m) Euclidean distances (negative rounding errors clipped to 0)."""
    a, b = _as_2d(a, "a"), _as_2d(b, "b")
    sq = (a * a).sum(1)[:, None] - 2.0 * a @ b.T + (b * b).sum(1)[None, :]
    return np.sqrt(np.maximum(sq, 0.0))


def gaussian_statistics(embeddings) -> tuple[np.ndarray, np.ndarray]:
    """(n, e) -> mean (e,), covariance (e, e) with ddof 1 (np.cov), as the reference computes them."""
    x = _as_2d(embeddings, "embeddings")
    if x.shape[0] < 2:
        raise ValueError(f"embeddings: need at least 2 samples for a covariance, got {x.shape[0]}")
    return x.mean(0), np.cov(x, rowvar=False)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 sqrt(S1 S2)); a small ridge is added when the product is singular."""
    mu1, mu2 = np.atleast_1d(mu1).astype(np.float64), np.atleast_1d(mu2).astype(np.float64)
    s1, s2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(np.float64)
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (mu1.size, mu1.size):
        raise ValueError(f"frechet_distance: shapes disagree: mu {mu1.shape} {mu2.shape}, sigma {s1.shape} {s2.shape}")
    diff = mu1 - mu2
    covmean = linalg.sqrtm(s1 @ s2)
    if not np.isfinite(covmean).all():
        offset = np.eye(s1.shape[0]) * eps
        covmean = linalg.sqrtm((s1 + offset) @ (s2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real  # tiny imaginary parts from rounding
    return float(max(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean), 0.0))


def fid(real, generated) -> float:
    """Fréchet distance between (n, e) real and (m, e) generated motion embeddings."""
    return frechet_distance(*gaussian_statistics(real), *gaussian_statistics(generated))


def r_precision(text_emb, motion_emb, batch_size: int = R_PRECISION_BATCH, top_k: int = TOP_K) -> np.ndarray:
    """(n, e) texts and their (n, e) motions (row i belongs to text i) -> (top_k,) top-1..top-k hit rates.

    Rows are split into consecutive batches of `batch_size`; within a batch each text ranks all motions of the batch
    by distance, and a hit at k means its own motion is among the k nearest. A last incomplete batch is dropped.
    """
    t, m = _as_2d(text_emb, "text_emb"), _as_2d(motion_emb, "motion_emb")
    if t.shape != m.shape:
        raise ValueError(f"text_emb and motion_emb must pair row by row, got {t.shape} and {m.shape}")
    if batch_size < 2 or top_k < 1 or top_k > batch_size:
        raise ValueError(f"need 2 <= batch_size and 1 <= top_k <= batch_size, got batch_size={batch_size}, top_k={top_k}")
    num_batches = t.shape[0] // batch_size
    if num_batches == 0:
        raise ValueError(f"r_precision needs at least batch_size={batch_size} pairs, got {t.shape[0]}")
    hits = np.zeros(top_k)
    for b in range(num_batches):
        sl = slice(b * batch_size, (b + 1) * batch_size)
        dist = euclidean_distance_matrix(t[sl], m[sl])
        # rank of the matching motion = number of other motions at most as far (ties count against the text, so a
        # collapsed evaluator scores 0, not 1)
        rank = (dist <= np.diag(dist)[:, None]).sum(1) - 1
        hits += (rank[:, None] < np.arange(1, top_k + 1)[None, :]).sum(0)
    return hits / (num_batches * batch_size)


def matching_score(text_emb, motion_emb) -> float:
    """MM-Dist: mean Euclidean distance between each text embedding and its own motion's embedding."""
    t, m = _as_2d(text_emb, "text_emb"), _as_2d(motion_emb, "motion_emb")
    if t.shape != m.shape:
        raise ValueError(f"text_emb and motion_emb must pair row by row, got {t.shape} and {m.shape}")
    return float(np.linalg.norm(t - m, axis=1).mean())


def mismatched_score(text_emb, motion_emb, rng: np.random.Generator | None = None) -> float:
    """Mean distance between texts and motions of *other* texts (a derangement): the MM-Dist of chance."""
    t, m = _as_2d(text_emb, "text_emb"), _as_2d(motion_emb, "motion_emb")
    n = t.shape[0]
    if n < 2:
        raise ValueError("mismatched_score needs at least 2 pairs")
    shift = 1 + (rng or np.random.default_rng(0)).integers(n - 1)
    return float(np.linalg.norm(t - np.roll(m, shift, axis=0), axis=1).mean())


def diversity(embeddings, times: int = DIVERSITY_TIMES, rng: np.random.Generator | None = None) -> float:
    """Mean distance between `times` random pairs (two draws without replacement, as the reference does)."""
    x = _as_2d(embeddings, "embeddings")
    if x.shape[0] < times:
        raise ValueError(f"diversity needs at least times={times} embeddings, got {x.shape[0]}; lower `times`")
    rng = rng or np.random.default_rng(0)
    first = rng.choice(x.shape[0], times, replace=False)
    second = rng.choice(x.shape[0], times, replace=False)
    return float(np.linalg.norm(x[first] - x[second], axis=1).mean())


def multimodality(embeddings, times: int = MULTIMODALITY_TIMES, rng: np.random.Generator | None = None) -> float:
    """(n_texts, n_generations, e) -> mean distance between `times` pairs of generations of each text."""
    x = np.asarray(embeddings, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"embeddings: expected (texts, generations_per_text, e), got shape {x.shape}")
    if x.shape[1] < times:
        raise ValueError(f"multimodality needs at least times={times} generations per text, got {x.shape[1]}")
    rng = rng or np.random.default_rng(0)
    first = rng.choice(x.shape[1], times, replace=False)
    second = rng.choice(x.shape[1], times, replace=False)
    return float(np.linalg.norm(x[:, first] - x[:, second], axis=2).mean())


def mean_ci(values) -> tuple[float, float]:
    """Repeated measurements -> (mean, 95% CI half-width 1.96 * std / sqrt(n)); std with ddof 0 as in the papers."""
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size == 0:
        raise ValueError("mean_ci: no values")
    return float(v.mean()), float(1.96 * v.std() / np.sqrt(v.size))
