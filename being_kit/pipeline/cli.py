"""`python -m being_kit.pipeline` / `being-kit-pipeline`: the command line over `run_pipeline`.

Exit codes: 0 every notebook succeeded; 1 a notebook failed (its error is printed, what ran is kept);
2 the run could not start (bad profile, unknown parameter, missing folder); 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _skip_slow_imports() -> None:
    """Skip `rfc3987_syntax` (about 1.5-3 s to import; jsonschema only uses it for 'iri' formats nbformat never checks).

    jsonschema imports it inside `suppress(ImportError)`, so marking it missing is safe; only done in the CLI
    process, and only when nothing has imported it yet.
    """
    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m being_kit.pipeline",
        description="Run notebooks/NN_*.ipynb in order through papermill into executions/<run-id>/.",
    )
    p.add_argument("--profile", help="tiny | cpu | gpu | a800 (profiles/<name>.toml), or a path to a .toml file "
                                     "(default on --resume: the run's own)")
    p.add_argument("--run-id", help="name of the run folder (default <YYYYmmdd-HHMMSS>-<profile>)")
    p.add_argument("--resume", metavar="RUN_ID", help="continue a run from its first notebook that did not succeed")
    p.add_argument("--only", help="comma-separated notebook numbers or names to run, e.g. 01,02")
    p.add_argument("--from", dest="branch_from", metavar="RUN_ID",
                   help="new run reusing RUN_ID's notebooks before the first one in --only (links to their outputs)")
    p.add_argument("--set", dest="overrides", action="append", metavar="SECTION.NAME=VALUE",
                   help="override a profile value, e.g. --set 03_train_lm.base_model=smollm2 --set 03.lr=1e-3 "
                        "(repeatable; SECTION is common, a notebook stem or its number; VALUE is TOML or text)")
    p.add_argument("--notebooks-dir", default="notebooks")
    p.add_argument("--executions-dir", default="executions")
    p.add_argument("--profiles-dir", default="profiles")
    p.add_argument("--log-output", action="store_true", help="stream the notebooks' cell output to this terminal")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--dry-run", action="store_true", help="check the profile and print each notebook's parameters")
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the outcome; returns the exit code (the console script exits with it)."""
    args = build_parser().parse_args(argv)
    _skip_slow_imports()
    from .profiles import ProfileError
    from .runner import PipelineError, format_failure, run_pipeline

    only = [s.strip() for s in args.only.split(",") if s.strip()] if args.only else None
    try:
        result = run_pipeline(
            args.profile, run_id=args.run_id, resume=args.resume, only=only, notebooks_dir=args.notebooks_dir,
            executions_dir=args.executions_dir, profiles_dir=args.profiles_dir, log_output=args.log_output,
            progress=not args.no_progress, dry_run=args.dry_run, branch_from=args.branch_from,
            overrides=args.overrides,
        )
    except (PipelineError, ProfileError) as err:
        print(f"being-kit pipeline: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("being-kit pipeline: interrupted; resume with --resume <run-id>", file=sys.stderr)
        return 130
    if args.dry_run:
        if args.branch_from:
            print(f"run {result.id} would link the notebooks before {next(iter(result.notebooks))} from "
                  f"{args.branch_from}")
        print(f"run {result.id} (profile {result.profile}, kernel {result.kernel}) would run:")
        for stem, nb in result.notebooks.items():
            print(f"  {stem}: {json.dumps(nb.parameters)}")
        return 0
    if result.status != "ok":
        print(format_failure(result, Path(args.executions_dir)), file=sys.stderr)
        return 1
    print(f"being-kit pipeline: run {result.id} ok in {result.duration_s:.1f} s -> {result.run_dir}")
    print(headline_summary(result.run_dir, Path(args.notebooks_dir)))
    return 0


HEADLINE_DEFAULT = 4  # figures shown for a notebook that declares no headline


def headline_summary(run_dir: Path, notebooks_dir: Path) -> str:
    """A few key figures per notebook (its metadata `being_kit.headline`), where the rest are, and which evaluator
    a FID comes from."""
    from .metrics import format_figure
    from .runner import notebook_headline

    lines = []
    for nb in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        metrics_file = run_dir / f"{nb.stem}.metrics.json"
        if not metrics_file.is_file():
            continue
        metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
        keys = notebook_headline(nb) or list(metrics)[:HEADLINE_DEFAULT]
        shown = [f"{k} {format_figure(metrics[k])}" for k in keys if k in metrics]
        lines.append(f"  {nb.stem}: " + (", ".join(shown) if shown else "(no figures)"))
        if metrics.get("evaluator") == "builtin" and any(k.startswith("fid") for k in metrics):
            lines.append("    (FID and R-Precision from evaluator B, trained on this run's corpus: they compare runs "
                         "with each other, not with published HumanML3D figures, which need evaluator = \"guo\")")
        elif metrics.get("evaluator") == "guo" and any(k.startswith("fid") for k in metrics):
            lines.append("    (FID and R-Precision from evaluator A, the published HumanML3D evaluator: comparable "
                         "with published figures when this run's corpus is HumanML3D itself)")
    lines.append(f"  every figure: {run_dir}/NN_name.metrics.json, and one line per run in executions/index.jsonl")
    return "\n".join(lines)
