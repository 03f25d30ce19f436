"""Run `notebooks/NN_*.ipynb` in order through papermill into `executions/<run-id>/`.

A run directory holds each executed copy (`NN_name.ipynb`, readable without a kernel), the figures each notebook
recorded (`NN_name.metrics.json`), the files the notebooks hand to each other (see docs/architecture.md), and
`run.json`; `executions/index.jsonl` gets one line per run. The run stops at the first failing notebook and keeps
what ran; `resume` reruns a run from its first notebook that did not succeed.

`branch_from` starts a new run that reuses another run's earlier notebooks: an ablation of the language model keeps
the corpus and tokenizer it was measured against. Each notebook names the folders it writes in its metadata
(`"being_kit": {"outputs": [...]}`); the new run gets symbolic links to those folders of every notebook before the
first selected one, and copies of their executed copies and metrics. A notebook never runs while one of its outputs
is a link, so nothing is written into the other run.

Each notebook's metadata also names the run-folder entries it reads (`inputs`) and the figures it must record
(`required`; see `notebooks.py`): a run whose notebooks' inputs no earlier notebook writes is refused before anything
runs, a notebook whose inputs are missing when its turn comes is failed without running, and one that ran without
recording a required figure is failed.

`run_pipeline` is four stages, each callable on its own: `resolve_run` (profile, selection, run folder: everything
that can be refused before anything runs), `link_branch`, `execute_notebooks` and `record_run`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from .metrics import METRICS_SUFFIX, metrics_path, read_metrics, write_json_atomic
from .notebooks import (PipelineError, discover_notebooks, notebook_headline, notebook_metadata,  # noqa: F401
                        notebook_outputs, notebook_parameters, select_notebooks, unmet_inputs)
from .profiles import INJECTED, ProfileError, apply_overrides, load_profile, resolve_parameters

RUN_FILE = "run.json"
INDEX_FILE = "index.jsonl"
KERNEL_NAME = "being-kit"  # registered by scripts/install.sh; "python3" (the running environment) otherwise
# ipykernel warns on every start that its local TCP sockets are unencrypted; keep the kernel's own log to errors.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
# Text progress bars (tqdm.std, e.g. in training processes a notebook launches) are off in pipeline runs unless the
# caller set TQDM_DISABLE: nobody watches them and they fill executed copies with redraws. tqdm.notebook widgets
# ignore the variable, so notebooks also take a `progress` parameter that the profiles turn off.
KERNEL_ENV = {"TQDM_DISABLE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}  # the second: transformers' weight bars
# Kernels are stopped with "immediate" shutdown once every cell has run and its outputs are saved: the graceful
# default waits, polling, for the kernel to exit, which took about 3 s on one run in four here (0.7 s otherwise).
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class NotebookResult:
    """What happened to one notebook. status: ok | failed | reused (ok in an earlier attempt) | linked (its outputs
    are links into the run it branched from) | interrupted | not_run."""

    status: str = "not_run"
    duration_s: float | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None


@dataclass
class RunResult:
    """One pipeline run; `to_json()` is what `run.json` and the index line hold. status: ok | failed | interrupted."""

    id: str
    profile: str
    profile_file: str
    run_dir: Path
    git_commit: str | None
    git_dirty: bool | None
    kernel: str
    started: str
    ended: str | None = None
    duration_s: float | None = None
    status: str = "running"
    resumed: bool = False
    branched_from: str | None = None  # the run whose earlier notebooks' outputs this one links to
    overrides: list[str] = field(default_factory=list)  # `--set` items laid over the profile
    notebooks: dict[str, NotebookResult] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def to_json(self, with_parameters: bool = True) -> dict[str, Any]:
        out = asdict(self)
        out["run_dir"] = str(self.run_dir)
        if not with_parameters:
            for nb in out["notebooks"].values():
                nb.pop("parameters", None)
        return out

    @property
    def failed(self) -> str | None:
        """The stem of the notebook that failed, if any."""
        return next((k for k, v in self.notebooks.items() if v.status == "failed"), None)


def link_earlier_notebooks(source_dir: Path, run_dir: Path, earlier: Sequence[Path]) -> dict[str, "NotebookResult"]:
    """Make `run_dir` hold the results of `earlier` notebooks from `source_dir`: links to their outputs, copies of
    their executed notebooks and metrics. Each must have succeeded there. Returns their records (status linked)."""
    try:
        before = json.loads((source_dir / RUN_FILE).read_text(encoding="utf-8")).get("notebooks", {})
    except (OSError, ValueError):
        before = {}
    plans = []
    for p in earlier:
        if not executed_ok(source_dir, p.stem):
            raise PipelineError(f"--from {source_dir.name!r}: {p.stem} did not run to the end there "
                                f"(no {p.stem}.ipynb without errors and {p.stem}{METRICS_SUFFIX} in {source_dir})")
        outputs = notebook_outputs(p)
        if not outputs:
            raise PipelineError(f"--from: {p} declares no outputs (metadata being_kit.outputs), so it cannot be linked")
        plans.append((p.stem, [o for o in outputs if (source_dir / o).exists()]))
    run_dir.mkdir(parents=True, exist_ok=True)
    records = {}
    for stem, outputs in plans:
        for name in outputs:
            (run_dir / name).symlink_to(os.path.relpath(source_dir / name, run_dir), target_is_directory=True)
        for name in (f"{stem}.ipynb", f"{stem}{METRICS_SUFFIX}"):
            shutil.copy2(source_dir / name, run_dir / name)
        old = before.get(stem) or {}
        records[stem] = NotebookResult(status="linked", duration_s=old.get("duration_s"),
                                       parameters=old.get("parameters") or {})
    return records


def pick_kernel() -> str:
    """`being-kit` when that kernelspec is installed, else `python3`."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
            return KERNEL_NAME
    except Exception:  # a broken Jupyter config must not stop a run that python3 can do
        pass
    return "python3"


def git_state(folder: Path) -> tuple[str | None, bool | None]:
    """(commit of HEAD, whether the work tree has changes) for the repository holding `folder`; None outside git."""
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None, None
        dirty = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=30,
        )
        return head.stdout.strip(), (bool(dirty.stdout.strip()) if dirty.returncode == 0 else None)
    except (OSError, subprocess.SubprocessError):
        return None, None


def new_run_id(profile: str, executions_dir: Path) -> str:
    """`<YYYYmmdd-HHMMSS>-<profile>` (local time), with `-2`, `-3`, ... when that folder already exists."""
    base = f"{time.strftime('%Y%m%d-%H%M%S')}-{profile}"
    run_id, n = base, 1
    while (executions_dir / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def executed_ok(run_dir: Path, stem: str) -> bool:
    """Whether an earlier attempt ran `stem` to the end: executed copy without an exception, and its metrics file."""
    copy = run_dir / f"{stem}.ipynb"
    if read_metrics(run_dir, stem) is None or not copy.is_file():
        return False
    try:
        meta = json.loads(copy.read_text(encoding="utf-8")).get("metadata", {}).get("papermill", {})
    except (OSError, ValueError):
        return False
    return bool(meta) and not meta.get("exception") and meta.get("end_time") is not None


def keep_earlier_copy(run_dir: Path, stem: str) -> Path | None:
    """Before `stem` reruns, move an earlier attempt's executed copy aside (`NN_name.failed-<time>.ipynb`, or
    `.earlier-<time>` when that attempt succeeded) so the user can still see where a killed run died."""
    copy = run_dir / f"{stem}.ipynb"
    if not copy.is_file():
        return None
    kind = "earlier" if executed_ok(run_dir, stem) else "failed"
    when = time.strftime("%Y%m%dT%H%M%S", time.localtime(copy.stat().st_mtime))
    kept = copy.with_name(f"{stem}.{kind}-{when}.ipynb")
    n = 1
    while kept.exists():
        n += 1
        kept = copy.with_name(f"{stem}.{kind}-{when}-{n}.ipynb")
    os.replace(copy, kept)
    return kept


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _error_info(err: BaseException, stem: str) -> dict[str, Any]:
    """ename/evalue/cell of a failed notebook, from PapermillExecutionError when that is what was raised."""
    info: dict[str, Any] = {"ename": getattr(err, "ename", type(err).__name__), "evalue": str(getattr(err, "evalue", err))}
    if hasattr(err, "cell_index"):
        info["cell_index"] = err.cell_index
        info["execution_count"] = err.exec_count
        info["source"] = err.source
        tb = "\n".join(_ANSI.sub("", line) for line in (err.traceback or []))
        info["traceback"] = "\n".join(tb.splitlines()[-25:])
    info["notebook"] = stem
    return info


def format_failure(result: RunResult, executions_dir: Path) -> str:
    """The message printed when a notebook fails: notebook, cell, its source, the error, and how to resume."""
    stem = result.failed
    if stem is None:
        return ""
    err = result.notebooks[stem].error or {}
    lines = [f"being-kit pipeline: {stem} failed"]
    if "cell_index" in err:
        lines[0] += f" in cell #{err['cell_index']} (In [{err['execution_count']}])"
        src = err.get("source", "").splitlines()
        lines += ["  cell source:"] + [f"    {s}" for s in src[:12]] + (["    ..."] if len(src) > 12 else [])
    if err.get("traceback"):
        lines += ["  traceback (end):"] + [f"    {s}" for s in err["traceback"].splitlines()]
    else:
        lines.append(f"  {err.get('ename')}: {err.get('evalue')}")
    lines.append(f"  executed copy kept: {result.run_dir / (stem + '.ipynb')}")
    where = "" if Path(executions_dir) == Path("executions") else f" --executions-dir {executions_dir}"
    lines.append(f"  resume with: python -m being_kit.pipeline --resume {result.id}{where}")
    return "\n".join(lines)


def append_index(executions_dir: Path, entry: dict[str, Any]) -> None:
    """Append one JSON line to `executions/index.jsonl` in a single locked write (runs may finish concurrently)."""
    line = json.dumps(entry, allow_nan=False, separators=(",", ":")) + "\n"
    with open(executions_dir / INDEX_FILE, "a", encoding="utf-8") as f:
        try:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX)
        except (ImportError, OSError):  # no flock (Windows, some network file systems): one write is still whole
            pass
        f.write(line)
        f.flush()


def _merge_figures(run_dir: Path, stems: Sequence[str]) -> dict[str, Any]:
    """All notebooks' metrics in one flat dict; a name a previous notebook already used becomes `NN_name.key`."""
    figures: dict[str, Any] = {}
    for stem in stems:
        for key, value in (read_metrics(run_dir, stem) or {}).items():
            figures[f"{stem}.{key}" if key in figures else key] = value
    return figures


class _Progress:
    """Progress over notebooks. On a terminal: a tqdm bar naming the current notebook, its elapsed time ticking
    every second. In a log file (batch jobs, CI): one plain line as each notebook starts and ends, no bar redraws."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.count, self.enabled = total, 0, enabled
        self._stem, self._t0 = "", time.perf_counter()
        self.tty = enabled and sys.stderr.isatty()
        self.bar = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=sys.stderr, dynamic_ncols=True, disable=False,
                            bar_format="{desc} | {n_fmt}/{total_fmt} notebooks |{bar}| {elapsed} in all")
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self.bar.set_description_str(f"{self._stem} {time.perf_counter() - self._t0:.0f}s", refresh=True)

    def start(self, stem: str) -> None:
        self._stem, self._t0 = stem, time.perf_counter()
        if self.bar is not None:
            self.bar.set_description_str(f"{stem} 0s", refresh=True)
        elif self.enabled:
            print(f"[{self.count + 1}/{self.total}] {stem} ...", file=sys.stderr, flush=True)

    def note(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        elif self.enabled:
            print(line, file=sys.stderr, flush=True)

    def done(self, line: str) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
            self.bar.update(1)
        elif self.enabled:
            print(f"[{self.count}/{self.total}] {line}", file=sys.stderr, flush=True)

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.bar is not None:
            self.bar.close()


@dataclass
class RunPlan:
    """What `resolve_run` decided: the run's record (parameters per notebook), its folder, the notebooks to run,
    those to link from `source_dir` (a branch) and the earlier attempt's run.json (a resume)."""

    result: RunResult
    run_dir: Path
    executions_dir: Path
    selected: list[Path]
    earlier: list[Path] = field(default_factory=list)
    source_dir: Path | None = None
    previous: dict[str, Any] = field(default_factory=dict)


def resolve_run(profile: str | None = None, *, run_id: str | None = None, resume: str | None = None,
                only: Sequence[str] | None = None, notebooks_dir: str | os.PathLike = "notebooks",
                executions_dir: str | os.PathLike = "executions", profiles_dir: str | os.PathLike = "profiles",
                branch_from: str | None = None, overrides: Sequence[str] | None = None) -> RunPlan:
    """Everything that can be refused before a notebook runs: the notebooks and their files, the profile and its
    overrides against every parameters cell, the run folder (new, resumed or branched), every selected notebook's
    declared inputs. Raises PipelineError / ProfileError; writes nothing."""
    executions_dir = Path(executions_dir).resolve()
    paths = discover_notebooks(notebooks_dir)
    selected = select_notebooks(paths, only)
    for p in paths:
        notebook_metadata(p)  # every file is a notebook with well-formed metadata

    previous: dict[str, Any] = {}
    if resume:
        run_dir = executions_dir / resume
        if not run_dir.is_dir():
            raise PipelineError(f"--resume {resume!r}: no run folder {run_dir}")
        if run_id and run_id != resume:
            raise PipelineError("give --run-id or --resume, not both")
        try:
            previous = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        old_profile = previous.get("profile") or resume.rsplit("-", 1)[-1]
        if profile and profile != old_profile and Path(profile).stem != old_profile:
            raise PipelineError(f"--resume {resume!r} ran with profile {old_profile!r}, not {profile!r}")
        old_file = previous.get("profile_file")
        profile = profile or (old_file if old_file and Path(old_file).is_file() else old_profile)
        run_id = resume
        if branch_from:
            raise PipelineError("give --from with a new run, not with --resume (a resumed run keeps its links)")
        if overrides is None:
            overrides = previous.get("overrides") or []
    if not profile:
        raise PipelineError("--profile is required (tiny, cpu, a800, or a path to a .toml file)")

    overrides = list(overrides or [])
    prof = apply_overrides(load_profile(profile, profiles_dir), overrides, [p.stem for p in paths])
    params = resolve_parameters(prof, {p.stem: notebook_parameters(p) for p in paths})
    earlier: list[Path] = []
    source_dir = None
    if branch_from:
        source_dir = executions_dir / branch_from
        if not source_dir.is_dir():
            raise PipelineError(f"--from {branch_from!r}: no run folder {source_dir}")
        earlier = [p for p in paths if p.stem[:2] < selected[0].stem[:2]]
        if not earlier:
            raise PipelineError(f"--from {branch_from!r}: nothing to reuse before {selected[0].stem}; choose the "
                                "notebooks to run again with --only (e.g. --only 03,04)")
    if not resume:
        if run_id is None:
            run_id = new_run_id(prof.name, executions_dir)
        elif not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", run_id):
            raise PipelineError(f"--run-id {run_id!r}: use letters, digits, '-', '_' and '.' only")
        elif (executions_dir / run_id).exists():
            raise PipelineError(f"--run-id {run_id!r}: {executions_dir / run_id} exists; use --resume {run_id} to continue it")
        run_dir = executions_dir / run_id

    commit, dirty = git_state(Path(notebooks_dir))
    result = RunResult(id=run_id, profile=prof.name, profile_file=str(prof.path.resolve()), run_dir=run_dir,
                       git_commit=commit, git_dirty=dirty, kernel=pick_kernel(), started=_now(), resumed=bool(resume),
                       branched_from=branch_from or previous.get("branched_from"), overrides=overrides)
    for stem, old in previous.get("notebooks", {}).items():  # a branched run keeps its links on resume
        if old.get("status") == "linked":
            result.notebooks[stem] = NotebookResult(status="linked", duration_s=old.get("duration_s"),
                                                    parameters=old.get("parameters") or {})
    selected = [p for p in selected if p.stem not in result.notebooks]
    for p in selected:
        links = [o for o in notebook_outputs(p) if (run_dir / o).is_symlink()]
        if links:
            raise PipelineError(f"{p.stem} writes {links}, which are links into another run in {run_dir}; it cannot "
                                "run here (branch a new run from an earlier notebook: --from with --only)")
    unmet = unmet_inputs(selected, run_dir, produced=earlier)
    if unmet:
        raise PipelineError("no earlier notebook of this run writes what these read (metadata being_kit.inputs): "
                            + "; ".join(f"{stem} needs {names}" for stem, names in unmet.items())
                            + " (run the notebooks that write them, or branch from a run that has them: --from)")
    for p in selected:
        result.notebooks[p.stem] = NotebookResult(
            parameters={**params[p.stem], "run_dir": str(run_dir), "profile": prof.name})
    return RunPlan(result=result, run_dir=run_dir, executions_dir=executions_dir, selected=selected, earlier=earlier,
                   source_dir=source_dir, previous=previous)


def check_writable(plan: RunPlan) -> None:
    """PipelineError naming the folder when the run cannot write its folder (a resumed run on a read-only copy, an
    executions folder without permission), before anything runs."""
    folder = plan.run_dir if plan.run_dir.exists() else plan.executions_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK) or (plan.run_dir.exists() and not os.access(plan.run_dir, os.W_OK)):
        raise PipelineError(f"{folder}: not writable, so run {plan.result.id!r} cannot record anything there; make it "
                            "writable or choose another --executions-dir")


def link_branch(plan: RunPlan) -> None:
    """A branched run: link the earlier notebooks' outputs from the source run (their records come first)."""
    if plan.earlier:
        linked = link_earlier_notebooks(plan.source_dir, plan.run_dir, plan.earlier)
        plan.result.notebooks = {**linked, **plan.result.notebooks}


def _run_one(plan: RunPlan, p: Path, nb: NotebookResult, *, log_output: bool) -> None:
    """Execute one notebook into the run folder; its declared inputs must exist, and afterwards its metrics file
    with every required figure. A failure is recorded in `nb`, not raised (KeyboardInterrupt is)."""
    import papermill

    run_dir, meta = plan.run_dir, notebook_metadata(p)
    t0 = time.perf_counter()
    try:
        missing = [i for i in meta.inputs if not (run_dir / i).exists()]
        if missing:
            raise PipelineError(f"{p.stem} reads {missing} (metadata being_kit.inputs), which no earlier notebook "
                                f"wrote into {run_dir}; it was not run")
        papermill.execute_notebook(
            str(p), str(run_dir / p.name), parameters=nb.parameters, kernel_name=plan.result.kernel,
            progress_bar=False, log_output=log_output, cwd=str(run_dir),
            stdout_file=sys.stdout if log_output else None, stderr_file=sys.stderr if log_output else None,
            extra_arguments=KERNEL_ARGS, shutdown_kernel="immediate",
        )
        figures = read_metrics(run_dir, p.stem)
        if figures is None:
            raise PipelineError(f"{p.name} ran but wrote no {p.stem}{METRICS_SUFFIX}; its last cell must call "
                                f"being_kit.pipeline.record_metrics(run_dir, {p.stem!r}, {{...}})")
        absent = [k for k in meta.required if k not in figures]
        if absent:
            raise PipelineError(f"{p.name} ran but did not record the figures its metadata requires: {absent} "
                                f"(being_kit.required; in {p.stem}{METRICS_SUFFIX})")
        nb.status = "ok"
    except KeyboardInterrupt:
        nb.status, nb.duration_s = "interrupted", round(time.perf_counter() - t0, 3)
        raise
    except Exception as err:  # PapermillExecutionError, a dead kernel, a timeout, no metrics: this notebook failed
        nb.status, nb.error = "failed", _error_info(err, p.stem)
    nb.duration_s = round(time.perf_counter() - t0, 3)


def execute_notebooks(plan: RunPlan, *, log_output: bool = False, progress: bool = True) -> None:
    """Run the selected notebooks in order (on resume, reuse those that succeeded with the same parameters), stopping
    at the first that fails; run.json is rewritten after each. Sets the result's status."""
    import logging

    result, run_dir, previous = plan.result, plan.run_dir, plan.previous
    run_dir.mkdir(parents=True, exist_ok=True)
    added_env = [k for k in KERNEL_ENV if k not in os.environ]
    os.environ.update({k: KERNEL_ENV[k] for k in added_env})  # kernels inherit this process's environment
    logging.getLogger("papermill").setLevel(logging.WARNING)
    bar = _Progress(len(plan.selected), enabled=progress)
    if plan.earlier:
        bar.note(f"linked from {result.branched_from}: " + ", ".join(p.stem for p in plan.earlier))
    rerun = False  # once one notebook reruns, every later one reruns too (its inputs may have changed)
    try:
        for p in plan.selected:
            nb = result.notebooks[p.stem]
            before = previous.get("notebooks", {}).get(p.stem) or {}
            same = before.get("parameters", nb.parameters) == nb.parameters  # the profile may have been edited
            if result.resumed and not rerun and same and executed_ok(run_dir, p.stem):
                nb.status, nb.duration_s = "reused", before.get("duration_s")
                bar.done(f"{p.stem}: reused from the earlier attempt")
                continue
            if result.resumed and not rerun and not same:
                bar.note(f"{p.stem}: parameters changed since the earlier attempt; rerunning from here")
            rerun = True
            kept = keep_earlier_copy(run_dir, p.stem)
            if kept is not None:
                bar.note(f"{p.stem}: the earlier attempt's executed copy is kept as {kept.name}")
            bar.start(p.stem)
            metrics_path(run_dir, p.stem).unlink(missing_ok=True)  # a stale file must not pass for this attempt
            _run_one(plan, p, nb, log_output=log_output)
            bar.done(f"{p.stem}: {nb.status} in {nb.duration_s:.1f} s")
            if nb.status == "failed":
                break
            write_json_atomic(run_dir / RUN_FILE, result.to_json())  # progress on disk while the run goes on
        result.status = "failed" if result.failed else "ok"
    except KeyboardInterrupt:
        result.status = "interrupted"
        raise
    finally:
        for key in added_env:
            os.environ.pop(key, None)
        bar.close()


def record_run(plan: RunPlan, duration_s: float) -> None:
    """Close the run's record: end time, duration, the figures of every notebook that succeeded, run.json and the
    line in executions/index.jsonl."""
    result = plan.result
    if result.status == "running":  # an error in the runner itself
        result.status = "failed"
    result.ended = _now()
    result.duration_s = round(duration_s, 3)
    result.figures = _merge_figures(plan.run_dir, [s for s, nb in result.notebooks.items()
                                                   if nb.status in ("ok", "reused", "linked")])
    write_json_atomic(plan.run_dir / RUN_FILE, result.to_json())
    append_index(plan.executions_dir, result.to_json(with_parameters=False))


def run_pipeline(
    profile: str | None = None,
    *,
    run_id: str | None = None,
    resume: str | None = None,
    only: Sequence[str] | None = None,
    notebooks_dir: str | os.PathLike = "notebooks",
    executions_dir: str | os.PathLike = "executions",
    profiles_dir: str | os.PathLike = "profiles",
    log_output: bool = False,
    progress: bool = True,
    dry_run: bool = False,
    branch_from: str | None = None,
    overrides: Sequence[str] | None = None,
) -> RunResult:
    """Run the numbered notebooks with a profile's parameters; returns the run's record (also in run.json).

    resume: the id of an earlier run; its profile is reused, notebooks that succeeded are kept, and the run goes on
    from the first that did not. Raises PipelineError / ProfileError before running anything when the set-up is
    wrong; a failing notebook does not raise: the result's status is "failed" and `format_failure` describes it.
    branch_from: the id of a finished run; the new run links that run's notebooks before the first selected one
    (see the module docstring). overrides: `SECTION.NAME=VALUE` items over the profile (`apply_overrides`); on
    resume, the run's own unless given.
    """
    plan = resolve_run(profile, run_id=run_id, resume=resume, only=only, notebooks_dir=notebooks_dir,
                       executions_dir=executions_dir, profiles_dir=profiles_dir, branch_from=branch_from,
                       overrides=overrides)
    if dry_run:
        return plan.result
    check_writable(plan)
    link_branch(plan)
    t_run = time.perf_counter()
    failure: BaseException | None = None
    try:
        execute_notebooks(plan, log_output=log_output, progress=progress)
    except BaseException as e:
        failure = e
        raise
    finally:
        try:
            record_run(plan, time.perf_counter() - t_run)
        except OSError as e:  # do not hide the error that stopped the run behind one about recording it
            if failure is None:
                raise
            print(f"being-kit pipeline: could not record the run in {plan.run_dir}: {e}", file=sys.stderr)
    return plan.result


__all__ = ["INJECTED", "PipelineError", "ProfileError", "RunResult", "NotebookResult", "RunPlan", "run_pipeline",
           "resolve_run", "check_writable", "link_branch", "execute_notebooks", "record_run", "discover_notebooks",
           "select_notebooks", "format_failure", "executed_ok"]
