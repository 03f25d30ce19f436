"""The tiny run as a whole: every existing notebook succeeded, in order, and the run is recorded and readable."""
import json

import harness


def test_every_notebook_ran_ok(tiny_run):
    expected = sorted(p.stem for p in harness.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert list(tiny_run.notebooks) == expected
    if tiny_run.failed:
        harness.metrics_of(tiny_run, tiny_run.failed)  # fails with that notebook's error
    assert tiny_run.status == "ok"


def test_run_is_recorded_in_run_json_and_index(tiny_run):
    run = json.loads((tiny_run.run_dir / "run.json").read_text())
    assert run["id"] == tiny_run.id and run["id"].endswith("-tiny") and run["profile"] == "tiny"
    lines = [json.loads(x) for x in (tiny_run.run_dir.parent / "index.jsonl").read_text().splitlines()]
    assert tiny_run.id in [x["id"] for x in lines]
    assert set(run["figures"]) >= {"num_sequences"} or "01_data" not in run["notebooks"]


def test_executed_copies_have_no_errors_and_show_pictures(tiny_run):
    for stem, nb in tiny_run.notebooks.items():
        if nb.status != "ok":
            continue
        outputs = [o for c in harness.executed_cells(tiny_run, stem) for o in c.get("outputs", [])]
        assert not [o for o in outputs if o["output_type"] == "error"], stem
        assert harness.png_count(tiny_run, stem) >= 1, f"{stem}: an executed copy should show at least one picture"
