"""The real mocap clips shipped with being-kit (`data/mocap_clips/`, sources and licences in its SOURCES.md).

Three naming families (Mixamo, MocapBank, Rigify) for the importer's tests, and real motion to hold the synthetic
corpus and the tokenizers against (`python -m being_kit.bench real`). `CLIP_ACTIONS` names the synthetic action
families a clip shows, for the action classifier; a clip showing none of them has no entry.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..motion.dynamics import TRAVEL_SPEED

if TYPE_CHECKING:
    from .corpus import Corpus

CLIPS_DIR = Path(__file__).parent / "mocap_clips"
CAPTIONS_FILE = CLIPS_DIR / "captions.tsv"
CLIP_ACTIONS: dict[str, tuple[str, ...]] = {
    "mixamo_walk_turn": ("walk", "turn"),
    "mocapbank_squat": ("squat",),
}


def clip_paths(folder: str | Path | None = None) -> list[Path]:
    """The shipped clips (or the .bvh files under `folder`), sorted."""
    root = Path(folder) if folder is not None else CLIPS_DIR
    if not root.is_dir():
        raise NotADirectoryError(f"folder: {root} is {'a file' if root.exists() else 'missing'}; pass the folder "
                                 "that holds the .bvh files")
    found = sorted(root.rglob("*.bvh"))
    if not found:
        raise FileNotFoundError(f"{root}: no .bvh files")
    return found


def import_real_clips(out_path: str | Path, folder: str | Path | None = None, progress: bool = False):
    """The shipped clips (plus every .bvh under `folder`, captioned by its own sidecars, `texts/` folder or a
    `captions.tsv` inside it; files without captions get their file name, with a warning naming them, as does a
    captions.tsv line that names no file) as a humanml263 corpus at `out_path`."""
    import warnings

    from .importers import import_bvh
    from .importers._common import TextsFolders, read_captions_file, resolve_captions
    from .humanml3d_texts import read_humanml3d_texts

    paths = clip_paths()
    captions: dict[str, list[str]] = dict(read_captions_file(CAPTIONS_FILE))
    if folder is not None:
        extra = clip_paths(folder)
        # its captions.tsv (names matching none of `extra` are warned about), else sidecars / texts/
        lookup = resolve_captions(None, Path(folder), paths=extra)
        fallback = []
        for f in extra:
            if isinstance(lookup, TextsFolders):
                found = lookup(f)
                texts = read_humanml3d_texts(found)[0] if found is not None else None
            else:
                texts = lookup.get(f.stem)
            if not texts:
                fallback.append(f.name)
            captions[f.stem] = texts or [f"a person moves ({f.stem})"]
        if fallback:
            warnings.warn(f"{folder}: {len(fallback)} clip(s) have no caption (no line in captions.tsv, no sidecar "
                          f"<stem>.txt, nothing in texts/) and are captioned by their file name, 'a person moves "
                          f"(<stem>)': {fallback[:10]}{' ...' if len(fallback) > 10 else ''}", stacklevel=2)
        paths = paths + extra
    return import_bvh(paths, out_path, captions=captions, progress=progress, workers=0, source="real_bvh")


def classify_real_clips(classifier, corpus) -> list[dict]:
    """The action classifier on each clip with a known action (`CLIP_ACTIONS`): a clip showing several actions
    counts as right when the label is any of them. Returns one row per clip: id, actions, predicted, correct."""
    rows = []
    for k in range(len(corpus)):
        record = corpus[k]
        actions = CLIP_ACTIONS.get(record.id)
        if not actions:
            continue
        predicted = classifier.classify([record.motion])[0][0]
        rows.append({"clip": record.id, "actions": "/".join(actions), "predicted": predicted,
                     "correct": predicted in actions})
    return rows


PIECE_FRAMES = 196  # HumanML3D's longest motion (9.8 s at 20 fps), and about the synthetic corpus's 10 s
MIN_PIECE_FRAMES = 40  # a tail shorter than 2 s is left out (a clip that short stays whole)


def clip_pieces(corpus, max_frames: int = PIECE_FRAMES):
    """The clips of `corpus` cut into consecutive pieces of at most `max_frames` (an in-memory corpus; ids
    `<clip>@<first frame>`; a tail under 2 s is left out), so that real takes of 15-20 s are measured like the motions a tokenizer is trained and
    tested on: HumanML3D caps motions at 196 frames, and over a longer take small errors of the root's turning rate
    add up to a heading that drifts, which a pelvis-aligned MPJPE counts on every joint."""
    from dataclasses import replace

    from .corpus import Corpus

    if max_frames < MIN_PIECE_FRAMES:
        raise ValueError(f"max_frames: expected at least {MIN_PIECE_FRAMES}, got {max_frames}")
    pieces = []
    for k in range(len(corpus)):
        record = corpus[k]
        n = len(record.motion)
        for a in range(0, n, max_frames):
            b = min(a + max_frames, n)
            if b - a >= MIN_PIECE_FRAMES or a == 0:
                pieces.append(replace(record, id=f"{record.id}@{a}", motion=record.motion[a:b], segments=[]))
    return Corpus.from_records(pieces, corpus.representation)


MOVING_ROOT_SPEED = TRAVEL_SPEED  # m/s: a piece whose pelvis moves over the ground this fast (median) is locomotion


def root_ground_speed(motion, representation: str = "humanml263") -> float:
    """Median ground speed of the pelvis (m/s; `motion.dynamics`' root_speed): how much a piece travels, not how much
    it moves."""
    import numpy as np

    from ..motion.dynamics import motion_dynamics
    from .stats import motion_joints

    return float(np.median(motion_dynamics(motion_joints(motion, representation))["root_speed"]))


def pieces_by_root_speed(pieces: "Corpus", threshold: float = MOVING_ROOT_SPEED) -> dict[str, "Corpus"]:
    """`{"in place": corpus, "moving": corpus}` (either may be empty and is then left out): real pieces split by
    `root_ground_speed`, since tokenizers trained on the synthetic corpus carry over to motion that stays in place
    much better than to locomotion (README: real mocap), and one real ratio over both hides which is which."""
    import numpy as np

    if not threshold > 0:
        raise ValueError(f"threshold: expected a root speed > 0 m/s, got {threshold}")
    speeds = np.array([root_ground_speed(pieces.motion(k), pieces.representation) for k in range(len(pieces))])
    groups = {"in place": np.flatnonzero(speeds < threshold), "moving": np.flatnonzero(speeds >= threshold)}
    return {name: pieces.select(idx) for name, idx in groups.items() if len(idx)}


def pieces_by_clip(pieces: "Corpus") -> dict[str, "Corpus"]:
    """`{clip id: its pieces}` in the order the clips first appear (`clip_pieces`' ids are `<clip>@<first frame>`):
    one ratio over a whole real set hides which take carries the error (on the 517 s set of the README, LaFAN1's dance
    and crouched walk read 2.5-3.5x the corpus on vq while the Rigify takes read under 1x)."""
    import numpy as np

    clips: dict[str, list[int]] = {}
    for k in range(len(pieces)):
        clips.setdefault(pieces[k].id.rsplit("@", 1)[0], []).append(k)
    return {name: pieces.select(np.array(idx)) for name, idx in clips.items()}
