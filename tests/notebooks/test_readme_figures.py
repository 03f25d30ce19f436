"""The README's "Reading your results" table names every figure a run records, so it cannot silently fall behind.

Each row's first column holds figure names in backticks, with `*` for any text and `<q>` for a quantizer; its second
column the notebook that writes them. Every key of every `NN_name.metrics.json` of the tiny run must match a row of
its own notebook.
"""
from __future__ import annotations

import json
import re

import harness

README = harness.ROOT / "README.md"


def figure_rows() -> list[tuple[str, re.Pattern]]:
    """(notebook number, pattern) for every name in the first column of the README's figure table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Reading your results", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"\d\d", cells[1]):
            continue
        for name in re.findall(r"`([^`\s]+)`", cells[0]):
            pattern = re.escape(name).replace(r"\*", ".*").replace("<q>", "[a-z0-9]+")
            rows.append((cells[1], re.compile(pattern)))
    return rows


def test_the_table_is_found():
    rows = figure_rows()
    assert len(rows) > 40 and {nb for nb, _ in rows} == {"01", "02", "03", "04", "05"}, len(rows)


def test_every_recorded_figure_has_a_row_of_its_notebook(tiny_run):
    rows = figure_rows()
    missing = {}
    files = sorted(tiny_run.run_dir.glob("[0-9][0-9]_*.metrics.json"))
    assert files, "the tiny run recorded no metrics"
    for path in files:
        number = path.name[:2]
        for key in json.loads(path.read_text(encoding="utf-8")):
            if not any(nb == number and p.fullmatch(key) for nb, p in rows):
                missing.setdefault(path.name, []).append(key)
    assert missing == {}, f"figures missing from README.md's 'Reading your results' table: {missing}"
