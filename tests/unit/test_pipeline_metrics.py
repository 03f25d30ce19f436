"""record_metrics: flat, finite, atomic; and the package stays cheap to import from a notebook."""
import json
import subprocess
import sys

import numpy as np
import pytest

from being_kit.pipeline import metrics_path, read_metrics, record_metrics
from being_kit.pipeline.metrics import validate_metrics


def test_record_metrics_writes_flat_json(tmp_path):
    out = record_metrics(tmp_path, "01_data", {"n": 3, "err_mm": np.float32(0.25), "ok": True, "name": "x",
                                               "count": np.int64(7)})
    path = metrics_path(tmp_path, "01_data")
    assert path.name == "01_data.metrics.json"
    on_disk = json.loads(path.read_text())
    assert on_disk == out == {"n": 3, "err_mm": 0.25, "ok": True, "name": "x", "count": 7}
    assert type(on_disk["count"]) is int and type(on_disk["err_mm"]) is float
    assert read_metrics(tmp_path, "01_data") == on_disk
    assert [p.name for p in tmp_path.iterdir()] == ["01_data.metrics.json"]  # no temp file left behind


def test_record_metrics_replaces_previous_file(tmp_path):
    record_metrics(tmp_path, "02_tokenizer", {"a": 1})
    record_metrics(tmp_path, "02_tokenizer", {"b": 2})
    assert read_metrics(tmp_path, "02_tokenizer") == {"b": 2}


@pytest.mark.parametrize("bad, error, word", [
    ({"x": float("nan")}, ValueError, "finite"),
    ({"x": np.float64("inf")}, ValueError, "finite"),
    ({"x": {"nested": 1}}, TypeError, "flat"),
    ({"x": [1, 2]}, TypeError, "flat"),
    ({"x": None}, TypeError, "flat"),
    ({"x": np.zeros(3)}, TypeError, "flat"),
    ({1: 2.0}, TypeError, "keys"),
    ([("x", 1)], TypeError, "mapping"),
])
def test_record_metrics_rejects_non_flat_or_non_finite(tmp_path, bad, error, word):
    with pytest.raises(error, match=word):
        record_metrics(tmp_path, "01_data", bad)
    assert not metrics_path(tmp_path, "01_data").exists()


@pytest.mark.parametrize("name", ["data", "1_data", "01-data", "01_", "../01_data"])
def test_record_metrics_checks_notebook_name(tmp_path, name):
    with pytest.raises(ValueError, match="notebook_name"):
        record_metrics(tmp_path, name, {"a": 1})


def test_record_metrics_needs_existing_run_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="run_dir"):
        record_metrics(tmp_path / "missing", "01_data", {"a": 1})


def test_validate_metrics_accepts_torch_scalars():
    torch = pytest.importorskip("torch")
    assert validate_metrics({"loss": torch.tensor(1.5)}) == {"loss": 1.5}


def test_read_metrics_none_when_absent_or_torn(tmp_path):
    assert read_metrics(tmp_path, "01_data") is None
    metrics_path(tmp_path, "01_data").write_text('{"a": 1')
    assert read_metrics(tmp_path, "01_data") is None


def test_importing_pipeline_does_not_import_papermill():
    """Notebooks import record_metrics in their last cell; papermill/nbformat cost seconds to import."""
    code = "import sys, being_kit.pipeline; print(any(m in sys.modules for m in ('papermill', 'nbformat', 'jsonschema')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_recorded_figures_show_as_a_small_table(tmp_path):
    from being_kit.pipeline import record_metrics

    shown = record_metrics(tmp_path, "02_tokenizer", {"steps": 20, "mpjpe_mm": 109.67774965, "whole": 3.0, "q": "vq"})
    assert shown == {"steps": 20, "mpjpe_mm": 109.67774965, "whole": 3.0, "q": "vq"}  # still the dict written
    assert repr(shown).splitlines() == ["steps     20", "mpjpe_mm  109.7", "whole     3", "q         vq"]
    assert "<td style='text-align:right'>109.7</td>" in shown._repr_html_()
