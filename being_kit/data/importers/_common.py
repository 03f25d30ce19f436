"""Shared pieces of the importers: problem log, caption and split lookup, resampling to the corpus frame rate."""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...motion.rotations import matrix_to_quat, quat_to_matrix
from ..humanml3d_texts import read_humanml3d_texts
from ..schema import SPLITS, Segment

MAX_LOGGED_PROBLEMS = 200  # meta.json keeps this many problem messages; the count is always exact

Captions = dict[str, list[str]] | Callable[[Path], list[str]] | None
Splits = str | dict[str, str] | Callable[[Path], str]


class ImportLog:
    """Collects bad inputs: raises at once with on_error="raise", counts and keeps the messages with "skip"."""

    def __init__(self, on_error: str):
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error: expected 'raise' or 'skip', got {on_error!r}")
        self.on_error = on_error
        self.problems: list[str] = []
        self.skipped: list[dict[str, str]] = []  # {"file", "reason"} for problems tied to one input file
        self.num_problems = 0
        self.counts: dict = {}

    def problem(self, message: str, file: str | Path | None = None) -> None:
        if self.on_error == "raise":
            raise ValueError(message)
        self.num_problems += 1
        if len(self.problems) < MAX_LOGGED_PROBLEMS:
            self.problems.append(message)
            if file is not None:
                self.skipped.append({"file": str(file), "reason": message})

    def summary(self, source: str | Path, kind: str) -> dict:
        out = {"kind": kind, "from": str(source), "skipped": self.num_problems, "problems": self.problems,
               **self.counts}
        if self.skipped:
            out["skipped_files"] = self.skipped
        return out


def list_files(files: str | Path | Iterable[str | Path], suffix: str) -> tuple[list[Path], Path | None]:
    """A folder (searched recursively for `suffix`), one file, or a list of files -> (sorted paths, base folder)."""
    if isinstance(files, (str, Path)):
        p = Path(files)
        if p.is_dir():
            found = sorted(q for q in p.rglob(f"*{suffix}") if q.is_file())
            if not found:
                raise FileNotFoundError(f"{p}: no *{suffix} files found")
            return found, p
        files = [p]
    out = [Path(f) for f in files]
    for f in out:
        if not f.is_file():
            raise FileNotFoundError(f"input file not found: {f}")
    if not out:
        raise ValueError("no input files given")
    return out, None


def record_id(path: Path, base: Path | None) -> str:
    """Stable id from the path relative to the import folder: 'CMU/01/01_01_poses.npz' -> 'CMU_01_01_01_poses'."""
    rel = path.relative_to(base) if base is not None else Path(path.name)
    return "_".join(rel.with_suffix("").parts)


def read_captions_file(path: Path) -> dict[str, list[str]]:
    """A captions file: one `<file name or stem><TAB><caption>` line per caption (a name may repeat for several
    captions; blank lines and lines starting with '#' are skipped). Keys are file stems."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()  # a byte-order mark is not part of a name
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte {e.start}); save the captions file as UTF-8") from None
    out: dict[str, list[str]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, text = line.partition("\t")
        if not sep or not name.strip() or not text.strip():
            raise ValueError(f"{path}, line {n}: expected '<file name><TAB><caption>', got {line[:80]!r}")
        out.setdefault(Path(name.strip()).stem, []).append(text.strip())
    if not out:
        raise ValueError(f"{path}: no captions in the file")
    return out


@dataclass(frozen=True)
class TextsFolders:
    """Captions from HumanML3D-style folders of `<stem>.txt` files, tried in order (picklable, for worker pools)."""

    folders: tuple[Path, ...]

    def __call__(self, path: Path) -> Path | None:
        for folder in (path.parent, *self.folders):
            f = folder / f"{path.stem}.txt"
            if f.is_file():
                return f
        return None


def resolve_captions(captions, base: Path | None, paths: list[Path] | None = None, log: ImportLog | None = None):
    """captions= as given to an importer -> a dict, a callable, or a `TextsFolders` lookup.

    A file is a captions file (`read_captions_file`); a folder is a HumanML3D `texts/` folder; None looks for
    `captions.tsv` in the import folder, else `<stem>.txt` beside each file, then in `texts/` inside or beside the
    import folder. Names in a captions dict that match no input file (`paths`; without them, the files under `base`)
    are reported by `report_unused_captions`."""
    where = "captions="
    if isinstance(captions, (str, Path)):
        p = Path(captions)
        if p.is_dir():
            return TextsFolders((p,))
        if not p.is_file():
            raise FileNotFoundError(f"captions: no such file or folder: {p}")
        captions, where = read_captions_file(p), str(p)
    elif captions is None and base is not None:
        if not (base / "captions.tsv").is_file():
            return TextsFolders(tuple(f for f in (base / "texts", base.parent / "texts") if f.is_dir()))
        captions, where = read_captions_file(base / "captions.tsv"), str(base / "captions.tsv")
    if isinstance(captions, dict) and (paths is not None or base is not None):
        if paths is None:  # the caller listed no files: every file under the folder except caption files counts
            paths = [q for q in base.rglob("*") if q.is_file() and q.suffix.lower() not in (".txt", ".tsv")]
        report_unused_captions(captions, paths, base, where, log)
    return captions


def report_unused_captions(captions: dict, paths: list[Path], base: Path | None, where: str,
                           log: ImportLog | None = None) -> list[str]:
    """Warn about (and note in `log`, hence in meta.json `extra.import.unused_captions`) the names of a captions
    dict that match no input file by id or stem: a typo there otherwise leaves one file uncaptioned (or captioned
    by a fallback) and the caption unused, without a word. Returns those names."""
    known = {p.stem for p in paths} | {record_id(p, base) if base is not None and p.is_relative_to(base)
                                       else p.stem for p in paths}
    unused = sorted(str(k) for k in captions if k not in known)
    if unused:
        warnings.warn(f"{where}: captions for {len(unused)} name(s) that match no input file, not used: "
                      f"{unused[:10]}{' ...' if len(unused) > 10 else ''}; fix the name (a typo?) or add the file",
                      stacklevel=3)
        if log is not None:
            log.counts["unused_captions"] = unused[:MAX_LOGGED_PROBLEMS]
    return unused


def captions_for(path: Path, rid: str, captions: Captions) -> tuple[list[str], list[Segment]]:
    """Captions of one input file: from a dict (keyed by id or file stem), a callable, or a sidecar `<stem>.txt`
    beside the file (plain lines or HumanML3D `caption#tokens#start#end` lines). ValueError naming the file if none."""
    if isinstance(captions, TextsFolders):
        found = captions(path)
        if found is None:
            raise ValueError(f"{path}: no captions; pass captions= or put one caption per line in "
                             f"{path.with_suffix('.txt')}" + (f" or {captions.folders[0]}/" if captions.folders else ""))
        texts, _, segments, _ = read_humanml3d_texts(found)
    elif callable(captions):
        texts = list(captions(path))
        segments: list[Segment] = []
    elif captions is not None:
        texts = captions.get(rid, captions.get(path.stem))
        if texts is None:
            raise ValueError(f"{path}: no captions given for id {rid!r} (or stem {path.stem!r}) in captions=")
        texts, segments = [texts] if isinstance(texts, str) else list(texts), []
    else:
        sidecar = path.with_suffix(".txt")
        if not sidecar.is_file():
            raise ValueError(f"{path}: no captions; pass captions= or put one caption per line in {sidecar}")
        texts, _, segments, _ = read_humanml3d_texts(sidecar)
    if not texts or any(not isinstance(t, str) or not t.strip() for t in texts):
        raise ValueError(f"{path}: captions must be non-empty strings, got {texts!r}")
    return [t.strip() for t in texts], segments


def split_for(path: Path, rid: str, split: Splits) -> str:
    if callable(split):
        s = split(path)
    elif isinstance(split, dict):
        s = split.get(rid, split.get(path.stem))
        if s is None:
            raise ValueError(f"{path}: id {rid!r} missing from split=")
    elif split == "auto":  # by the id alone, as the synthetic corpus: about 85% train, 5% val, 10% test
        import zlib

        bucket = zlib.crc32(rid.encode()) % 100
        s = "train" if bucket < 85 else "val" if bucket < 90 else "test"
    else:
        s = split
    if s not in SPLITS:
        raise ValueError(f"{path}: unknown split {s!r}; expected one of {SPLITS}")
    return s


def resample_times(num_frames: int, src_fps: float, dst_fps: float) -> np.ndarray:
    """Source-frame positions (float) of the output frames: every 1/dst_fps seconds within the clip."""
    if src_fps <= 0 or dst_fps <= 0:
        raise ValueError(f"frame rates must be positive, got {src_fps} -> {dst_fps}")
    n_out = int(np.floor((num_frames - 1) * dst_fps / src_fps + 1e-9)) + 1
    return np.arange(n_out) * (src_fps / dst_fps)


def resample_linear(x: np.ndarray, src_fps: float, dst_fps: float) -> np.ndarray:
    """(t, ...) samples at src_fps -> (t', ...) at dst_fps by linear interpolation (exact striding when the
    ratio is an integer, as HumanML3D's 120 -> 20 fps downsampling)."""
    pos = resample_times(x.shape[0], src_fps, dst_fps)
    lo = np.minimum(np.floor(pos + 1e-9).astype(np.int64), x.shape[0] - 1)
    hi = np.minimum(lo + 1, x.shape[0] - 1)
    w = (pos - lo).reshape((-1,) + (1,) * (x.ndim - 1))
    return x[lo] * (1 - w) + x[hi] * w


def resample_rotations(mats: np.ndarray, src_fps: float, dst_fps: float) -> np.ndarray:
    """(t, ..., 3, 3) rotation matrices -> (t', ..., 3, 3) by normalised quaternion interpolation (nlerp)."""
    pos = resample_times(mats.shape[0], src_fps, dst_fps)
    lo = np.minimum(np.floor(pos + 1e-9).astype(np.int64), mats.shape[0] - 1)
    hi = np.minimum(lo + 1, mats.shape[0] - 1)
    q = matrix_to_quat(mats)
    q0, q1 = q[lo], q[hi]
    q1 = np.where((q0 * q1).sum(-1, keepdims=True) < 0, -q1, q1)  # shortest path
    w = (pos - lo).reshape((-1,) + (1,) * (q.ndim - 1))
    out = q0 * (1 - w) + q1 * w
    return quat_to_matrix(out / np.linalg.norm(out, axis=-1, keepdims=True))


# z-up (AMASS, many mocap exports) to y-up by a proper rotation of -90 degrees about x: (x, y, z) -> (x, z, -y).
# A body that faces -y in z-up faces +z after it, with its left side staying at +x.
Z_UP_TO_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])
