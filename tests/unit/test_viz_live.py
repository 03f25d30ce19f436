"""LiveTrainingPlot: status line figures, tailing a growing log, and the final frame kept in a papermill copy."""
import json
import time
import nbformat
import pytest

from being_kit.viz.live import LiveTrainingPlot, status_line


def _write(path, records, torn=""):
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + torn)


def test_status_line_counts_from_the_first_step_seen():
    recs = [{"step": 100, "split": "train", "loss": 0.5}, {"step": 200, "split": "train", "loss": 0.25},
            {"step": 200, "split": "val", "loss": 0.3}]
    line = status_line(recs, 1000, 60.0, start_step=100, start_s=0.0, now_s=50.0)
    # 100 steps in 50 s since the resume point -> 800 left at 2 steps/s = 400 s
    assert line == "step 200/1000 (20%) · 1m00s elapsed · ETA 6m40s · loss 0.25 · val loss 0.3"
    assert status_line([], 10, 5.0).startswith("waiting for the first logged step")
    assert "done" in status_line([{"step": 10, "loss": 1.0}], 10, 3.0, start_step=0, start_s=0.0, now_s=3.0)
    assert status_line([{"step": 7, "loss": float("nan")}], 0, 1.0) == "step 7 · 0m01s elapsed"


def test_outside_a_kernel_it_prints_progress_and_tolerates_torn_and_missing_logs(tmp_path, capsys):
    log = tmp_path / "run" / "train_log.jsonl"
    live = LiveTrainingPlot(log.parent, total_steps=4, every_s=0.05)
    assert live.log_path == log
    with live:
        assert not live.refresh()  # no file yet: nothing new to show
        log.parent.mkdir()
        _write(log, [{"step": 2, "split": "train", "loss": 1.0}], torn='{"step": 3, "spl')
        assert live.refresh() and not live.refresh()  # drawn once per change of the file
        _write(log, [{"step": 2, "split": "train", "loss": 1.0}, {"step": 4, "split": "train", "loss": 0.5}])
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("step 2/4 (50%)") and out[0].endswith("loss 1")
    assert out[-1].startswith("step 4/4 (100%)") and out[-1].endswith("loss 0.5")


def test_a_rewound_log_restarts_the_eta(tmp_path, capsys):
    log = tmp_path / "train_log.jsonl"
    _write(log, [{"step": 300, "split": "train", "loss": 0.1}])  # a finished earlier run in the same folder
    live = LiveTrainingPlot(log, total_steps=300, every_s=60)
    with live:
        assert live.refresh()
        _write(log, [{"step": 10, "split": "train", "loss": 0.9}])  # the rerun rewrites the log
        assert live.refresh()
        time.sleep(0.05)
        _write(log, [{"step": 10, "split": "train", "loss": 0.9}, {"step": 20, "split": "train", "loss": 0.5}])
        assert live.refresh()
    out = capsys.readouterr().out.strip().splitlines()
    assert "ETA" in out[2] and out[2].startswith("step 20/300") and live.frames == 4


def test_a_training_error_passes_through(tmp_path):
    with pytest.raises(RuntimeError, match="boom"):
        with LiveTrainingPlot(tmp_path / "train_log.jsonl", every_s=0.05):
            raise RuntimeError("boom")
    with pytest.raises(ValueError, match="every_s"):
        LiveTrainingPlot(tmp_path, every_s=0)


CELL = """
import json, threading, time
from pathlib import Path
from being_kit.viz.live import LiveTrainingPlot
log = Path("train_log.jsonl")
def train():
    for step in range(1, 9):
        with log.open("a") as f:
            f.write(json.dumps({"step": step, "split": "train", "loss": 1.0 / step}) + "\\n")
        time.sleep(0.1)
with LiveTrainingPlot(log, total_steps=8, keys=["loss"], every_s=0.2) as live:
    worker = threading.Thread(target=train)
    worker.start()
    worker.join()
print("frames", live.frames)
"""


def test_papermill_copy_keeps_one_picture_the_final_frame(tmp_path):
    papermill = pytest.importorskip("papermill")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(CELL)]
    src, out = tmp_path / "live.ipynb", tmp_path / "live.out.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(out), cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    outputs = nbformat.read(out, as_version=4).cells[-1].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    texts = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert len(images) == 1, [o.get("output_type") for o in outputs]
    assert len(texts) == 1 and texts[0].startswith("`step 8/8 (100%)") and "loss 0.125" in texts[0]
    assert int(printed.split("frames")[1]) >= 2  # drawn while training ran, then the final frame


def test_keep_final_false_leaves_the_status_line_and_no_picture(tmp_path):
    """When a later cell draws the full curves, the live plot's last frame leaves the executed copy."""
    papermill = pytest.importorskip("papermill")
    nb = nbformat.v4.new_notebook()
    cell = CELL.replace("every_s=0.2)", "every_s=0.2, keep_final=False)")
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(cell)]
    src, out = tmp_path / "live.ipynb", tmp_path / "live.out.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(out), cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    outputs = nbformat.read(out, as_version=4).cells[-1].outputs
    assert not [o for o in outputs if "image/png" in o.get("data", {})]
    texts = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert any(t.startswith("`step 8/8 (100%)") for t in texts)
