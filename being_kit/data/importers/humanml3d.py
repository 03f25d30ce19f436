"""Import a HumanML3D folder (Guo et al., CVPR 2022) as a `humanml263` corpus.

Layout read: `new_joint_vecs/<id>.npy` ((t, 263) features at 20 fps), `texts/<id>.txt` (one caption per line,
`caption#tokens#start#end`; start/end 0.0 or NaN mean the whole motion, other times in seconds make a `Segment`),
`train.txt`/`val.txt`/`test.txt` (ids, one per line; a missing file is an empty split) and `Mean.npy`/`Std.npy`
(carried over as the corpus's mean.npy/std.npy; computed when absent). The POS-tagged tokens are kept in
`meta["tokens"]` (whole-motion captions) and `meta["segment_tokens"]`, so an export writes them back unchanged.
Motions listed in no split file are left out and counted in meta.json["extra"]["import"].
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..corpus import Corpus, write_corpus
from ..humanml3d_texts import read_humanml3d_texts
from ..schema import REPRESENTATIONS, SPLITS, MotionRecord
from ._common import ImportLog

FEATURE_DIM = REPRESENTATIONS["humanml263"]


def load_features(path: Path, dim: int = FEATURE_DIM) -> np.ndarray:
    """Load a (t, dim) .npy as float32; ValueError naming the file when missing, truncated, misshapen or non-finite."""
    if not path.is_file():
        raise ValueError(f"{path}: motion file missing")
    try:
        arr = np.load(path, allow_pickle=False)
    except (ValueError, EOFError, OSError) as e:
        raise ValueError(f"{path}: cannot read .npy (truncated or not a .npy file: {e})") from None
    if arr.ndim != 2 or arr.shape[1] != dim or arr.shape[0] < 1:
        raise ValueError(f"{path}: expected (frames, {dim}) features, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"{path}: expected float features, got dtype {arr.dtype}")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{path}: contains NaN or inf (first at frame {bad[0]}, dim {bad[1]})")
    return arr.astype(np.float32)


def read_splits(folder: Path) -> dict[str, str]:
    """id -> split from train/val/test.txt; ValueError for an id listed twice or no split file at all."""
    found = {s: folder / f"{s}.txt" for s in SPLITS if (folder / f"{s}.txt").is_file()}
    if not found:
        raise ValueError(f"{folder}: no split files (expected train.txt, val.txt and/or test.txt)")
    out: dict[str, str] = {}
    where: dict[str, str] = {}
    for split, f in found.items():
        try:
            lines = f.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as e:
            raise ValueError(f"{f}: not UTF-8 text (byte {e.start}: {e.reason}); expected one motion id per line") from None
        for n, line in enumerate(lines, 1):
            mid = line.strip()
            if not mid:
                continue
            if mid in out:
                raise ValueError(f"{f}, line {n}: id {mid!r} already listed in {where[mid]}")
            out[mid], where[mid] = split, f"{f.name}"
    return out


def _load_stats(folder: Path):
    files = [folder / "Mean.npy", folder / "Std.npy"]
    present = [f.is_file() for f in files]
    if not any(present):
        return "compute"
    if not all(present):
        have, lack = (files[0], files[1]) if present[0] else (files[1], files[0])
        raise FileNotFoundError(f"{lack}: missing beside {have}; HumanML3D statistics come as a pair (add it, or "
                                f"remove {have.name} to have both computed from the train split)")
    stats = []
    for f in files:
        try:
            a = np.load(f, allow_pickle=False)
        except (ValueError, EOFError, OSError) as e:
            raise ValueError(f"{f}: cannot read .npy ({e})") from None
        if a.shape != (FEATURE_DIM,) or not np.isfinite(a).all():
            raise ValueError(f"{f}: expected ({FEATURE_DIM},) finite values, got shape {a.shape}")
        stats.append(a.astype(np.float32))
    if (stats[1] <= 0).any():
        raise ValueError(f"{files[1]}: std must be positive")
    return tuple(stats)


def humanml3d_records(folder: str | Path, log: ImportLog, source: str = "humanml3d",
                      limit: int | None = None) -> Iterator[MotionRecord]:
    """Yield the folder's records in split-file order (train, val, test); problems go through `log`."""
    folder = Path(folder)
    vec_dir, text_dir = folder / "new_joint_vecs", folder / "texts"
    for d in (vec_dir, text_dir):
        if not d.is_dir():
            raise FileNotFoundError(f"not a HumanML3D folder: {d} is missing")
    splits = read_splits(folder)
    present = {p.name[:-4] for p in vec_dir.iterdir() if p.name.endswith(".npy")}
    log.counts["unsplit"] = len(present - set(splits))
    emitted = 0
    for mid, split in splits.items():
        if limit is not None and emitted >= limit:
            return
        motion_file = vec_dir / f"{mid}.npy"
        if mid not in present:
            log.problem(f"{folder / (split + '.txt')}: id {mid!r} has no motion file {motion_file}")
            continue
        try:
            motion = load_features(motion_file)
            texts, tokens, segments, seg_tokens = read_humanml3d_texts(text_dir / f"{mid}.txt")
        except ValueError as e:
            log.problem(str(e))
            continue
        meta = {}
        if any(tokens) or any(seg_tokens):
            meta = {"tokens": tokens, "segment_tokens": seg_tokens}
        emitted += 1
        yield MotionRecord(id=mid, source=source, fps=20.0, representation="humanml263", motion=motion,
                           texts=texts, segments=segments, split=split, meta=meta)


def import_humanml3d(
    folder: str | Path,
    out_path: str | Path,
    *,
    on_error: str = "raise",
    source: str = "humanml3d",
    limit: int | None = None,
    shard_size: int = 10_000,
    progress: bool = True,
) -> Corpus:
    """Import a HumanML3D folder into a corpus at `out_path` (written atomically).

    on_error: "raise" stops at the first bad file with a ValueError naming it (nothing is written); "skip" leaves
    bad motions out and lists them in meta.json["extra"]["import"]["problems"]. limit: import the first n only.
    """
    folder = Path(folder)
    log = ImportLog(on_error)
    stats = _load_stats(folder)
    records = humanml3d_records(folder, log, source, limit)
    return write_corpus(records, out_path, "humanml263", shard_size=shard_size, progress=progress,
                        stats=stats, extra_meta=lambda: {"import": log.summary(folder, "humanml3d")})
