"""`python -m being_kit.bench pipeline [--notebooks N]`: the runner's overhead per notebook.

Runs N trivial numbered notebooks (parameters cell, one cell of work, record_metrics) through `run_pipeline` and
compares with the baseline a user would otherwise script: one `papermill` command per notebook (a fresh process
that imports papermill and nbformat each time). The floor is a bare kernel start, one cell, shutdown.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _make_notebooks(folder: Path, n: int) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    for i in range(1, n + 1):
        stem = f"{i:02d}_trivial"
        nb = new_notebook(cells=[
            new_markdown_cell(f"# {stem}"),
            new_code_cell("from being_kit.pipeline import record_metrics"),
            new_code_cell("run_dir = '.'\nprofile = 'lab'\nseed = 0", metadata={"tags": ["parameters"]}),
            new_code_cell("value = seed + 1"),
            new_code_cell(f"record_metrics(run_dir, {stem!r}, {{'value': value}})"),
        ])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{stem}.ipynb")


def _kernel_floor(repeats: int) -> float:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"])
        kc.execute_interactive("value = 1", timeout=60)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m being_kit.bench pipeline")
    p.add_argument("--notebooks", type=int, default=5)
    args = p.parse_args(argv)
    from being_kit.pipeline.cli import _skip_slow_imports

    _skip_slow_imports()
    from being_kit.pipeline.runner import run_pipeline

    tmp = Path(tempfile.mkdtemp(prefix="being-kit-bench-"))
    try:
        nbs = tmp / "notebooks"
        nbs.mkdir()
        _make_notebooks(nbs, args.notebooks)
        (tmp / "bench.toml").write_text("[common]\nseed = 1\n")

        floor = _kernel_floor(3)
        t0 = time.perf_counter()
        result = run_pipeline(str(tmp / "bench.toml"), notebooks_dir=nbs, executions_dir=tmp / "ex", progress=False)
        ours = time.perf_counter() - t0
        if result.status != "ok":
            raise SystemExit(f"bench run failed: {result.notebooks}")
        per_nb = [nb.duration_s for nb in result.notebooks.values()]

        t0 = time.perf_counter()
        for path in sorted(nbs.glob("*.ipynb")):
            out = tmp / "cli" / path.name
            out.parent.mkdir(exist_ok=True)
            subprocess.run([sys.executable, "-m", "papermill", str(path), str(out), "-p", "run_dir", str(out.parent),
                            "--no-progress-bar", "--log-level", "WARNING", "-k", "python3"],
                           check=True, capture_output=True)
        cli = time.perf_counter() - t0
        n = args.notebooks
        print(f"bare kernel start + 1 cell + shutdown (floor): {floor:.2f} s")
        print(f"being-kit runner: {ours:.2f} s for {n} notebooks = {ours / n:.2f} s per notebook "
              f"(execute_notebook {min(per_nb):.2f}-{max(per_nb):.2f} s; overhead over the floor "
              f"{ours / n - floor:+.2f} s per notebook)")
        print(f"baseline, one papermill command per notebook: {cli:.2f} s = {cli / n:.2f} s per notebook")
        print(f"ratio baseline / runner: {cli / ours:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
