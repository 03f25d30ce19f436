"""The tiny run as a whole: every existing notebook succeeded, in order, and the run is recorded and readable."""
import json

import pytest

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


def test_no_metric_name_means_two_things(tiny_run):
    """Each figure name belongs to one notebook, so the run summary never has to say which one it meant."""
    owners: dict[str, list[str]] = {}
    for path in sorted(tiny_run.run_dir.glob("*.metrics.json")):
        for key in json.loads(path.read_text()):
            owners.setdefault(key, []).append(path.name.split(".")[0])
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_executed_copies_have_no_errors_and_show_pictures(tiny_run):
    for stem, nb in tiny_run.notebooks.items():
        if nb.status != "ok":
            continue
        outputs = [o for c in harness.executed_cells(tiny_run, stem) for o in c.get("outputs", [])]
        assert not [o for o in outputs if o["output_type"] == "error"], stem
        assert harness.png_count(tiny_run, stem) >= 1, f"{stem}: an executed copy should show at least one picture"


def _digest(folder) -> dict:
    """path -> (size, mtime) of every file under a run's folder: what a branch must leave alone."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_notebook_declares_what_it_writes(tiny_run):
    """The `being_kit.outputs` metadata that `--from` links by covers every folder the tiny run made."""
    from being_kit.pipeline.runner import notebook_outputs

    declared = {o for p in harness.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") for o in notebook_outputs(p)}
    made = {p.name for p in tiny_run.run_dir.iterdir() if p.is_dir()}
    assert made <= declared, f"written but not declared: {made - declared}"


def test_a_branch_reruns_the_language_model_on_the_same_tokens(tiny_run):
    """`--from <run> --only 03,04 --set ...`: 01/02 linked (and untouched), 03/04 rerun with the changed value."""
    from being_kit.pipeline.runner import run_pipeline

    if tiny_run.status != "ok":
        pytest.fail(f"the tiny run failed ({tiny_run.failed}), so there is nothing to branch from; "
                    "test_every_notebook_ran_ok reports why", pytrace=False)
    src = tiny_run.run_dir
    before = {name: _digest(src / name) for name in ("corpus", "tokenizer", "tokens")}
    branch = run_pipeline("tiny", run_id=f"{src.name}-seed1", branch_from=src.name, only=["03", "04"],
                          overrides=["03_train_lm.seed=1"], notebooks_dir=harness.NOTEBOOKS,
                          profiles_dir=harness.PROFILES, executions_dir=src.parent, progress=False)
    assert branch.status == "ok", branch.notebooks
    assert [(k, v.status) for k, v in branch.notebooks.items()] == [
        ("01_data", "linked"), ("02_tokenizer", "linked"), ("03_train_lm", "ok"), ("04_generate", "ok")]
    for name in ("corpus", "tokenizer", "tokens"):
        assert (branch.run_dir / name).is_symlink() and (branch.run_dir / name).resolve() == (src / name).resolve()
        assert _digest(src / name) == before[name], f"the branch wrote into the source run's {name}/"
    assert not (branch.run_dir / "lm").is_symlink() and (branch.run_dir / "lm" / "model.safetensors").is_file()
    assert branch.notebooks["03_train_lm"].parameters["seed"] == 1
    assert branch.figures["num_sequences"] == tiny_run.figures["num_sequences"]  # 01's figures travel with the link
    assert "action_acc_generated" in branch.figures


def test_every_notebook_writes_what_its_metadata_declares(tiny_run):
    """Each notebook's metadata names its inputs, outputs, required and headline figures; a run that lacks one fails
    here (the runner already fails a notebook whose inputs are missing or that skipped a required figure)."""
    written: set[str] = set()
    for stem in tiny_run.notebooks:
        want = harness.declared(stem)
        assert want["headline"] and want["required"], f"{stem}: metadata names no headline or required figures"
        assert set(want["inputs"] + want["optional_inputs"]) <= written, f"{stem} reads what no earlier one writes"
        metrics = harness.metrics_of(tiny_run, stem)
        assert [k for k in want["required"] + want["headline"] if k not in metrics] == [], stem
        missing = [o for o in want["outputs"] if o not in want["optional"] and not (tiny_run.run_dir / o).exists()]
        assert missing == [], stem
        written |= set(want["outputs"])
