"""Corpus storage: sharded Arrow IPC files read memory-mapped, so a million-sequence corpus opens in seconds.

On disk a corpus is a folder:
    meta.json            format, schema_version, representation, feature_dim, fps, num_records, shards, extras
    shard-00000.arrow    Arrow IPC *file* format, uncompressed (memory-mappable), record batches of <= batch_size rows
    mean.npy, std.npy    normalisation statistics ((d,) float32), when computed or carried over by an importer
Columns: id, source, split (string); fps (float64); num_frames (int32); motion (large_list<float32>, the (t, d)
features flattened row-major, reshaped without a copy on read); texts (list<string>); parts (struct of the five
part names, null where a record has none); segments (list<struct<start, end, text>>); meta (JSON string).

`Corpus` is a view: the shared storage plus an optional index array. `select`, `split`, `shard` return views
without copying anything. Motions read from disk are read-only views of the memory map; copy before editing in place.
"""
from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..atomic_dirs import clear_stale_temporaries, interrupted_replacement, replace_folder, temporary_sibling
from ..motion.skeleton import PART_NAMES
from .schema import REPRESENTATIONS, SPLITS, MotionRecord, Segment

FORMAT = "being-kit-corpus"
SCHEMA_VERSION = 1
META_FILE = "meta.json"
STATS_FILES = ("mean.npy", "std.npy")

_PARTS = pa.struct([(n, pa.string()) for n in PART_NAMES])
BATCH_BYTES = 64 << 20  # a record batch is flushed at this much motion data (or batch_size records)
_SEGMENT = pa.struct([("start", pa.float64()), ("end", pa.float64()), ("text", pa.string())])
ARROW_SCHEMA = pa.schema([
    ("id", pa.string()),
    ("source", pa.string()),
    ("split", pa.string()),
    ("fps", pa.float64()),
    ("num_frames", pa.int32()),
    ("motion", pa.large_list(pa.float32())),
    ("texts", pa.list_(pa.string())),
    ("parts", _PARTS),
    ("segments", pa.list_(_SEGMENT)),
    ("meta", pa.string()),
])


def records_to_batch(records: list[MotionRecord], feature_dim: int) -> pa.RecordBatch:
    """Convert already-validated records to one Arrow record batch (the motion column is one contiguous buffer)."""
    lengths = np.fromiter((r.motion.shape[0] for r in records), dtype=np.int64, count=len(records))
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum(lengths * feature_dim, out=offsets[1:])
    flat = np.empty(int(offsets[-1]), dtype=np.float32)
    for r, a, b in zip(records, offsets[:-1], offsets[1:]):
        flat[a:b] = np.asarray(r.motion, dtype=np.float32).reshape(-1)
    motion = pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(flat))
    columns = [
        pa.array([r.id for r in records], pa.string()),
        pa.array([r.source for r in records], pa.string()),
        pa.array([r.split for r in records], pa.string()),
        pa.array([float(r.fps) for r in records], pa.float64()),
        pa.array(lengths.astype(np.int32)),
        motion,
        pa.array([list(r.texts) for r in records], pa.list_(pa.string())),
        pa.array([dict(r.parts) for r in records], _PARTS),
        pa.array([[{"start": float(s.start), "end": float(s.end), "text": s.text} for s in r.segments]
                  for r in records], pa.list_(_SEGMENT)),
        pa.array([json.dumps(r.meta, sort_keys=True) for r in records], pa.string()),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=ARROW_SCHEMA)


class _Storage:
    """All rows of a corpus as Arrow record batches (memory-mapped or in memory), with global row lookup."""

    def __init__(self, batches: list[pa.RecordBatch], feature_dim: int, representation: str):
        self.batches = [b for b in batches if b.num_rows]
        self.feature_dim = feature_dim
        self.representation = representation
        self.starts = np.zeros(len(self.batches) + 1, dtype=np.int64)
        np.cumsum([b.num_rows for b in self.batches], out=self.starts[1:])
        self._motion_views: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._column_cache: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return int(self.starts[-1])

    def locate(self, i: int) -> tuple[int, int]:
        b = int(np.searchsorted(self.starts, i, side="right")) - 1
        return b, i - int(self.starts[b])

    def _motion_view(self, b: int) -> tuple[np.ndarray, np.ndarray]:
        view = self._motion_views.get(b)
        if view is None:
            col = self.batches[b].column(5)
            offsets = col.offsets.to_numpy(zero_copy_only=True)
            values = col.values.to_numpy(zero_copy_only=True)
            view = self._motion_views[b] = (offsets, values)
        return view

    def motion(self, i: int) -> np.ndarray:
        b, r = self.locate(i)
        offsets, values = self._motion_view(b)
        return values[offsets[r]: offsets[r + 1]].reshape(-1, self.feature_dim)

    def record(self, i: int) -> MotionRecord:
        b, r = self.locate(i)
        batch = self.batches[b]
        offsets, values = self._motion_view(b)
        parts = batch.column(7)[r].as_py() or {}
        return MotionRecord(
            id=batch.column(0)[r].as_py(),
            source=batch.column(1)[r].as_py(),
            fps=batch.column(3)[r].as_py(),
            representation=self.representation,
            motion=values[offsets[r]: offsets[r + 1]].reshape(-1, self.feature_dim),
            texts=batch.column(6)[r].as_py(),
            parts={k: v for k, v in parts.items() if v is not None},
            segments=[Segment(**s) for s in batch.column(8)[r].as_py()],
            split=batch.column(2)[r].as_py(),
            meta=json.loads(batch.column(9)[r].as_py()),
        )

    def chunked(self, name: str) -> pa.ChunkedArray:
        return pa.chunked_array([b.column(name) for b in self.batches], ARROW_SCHEMA.field(name).type)

    def column(self, name: str) -> np.ndarray:
        """Whole column as numpy, cached: int for num_frames, str arrays for id/split/source."""
        if name not in self._column_cache:
            arr = self.chunked(name)
            if name == "num_frames":
                out = np.concatenate([c.to_numpy() for c in arr.chunks]) if arr.num_chunks else np.zeros(0, np.int32)
                out = out.astype(np.int64)
            elif name in ("split", "source"):  # few distinct values: decode through a dictionary, not per row
                enc = pc.dictionary_encode(arr).combine_chunks() if arr.num_chunks else None
                out = (np.asarray(enc.dictionary.to_pylist(), dtype=str)[enc.indices.to_numpy()]
                       if enc is not None else np.zeros(0, dtype=str))
            else:
                out = np.asarray(arr.to_numpy(), dtype=str) if arr.num_chunks else np.zeros(0, dtype=str)
            self._column_cache[name] = out
        return self._column_cache[name]


class Corpus:
    """A motion corpus (or a view of one): `len`, `corpus[i] -> MotionRecord`, iteration, cheap metadata arrays."""

    def __init__(self, storage: _Storage, info: dict[str, Any], path: Path | None = None,
                 indices: np.ndarray | None = None):
        self._storage, self._info, self._path = storage, info, path
        self._indices = None if indices is None else np.asarray(indices, dtype=np.int64)

    # ---- construction ----
    @classmethod
    def open(cls, path: str | Path) -> "Corpus":
        """Open a corpus folder written by `write_corpus`; memory-maps the shards, reads no motion data."""
        path = Path(path)
        meta_path = path / META_FILE
        if path.is_file():
            raise NotADirectoryError(f"{path}: a corpus is a folder (with {META_FILE} and shard-*.arrow), this is a "
                                     "file; pass the folder that holds it")
        if not meta_path.is_file():
            kept = [p for p in interrupted_replacement(path) if (p / META_FILE).is_file()]
            if kept and not path.exists():
                raise FileNotFoundError(f"{path}: no corpus here, but a replacement of it was interrupted and the "
                                        f"previous corpus is kept at {kept[-1]}; move it back (mv '{kept[-1]}' "
                                        f"'{path}') or write the corpus again")
            raise FileNotFoundError(f"not a being-kit corpus: {meta_path} is missing (write one with write_corpus)")
        try:
            info = json.loads(meta_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"corrupt corpus metadata {meta_path}: {e}") from None
        if not isinstance(info, dict):
            raise ValueError(f"{meta_path}: expected a JSON object, got a JSON {type(info).__name__}")
        if info.get("format") != FORMAT:
            raise ValueError(f"{meta_path}: not a being-kit corpus (format {info.get('format')!r}, expected {FORMAT!r})")
        if info.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"{meta_path}: schema_version {info.get('schema_version')}, "
                             f"this being-kit reads {SCHEMA_VERSION}")
        try:
            _check_info(info, meta_path)
        except ValueError as e:
            raise ValueError(f"{e} (write_corpus writes meta.json: restore it or write the corpus again)") from None
        batches = []
        for shard in info["shards"]:
            f = path / shard["file"]
            if not f.is_file():
                raise FileNotFoundError(f"corpus shard missing: {f} (listed in {meta_path})")
            try:
                reader = pa.ipc.open_file(pa.memory_map(str(f), "r"))
                got = [reader.get_batch(k) for k in range(reader.num_record_batches)]
            except (pa.ArrowInvalid, OSError) as e:
                raise ValueError(f"corrupt or truncated corpus shard {f}: {e}") from None
            if not reader.schema.equals(ARROW_SCHEMA):
                raise ValueError(f"corpus shard {f}: unexpected columns {reader.schema.names}")
            rows = sum(b.num_rows for b in got)
            if rows != shard["num_records"]:
                raise ValueError(f"corpus shard {f}: {rows} records, {meta_path} says {shard['num_records']} (truncated?)")
            for b in got:  # the motion column holds num_frames x feature_dim values per row
                values = len(b.column(5).values)
                frames = int(pc.sum(b.column(4)).as_py() or 0)
                if values != frames * int(info["feature_dim"]):
                    raise ValueError(f"corpus shard {f}: {values} motion values for {frames} frames, not "
                                     f"{info['feature_dim']} per frame as {meta_path} says")
            batches.extend(got)
        storage = _Storage(batches, int(info["feature_dim"]), info["representation"])
        if len(storage) != info["num_records"]:
            raise ValueError(f"{meta_path}: num_records {info['num_records']} but shards hold {len(storage)}")
        return cls(storage, info, path)

    @classmethod
    def from_records(cls, records: Iterable[MotionRecord], representation: str | None = None,
                     batch_size: int = 1024) -> "Corpus":
        """An in-memory corpus with the same interface (no path); records are validated."""
        records = list(records)
        checker = _RecordChecker(representation)
        for r in records:
            checker(r)
        rep = checker.representation or representation or "humanml263"
        dim = REPRESENTATIONS[rep]
        batches = [records_to_batch(records[a: a + batch_size], dim) for a in range(0, len(records), batch_size)]
        info = _info(rep, checker.fps, len(records), [], {})
        return cls(_Storage(batches, dim, rep), info)

    def __reduce__(self):
        """Pickle a stored corpus as (path, view indices) so worker processes re-map it instead of copying it."""
        if self._path is None:
            return (Corpus, (self._storage, self._info, None, self._indices))
        return (_reopen, (str(self._path), self._indices))

    # ---- basic interface ----
    def __len__(self) -> int:
        return len(self._storage) if self._indices is None else len(self._indices)

    def _position(self, i: int) -> int:
        if not isinstance(i, (int, np.integer)) or isinstance(i, (bool, np.bool_)):
            raise TypeError(f"corpus index must be an int, got {type(i).__name__}; use .select(indices) for many")
        n = len(self)
        if i < -n or i >= n:
            raise IndexError(f"corpus index {i} out of range for {n} records")
        i = int(i) % n
        return i if self._indices is None else int(self._indices[i])

    def __getitem__(self, i: int) -> MotionRecord:
        return self._storage.record(self._position(i))

    def motion(self, i: int) -> np.ndarray:
        """Only the (t, d) features of record i: faster than `corpus[i]` when captions are not needed."""
        return self._storage.motion(self._position(i))

    def __iter__(self) -> Iterator[MotionRecord]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        where = str(self._path) if self._path else "in memory"
        return f"Corpus({len(self)} records, {self.representation}, {self.fps:g} fps, {where})"

    @property
    def representation(self) -> str:
        return self._info["representation"]

    @property
    def feature_dim(self) -> int:
        return int(self._info["feature_dim"])

    @property
    def fps(self) -> float:
        return float(self._info["fps"])

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def info(self) -> dict[str, Any]:
        """A copy of meta.json's content."""
        return json.loads(json.dumps(self._info))

    def verify(self) -> int:
        """Check the bytes of the shards this view reads against the BLAKE2b digests meta.json recorded when they
        were written (a flipped byte inside a shard is otherwise served as a value); returns the number of shards
        checked. Shards without a digest (corpora written before digests were recorded, or a meta.json whose digests
        were removed) cannot be checked: a warning names them.

        Called where data enters training or tokenizing (`train_tokenizer`, `write_token_shards`), not by `open`:
        hashing costs 1.3 s of CPU per GiB (measured on a 2.2 GiB, 20,000-motion synthetic corpus in two shards:
        3.0 s CPU, 10.5 s wall on the 2-core machine under load 12, against 1.1 s to read every motion once from the
        page cache). Verifying lazily per shard on first read would make a one-record peek at that corpus cost
        5.6 s (one 1.1 GiB shard), and every DataLoader worker that re-opens the corpus would hash it again."""
        if self._path is None:
            return 0
        shards = self._info.get("shards", [])
        if self._indices is not None:  # only the shards holding this view's rows
            ends = np.cumsum([s["num_records"] for s in shards])
            touched = set(np.searchsorted(ends, self._indices, side="right").tolist())
            shards = [s for k, s in enumerate(shards) if k in touched]
        checked, unchecked = 0, []
        for shard in shards:
            want = shard.get("blake2b")
            if want is None:
                unchecked.append(shard["file"])
                continue
            f = self._path / shard["file"]
            got = file_digest(f)
            if got != want:
                raise ValueError(f"corpus shard {f}: its bytes changed since it was written (BLAKE2b {got[:16]}..., "
                                 f"{self._path / META_FILE} recorded {want[:16]}...); re-import or restore it")
            checked += 1
        if unchecked:
            warnings.warn(f"{self._path / META_FILE}: {len(unchecked)} shard(s) have no recorded digest, so their "
                          f"bytes cannot be checked: {unchecked[:5]}; write the corpus again (write_corpus) to record "
                          "them", stacklevel=2)
        return checked

    # ---- metadata without touching motions ----
    def _meta_column(self, name: str) -> np.ndarray:
        col = self._storage.column(name)
        return col if self._indices is None else col[self._indices]

    @property
    def lengths(self) -> np.ndarray:
        """(n,) int64 frames per record."""
        return self._meta_column("num_frames")

    @property
    def splits(self) -> np.ndarray:
        return self._meta_column("split")

    @property
    def ids(self) -> np.ndarray:
        return self._meta_column("id")

    @property
    def sources(self) -> np.ndarray:
        return self._meta_column("source")

    @property
    def indices(self) -> np.ndarray:
        """Positions of this view's records in the underlying stored corpus."""
        return np.arange(len(self._storage)) if self._indices is None else self._indices.copy()

    # ---- views ----
    def select(self, indices: Iterable[int] | np.ndarray) -> "Corpus":
        """A view of the given positions (of this view), in that order; negative positions count from the end."""
        idx = np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices)
        if idx.dtype == bool:
            if idx.shape != (len(self),):
                raise ValueError(f"boolean mask must have shape ({len(self)},), got {idx.shape}")
            idx = np.flatnonzero(idx)
        if idx.size and idx.dtype.kind not in "iu":
            raise TypeError(f"select: indices must be integers or a boolean mask, got dtype {idx.dtype} "
                            f"(e.g. {idx.reshape(-1)[0].item()!r}); round them and cast with .astype(int) first")
        idx = idx.astype(np.int64).reshape(-1)
        n = len(self)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise IndexError(f"select: indices out of range for {n} records")
        idx = idx % max(n, 1)
        base = idx if self._indices is None else self._indices[idx]
        return Corpus(self._storage, self._info, self._path, base)

    def split(self, name: str) -> "Corpus":
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; expected one of {SPLITS}")
        return self.select(np.flatnonzero(self.splits == name))

    def shard(self, num_shards: int, index: int) -> "Corpus":
        """Contiguous block `index` of `num_shards` near-equal blocks (sizes differ by at most one): for one
        process of a multi-GPU run. The blocks are disjoint and cover the view; contiguity keeps each process
        on its own shard files."""
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (num_shards, index)) \
                or num_shards < 1 or not 0 <= index < num_shards:
            raise ValueError(f"shard: need whole numbers num_shards >= 1 and 0 <= index < num_shards, got "
                             f"{num_shards!r}, {index!r}")
        n = len(self)
        a, b = n * index // num_shards, n * (index + 1) // num_shards
        return self.select(np.arange(a, b))

    def iter_shuffled(self, seed: int = 0) -> Iterator[MotionRecord]:
        """Every record once, in an order fixed by `seed`."""
        for i in np.random.default_rng(seed).permutation(len(self)):
            yield self[int(i)]


def _check_info(info: dict[str, Any], meta_path: Path) -> None:
    """The fields of meta.json that `Corpus.open` relies on, with their types: a hand-edited or foreign file gets
    an error naming the field instead of a TypeError/KeyError, and a shard file outside the corpus folder is refused
    (a corpus is a folder; `file` is a plain name inside it)."""
    for key in ("representation", "feature_dim", "fps", "num_records", "shards"):
        if key not in info:
            raise ValueError(f"{meta_path}: missing key {key!r}")
    if info["representation"] not in REPRESENTATIONS:
        raise ValueError(f"{meta_path}: unknown representation {info['representation']!r}; expected one of "
                         f"{list(REPRESENTATIONS)}")
    if REPRESENTATIONS[info["representation"]] != info["feature_dim"]:
        raise ValueError(f"{meta_path}: feature_dim {info['feature_dim']!r} does not match representation "
                         f"{info['representation']!r} (expected {REPRESENTATIONS.get(info['representation'])})")
    fps = info["fps"]
    if not isinstance(fps, (int, float)) or isinstance(fps, bool) or not 0 < fps < float("inf"):
        raise ValueError(f"{meta_path}: fps must be a positive finite number, got {fps!r}")
    n = info["num_records"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"{meta_path}: num_records must be a whole number >= 0, got {n!r}")
    if not isinstance(info.get("extra", {}), dict):
        raise ValueError(f"{meta_path}: extra must be a JSON object, got {type(info['extra']).__name__}")
    shards = info["shards"]
    if not isinstance(shards, list):
        raise ValueError(f"{meta_path}: shards must be a list of {{\"file\", \"num_records\"}} objects, "
                         f"got {type(shards).__name__} {str(shards)[:80]!r}")
    for k, shard in enumerate(shards):
        if not isinstance(shard, dict) or "file" not in shard or "num_records" not in shard:
            raise ValueError(f"{meta_path}: shards[{k}] must be an object with 'file' and 'num_records', "
                             f"got {str(shard)[:80]!r}")
        f, rows = shard["file"], shard["num_records"]
        if not isinstance(f, str) or not f or Path(f).name != f or f in (".", "..") or "\\" in f:
            raise ValueError(f"{meta_path}: shards[{k}].file must be a file name inside the corpus folder, got "
                             f"{f!r}; a corpus never reads files outside its folder")
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise ValueError(f"{meta_path}: shards[{k}].num_records must be a whole number >= 0, got {rows!r}")


def _reopen(path: str, indices: np.ndarray | None) -> Corpus:
    c = Corpus.open(path)
    return c if indices is None else Corpus(c._storage, c._info, c._path, indices)


class _RecordChecker:
    """Validates a stream of records: schema, one representation, one fps, unique ids."""

    def __init__(self, representation: str | None):
        if representation is not None and representation not in REPRESENTATIONS:
            raise ValueError(f"representation: unknown {representation!r}; expected one of {list(REPRESENTATIONS)}")
        self.representation, self.fps, self.ids = representation, None, set()

    def __call__(self, record: MotionRecord) -> None:
        if not isinstance(record, MotionRecord):
            raise TypeError(f"expected MotionRecord, got {type(record).__name__}")
        record.validate(record.meta.get("file", "") if isinstance(record.meta, dict) else "")
        if self.representation is None:
            self.representation = record.representation
        if record.representation != self.representation:
            raise ValueError(f"record {record.id!r}: representation {record.representation!r}, "
                             f"corpus is {self.representation!r}")
        if self.fps is None:
            self.fps = float(record.fps)
        if abs(float(record.fps) - self.fps) > 1e-6:
            raise ValueError(f"record {record.id!r}: fps {record.fps}, corpus is {self.fps} (resample first)")
        if record.id in self.ids:
            raise ValueError(f"duplicate record id {record.id!r}")
        self.ids.add(record.id)
        try:
            json.dumps(record.meta)
        except TypeError as e:
            raise ValueError(f"record {record.id!r}: meta must be JSON-serialisable ({e})") from None


def file_digest(path: Path) -> str:
    """BLAKE2b hex digest of a file, read in 8 MiB blocks."""
    import hashlib

    h = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as f:
        while block := f.read(1 << 23):
            h.update(block)
    return h.hexdigest()


def _info(representation: str, fps: float | None, n: int, shards: list[dict], extra: dict) -> dict[str, Any]:
    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "representation": representation,
            "feature_dim": REPRESENTATIONS[representation], "fps": fps if fps is not None else 20.0,
            "num_records": n, "shards": shards, "extra": extra}


def _progress(it: Iterable, enabled: bool, total: int | None):
    if not enabled:
        return it
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        return it
    return tqdm(it, total=total, desc="write corpus", unit="rec")


def write_corpus(
    records: Iterable[MotionRecord],
    path: str | Path,
    representation: str | None = None,
    *,
    shard_size: int = 10_000,
    batch_size: int = 1024,
    progress: bool = True,
    stats: str | tuple[np.ndarray, np.ndarray] | None = "compute",
    extra_meta: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
) -> Corpus:
    """Validate and write records (any iterable, consumed once, memory bounded by `batch_size`) as a corpus at `path`.

    Memory stays bounded: records are converted and written in batches of at most `batch_size` records or
    BATCH_BYTES of motion; only the set of ids seen (for the uniqueness check) grows with the corpus.
    Written into a temporary sibling folder and renamed into place only when complete, so a failure never leaves a
    half-written corpus and an existing corpus at `path` survives it. shard_size: records per shard file.
    stats: "compute" saves mean.npy/std.npy with `being_kit.motion.normalize` when that module exists; a (mean, std)
    pair is saved as given (e.g. HumanML3D's Mean/Std); None saves none. extra_meta goes to meta.json["extra"]
    (a callable is called after the records are consumed, e.g. for an importer's report).
    """
    path = Path(path)
    if shard_size < 1 or batch_size < 1:
        raise ValueError(f"shard_size and batch_size must be >= 1, got {shard_size}, {batch_size}")
    if path.exists() and not (path / META_FILE).is_file() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"{path} exists and is not a being-kit corpus; refusing to replace it")
    if stats is not None and not isinstance(stats, str):
        stats = _check_stats(stats, representation)
    elif stats not in (None, "compute"):
        raise ValueError(f"stats: expected 'compute', None or (mean, std), got {stats!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_temporaries(path)
    _warn_kept_copies(path)
    tmp = temporary_sibling(path)
    tmp.mkdir()
    try:
        checker = _RecordChecker(representation)
        shards: list[dict] = []
        state = {"writer": None, "rows": 0}
        buf: list[MotionRecord] = []

        def close_shard() -> None:
            state["writer"].close()
            state["writer"] = None
            shards[-1]["blake2b"] = file_digest(tmp / shards[-1]["file"])

        def flush() -> None:
            if not buf:
                return
            if state["writer"] is None:
                name = f"shard-{len(shards):05d}.arrow"
                state["writer"] = pa.ipc.new_file(str(tmp / name), ARROW_SCHEMA)
                shards.append({"file": name, "num_records": 0, "num_frames": 0})
            batch = records_to_batch(buf, REPRESENTATIONS[checker.representation])
            state["writer"].write_batch(batch)
            shards[-1]["num_records"] += len(buf)
            shards[-1]["num_frames"] += int(sum(r.motion.shape[0] for r in buf))
            buf.clear()
            if shards[-1]["num_records"] >= shard_size:
                close_shard()

        total = len(records) if hasattr(records, "__len__") else None
        buffered = 0
        for rec in _progress(records, progress, total):
            checker(rec)
            buf.append(rec)
            buffered += rec.motion.nbytes
            room = shard_size - (shards[-1]["num_records"] if state["writer"] is not None else 0)
            if len(buf) >= min(batch_size, room) or buffered >= BATCH_BYTES:
                flush()
                buffered = 0
        flush()
        if state["writer"] is not None:
            close_shard()
        n = sum(s["num_records"] for s in shards)
        if n == 0:
            raise ValueError(f"write_corpus({path}): no records to write")
        extra = extra_meta() if callable(extra_meta) else extra_meta
        info = _info(checker.representation, checker.fps, n, shards, extra or {})
        (tmp / META_FILE).write_text(json.dumps(info, indent=1))
        if stats is not None:
            if isinstance(stats, tuple):
                mean, std = stats
                if mean.shape != (info["feature_dim"],):
                    raise ValueError(f"stats: mean/std must be ({info['feature_dim']},), got {mean.shape}")
                np.save(tmp / STATS_FILES[0], mean)
                np.save(tmp / STATS_FILES[1], std)
            else:
                _compute_stats(Corpus.open(tmp), tmp)
        replace_folder(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Corpus.open(path)


def _warn_kept_copies(path: Path) -> None:
    """Name the old copies (`.<name>.old-*`) an interrupted replacement left beside `path`: they are whole corpora,
    never deleted here (one may be the only copy), but neither kept unseen."""
    for old in interrupted_replacement(path):
        size = sum(f.stat().st_size for f in old.rglob("*") if f.is_file()) if old.is_dir() else old.stat().st_size
        warnings.warn(f"{old} ({size / 2**20:.1f} MiB) is an older copy of {path} that an interrupted replacement "
                      f"left behind; it is kept. Delete it (rm -r '{old}') if {path} is the corpus you want, or move "
                      "it back in place of it", stacklevel=3)


def _check_stats(stats, representation: str | None) -> tuple[np.ndarray, np.ndarray]:
    try:
        mean, std = (np.asarray(a, dtype=np.float32).reshape(-1) for a in stats)
    except (TypeError, ValueError):
        raise ValueError("stats: expected 'compute', None or a (mean, std) pair of (d,) arrays") from None
    if mean.shape != std.shape or not (np.isfinite(mean).all() and np.isfinite(std).all()) or (std <= 0).any():
        raise ValueError("stats: mean and std must be finite (d,) arrays of the same shape with std > 0")
    if representation is not None and mean.shape[0] != REPRESENTATIONS[representation]:
        raise ValueError(f"stats: expected ({REPRESENTATIONS[representation]},) for {representation}, got {mean.shape}")
    return mean, std


def _compute_stats(corpus: Corpus, folder: Path) -> None:
    """Save mean.npy/std.npy over the train split (all records if it is empty), HumanML3D's recipe, with
    `being_kit.motion.normalize.compute_stats` when that module exists; skip silently when it does not."""
    try:
        from ..motion.normalize import compute_stats
    except ImportError:
        return
    part = corpus.split("train")
    part = part if len(part) else corpus
    compute_stats((part.motion(i) for i in range(len(part))), corpus.representation).save(folder)
