"""Export a `humanml263` corpus as a HumanML3D folder, so the field's other tools (T2M evaluators, MoMask,
MotionGPT data loaders) can read it.

Written: `new_joint_vecs/<id>.npy` (t, 263) float32, `new_joints/<id>.npy` (t, 22, 3) recovered with
`joints_from_features`, `texts/<id>.txt` (`caption#tokens#start#end`, whole-motion captions with 0.0#0.0, segments
with their times), `train.txt`/`val.txt`/`test.txt` (plus `train_val.txt` and `all.txt`), `Mean.npy`/`Std.npy`.

Tokens: HumanML3D's are `word/POS` pairs from spaCy. A record imported from HumanML3D carries them in
`meta["tokens"]` and they are written back unchanged; otherwise there is no tagger here, so each lower-cased word
(and punctuation mark) is written as `word/OTHER`. Evaluators that use POS one-hots see every word as OTHER.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np

from ..atomic_dirs import clear_stale_temporaries, replace_folder, temporary_sibling
from .corpus import STATS_FILES, Corpus
from .humanml3d_texts import humanml3d_caption_lines, simple_tokens  # noqa: F401  (simple_tokens: re-exported)
from .schema import SPLITS

_BAD_ID = re.compile(r"[/\\\x00]|^\.{1,2}$")


def export_humanml3d(corpus: Corpus, folder: str | Path, *, joints: bool = True, overwrite: bool = False) -> Path:
    """Write `corpus` (humanml263) as a HumanML3D folder at `folder`, atomically (temp folder, then rename).

    joints: also write new_joints/ (recovered joint positions). overwrite: replace an existing HumanML3D folder.
    Mean/Std come from the corpus's mean.npy/std.npy when present, else are computed over its train split.
    """
    folder = Path(folder)
    if corpus.representation != "humanml263":
        raise ValueError(f"export_humanml3d: corpus is {corpus.representation!r}; HumanML3D holds humanml263 features")
    if len(corpus) == 0:
        raise ValueError("export_humanml3d: the corpus is empty")
    if folder.exists():
        if not overwrite:
            raise FileExistsError(f"{folder} exists; pass overwrite=True to replace it")
        if not (folder / "new_joint_vecs").is_dir():
            raise FileExistsError(f"{folder} exists and is not a HumanML3D folder; refusing to replace it")
    from ..motion.features import joints_from_features

    folder.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_temporaries(folder)
    tmp = temporary_sibling(folder)
    try:
        for sub in ("new_joint_vecs", "new_joints", "texts") if joints else ("new_joint_vecs", "texts"):
            (tmp / sub).mkdir(parents=True)
        by_split: dict[str, list[str]] = {s: [] for s in SPLITS}
        for rec in corpus:
            if _BAD_ID.search(rec.id):
                raise ValueError(f"record id {rec.id!r} cannot be a file name")
            motion = np.asarray(rec.motion, dtype=np.float32)
            np.save(tmp / "new_joint_vecs" / f"{rec.id}.npy", motion)
            if joints:
                np.save(tmp / "new_joints" / f"{rec.id}.npy", np.asarray(joints_from_features(motion), np.float32))
            (tmp / "texts" / f"{rec.id}.txt").write_text("\n".join(humanml3d_caption_lines(rec)) + "\n", encoding="utf-8")
            by_split[rec.split].append(rec.id)
        for s, ids in by_split.items():
            (tmp / f"{s}.txt").write_text("".join(f"{i}\n" for i in ids))
        (tmp / "train_val.txt").write_text("".join(f"{i}\n" for i in by_split["train"] + by_split["val"]))
        (tmp / "all.txt").write_text("".join(f"{i}\n" for s in SPLITS for i in by_split[s]))
        mean, std = _stats(corpus)
        np.save(tmp / "Mean.npy", mean)
        np.save(tmp / "Std.npy", std)
        replace_folder(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _stats(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    if corpus.path is not None and all((corpus.path / f).is_file() for f in STATS_FILES):
        return tuple(np.load(corpus.path / f).astype(np.float32) for f in STATS_FILES)
    from ..motion.normalize import compute_stats

    part = corpus.split("train")
    part = part if len(part) else corpus
    norm = compute_stats((part.motion(i) for i in range(len(part))), "humanml263")
    return norm.mean, norm.std
