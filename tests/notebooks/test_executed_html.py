"""The tiny run's executed notebooks as a reader gets them: exported to HTML (nbconvert), with nothing broken in them.

What a person opening `executions/<run-id>/NN_name.html` must not see: terminal colour codes, progress bars frozen at
their first frame ('0%|'), PNG bytes printed as text instead of a picture, a warning printed once per training process;
and what they must see: the animated GIF of every motion shown where the notebook writes an animations folder.
"""
from __future__ import annotations

import collections
import re

import pytest

import harness

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture(scope="module")
def html_pages(tiny_run) -> dict[str, str]:
    """stem -> the executed copy exported with nbconvert's HTMLExporter (the classic "lab" template)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    pages = {}
    for stem, nb in tiny_run.notebooks.items():
        if nb.status == "ok":
            pages[stem], _ = exporter.from_filename(str(tiny_run.run_dir / f"{stem}.ipynb"))
    if not pages:
        pytest.fail("the tiny run executed no notebook (test_every_notebook_ran_ok says why)", pytrace=False)
    return pages


def _stream_lines(tiny_run, stem: str) -> list[str]:
    return [line.strip() for c in harness.executed_cells(tiny_run, stem) for o in c.get("outputs", [])
            if o["output_type"] == "stream" for line in "".join(o["text"]).splitlines() if line.strip()]


def _texts(tiny_run, stem: str) -> str:
    """Every text an output holds (streams, text/plain, text/html), as stored in the executed copy."""
    out = []
    for c in harness.executed_cells(tiny_run, stem):
        for o in c.get("outputs", []):
            out.append("".join(o.get("text", "")))
            for key in ("text/plain", "text/html", "text/markdown"):
                out.append("".join(o.get("data", {}).get(key, "")))
    return "\n".join(out)


def test_no_terminal_codes_progress_bars_or_png_bytes(tiny_run, html_pages):
    for stem, page in html_pages.items():
        texts = _texts(tiny_run, stem)
        assert not ANSI.search(texts) and "\x1b" not in page, f"{stem}: terminal colour codes in the output"
        bars = [line for line in (texts + page).splitlines() if "%|" in line]
        assert bars == [], f"{stem}: progress bars in the executed copy: {bars[:3]}"
        assert "\\x89PNG" not in page and "\\x89PNG" not in texts, f"{stem}: PNG bytes printed as text"
        assert "<img" in page, f"{stem}: the HTML shows no picture"


def test_animations_are_embedded_where_a_notebook_writes_them(tiny_run, html_pages):
    """Each notebook that declares a `<stem>_animations` folder shows its GIFs inline (an optional folder only when
    the run wrote it: 03's samples and 05's best and worst need a model that produced motions)."""
    checked = []
    for stem, page in html_pages.items():
        want = harness.declared(stem)
        for folder in [o for o in want["outputs"] if o.endswith("_animations")]:
            written = sorted((tiny_run.run_dir / folder).glob("*.gif"))
            if folder in want["optional"] and not written:
                continue
            assert written, f"{stem}: declares {folder}/ but wrote no GIF there"
            shown = page.count("data:image/gif;base64,")
            assert shown >= len(written), f"{stem}: {len(written)} GIFs in {folder}/, {shown} embedded in the HTML"
            checked.append(stem)
    assert {"01_data", "02_tokenizer", "04_generate"} <= set(checked), checked
    assert {"03_train_lm", "05_evaluate"} <= set(checked), f"03/05 wrote no animation in the tiny run: {checked}"


def test_no_output_line_is_printed_twice(tiny_run, html_pages):
    """A line printed twice is a warning from every training process, or a bar redrawn: neither tells anything."""
    for stem in html_pages:
        counts = collections.Counter(_stream_lines(tiny_run, stem))
        assert {k: v for k, v in counts.items() if v > 1} == {}, stem


def _significant_digits(cell: str) -> int:
    """Digits after the leading zeros of a plain decimal ('0.006052' -> 4); 0 for anything else."""
    match = re.fullmatch(r"-?(\d+)\.(\d+)", cell.strip())
    if match is None:
        return 0
    return len((match[1] + match[2]).lstrip("0"))


def test_tables_show_integers_as_integers(tiny_run, html_pages):
    """pandas tables keep 4 significant digits and show counts without '.0' or six zeros."""
    for stem, page in html_pages.items():
        cells = re.findall(r"<td>([^<]*)</td>", page)
        long = [c for c in cells if _significant_digits(c) > 4]
        assert long == [], f"{stem}: table cells with more than 4 significant digits: {long[:5]}"
        integral = [c for c in cells if re.fullmatch(r"-?\d+\.0+", c.strip())]
        assert integral == [], f"{stem}: integers shown as floats: {integral[:5]}"
