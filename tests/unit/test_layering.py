"""being_kit's layers only point down: motion <- data <- tokenizer <- eval <- lm <- viz (pipeline, bench and the
top-level helpers may use any). Every import in every module, at the top or inside a function, is checked."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "being_kit"
LAYERS = ("motion", "data", "tokenizer", "eval", "lm", "viz")
RANK = {name: i for i, name in enumerate(LAYERS)}


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
        layer = path.relative_to(PACKAGE).parts[0]
        if layer not in RANK:
            continue
        for target, line in imported_layers(path):
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
