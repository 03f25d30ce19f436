"""The papermill runner over `notebooks/NN_*.ipynb` with `profiles/*.toml`, and the metrics each notebook records.

    python -m being_kit.pipeline --profile tiny|cpu|a800 [--run-id ID] [--resume ID] [--only 01,02]

Importing this package is cheap (standard library only): notebooks call `record_metrics` in their last cell,
and papermill/nbformat are imported only when a run starts. Modules: `metrics` (the metrics JSON), `profiles`
(TOML parameters checked against the notebooks' parameters cells), `runner` (execution, run.json, index.jsonl),
`cli` (the command line; exit codes 0 ok, 1 a notebook failed, 2 bad set-up, 130 interrupted).
"""
from __future__ import annotations

from .metrics import metrics_path, read_metrics, record_metrics

__all__ = ["main", "record_metrics", "read_metrics", "metrics_path", "run_pipeline"]


def main(argv: list[str] | None = None) -> int:
    """Console entry `being-kit-pipeline` / `python -m being_kit.pipeline`; returns the exit code."""
    from .cli import main as _main

    return _main(argv)


def __getattr__(name: str):
    if name == "run_pipeline":  # imported on first use: it pulls in papermill
        from .runner import run_pipeline

        return run_pipeline
    raise AttributeError(f"module 'being_kit.pipeline' has no attribute {name!r}")
