"""`python -m being_kit.bench corpus [--n 200000]`: build, open and randomly read a large corpus.

Motions are random float32 features (storage speed does not depend on content) of random lengths; the defaults
(short SMPL-D135 motions) keep 200,000 records at about 1.7 GB, which this machine's disk and time allow; use
`--representation humanml263 --min-frames 40 --max-frames 200` for HumanML3D-sized motions. Baseline, in the same
run: the HumanML3D folder layout (one .npy and one .txt per motion) on a subset, for random reads and for the
equivalent of "open" (listing and reading the split file). Opening is measured in a fresh child process so its
peak memory is its own.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ..data.corpus import write_corpus
from ..data.schema import REPRESENTATIONS, SPLITS, MotionRecord

_CHILD = r"""
import json, resource, sys, time
import numpy as np
def rss_mb():  # (anonymous, file-backed) resident MiB; mapped corpus pages are file-backed and reclaimable
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("RssAnon", "RssFile"))
from being_kit.data.corpus import Corpus
before = rss_mb()
t = time.perf_counter(); c = Corpus.open(sys.argv[1]); t_open = time.perf_counter() - t
after_open = rss_mb()
t = time.perf_counter(); lengths = c.lengths; splits = c.splits; t_meta = time.perf_counter() - t
rng = np.random.default_rng(0); idx = rng.integers(0, len(c), int(sys.argv[2]))
t = time.perf_counter()
for i in idx: c[int(i)]
t_rec = time.perf_counter() - t
t = time.perf_counter()
for i in idx: c.motion(int(i))
t_mot = time.perf_counter() - t
s = c.shard(8, 3); t = time.perf_counter(); n_shard = sum(1 for _ in zip(range(2000), s)); t_it = time.perf_counter() - t
print(json.dumps({"records": len(c), "open_s": t_open, "meta_s": t_meta, "rss_before_mb": before,
    "rss_after_open_mb": after_open, "rss_after_reads_mb": rss_mb(),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "records_per_s": len(idx) / t_rec, "motions_per_s": len(idx) / t_mot, "iter_per_s": n_shard / t_it,
    "frames": int(lengths.sum()), "train": int((splits == "train").sum())}))
"""


def _records(n: int, rep: str, min_frames: int, max_frames: int, seed: int):
    dim = REPRESENTATIONS[rep]
    rng = np.random.default_rng(seed)
    pool = rng.standard_normal((max_frames * 64, dim), dtype=np.float32)  # motions are views into this pool
    lengths = rng.integers(min_frames, max_frames + 1, n)
    starts = rng.integers(0, pool.shape[0] - max_frames, n)
    words = ["a person", "someone", "the man", "a woman", "walks", "jumps", "waves", "turns", "slowly", "quickly"]
    for i in range(n):
        caption = " ".join(random.Random(i).sample(words, 4))
        yield MotionRecord(id=f"bench_{i:07d}", source="bench", fps=20.0, representation=rep,
                           motion=pool[starts[i]: starts[i] + lengths[i]], texts=[caption, caption + " again"],
                           split=SPLITS[i % 10 // 8 + (i % 10 == 9)], meta={"actions": ["walk"]})


def _baseline(folder: Path, records: list[MotionRecord], reads: int) -> dict:
    """HumanML3D layout: one .npy + one .txt per motion; build, 'open' (read split file) and random reads."""
    (folder / "new_joint_vecs").mkdir(parents=True)
    (folder / "texts").mkdir()
    t = time.perf_counter()
    for r in records:
        np.save(folder / "new_joint_vecs" / f"{r.id}.npy", r.motion)
        (folder / "texts" / f"{r.id}.txt").write_text("\n".join(f"{x}#x#0.0#0.0" for x in r.texts))
    (folder / "train.txt").write_text("\n".join(r.id for r in records))
    build = time.perf_counter() - t
    t = time.perf_counter()
    ids = (folder / "train.txt").read_text().split()
    t_open = time.perf_counter() - t
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for i in rng.integers(0, len(ids), reads):
        np.load(folder / "new_joint_vecs" / f"{ids[i]}.npy")
        (folder / "texts" / f"{ids[i]}.txt").read_text().splitlines()
    t_read = time.perf_counter() - t
    return {"build_per_s": len(records) / build, "open_s": t_open, "records_per_s": reads / t_read}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m being_kit.bench corpus", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="records to build")
    ap.add_argument("--representation", default="smpl_d135", choices=sorted(REPRESENTATIONS))
    ap.add_argument("--min-frames", type=int, default=8)
    ap.add_argument("--max-frames", type=int, default=24)
    ap.add_argument("--shard-size", type=int, default=10_000)
    ap.add_argument("--reads", type=int, default=20_000, help="random reads to time")
    ap.add_argument("--baseline-n", type=int, default=5_000, help="records in the one-file-per-motion baseline")
    ap.add_argument("--dir", default=None, help="where to build (default: a temporary folder, deleted afterwards)")
    args = ap.parse_args(argv)
    if not 1 <= args.min_frames <= args.max_frames:
        raise SystemExit("--min-frames must be >= 1 and <= --max-frames")

    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="being_kit_bench_corpus_"))
    root.mkdir(parents=True, exist_ok=True)
    path = root / "corpus"
    dim = REPRESENTATIONS[args.representation]
    mean_frames = (args.min_frames + args.max_frames) / 2
    print(f"corpus bench: {args.n:,} records of random {args.representation} features ({dim} dims), "
          f"{args.min_frames}-{args.max_frames} frames (synthetic-looking data: storage speed only), in {root}")
    print(f"expected motion data: {args.n * mean_frames * dim * 4 / 2**30:.2f} GiB")
    try:
        t = time.perf_counter()
        corpus = write_corpus(_records(args.n, args.representation, args.min_frames, args.max_frames, 0), path,
                              args.representation, shard_size=args.shard_size, progress=False, stats=None)
        build = time.perf_counter() - t
        size = sum(f.stat().st_size for f in path.iterdir())
        del corpus
        peak_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"build: {build:.1f} s ({args.n / build:,.0f} records/s), {size / 2**30:.2f} GiB on disk in "
              f"{len(list(path.glob('*.arrow')))} shards, peak RSS of the building process {peak_build:,.0f} MiB")

        out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(args.reads)], capture_output=True,
                             text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"open (fresh process): {r['open_s'] * 1000:.0f} ms for {r['records']:,} records; lengths+splits "
              f"arrays {r['meta_s'] * 1000:.0f} ms")
        fmt = "{:.0f} anon + {:.0f} file".format
        print(f"memory (RSS MiB, anonymous + file-backed; file-backed = touched pages of the memory map, "
              f"reclaimable): before open {fmt(*r['rss_before_mb'])}, after open {fmt(*r['rss_after_open_mb'])}, "
              f"after {args.reads:,} random reads {fmt(*r['rss_after_reads_mb'])}; peak RSS {r['peak_rss_mb']:.0f}")
        print(f"random access: {r['records_per_s']:,.0f} records/s (full record), {r['motions_per_s']:,.0f} "
              f"motions/s (features only); shard(8, 3) iteration {r['iter_per_s']:,.0f} records/s")

        nb = min(args.baseline_n, args.n)
        base = _baseline(root / "baseline", list(_records(nb, args.representation, args.min_frames,
                                                          args.max_frames, 0)), min(args.reads, 5_000))
        print(f"baseline (HumanML3D layout, one .npy + .txt per motion, {nb:,} records): build "
              f"{base['build_per_s']:,.0f} records/s, random reads {base['records_per_s']:,.0f} records/s")
        print(f"ratio corpus/baseline: build {args.n / build / base['build_per_s']:.1f}x, random full-record reads "
              f"{r['records_per_s'] / base['records_per_s']:.1f}x, motion-only reads "
              f"{r['motions_per_s'] / base['records_per_s']:.1f}x")
        scale = 1_200_000 / args.n
        print(f"extrapolated to MotionLib's 1.2M records at these lengths: open ~{r['open_s'] * scale:.1f} s, "
              f"{size * scale / 2**30:.1f} GiB")
    finally:
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
