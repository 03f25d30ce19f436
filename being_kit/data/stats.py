"""Corpus statistics for the data notebook: lengths, captions, action families, part-caption coverage, and the
feature round-trip error.

Lengths and splits come from the corpus's cheap metadata (every record); figures that need the captions read a
seeded sample of records (`sample`, default 5,000: a mean over 5,000 motions is within about 1% of the full
corpus's, and it keeps a million-sequence corpus to seconds).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..motion.rotations import yaw_matrix
from ..motion.skeleton import PART_NAMES

EXACT_MM = 1.0  # a round trip within this everywhere counts as exact (float32 noise is about 1e-4 mm)


@dataclass
class CorpusStats:
    """What a corpus holds. lengths_s: (n,) seconds for every record; the caption fields cover `sampled` records.

    caption_words: words per whole-body caption; captions_per_motion: (sampled,); action_counts: action family ->
    number of sampled motions performing it (from `meta["actions"]`, empty when a corpus has no labels);
    actions_per_motion: (sampled,) 0 where unlabelled; part_coverage: part -> fraction of sampled motions with a
    non-empty part caption; segment_fraction: fraction with time-stamped sub-captions.
    """

    num_sequences: int
    fps: float
    representation: str
    split_counts: dict[str, int]
    lengths_s: np.ndarray
    sampled: int
    caption_words: np.ndarray
    captions_per_motion: np.ndarray
    action_counts: dict[str, int] = field(default_factory=dict)
    actions_per_motion: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    part_coverage: dict[str, float] = field(default_factory=dict)
    segment_fraction: float = 0.0

    def summary(self) -> dict[str, Any]:
        """Flat figures for `record_metrics` (counts, means, coverage)."""
        out: dict[str, Any] = {
            "num_sequences": self.num_sequences,
            **{f"num_{split}": int(n) for split, n in self.split_counts.items()},
            "total_hours": float(self.lengths_s.sum() / 3600.0),
            "mean_length_s": float(self.lengths_s.mean()) if self.lengths_s.size else 0.0,
            "min_length_s": float(self.lengths_s.min()) if self.lengths_s.size else 0.0,
            "max_length_s": float(self.lengths_s.max()) if self.lengths_s.size else 0.0,
            "mean_caption_words": float(self.caption_words.mean()) if self.caption_words.size else 0.0,
            "mean_captions_per_motion": float(self.captions_per_motion.mean()) if self.captions_per_motion.size else 0.0,
            "num_action_families": len(self.action_counts),
            "segment_fraction": float(self.segment_fraction),
        }
        if self.part_coverage:
            out["part_coverage_min"] = float(min(self.part_coverage.values()))
        return out


def sample_indices(n: int, sample: int | None, seed: int = 0) -> np.ndarray:
    """Sorted indices of a seeded sample of `sample` out of `n` (all of them when `sample` is None or >= n)."""
    if sample is None or sample >= n:
        return np.arange(n)
    if sample < 1:
        raise ValueError(f"sample must be >= 1 or None, got {sample}")
    return np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))


def corpus_stats(corpus, sample: int | None = 5000, seed: int = 0) -> CorpusStats:
    """Statistics of a `being_kit.data.Corpus` (anything with `lengths`, `splits`, `fps`, `representation`,
    `len()` and `corpus[i] -> MotionRecord`)."""
    n = len(corpus)
    if n == 0:
        raise ValueError("corpus_stats: the corpus is empty")
    lengths = np.asarray(corpus.lengths, dtype=np.float64)
    splits = Counter(str(s) for s in np.asarray(corpus.splits).tolist())
    words: list[int] = []
    per_motion: list[int] = []
    actions: Counter[str] = Counter()
    actions_per: list[int] = []
    parts: Counter[str] = Counter()
    with_segments = 0
    idx = sample_indices(n, sample, seed)
    for i in idx:
        rec = corpus[int(i)]
        per_motion.append(len(rec.texts))
        words.extend(len(t.split()) for t in rec.texts)
        acts = list((rec.meta or {}).get("actions", []) or [])
        actions.update(set(acts))
        actions_per.append(len(acts))
        parts.update(p for p in PART_NAMES if (rec.parts or {}).get(p, "").strip())
        with_segments += bool(rec.segments)
    k = len(idx)
    return CorpusStats(
        num_sequences=n,
        fps=float(corpus.fps),
        representation=str(corpus.representation),
        split_counts={s: splits.get(s, 0) for s in ("train", "val", "test")} | {s: c for s, c in splits.items()},
        lengths_s=lengths / float(corpus.fps),
        sampled=k,
        caption_words=np.asarray(words, dtype=np.int64),
        captions_per_motion=np.asarray(per_motion, dtype=np.int64),
        action_counts=dict(actions.most_common()),
        actions_per_motion=np.asarray(actions_per, dtype=np.int64),
        part_coverage={p: parts.get(p, 0) / k for p in PART_NAMES},
        segment_fraction=with_segments / k,
    )


def motion_joints(motion: np.ndarray, representation: str) -> np.ndarray:
    """Joint positions (t, 22, 3), metres, of stored features in either representation (for drawing and checks)."""
    from ..motion.convert import to_joints

    if representation not in ("humanml263", "smpl_d135"):
        raise ValueError(f"representation: expected 'humanml263' or 'smpl_d135', got {representation!r}")
    return to_joints(motion, representation)


def align_yaw(moving: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`moving` (t, j, 3) turned about +y and shifted to best fit `target` (least squares over all points).

    The HumanML3D features drop a motion's global placement by design (origin, floor, initial facing), so a round
    trip is compared after this alignment.
    """
    p = moving.reshape(-1, 3).astype(np.float64)
    q = target.reshape(-1, 3).astype(np.float64)
    pc, qc = p - p.mean(0), q - q.mean(0)
    angle = np.arctan2((qc[:, 0] * pc[:, 2] - qc[:, 2] * pc[:, 0]).sum(), (qc[:, 0] * pc[:, 0] + qc[:, 2] * pc[:, 2]).sum())
    rot = yaw_matrix(np.asarray(angle))
    aligned = pc @ rot.T + q.mean(0)
    return aligned.reshape(moving.shape)


def feature_roundtrip_mm(joints: Sequence[np.ndarray], fps: float = 20) -> dict[str, float]:
    """Joints -> HumanML3D features -> joints, per-joint position error in millimetres over a list of motions.

    joints: motions (t, 22, 3) in metres. Each is compared on its first t-1 frames (the features have t-1) after
    `align_yaw`. Returns mean, median, 95th percentile and max over all joints and frames, the fraction of motions
    reproduced within `EXACT_MM` everywhere, and the number of motions.

    The features are exact up to float32 on HumanML3D's skeleton, except that the root's yaw velocity is the arcsin
    of a root quaternion's component whose hemisphere flips when the heading passes 180 degrees from the first
    frame (the reference `process_file` does the same): motions that turn further (walking in a circle, spinning)
    come back with a drifting root path, which is what the mean and max here show.
    """
    from ..motion.features import features_from_joints, joints_from_features

    errors = []
    for j in joints:
        j = np.asarray(j, dtype=np.float32)
        back = joints_from_features(features_from_joints(j, fps=fps))
        ref = j[: back.shape[0]]
        errors.append(np.linalg.norm(align_yaw(back, ref) - ref, axis=-1).ravel() * 1000.0)
    if not errors:
        raise ValueError("feature_roundtrip_mm: no motions given")
    err = np.concatenate(errors)
    return {
        "mean_mm": float(err.mean()),
        "median_mm": float(np.median(err)),
        "p95_mm": float(np.percentile(err, 95)),
        "max_mm": float(err.max()),
        "exact_fraction": float(np.mean([e.max() < EXACT_MM for e in errors])),
        "num_motions": len(errors),
    }
