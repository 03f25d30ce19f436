"""Charts that are not motions: histograms, bar charts, training curves, small tables as pictures.

Every function returns a `matplotlib.figure.Figure` built without pyplot's global state (nothing leaks between
calls, nothing is shown twice). In a notebook, ending a cell with the figure displays it as a PNG, so executed
copies read without a kernel; `figure_png` / `save_figure` give the same picture outside notebooks.
Motion pictures (skeletons, GIFs) live in `being_kit.viz.static`.
"""
from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

PANEL_SIZE = (4.8, 3.2)  # inches per panel; 100 dpi PNGs stay small in executed notebooks
TRAIN_LOG_SKIP = frozenset({"step", "epoch", "split", "time", "timestamp", "wall_s", "elapsed_s"})  # not curves


def _enable_png_display() -> None:
    """Let IPython show a pyplot-free Figure as a PNG (what the inline backend does for pyplot's own figures)."""
    try:
        from IPython import get_ipython

        if get_ipython() is None:
            return
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # no IPython / matplotlib-inline: figures still work, they just do not auto-display
        pass


_enable_png_display()


def new_figure(panels: int = 1, ncols: int | None = None, *, title: str | None = None) -> tuple[Figure, list[Axes]]:
    """A figure with `panels` axes on a grid of `ncols` columns (default: up to 3), flattened to a list."""
    if panels < 1:
        raise ValueError(f"panels must be >= 1, got {panels}")
    ncols = ncols or min(panels, 3)
    nrows = math.ceil(panels / ncols)
    fig = Figure(figsize=(PANEL_SIZE[0] * ncols, PANEL_SIZE[1] * nrows), layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel())
    for ax in axes[panels:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig, axes[:panels]


def _target(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, (ax,) = new_figure(1)
    return fig, ax


def histogram(
    values: Iterable[float], *, bins: int | Sequence[float] = 30, title: str = "", xlabel: str = "",
    ylabel: str = "count", log: bool = False, ax: Axes | None = None,
) -> Figure:
    """Histogram of `values` with its mean and median marked; draws into `ax` when given."""
    v = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    fig, ax = _target(ax)
    if v.size:
        ax.hist(v, bins=bins, color="#4c72b0", edgecolor="white", linewidth=0.5, log=log)
        for stat, style in ((v.mean(), "-"), (np.median(v), "--")):
            ax.axvline(stat, color="#c44e52", linestyle=style, linewidth=1)
        ax.text(0.98, 0.95, f"n={v.size}\nmean={v.mean():.3g}\nmedian={np.median(v):.3g}", transform=ax.transAxes,
                ha="right", va="top", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


def bar(
    labels: Sequence[str] | Mapping[str, float], values: Sequence[float] | None = None, *, title: str = "",
    xlabel: str = "", ylabel: str = "", horizontal: bool | None = None, sort: bool = False,
    value_format: str = "{:g}", ax: Axes | None = None,
) -> Figure:
    """Bar chart of labelled values (or of a mapping label -> value); horizontal by default past 8 labels."""
    if isinstance(labels, Mapping):
        if values is not None:
            raise ValueError("bar: give a mapping, or labels and values, not both")
        labels, values = list(labels.keys()), list(labels.values())
    labels = [str(x) for x in labels]
    vals = np.asarray(values if values is not None else [], dtype=np.float64)
    if len(labels) != len(vals):
        raise ValueError(f"bar: {len(labels)} labels but {len(vals)} values")
    if sort:
        order = np.argsort(-vals, kind="stable")
        labels, vals = [labels[i] for i in order], vals[order]
    horizontal = len(labels) > 8 if horizontal is None else horizontal
    if ax is None:
        fig, (ax,) = new_figure(1)
        if horizontal:
            fig.set_size_inches(PANEL_SIZE[0] * 1.3, max(PANEL_SIZE[1], 0.22 * len(labels) + 1))
    fig = ax.figure
    pos = np.arange(len(labels))
    if horizontal:
        bars = ax.barh(pos, vals, color="#4c72b0")
        ax.set_yticks(pos, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set(xlabel=ylabel or xlabel, title=title)
    else:
        bars = ax.bar(pos, vals, color="#4c72b0")
        ax.set_xticks(pos, labels, rotation=45 if max(map(len, labels), default=0) > 6 else 0, ha="right"
                      if max(map(len, labels), default=0) > 6 else "center", fontsize=8)
        ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if not labels:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center")
    elif len(labels) <= 40:
        ax.bar_label(bars, labels=[value_format.format(v) for v in vals], fontsize=7, padding=2)
    return fig


def value_counts(
    values: Iterable[int], *, title: str = "", xlabel: str = "", ylabel: str = "count", ax: Axes | None = None,
) -> Figure:
    """Bar chart of how often each integer value occurs (e.g. captions per motion), every value in range shown."""
    v = np.asarray(list(values) if not isinstance(values, np.ndarray) else values).ravel().astype(np.int64)
    lo, hi = (int(v.min()), int(v.max())) if v.size else (0, 0)
    counts = np.bincount(v - lo, minlength=hi - lo + 1) if v.size else np.zeros(1, dtype=np.int64)
    return bar([str(x) for x in range(lo, hi + 1)], counts, title=title, xlabel=xlabel, ylabel=ylabel,
               horizontal=False, ax=ax)


def read_training_log(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The records of a `train_log.jsonl` (one JSON object per logged step); a torn last line is skipped."""
    path = Path(path)
    if path.is_dir():
        path = path / "train_log.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"training log {str(path)!r} not found (training writes <out_dir>/train_log.jsonl)")
    records = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            if i == len(lines) - 1:  # still being written
                continue
            raise ValueError(f"{path}: line {i + 1} is not JSON: {line[:80]!r}") from None
        if not isinstance(rec, dict) or "step" not in rec:
            raise ValueError(f"{path}: line {i + 1} must be an object with a 'step', got {line[:80]!r}")
        records.append(rec)
    return records


def _ema(y: np.ndarray, alpha: float) -> np.ndarray:
    out = np.empty_like(y)
    acc = y[0]
    for i, v in enumerate(y):  # logs have thousands of points at most
        acc = alpha * acc + (1 - alpha) * v
        out[i] = acc
    return out


def plot_training_log(
    path: str | os.PathLike, keys: Sequence[str] | None = None, *, smooth: float = 0.0, logy: bool | None = None,
    title: str | None = None,
) -> Figure:
    """Curves of a `train_log.jsonl`: one panel per figure (loss first), train and val as separate lines.

    keys: which figures to draw (default: every numeric key except step/epoch/split/time). smooth: EMA factor in
    [0, 1) for the train line (the raw line stays faint behind it). logy: log y axis (default: when a positive
    curve spans more than a factor of 20).
    """
    if not 0.0 <= smooth < 1.0:
        raise ValueError(f"smooth must be in [0, 1), got {smooth}")
    records = read_training_log(path)
    if keys is None:
        seen: dict[str, None] = {}
        for rec in records:
            for k, v in rec.items():
                if k not in TRAIN_LOG_SKIP and isinstance(v, (int, float)) and not isinstance(v, bool):
                    seen[k] = None
        keys = sorted(seen, key=lambda k: (k != "loss", k))
    if not keys:
        raise ValueError(f"{path}: no numeric figures to plot")
    fig, axes = new_figure(len(keys), title=title or Path(path).parent.name or None)
    splits = sorted({str(r.get("split", "train")) for r in records}, key=lambda s: (s != "train", s))
    colors = {"train": "#4c72b0", "val": "#dd8452", "test": "#55a868"}
    for ax, key in zip(axes, keys):
        for split in splits:
            pts = [(r["step"], r[key]) for r in records
                   if str(r.get("split", "train")) == split and isinstance(r.get(key), (int, float))]
            pts = [(s, v) for s, v in pts if math.isfinite(v)]
            if not pts:
                continue
            x, y = (np.asarray(a, dtype=np.float64) for a in zip(*pts))
            c = colors.get(split, None)
            if split == "train" and smooth > 0 and len(y) > 2:
                ax.plot(x, y, color=c, alpha=0.25, linewidth=0.8)
                ax.plot(x, _ema(y, smooth), color=c, label=f"{split} (ema {smooth:g})")
            else:
                ax.plot(x, y, color=c, marker="o" if len(y) < 30 else None, markersize=3, label=split)
            ax.annotate(f"{y[-1]:.4g}", (x[-1], y[-1]), fontsize=7, color=c, xytext=(3, 0), textcoords="offset points")
        lines = ax.get_lines()
        ys = np.concatenate([ln.get_ydata() for ln in lines]) if lines else np.array([])
        if (logy if logy is not None else (ys.size and ys.min() > 0 and ys.max() / ys.min() > 20)):
            ax.set_yscale("log")
        ax.set(title=key, xlabel="step")
        ax.grid(alpha=0.3)
        if (len(splits) > 1 or smooth > 0) and ax.get_legend_handles_labels()[0]:  # a live plot's first draw
            ax.legend(fontsize=8)  # can come before any point: no empty legend (matplotlib warns about one)
    return fig


def table(rows: Sequence[Mapping[str, Any]] | Mapping[str, Any], *, title: str = "", float_format: str = "{:.4g}") -> Figure:
    """A small table as a picture (a mapping is one row per key); for figures an executed notebook should show."""
    if isinstance(rows, Mapping):
        rows = [{"name": k, "value": v} for k, v in rows.items()]
    rows = list(rows)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    fmt = lambda v: float_format.format(v) if isinstance(v, float) else str(v)  # noqa: E731
    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows] or [["" for _ in columns]]
    fig = Figure(figsize=(max(3.0, 1.4 * len(columns)), 0.32 * (len(rows) + 1) + (0.4 if title else 0.1)),
                 layout="constrained")
    ax = fig.subplots()
    ax.axis("off")
    if columns:
        t = ax.table(cellText=cells, colLabels=columns, loc="center", cellLoc="left")
        t.auto_set_font_size(False)
        t.set_fontsize(8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 100) -> Path:
    """Write the figure (format from the suffix: .png, .svg, .pdf) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path


def plot_dynamics(groups: Mapping[str, Any], *, title: str = "motion dynamics", bins: int = 30) -> Figure:
    """Overlaid density histograms of each motion-dynamics metric for several groups (e.g. synthetic vs real
    `MotionDynamics`), one panel per metric, with each group's median marked; x clipped at the pooled 99th percentile."""
    from ..motion.dynamics import METRICS

    names = [k for k in METRICS if any(g.values.get(k, np.zeros(0)).size for g in groups.values())]
    fig, axes = new_figure(len(names), ncols=4, title=title)
    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52"]
    for ax, k in zip(axes, names):
        pooled = np.concatenate([g.values[k] for g in groups.values()])
        hi = float(np.percentile(pooled, 99)) if pooled.size else 1.0
        edges = np.linspace(float(pooled.min()) if pooled.size else 0.0, max(hi, 1e-6), bins + 1)
        for (label, g), c in zip(groups.items(), colors):
            v = np.clip(g.values[k], edges[0], edges[-1])
            if v.size:
                ax.hist(v, bins=edges, density=True, alpha=0.45, color=c, label=f"{label} (n={v.size})")
                ax.axvline(np.median(g.values[k]), color=c, linewidth=1.2)
        unit, what = METRICS[k]
        ax.set_title(k.replace("_", " "), fontsize=9)
        ax.set_xlabel(unit or "fraction", fontsize=8)
        ax.legend(fontsize=7)
    return fig
