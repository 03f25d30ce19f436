"""What each shipped notebook declares in its metadata (being_kit.inputs/outputs/required/headline), checked without
running anything: the tiny run (tests/notebooks) then checks that the files and figures are really there."""
from pathlib import Path

import pytest

from being_kit.pipeline.notebooks import PipelineError, notebook_metadata, unmet_inputs

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_notebook_declares_what_it_reads_writes_and_records():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]
    for p in NOTEBOOKS:
        meta = notebook_metadata(p, strict=True)
        assert meta.outputs and meta.required and meta.headline, p.stem
        assert set(meta.optional_outputs) <= set(meta.outputs), p.stem
        assert not set(meta.inputs) & set(meta.optional_inputs), p.stem


def test_every_input_is_an_output_of_an_earlier_notebook(tmp_path):
    assert unmet_inputs(NOTEBOOKS, tmp_path) == {}  # in order, into an empty run folder
    written: set[str] = set()
    for p in NOTEBOOKS:
        meta = notebook_metadata(p)
        missing = [i for i in meta.inputs + meta.optional_inputs if i not in written]
        assert missing == [], f"{p.stem} reads {missing}, which no earlier notebook writes"
        written |= set(meta.outputs)
    assert unmet_inputs(NOTEBOOKS[2:], tmp_path) == {"03_train_lm": ["corpus", "tokenizer", "tokens"],
                                                     "04_generate": ["corpus", "real_clips", "tokenizer"],
                                                     "05_evaluate": ["corpus", "real_clips"]}


def test_a_notebook_without_outputs_fails_the_strict_read(tmp_path):
    import json

    nb = json.loads(NOTEBOOKS[0].read_text())
    del nb["metadata"]["being_kit"]["outputs"]
    (tmp_path / "01_x.ipynb").write_text(json.dumps(nb))
    with pytest.raises(PipelineError, match="being_kit.outputs is missing"):
        notebook_metadata(tmp_path / "01_x.ipynb", strict=True)
    assert notebook_metadata(tmp_path / "01_x.ipynb").outputs == []  # the runner's lenient read of a user's notebook
