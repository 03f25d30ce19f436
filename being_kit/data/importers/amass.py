"""Import AMASS-style SMPL / SMPL-H / SMPL-X `.npz` sequences (axis-angle `poses`, `trans`, `betas`, frame rate,
`gender`) as a `humanml263` or `smpl_d135` corpus.

Joint positions come from the user's body-model file (SMPL-family models cannot be redistributed, so none ships
here): rest joints `J_regressor @ (v_template + shapedirs @ betas)`, then forward kinematics of the 22 body joints
with the sequence's rotations. This is exactly the joint part of SMPL's linear blend skinning (what
`smplx.lbs.batch_rigid_transform` computes; the tests check it against smplx) without skinning 6,890+ vertices per
frame. Sequences are resampled to 20 fps (linear positions, nlerp rotations; exact striding for 60/120 fps) and
turned from z-up to y-up by a proper rotation (see `_common.Z_UP_TO_Y_UP`).

Model files are looked up like smplx does, plus AMASS's own layout: `<dir>/<type>/<TYPE>_<GENDER>.npz|.pkl`,
`<dir>/<TYPE>_<GENDER>.npz|.pkl`, `<dir>/<type>/<gender>/model.npz`; or `body_model_path` is the file itself.
"""
from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...motion.kinematics import forward_kinematics
from ...motion.rotations import axis_angle_to_matrix
from ...motion.skeleton import FPS, NUM_JOINTS, PARENTS
from ..corpus import Corpus, write_corpus
from ..schema import REPRESENTATIONS, MotionRecord
from ._common import (Z_UP_TO_Y_UP, Captions, ImportLog, Splits, captions_for, list_files, record_id,
                      resample_linear, resample_rotations, split_for)

MODEL_TYPES = {72: "smpl", 156: "smplh", 165: "smplx"}  # width of AMASS `poses` -> body model family
_FPS_KEYS = ("mocap_framerate", "mocap_frame_rate", "fps")


@dataclass
class BodyModel:
    """The parts of an SMPL-family model that fix the 22 body joints: rest vertices, shape blend shapes, regressor."""

    path: Path
    v_template: np.ndarray  # (v, 3)
    shapedirs: np.ndarray  # (v, 3, b)
    j_regressor: np.ndarray  # (22, v), rows of the body joints only

    def rest_joints(self, betas: np.ndarray) -> np.ndarray:
        """(22, 3) rest joint positions (metres, model frame) for shape `betas` (extra betas are ignored)."""
        nb = min(len(betas), self.shapedirs.shape[-1])
        verts = self.v_template + self.shapedirs[:, :, :nb] @ np.asarray(betas[:nb], dtype=np.float64)
        return self.j_regressor @ verts


def _model_candidates(base: Path, model_type: str, gender: str) -> list[Path]:
    stem = f"{model_type.upper()}_{gender.upper()}"
    out = []
    for d in (base / model_type, base / model_type.upper(), base):
        out += [d / f"{stem}.npz", d / f"{stem}.pkl"]
    out += [base / model_type / gender / "model.npz", base / gender / "model.npz"]
    return out


def find_body_model(body_model_path: str | Path | None, model_type: str, gender: str) -> Path:
    """Resolve the model file; FileNotFoundError naming what is missing and where it was looked for."""
    if body_model_path is None:
        raise FileNotFoundError(
            f"AMASS import needs the {model_type.upper()} body model files (not redistributable; download them from "
            f"the SMPL/MANO/SMPL-X websites) and body_model_path= pointing at their folder")
    base = Path(body_model_path)
    if base.is_file():
        return base
    if not base.is_dir():
        raise FileNotFoundError(f"body_model_path {base} does not exist (expected a folder holding {model_type}/)")
    cands = _model_candidates(base, model_type, gender)
    for c in cands:
        if c.is_file():
            return c
    raise FileNotFoundError(f"body model file missing for {model_type} ({gender}): looked for "
                            + ", ".join(str(c) for c in cands))


def load_body_model(path: Path) -> BodyModel:
    """Read an SMPL-family .npz (or chumpy-free .pkl) model file; ValueError naming the file when malformed."""
    try:
        if path.suffix == ".pkl":
            with open(path, "rb") as f:
                data = pickle.load(f, encoding="latin1")
        else:
            data = dict(np.load(path, allow_pickle=True))
    except ModuleNotFoundError as e:
        raise ValueError(f"{path}: needs module {e.name!r} to unpickle (chumpy-based .pkl); convert it to .npz "
                         "or install that module") from None
    except Exception as e:  # noqa: BLE001 - any read failure becomes one clear message
        raise ValueError(f"{path}: cannot read body model ({type(e).__name__}: {e})") from None
    for key in ("v_template", "shapedirs", "J_regressor", "kintree_table"):
        if key not in data:
            raise ValueError(f"{path}: body model lacks {key!r}")
    jreg = data["J_regressor"]
    jreg = jreg.toarray() if hasattr(jreg, "toarray") else np.asarray(jreg)
    v = np.asarray(data["v_template"], dtype=np.float64)
    shapedirs = np.asarray(data["shapedirs"], dtype=np.float64)
    parents = np.asarray(data["kintree_table"])[0, :NUM_JOINTS].astype(np.int64)
    parents[0] = -1
    if tuple(parents.tolist()) != PARENTS:
        raise ValueError(f"{path}: the first {NUM_JOINTS} joints' parents {parents.tolist()} are not SMPL's {PARENTS}")
    if v.ndim != 2 or v.shape[1] != 3 or shapedirs.shape[:2] != v.shape or jreg.shape[1] != v.shape[0]:
        raise ValueError(f"{path}: inconsistent shapes v_template {v.shape}, shapedirs {shapedirs.shape}, "
                         f"J_regressor {jreg.shape}")
    return BodyModel(path, v, shapedirs, np.asarray(jreg[:NUM_JOINTS], dtype=np.float64))


@dataclass
class AmassMotion:
    """One sequence at 20 fps, y up, metres: joints (t, 22, 3), root_positions (t, 3), local_rotations (t, 22, 3, 3)."""

    joints: np.ndarray
    root_positions: np.ndarray
    local_rotations: np.ndarray
    source_fps: float
    model_type: str
    gender: str


def read_amass_npz(path: Path) -> dict:
    """The fields of an AMASS .npz: poses (t, n), trans (t, 3), betas (b,), fps, gender, model_type."""
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except Exception as e:  # noqa: BLE001
        raise ValueError(f"{path}: cannot read .npz (truncated or not an AMASS file: {type(e).__name__}: {e})") from None
    if "poses" not in data and "root_orient" in data and "pose_body" in data:
        data["poses"] = np.concatenate([data["root_orient"], data["pose_body"]], -1)
    for key in ("poses", "trans", "betas"):
        if key not in data:
            raise ValueError(f"{path}: missing {key!r} (keys: {sorted(data)})")
    fps_key = next((k for k in _FPS_KEYS if k in data), None)
    if fps_key is None:
        raise ValueError(f"{path}: missing frame rate (one of {_FPS_KEYS})")
    poses, trans = np.asarray(data["poses"], np.float64), np.asarray(data["trans"], np.float64)
    if poses.ndim != 2 or poses.shape[1] < 66 or trans.shape != (poses.shape[0], 3):
        raise ValueError(f"{path}: expected poses (t, >= 66) and trans (t, 3), got {poses.shape} and {trans.shape}")
    if not (np.isfinite(poses).all() and np.isfinite(trans).all()):
        raise ValueError(f"{path}: poses or trans contain NaN or inf")
    model_type = str(data["surface_model_type"]) if "surface_model_type" in data else MODEL_TYPES.get(poses.shape[1])
    if model_type not in ("smpl", "smplh", "smplx"):
        raise ValueError(f"{path}: cannot tell the body model from poses width {poses.shape[1]} "
                         f"(expected {sorted(MODEL_TYPES)}) or surface_model_type")
    g = data.get("gender", np.array("neutral"))
    g = g.item() if isinstance(g, np.ndarray) else g
    gender = (g.decode() if isinstance(g, bytes) else str(g)).strip().lower()
    fps = float(np.asarray(data[fps_key]).reshape(-1)[0])
    if not fps > 0:
        raise ValueError(f"{path}: frame rate must be positive, got {fps}")
    return {"poses": poses, "trans": trans, "betas": np.asarray(data["betas"], np.float64).reshape(-1),
            "fps": fps, "gender": gender, "model_type": model_type}


def amass_joints(path: str | Path, body_model_path: str | Path | None, fps: float = FPS,
                 _cache: dict | None = None) -> AmassMotion:
    """One AMASS .npz -> 22 body joints at `fps`, y up, through the sequence's own body model (shape and gender)."""
    path = Path(path)
    d = read_amass_npz(path)
    model_file = find_body_model(body_model_path, d["model_type"], d["gender"])
    cache = _cache if _cache is not None else {}
    if model_file not in cache:
        cache[model_file] = load_body_model(model_file)
    rest = cache[model_file].rest_joints(d["betas"])  # (22, 3)
    t = d["poses"].shape[0]
    rot = axis_angle_to_matrix(d["poses"][:, : NUM_JOINTS * 3].reshape(t, NUM_JOINTS, 3))
    rot = resample_rotations(rot, d["fps"], fps)
    trans = resample_linear(d["trans"], d["fps"], fps)
    offsets = rest - rest[np.maximum(np.asarray(PARENTS), 0)]
    up = Z_UP_TO_Y_UP
    rot[:, 0] = up @ rot[:, 0]
    root = (trans + rest[0]) @ up.T
    joints = forward_kinematics(root, rot, offsets)
    return AmassMotion(joints, root, rot, d["fps"], d["model_type"], d["gender"])


def amass_records(files: list[Path], base: Path | None, body_model_path, representation: str, captions: Captions,
                  split: Splits, log: ImportLog, source: str) -> Iterator[MotionRecord]:
    from ...motion import features_from_joints, features_from_rotations

    cache: dict = {}
    for f in files:
        if f.name == "shape.npz":  # AMASS per-subject shape file, no motion
            log.counts["shape_files"] = log.counts.get("shape_files", 0) + 1
            continue
        rid = record_id(f, base)
        try:
            texts, segments = captions_for(f, rid, captions)
            sp = split_for(f, rid, split)
            m = amass_joints(f, body_model_path, FPS, cache)
            if m.joints.shape[0] < 2:
                raise ValueError(f"{f}: only {m.joints.shape[0]} frame(s) at {FPS} fps; need at least 2")
            if representation == "humanml263":
                motion = features_from_joints(m.joints.astype(np.float32), fps=FPS)
            else:
                motion = features_from_rotations(m.root_positions, m.local_rotations, fps=FPS)
        except ValueError as e:
            log.problem(str(e))
            continue
        yield MotionRecord(id=rid, source=source, fps=float(FPS), representation=representation,
                           motion=np.asarray(motion, np.float32), texts=texts, segments=segments, split=sp,
                           meta={"file": str(f), "source_fps": m.source_fps, "body_model": m.model_type,
                                 "gender": m.gender})


def import_amass(
    files: str | Path | Iterable[str | Path],
    out_path: str | Path,
    *,
    body_model_path: str | Path | None = None,
    representation: str = "humanml263",
    captions: Captions = None,
    split: Splits = "train",
    on_error: str = "raise",
    source: str = "amass",
    shard_size: int = 10_000,
    progress: bool = True,
) -> Corpus:
    """Import AMASS-style .npz sequences (a folder searched recursively, or a list of files) into a corpus.

    captions: AMASS has none; give a dict id/stem -> captions, a callable path -> captions, or `<stem>.txt`
    sidecars. split: one split name, a dict id/stem -> split, or a callable. on_error: "raise" or "skip".
    A missing body-model file is always an error (FileNotFoundError naming the paths tried).
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"representation: expected one of {list(REPRESENTATIONS)}, got {representation!r}")
    paths, base = list_files(files, ".npz")
    log = ImportLog(on_error)
    records = amass_records(paths, base, body_model_path, representation, captions, split, log, source)
    return write_corpus(records, out_path, representation, shard_size=shard_size, progress=progress,
                        extra_meta=lambda: {"import": log.summary(files if base else f"{len(paths)} files", "amass")})
