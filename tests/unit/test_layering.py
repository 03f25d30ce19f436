"""being_kit's layers only point down: base <- motion <- data <- tokenizer <- eval <- lm <- viz, where base is the
package root's modules (atomic_dirs, config, model_files, launcher) and the training runtime; pipeline and bench may
use any. Every import in every module, at the top or inside a function, is checked."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "being_kit"
LAYERS = ("base", "motion", "data", "tokenizer", "eval", "lm", "viz")
RANK = {name: i for i, name in enumerate(LAYERS)}
BASE_PACKAGES = ("training",)


def layer_of(name: str) -> str:
    """The layer of a top-level name of the package: a folder's own, or base for root modules and the runtime."""
    return "base" if name in BASE_PACKAGES or name.endswith(".py") or name in ROOT_MODULES else name


ROOT_MODULES = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def imported_layers(path: Path) -> list[tuple[str, int]]:
    """(top-level being_kit package, line) of each import in `path`."""
    parts = path.relative_to(PACKAGE).parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: climb from this module's package
                base = list(parts[:-1])[: len(parts) - node.level]
                target = base + (node.module.split(".") if node.module else [])
                if not target and node.module is None:  # `from .. import x`: x is the package
                    target = [a.name for a in node.names]
                found += [(target[0], node.lineno)] if target else []
            elif node.module and node.module.split(".")[0] == "being_kit" and "." in node.module:
                found.append((node.module.split(".")[1], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name.split(".")[1], node.lineno) for a in node.names
                      if a.name.startswith("being_kit.")]
    return found


def test_no_layer_imports_one_above_it():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = layer_of(path.relative_to(PACKAGE).parts[0])
        if layer not in RANK or path.name == "__init__.py" and path.parent == PACKAGE:
            continue
        for target, line in imported_layers(path):
            target = layer_of(target)
            if target in RANK and RANK[target] > RANK[layer]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({layer} imports {target})")
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_the_walker_sees_relative_absolute_and_nested_imports(tmp_path):
    probe = PACKAGE / "eval" / "_layering_probe.py"
    probe.write_text("from ..lm import MotionLM\nimport being_kit.viz.charts\n\ndef f():\n    from being_kit.data import x\n")
    try:
        assert sorted(imported_layers(probe)) == [("data", 5), ("lm", 1), ("viz", 2)]
    finally:
        probe.unlink()


def test_the_base_layer_is_the_root_modules_and_the_runtime():
    assert {"atomic_dirs", "config", "model_files", "launcher"} <= ROOT_MODULES
    assert layer_of("training") == layer_of("atomic_dirs") == layer_of("config.py") == "base"
    assert layer_of("tokenizer") == "tokenizer" and layer_of("pipeline") == "pipeline"
