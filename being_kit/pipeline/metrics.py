"""Key figures of one notebook run: `<run_dir>/<NN_name>.metrics.json`, a flat JSON object.

Each numbered notebook's last cell calls `record_metrics`; the runner merges the files into `run.json` and
`executions/index.jsonl`. Standard library only (and the stdlib-only `atomic_dirs`), so a notebook importing it pays
nothing (papermill and nbformat are imported by the runner, never here).
"""
from __future__ import annotations

import json
import math
import numbers
import os
import re
from pathlib import Path
from typing import Any, Mapping

from ..atomic_dirs import write_file_atomic

NOTEBOOK_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+$")  # "01_data", "03_train_lm"
METRICS_SUFFIX = ".metrics.json"


def metrics_path(run_dir: str | os.PathLike, notebook_name: str) -> Path:
    """Where `record_metrics` writes `notebook_name`'s figures inside `run_dir`."""
    return Path(run_dir) / f"{notebook_name}{METRICS_SUFFIX}"


def _clean_value(key: str, value: Any) -> bool | int | float | str:
    """One metric value as a JSON scalar; numpy scalars become Python ones, NaN/inf and containers are refused."""
    if isinstance(value, str):
        return value
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # numpy / torch 0-d scalar
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"metrics[{key!r}] = {value}: figures must be finite numbers (leave the key out or record a string)")
        return value
    raise TypeError(
        f"metrics[{key!r}] has type {type(value).__name__}: metrics must be a flat object of numbers and strings "
        f"(record nested figures under separate keys such as '{key}_train')"
    )


def validate_metrics(metrics: Mapping[str, Any]) -> dict[str, bool | int | float | str]:
    """Check that `metrics` is flat (str keys, finite numbers or strings) and return it as plain Python values."""
    if not isinstance(metrics, Mapping):
        raise TypeError(f"metrics must be a mapping of name -> number or string, got {type(metrics).__name__}")
    clean: dict[str, bool | int | float | str] = {}
    for key, value in metrics.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"metrics keys must be non-empty strings, got {key!r}")
        clean[key] = _clean_value(key, value)
    return clean


def write_json_atomic(path: str | os.PathLike, obj: Any) -> Path:
    """Write `obj` as indented JSON so that readers see the old file or the new one, never half of one
    (`atomic_dirs.write_file_atomic`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, indent=2, allow_nan=False) + "\n"
    return write_file_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def format_figure(value: Any) -> str:
    """A figure as people read it: integers as integers, other numbers to 4 significant digits."""
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    return f"{value:.4g}"


class KeyFigures(dict):
    """The figures a notebook recorded: a plain dict that shows itself as a small two-column table."""

    def _rows(self) -> list[tuple[str, str]]:
        return [(k, format_figure(v)) for k, v in self.items()]

    def __repr__(self) -> str:
        width = max((len(k) for k in self), default=0)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self._rows())

    def _repr_html_(self) -> str:
        from html import escape

        body = "".join(f"<tr><td style='text-align:left'>{escape(k)}</td><td style='text-align:right'>{escape(v)}</td></tr>"
                       for k, v in self._rows())
        return f"<table><thead><tr><th>figure</th><th>value</th></tr></thead><tbody>{body}</tbody></table>"


def record_metrics(run_dir: str | os.PathLike, notebook_name: str, metrics: Mapping[str, Any]) -> KeyFigures:
    """Validate and write `<run_dir>/<notebook_name>.metrics.json`; return the figures written (a dict that a
    notebook shows as a small table).

    metrics: flat mapping of name -> int/float/bool/str (numpy scalars accepted); NaN/inf and nested values raise.
    """
    if not isinstance(notebook_name, str) or not NOTEBOOK_NAME.match(notebook_name):
        raise ValueError(f"notebook_name must look like '01_data' (two digits, underscore, name), got {notebook_name!r}")
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise FileNotFoundError(f"run_dir {str(run_dir)!r} does not exist; the runner creates it (or mkdir it when running by hand)")
    clean = validate_metrics(metrics)
    write_json_atomic(metrics_path(run_dir, notebook_name), clean)
    return KeyFigures(clean)


def read_metrics(run_dir: str | os.PathLike, notebook_name: str) -> dict[str, Any] | None:
    """The figures a notebook recorded, or None when it recorded none (or the file is unreadable)."""
    path = metrics_path(run_dir, notebook_name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
