"""Shared by the notebook tests: run the numbered notebooks once with the tiny profile and read what they recorded.

The run goes to a temporary folder, or to $BEING_KIT_TEST_EXECUTIONS when set (to keep the executed copies, e.g. as
CI artifacts). Only the notebooks that exist are run; a test for a notebook that is absent fails.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PROFILES = ROOT / "profiles"


def run_tiny_pipeline(executions_dir: Path):
    """The whole pipeline with profiles/tiny.toml; returns the runner's RunResult (status ok or failed)."""
    from being_kit.pipeline.runner import run_pipeline

    executions_dir = Path(os.environ.get("BEING_KIT_TEST_EXECUTIONS") or executions_dir)
    return run_pipeline("tiny", notebooks_dir=NOTEBOOKS, profiles_dir=PROFILES, executions_dir=executions_dir,
                        progress=False)


def require_notebook(stem: str) -> Path:
    path = NOTEBOOKS / f"{stem}.ipynb"
    if not path.is_file():
        pytest.fail(f"notebooks/{stem}.ipynb is missing (a notebook test exists for it)", pytrace=False)
    return path


def declared(stem: str) -> dict:
    """A notebook's metadata `being_kit` (see being_kit/pipeline/notebooks.py): the run-folder entries it reads
    (`inputs`, `optional_inputs`) and writes (`outputs`; `optional` ones only under some settings, 03's `cache/`),
    the figures every run records (`required`) and those its headline names (`headline`), which the tiny run must
    record too. Fails when the notebook does not declare its outputs."""
    from being_kit.pipeline.notebooks import PipelineError, notebook_metadata

    try:
        meta = notebook_metadata(require_notebook(stem), strict=True)
    except PipelineError as e:
        pytest.fail(str(e), pytrace=False)
    return {"inputs": meta.inputs, "optional_inputs": meta.optional_inputs, "outputs": meta.outputs,
            "optional": meta.optional_outputs, "required": meta.required, "headline": meta.headline}


def metrics_of(run, stem: str) -> dict:
    """The metrics a notebook recorded in the tiny run; fails with the notebook's error when it did not succeed."""
    require_notebook(stem)
    nb = run.notebooks.get(stem)
    if nb is None or nb.status != "ok":
        from being_kit.pipeline.runner import format_failure

        detail = format_failure(run, run.run_dir.parent) if run.failed == stem else f"status {nb and nb.status}"
        pytest.fail(f"{stem} did not run to the end in the tiny pipeline: {detail}", pytrace=False)
    return json.loads((run.run_dir / f"{stem}.metrics.json").read_text())


def assert_finite(metrics: dict, *keys: str) -> None:
    for key in keys:
        assert key in metrics, f"metric {key!r} missing; have {sorted(metrics)}"
        assert isinstance(metrics[key], (int, float)) and math.isfinite(metrics[key]), f"{key} = {metrics[key]!r}"


def executed_cells(run, stem: str) -> list[dict]:
    """Code cells of the executed copy, as stored JSON."""
    nb = json.loads((run.run_dir / f"{stem}.ipynb").read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def png_count(run, stem: str) -> int:
    """How many PNG pictures the executed copy holds (what a reader without a kernel sees)."""
    return sum("image/png" in out.get("data", {}) for c in executed_cells(run, stem) for out in c.get("outputs", []))


def raw_png_bytes_shown(run, stem: str) -> int:
    """Outputs that print PNG bytes as text (display() of bytes) instead of showing the picture."""
    return sum("\\x89PNG" in "".join(out.get("data", {}).get("text/plain", [])) or "\\x89PNG" in "".join(out.get("text", []))
               for c in executed_cells(run, stem) for out in c.get("outputs", []))
