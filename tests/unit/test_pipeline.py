"""The papermill runner on throwaway notebooks made here: success, unknown parameters, failure, resume, index."""
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from being_kit.pipeline import main
from being_kit.pipeline.runner import executed_ok, run_pipeline


def make_notebook(folder: Path, stem: str, body: str, params: str = "", record: bool = True,
                  outputs: list[str] | None = None, **meta) -> Path:
    """A numbered notebook with a parameters cell (run_dir, profile, seed + `params`), `body`, and record_metrics."""
    cells = [
        new_markdown_cell(f"# {stem}"),
        new_code_cell("from being_kit.pipeline import record_metrics"),
        new_code_cell(f"run_dir = '.'\nprofile = 'lab'\nseed = 1\n{params}", metadata={"tags": ["parameters"]}),
        new_code_cell(body),
    ]
    if record:
        cells.append(new_code_cell(f"record_metrics(run_dir, {stem!r}, {{'seed': seed, '{stem}_value': value}})"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if outputs is not None or meta:
        nb.metadata["being_kit"] = {"outputs": outputs or [], **meta}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path):
    """notebooks/01_first (writes a file for 02), 02_second (fails unless seed == 0), profiles ok.toml, bad.toml."""
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "01_first", "from pathlib import Path\nPath(run_dir, 'handover.txt').write_text(str(scale))\n"
                  "value = scale * 2", params="scale = 1.0", outputs=["handover.txt"])
    make_notebook(nbs, "02_second", "from pathlib import Path\nassert seed == 0, f'seed is {seed}'\n"
                  "value = float(Path(run_dir, 'handover.txt').read_text()) + 1", outputs=[])
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "ok.toml").write_text("[common]\nseed = 0\n[01_first]\nscale = 2.5\n")
    (profiles / "bad.toml").write_text("[common]\nseed = 0\n[02_second]\nseed = 1\n")
    return tmp_path


def cli(project: Path, *args: str) -> int:
    return main(["--notebooks-dir", str(project / "notebooks"), "--profiles-dir", str(project / "profiles"),
                 "--executions-dir", str(project / "executions"), "--no-progress", *args])


def index_lines(project: Path) -> list[dict]:
    return [json.loads(line) for line in (project / "executions" / "index.jsonl").read_text().splitlines()]


def test_run_writes_executed_copies_metrics_run_json_and_index(project, capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert cli(project, "--profile", "ok", "--run-id", "r-ok") == 0
    assert "TQDM_DISABLE" not in os.environ  # set for the kernels only while the run lasts
    run_dir = project / "executions" / "r-ok"
    assert json.loads((run_dir / "02_second.metrics.json").read_text()) == {"seed": 0, "02_second_value": 3.5}
    executed = nbformat.read(run_dir / "01_first.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f"run_dir = \"{run_dir}\"" in injected.source and "scale = 2.5" in injected.source
    assert "profile = \"ok\"" in injected.source
    run = json.loads((run_dir / "run.json").read_text())
    (line,) = index_lines(project)
    for rec in (run, line):
        assert rec["id"] == "r-ok" and rec["profile"] == "ok" and rec["status"] == "ok"
        assert [nb["status"] for nb in rec["notebooks"].values()] == ["ok", "ok"]
        assert all(nb["duration_s"] > 0 for nb in rec["notebooks"].values())
        assert rec["figures"] == {"seed": 0, "01_first_value": 5.0, "02_second.seed": 0, "02_second_value": 3.5}
        assert rec["started"] <= rec["ended"] and rec["duration_s"] > 0
        assert "git_commit" in rec
    assert run["notebooks"]["01_first"]["parameters"]["scale"] == 2.5
    out = capsys.readouterr().out
    assert "run r-ok ok" in out and "  02_second: seed 0, 02_second_value 3.5" in out and "every figure:" in out


def test_unknown_parameter_fails_before_running_anything(project, capsys):
    (project / "profiles" / "typo.toml").write_text("[01_first]\nscael = 2.0\n")
    assert cli(project, "--profile", "typo") == 2
    assert "scael" in capsys.readouterr().err
    assert not (project / "executions").exists()


def test_failure_stops_keeps_what_ran_and_resume_continues(project, capsys):
    assert cli(project, "--profile", "bad", "--run-id", "r1") == 1
    err = capsys.readouterr().err
    assert "02_second failed in cell" in err and "AssertionError" in err and "seed is 1" in err
    assert "--resume r1" in err
    run_dir = project / "executions" / "r1"
    assert executed_ok(run_dir, "01_first") and not executed_ok(run_dir, "02_second")
    assert (run_dir / "02_second.ipynb").is_file()  # the failed copy is kept, with its error output
    assert not (run_dir / "02_second.metrics.json").exists()
    (first,) = index_lines(project)
    assert first["status"] == "failed" and first["notebooks"]["02_second"]["error"]["ename"] == "AssertionError"
    assert first["notebooks"]["02_second"]["error"]["cell_index"] == 4  # in the executed copy (after the injected cell)

    # Fix 02's parameter, resume: 01 (parameters unchanged) is reused, not re-executed; 02 reruns and succeeds.
    (project / "profiles" / "bad.toml").write_text("[common]\nseed = 0\n")
    mtime = (run_dir / "01_first.ipynb").stat().st_mtime_ns
    assert cli(project, "--resume", "r1") == 0
    assert (run_dir / "01_first.ipynb").stat().st_mtime_ns == mtime
    second = index_lines(project)[1]
    assert second["id"] == "r1" and second["resumed"] and second["status"] == "ok"
    assert {k: v["status"] for k, v in second["notebooks"].items()} == {"01_first": "reused", "02_second": "ok"}
    assert second["figures"]["02_second_value"] == 2.0
    kept = list(run_dir.glob("02_second.failed-*.ipynb"))  # the failed attempt's copy, kept beside the new one
    assert len(kept) == 1 and "AssertionError" in kept[0].read_text() and executed_ok(run_dir, "02_second")


def test_resume_with_another_profile_is_refused(project, capsys):
    assert cli(project, "--profile", "bad", "--run-id", "r2", "--only", "01") == 0
    assert cli(project, "--resume", "r2", "--profile", "ok") == 2
    assert "profile 'bad'" in capsys.readouterr().err


def test_notebook_that_records_no_metrics_fails(tmp_path):
    make_notebook(tmp_path / "nb", "01_silent", "value = 1", record=False)
    (tmp_path / "p.toml").write_text("")
    result = run_pipeline(str(tmp_path / "p.toml"), notebooks_dir=tmp_path / "nb", executions_dir=tmp_path / "ex",
                          progress=False)
    assert result.status == "failed"
    assert "record_metrics" in result.notebooks["01_silent"].error["evalue"]


def test_only_and_dry_run_select_without_running(project, capsys):
    assert cli(project, "--profile", "ok", "--only", "02_second", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "02_second" in out and "01_first" not in out and "\"seed\": 0" in out
    assert not (project / "executions").exists()
    assert cli(project, "--profile", "ok", "--only", "07") == 2


def test_existing_run_id_is_not_overwritten(project):
    (project / "executions" / "taken").mkdir(parents=True)
    assert cli(project, "--profile", "ok", "--run-id", "taken") == 2


def test_parameter_line_papermill_cannot_parse_is_named(tmp_path, capsys):
    make_notebook(tmp_path / "nb", "01_eq", "value = n", params="n = 3  # how many (0 = all)")
    (tmp_path / "p.toml").write_text("[01_eq]\nn = 4\n")
    code = main(["--profile", str(tmp_path / "p.toml"), "--notebooks-dir", str(tmp_path / "nb"),
                 "--executions-dir", str(tmp_path / "ex"), "--no-progress"])
    assert code == 2
    assert "['n']" in capsys.readouterr().err


def test_resume_reruns_a_notebook_whose_parameters_changed(project):
    assert cli(project, "--profile", "bad", "--run-id", "r3") == 1
    (project / "profiles" / "bad.toml").write_text("[common]\nseed = 0\n[01_first]\nscale = 4.0\n")
    assert cli(project, "--resume", "r3") == 0
    last = index_lines(project)[-1]
    assert {k: v["status"] for k, v in last["notebooks"].items()} == {"01_first": "ok", "02_second": "ok"}
    assert last["figures"]["02_second_value"] == 5.0  # 02 read the handover file 01 rewrote with scale 4
    assert len(list((project / "executions" / "r3").glob("01_first.earlier-*.ipynb"))) == 1  # it had succeeded


def test_set_overrides_a_profile_value_and_is_kept_on_resume(project, capsys):
    assert cli(project, "--profile", "bad", "--run-id", "r-set", "--set", "01.scale=4", "--set", "02_second.seed=0") == 0
    run = json.loads((project / "executions" / "r-set" / "run.json").read_text())
    assert run["overrides"] == ["01.scale=4", "02_second.seed=0"]
    assert run["figures"]["01_first_value"] == 8.0 and run["notebooks"]["01_first"]["parameters"]["scale"] == 4
    assert cli(project, "--resume", "r-set") == 0  # same overrides: nothing reruns
    assert {k: v["status"] for k, v in index_lines(project)[-1]["notebooks"].items()} == {
        "01_first": "reused", "02_second": "reused"}
    for bad, says in [("01.scael=2", "scael"), ("scale=2", "SECTION.NAME=VALUE"), ("09.scale=2", "'09'"),
                      ("01.scale=big", "'big'"), ("01.run_dir=x", "set by the runner")]:
        assert cli(project, "--profile", "ok", "--set", bad) == 2
        assert says in capsys.readouterr().err, bad


def test_branch_links_the_earlier_notebooks_and_never_writes_into_the_source(project, capsys):
    assert cli(project, "--profile", "ok", "--run-id", "src") == 0
    src = project / "executions" / "src"
    handover = (src / "handover.txt").stat().st_mtime_ns
    assert cli(project, "--profile", "ok", "--from", "src", "--only", "02", "--run-id", "br") == 0
    br = project / "executions" / "br"
    assert (br / "handover.txt").is_symlink() and os.readlink(br / "handover.txt") == "../src/handover.txt"
    run = json.loads((br / "run.json").read_text())
    assert run["branched_from"] == "src"
    assert {k: v["status"] for k, v in run["notebooks"].items()} == {"01_first": "linked", "02_second": "ok"}
    assert run["notebooks"]["01_first"]["parameters"]["scale"] == 2.5  # what the source ran with
    assert run["figures"]["01_first_value"] == 5.0 and run["figures"]["02_second_value"] == 3.5
    # resuming the branch, even asking for 01 again, keeps the link: 01 would write into the source's file
    assert cli(project, "--resume", "br", "--only", "01,02") == 0
    assert index_lines(project)[-1]["notebooks"]["01_first"]["status"] == "linked"
    assert (src / "handover.txt").stat().st_mtime_ns == handover
    # a notebook whose output is a link in its run folder refuses to run there
    (br / "run.json").write_text(json.dumps({**run, "notebooks": {}}))
    assert cli(project, "--resume", "br", "--only", "01") == 2
    assert "links into another run" in capsys.readouterr().err
    assert (src / "handover.txt").stat().st_mtime_ns == handover


def test_branch_needs_a_finished_source_and_something_to_reuse(project, capsys):
    (project / "executions" / "empty").mkdir(parents=True)
    assert cli(project, "--profile", "ok", "--from", "empty", "--only", "02") == 2
    assert "01_first did not run to the end there" in capsys.readouterr().err
    assert cli(project, "--profile", "ok", "--from", "nowhere", "--only", "02") == 2
    assert "no run folder" in capsys.readouterr().err
    assert cli(project, "--profile", "ok", "--run-id", "src2") == 0
    assert cli(project, "--profile", "ok", "--from", "src2") == 2
    assert "nothing to reuse" in capsys.readouterr().err


def test_headline_declared_in_metadata_and_the_evaluator_b_note(tmp_path):
    from being_kit.pipeline.cli import headline_summary

    nb = make_notebook(tmp_path / "notebooks", "05_eval", "value = 1")
    meta = json.loads(nb.read_text())
    meta["metadata"]["being_kit"] = {"outputs": [], "headline": ["fid_generated", "eval_r3", "missing"]}
    nb.write_text(json.dumps(meta))
    run = tmp_path / "run"
    run.mkdir()
    (run / "05_eval.metrics.json").write_text(json.dumps({"evaluator": "builtin", "eval_r3": 0.75, "fid_generated": 2.0,
                                                          "other": 1}))
    text = headline_summary(run, tmp_path / "notebooks")
    assert "  05_eval: fid_generated 2, eval_r3 0.75\n" in text and "evaluator B" in text and "other 1" not in text
    (run / "05_eval.metrics.json").write_text(json.dumps({"evaluator": "guo", "fid_generated": 0.2}))
    text = headline_summary(run, tmp_path / "notebooks")
    assert "evaluator A" in text and "comparable with published figures" in text and "evaluator B" not in text


def _two_step(tmp_path, second_inputs, first_writes=True, required=()):
    """01 declares it writes corpus/ (and makes it when first_writes), 02 reads `second_inputs`."""
    body = "from pathlib import Path\nPath(run_dir, 'corpus').mkdir()\nvalue = 1" if first_writes else "value = 1"
    make_notebook(tmp_path / "nb", "01_make", body, outputs=["corpus"])
    make_notebook(tmp_path / "nb", "02_use", "value = 2", outputs=[], inputs=second_inputs, required=list(required))
    (tmp_path / "p.toml").write_text("")
    return dict(notebooks_dir=tmp_path / "nb", executions_dir=tmp_path / "ex", progress=False)


def test_inputs_no_earlier_notebook_writes_are_refused_before_anything_runs(tmp_path):
    from being_kit.pipeline.runner import PipelineError

    kw = _two_step(tmp_path, ["corpus", "tokens"])
    with pytest.raises(PipelineError, match=r"02_use needs \['tokens'\].*--from"):
        run_pipeline(str(tmp_path / "p.toml"), **kw)
    assert not (tmp_path / "ex").exists()
    with pytest.raises(PipelineError, match=r"02_use needs \['corpus'\]"):  # 01 is not selected
        run_pipeline(str(tmp_path / "p.toml"), only=["02"], **_two_step(tmp_path, ["corpus"]))


def test_an_input_an_earlier_notebook_did_not_make_fails_the_notebook_without_running_it(tmp_path):
    result = run_pipeline(str(tmp_path / "p.toml"), **_two_step(tmp_path, ["corpus"], first_writes=False))
    err = result.notebooks["02_use"].error
    assert result.status == "failed" and result.failed == "02_use" and err["ename"] == "PipelineError"
    assert "02_use reads ['corpus']" in err["evalue"] and "it was not run" in err["evalue"]
    assert not (result.run_dir / "02_use.ipynb").exists()


def test_a_required_figure_that_was_not_recorded_fails_the_notebook(tmp_path):
    kw = _two_step(tmp_path, ["corpus"], required=["02_use_value", "accuracy"])
    result = run_pipeline(str(tmp_path / "p.toml"), **kw)
    assert result.failed == "02_use"
    assert "did not record the figures its metadata requires: ['accuracy']" in result.notebooks["02_use"].error["evalue"]
    kw = _two_step(tmp_path, ["corpus"], required=["02_use_value"])
    assert run_pipeline(str(tmp_path / "p.toml"), run_id="again", **kw).status == "ok"


def test_malformed_metadata_and_a_notebook_that_is_not_json_are_named(tmp_path):
    from being_kit.pipeline.runner import PipelineError

    kw = _two_step(tmp_path, ["corpus"])
    (tmp_path / "nb" / "02_use.ipynb").write_text('{"cells": [')  # cut by a crash or a bad merge
    with pytest.raises(PipelineError, match=r"02_use.ipynb: not a notebook \(not JSON"):
        run_pipeline(str(tmp_path / "p.toml"), **kw)
    make_notebook(tmp_path / "nb", "02_use", "value = 2", outputs=["a/b"])
    with pytest.raises(PipelineError, match=r"02_use.ipynb: metadata being_kit.outputs must be a list of folder or"):
        run_pipeline(str(tmp_path / "p.toml"), **kw)


def test_resuming_into_a_read_only_run_folder_says_so_before_running(tmp_path, monkeypatch):
    from being_kit.pipeline.runner import PipelineError

    kw = _two_step(tmp_path, ["corpus"])
    run_pipeline(str(tmp_path / "p.toml"), run_id="r", only=["01"], **kw)
    run_dir = tmp_path / "ex" / "r"
    before = (run_dir / "run.json").read_text()
    real_access = os.access  # root may write into a 0555 folder, so the permission is simulated
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: Path(path) != run_dir and real_access(path, mode))
    with pytest.raises(PipelineError, match=r"ex/r: not writable"):
        run_pipeline(resume="r", **kw)
    assert (run_dir / "run.json").read_text() == before and not (run_dir / "02_use.ipynb").exists()


def test_an_error_while_recording_does_not_hide_the_error_that_stopped_the_run(tmp_path, monkeypatch, capsys):
    from being_kit.pipeline import runner

    kw = _two_step(tmp_path, ["corpus"])

    def interrupted(plan, **_):
        raise KeyboardInterrupt

    def cannot_record(plan, duration_s):
        raise PermissionError(13, "Permission denied", str(plan.run_dir / "run.json"))

    monkeypatch.setattr(runner, "execute_notebooks", interrupted)
    monkeypatch.setattr(runner, "record_run", cannot_record)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(str(tmp_path / "p.toml"), **kw)
    assert "could not record the run" in capsys.readouterr().err


def test_the_stages_of_a_run_one_by_one(project):
    """resolve_run decides everything and writes nothing; execute_notebooks runs; record_run closes the record."""
    from being_kit.pipeline.runner import execute_notebooks, record_run, resolve_run

    kw = dict(notebooks_dir=project / "notebooks", executions_dir=project / "executions",
              profiles_dir=project / "profiles")
    plan = resolve_run("ok", run_id="staged", **kw)
    assert [p.stem for p in plan.selected] == ["01_first", "02_second"] and plan.earlier == []
    assert plan.result.notebooks["01_first"].parameters["scale"] == 2.5 and not (project / "executions").exists()
    execute_notebooks(plan, progress=False)
    assert plan.result.status == "ok" and (plan.run_dir / "02_second.metrics.json").is_file()
    record_run(plan, 1.5)
    saved = json.loads((plan.run_dir / "run.json").read_text())
    assert saved["duration_s"] == 1.5 and saved["figures"]["02_second_value"] == 3.5 and saved["ended"]
    assert [x["id"] for x in index_lines(project)] == ["staged"]
