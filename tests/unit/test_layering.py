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


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, modules: set[str]) -> set[str]:
    """being_kit modules (not packages' __init__) that `path` imports, at the top or inside a function."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found |= {target} | {f"{target}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found & modules if m != name}


def import_circles() -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (packages' __init__ re-exports aside)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    graph = {m: _imported_modules(p, set(files)) for m, p in files.items()}
    reach = {m: set() for m in graph}
    for start in graph:  # modules reachable from each module (small graph: a walk from every node)
        todo = list(graph[start])
        while todo:
            m = todo.pop()
            if m not in reach[start]:
                reach[start].add(m)
                todo += graph[m]
    circles = {frozenset({m} | {n for n in reach[m] if m in reach[n]}) for m in graph if m in reach[m]}
    return sorted(sorted(c) for c in circles)


def test_no_import_circles():
    """Two modules that import each other (even inside a function) are one module split in two, or need a third."""
    assert import_circles() == []


def test_the_circle_finder_sees_a_circle_through_a_function_import():
    probe_a, probe_b = PACKAGE / "motion" / "_circle_probe_a.py", PACKAGE / "motion" / "_circle_probe_b.py"
    probe_a.write_text("from ._circle_probe_b import g\n")
    probe_b.write_text("def g():\n    from . import _circle_probe_a\n")
    try:
        assert ["being_kit.motion._circle_probe_a", "being_kit.motion._circle_probe_b"] in import_circles()
    finally:
        probe_a.unlink()
        probe_b.unlink()
