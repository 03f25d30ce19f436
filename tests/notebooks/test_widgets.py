"""The widgets/ dashboards run under papermill with tiny parameters and leave readable pictures in the executed copy.

Without a run directory the explorer and the inspector use a tiny synthetic corpus (the inspector an untrained
tokenizer, said so in its output) and the playground skips generation with a message; one test gives the playground
a tiny trained language model (`tests/unit/_lm_fakes.py`) so generation, playback and export run end to end.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "widgets"


def _execute(name: str, out_dir: Path, **parameters) -> dict:
    import papermill

    out = out_dir / f"{name}.ipynb"
    papermill.execute_notebook(str(WIDGETS / f"{name}.ipynb"), str(out), parameters=parameters, progress_bar=False,
                               cwd=str(out_dir), kernel_name="python3")
    return json.loads(out.read_text())


def _outputs(nb: dict) -> list[dict]:
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _text(nb: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in _outputs(nb))


def _pngs(nb: dict) -> int:
    return sum("image/png" in o.get("data", {}) for o in _outputs(nb))


def _widget_views(nb: dict) -> int:
    return sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in _outputs(nb))


@pytest.mark.parametrize("name", ["explorer", "tokenizer_inspector", "playground"])
def test_stored_dashboard_is_clean(name):
    nb = json.loads((WIDGETS / f"{name}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert sum("parameters" in c["metadata"].get("tags", []) for c in code) == 1
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code for line in "".join(c["source"]).split("\n"))


def test_explorer_executes_with_a_picture(tmp_path):
    nb = _execute("explorer", tmp_path, query="", demo_size=4)
    text = _text(nb)
    assert "explorer: 4 of 4 motions match" in text, text
    assert _pngs(nb) >= 1 and _widget_views(nb) >= 1


def test_tokenizer_inspector_executes_and_masking_changes_the_motion(tmp_path):
    nb = _execute("tokenizer_inspector", tmp_path, demo_size=2, mask_step=1)
    text = _text(nb)
    assert "UNTRAINED" in text  # no run_dir: says it shows an untrained tokenizer
    assert "k-means" not in text, text  # a fresh VQ codebook's log line stays out of the dashboard
    cm = float(text.split("moved the decoded joints by ")[1].split(" cm")[0])
    assert cm > 0.0, text
    assert _pngs(nb) >= 1 and _widget_views(nb) >= 1


def test_playground_without_model_skips_with_a_message(tmp_path):
    nb = _execute("playground", tmp_path)
    assert "generation needs a trained model" in _text(nb)


def test_playground_generates_and_exports_with_a_tiny_model(tmp_path):
    from being_kit.lm import LMConfig, train_lm
    from _lm_fakes import make_fake_run

    run = tmp_path / "run"
    tokens = make_fake_run(run, n=8)
    train_lm(LMConfig(tokens_dir=str(tokens), out_dir=str(run / "lm"), n_layer=1, n_embd=32, n_head=2,
                      text_vocab_size=300, seq_len=64, batch_size=4, max_steps=1, warmup_steps=1, log_every=1))
    nb = _execute("playground", tmp_path, run_dir=str(run), samples=2, seconds=2.0, guidance=2.0)
    text = _text(nb)
    assert "status per sample:" in text, text
    assert "%|" not in text, text  # no weight-loading bars (the LM's, and MiniLM's for a text-conditioned model)
    status = ast.literal_eval(text.split("status per sample:")[1].split("\n")[0])  # a printed list of strings
    assert len(status) == 2, text
    good = sum(s in ("ok", "no_end") for s in status)
    assert good >= 1, f"constrained decoding of the tiny model gave no motion: {status}"
    assert len(list((run / "playground").glob("*.bvh"))) == good, text
    assert len(list((run / "playground").glob("*.joints.npy"))) == good
    assert _pngs(nb) >= 1 and _widget_views(nb) >= 1
