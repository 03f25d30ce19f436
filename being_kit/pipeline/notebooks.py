"""The numbered notebooks as the runner reads them: which exist, their parameters, and what their metadata declares.

Each notebook's metadata `being_kit` object says what it hands over through the run folder and what it must record:

    "inputs":           run-folder entries it reads, written by an earlier notebook (checked before it runs)
    "optional_inputs":  entries it reads when they are there (05 scores a language model only if 03 trained one)
    "outputs":          entries it writes (what `--from` links; required)
    "optional_outputs": outputs only some settings write (03's cache/ for a converted pretrained base)
    "required":         figures every run of it records, whatever its parameters (checked after it runs)
    "headline":         the few figures of the pipeline's closing summary
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .metrics import NOTEBOOK_NAME


class PipelineError(RuntimeError):
    """The run cannot start: missing folders, bad selection, a notebook file it cannot use (not JSON, a bad
    parameters cell, malformed metadata), a profile that does not fit (exit code 2)."""


@dataclass(frozen=True)
class NotebookMeta:
    """A notebook's metadata `being_kit` (see the module docstring)."""

    outputs: list[str]
    inputs: list[str] = field(default_factory=list)
    optional_inputs: list[str] = field(default_factory=list)
    optional_outputs: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    headline: list[str] = field(default_factory=list)


def read_notebook(path: str | os.PathLike) -> dict:
    """A notebook file's JSON; PipelineError naming the file when it is not a notebook (a cut or hand-edited file)."""
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise PipelineError(f"{path}: not a notebook (not JSON: {type(e).__name__}: {e}); restore it, e.g. "
                            f"git checkout -- {path}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise PipelineError(f"{path}: not a notebook (expected a JSON object with a 'cells' list); restore it")
    return nb


def _names(path: Path, meta: dict, key: str, entries: bool) -> list[str]:
    value = meta.get(key, [])
    ok = isinstance(value, list) and all(isinstance(v, str) and v and not (entries and "/" in v) for v in value)
    if not ok:
        what = "folder or file names of the run folder" if entries else "metric names"
        raise PipelineError(f"{path}: metadata being_kit.{key} must be a list of {what}, got {value!r}")
    return list(value)


def notebook_metadata(path: str | os.PathLike, strict: bool = False) -> NotebookMeta:
    """The metadata `being_kit` of a notebook. strict: a missing `outputs` list is an error (numbered notebooks of
    the project must declare what they write); otherwise it reads as empty."""
    path = Path(path)
    meta = read_notebook(path).get("metadata", {}).get("being_kit", {})
    if not isinstance(meta, dict):
        raise PipelineError(f"{path}: metadata being_kit must be an object")
    if strict and "outputs" not in meta:
        raise PipelineError(f"{path}: metadata being_kit.outputs is missing (the run-folder entries it writes)")
    return NotebookMeta(
        outputs=_names(path, meta, "outputs", True), inputs=_names(path, meta, "inputs", True),
        optional_inputs=_names(path, meta, "optional_inputs", True),
        optional_outputs=_names(path, meta, "optional_outputs", True), required=_names(path, meta, "required", False),
        headline=_names(path, meta, "headline", False))


def notebook_headline(path: Path) -> list[str]:
    """The figures a notebook puts in the pipeline's closing summary (empty when undeclared: the summary then shows
    its first few figures)."""
    return notebook_metadata(path).headline


def notebook_outputs(path: Path) -> list[str]:
    """The run-folder entries a notebook writes, from its metadata `being_kit.outputs` (empty when undeclared)."""
    return notebook_metadata(path).outputs


def discover_notebooks(notebooks_dir: str | os.PathLike) -> list[Path]:
    """The numbered notebooks `NN_name.ipynb` of a folder, in order; two-digit numbers must be unique."""
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        raise PipelineError(f"notebooks_dir {str(folder)!r} is not a folder")
    paths = sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.match(p.stem))
    seen: dict[str, str] = {}
    for p in paths:
        if p.stem[:2] in seen:
            raise PipelineError(f"{folder}: notebooks {seen[p.stem[:2]]} and {p.name} share the number {p.stem[:2]}")
        seen[p.stem[:2]] = p.name
    if not paths:
        raise PipelineError(f"{folder}: no notebooks named NN_name.ipynb")
    return paths


def select_notebooks(paths: Sequence[Path], only: Sequence[str] | None) -> list[Path]:
    """Keep the notebooks named in `only` ("01", "01_data"); all of them when `only` is empty."""
    if not only:
        return list(paths)
    chosen = []
    for want in only:
        match = [p for p in paths if p.stem == want or p.stem[:2] == want]
        if not match:
            raise PipelineError(f"--only {want!r}: no such notebook (have {[p.stem for p in paths]})")
        chosen.extend(m for m in match if m not in chosen)
    return sorted(chosen)


def _assigned_names(path: Path) -> list[str]:
    """Names assigned at top level of the cell tagged `parameters`, read with `ast` (what Python sees)."""
    import ast

    for cell in read_notebook(path).get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            try:
                tree = ast.parse(source)
            except SyntaxError as e:
                raise PipelineError(f"{path}: the parameters cell is not valid Python: {e}") from e
            return [t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)]
    return []


def notebook_parameters(path: Path) -> dict[str, str | None]:
    """Names defined by a notebook's `parameters` cell -> the default's source text (papermill.inspect_notebook).

    Papermill skips a line it cannot parse (it logs "Unable to parse line"; e.g. an '=' inside the comment), which
    would make that parameter look unknown; such a line is an error here, naming the parameter.
    """
    import papermill

    assigned = _assigned_names(path)  # first: names the file when it is not a notebook (papermill would not)
    found = {name: spec.get("default") for name, spec in papermill.inspect_notebook(str(path)).items()}
    missed = [name for name in assigned if name not in found]
    if missed:
        raise PipelineError(f"{path}: papermill cannot parse the parameters cell's lines for {missed}; keep each to "
                            "`name = literal  # comment` with no '=' in the comment")
    return found


def unmet_inputs(paths: Sequence[Path], run_dir: Path, produced: Sequence[Path] = ()) -> dict[str, list[str]]:
    """stem -> the declared inputs of each of `paths` that neither exist in `run_dir` nor are outputs of an earlier
    notebook among `produced` + `paths` (those run, or are linked, before it)."""
    made = {o for p in produced for o in notebook_metadata(p).outputs}
    unmet = {}
    for p in paths:
        meta = notebook_metadata(p)
        missing = [i for i in meta.inputs if i not in made and not (run_dir / i).exists()]
        if missing:
            unmet[p.stem] = missing
        made |= set(meta.outputs)
    return unmet
