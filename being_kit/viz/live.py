"""Live training curves in a notebook: redraw a `train_log.jsonl` while training runs, in one display slot.

Training runs in the kernel's own process or in `notebook_launcher`'s forked children; either way it appends to its
log file, so a daemon thread in the kernel tails that file and replaces one status line and one PNG every `every_s`
seconds. Executed copies keep the last frame: nbclient applies `update_display_data` to the output with the same
display_id. The thread runs in a copy of the cell's context, so ipykernel routes its messages to that cell. Outside
a kernel (scripts, tests) it prints the status line instead of drawing.

    with LiveTrainingPlot(out_dir / "train_log.jsonl", total_steps=3000, keys=["loss", "mpjpe_mm"]):
        launch_training(config)
"""
from __future__ import annotations

import contextvars
import math
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .charts import figure_png, plot_training_log, read_training_log


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


def status_line(records: list[dict[str, Any]], total_steps: int, elapsed_s: float, *, start_step: int = 0,
                start_s: float = 0.0, now_s: float | None = None) -> str:
    """"step 1200/3000 (40%) · 3m10s elapsed · ETA 4m45s · loss 0.2345" from the log records so far.

    The rate counts steps since (`start_step`, `start_s`): the first step this view saw, so a resumed run's earlier
    steps do not make the ETA look short."""
    if not records:
        return f"waiting for the first logged step · {_duration(elapsed_s)} elapsed"
    step = max(int(r.get("step", 0)) for r in records)
    parts = [f"step {step}/{total_steps} ({100.0 * step / total_steps:.0f}%)" if total_steps > 0 else f"step {step}",
             f"{_duration(elapsed_s)} elapsed"]
    now_s = time.monotonic() if now_s is None else now_s
    if total_steps > 0 and step > start_step and now_s > start_s:
        rate = (step - start_step) / (now_s - start_s)
        parts.append("done" if step >= total_steps else f"ETA {_duration((total_steps - step) / rate)}")
    train = [r for r in records if r.get("split", "train") == "train" and isinstance(r.get("loss"), (int, float))]
    if train and math.isfinite(train[-1]["loss"]):
        parts.append(f"loss {train[-1]['loss']:.4g}")
    val = [r for r in records if r.get("split") == "val" and isinstance(r.get("loss"), (int, float))]
    if val:
        parts.append(f"val loss {val[-1]['loss']:.4g}")
    return " · ".join(parts)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@dataclass
class LiveTrainingPlot:
    """Context manager: curves of `log_path` (a train_log.jsonl or its folder) refreshed while the block runs."""

    log_path: str | os.PathLike
    total_steps: int = 0  # for the percentage and ETA (0: unknown)
    keys: Sequence[str] | None = None  # figures drawn (default: every numeric key, `plot_training_log`)
    title: str | None = None
    every_s: float = 10.0  # seconds between redraws (only when the log grew)
    smooth: float = 0.6
    dpi: int = 80
    keep_final: bool = True  # False: the curves leave the output at the end (a later cell draws them in full)
    frames: int = field(default=0, init=False)  # pictures drawn so far (tests, curiosity)

    def __post_init__(self) -> None:
        path = Path(self.log_path)
        self.log_path = path / "train_log.jsonl" if path.suffix != ".jsonl" else path
        if self.every_s <= 0:
            raise ValueError(f"every_s: must be positive, got {self.every_s}")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: tuple[int, int] | None = None
        self._kernel = _in_kernel()
        self._status = self._image = None
        self._warned = False
        self._draw_s = 0.0

    # -- the parts that draw ------------------------------------------------------------------------------
    def _records(self) -> list[dict[str, Any]]:
        try:
            return read_training_log(self.log_path)
        except FileNotFoundError:
            return []

    def refresh(self, force: bool = False) -> bool:
        """Redraw if the log changed since the last frame (or `force`); True when a frame was drawn."""
        try:
            st = os.stat(self.log_path)
            stamp = (st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if stamp == self._seen and not force:
            return False
        self._seen = stamp
        records = self._records()
        now = time.monotonic()
        step = max(int(r.get("step", 0)) for r in records) if records else None
        if records and (self._start_step is None or step < self._start_step):  # first look, or the log rewound
            self._start_step, self._start_s = step, now
        line = status_line(records, self.total_steps, now - self._t0, start_step=self._start_step or 0,
                           start_s=self._start_s, now_s=now)
        self.frames += 1
        if not self._kernel:
            print(line, flush=True)
            return True
        from IPython.display import Image, Markdown

        t = time.monotonic()
        self._status.update(Markdown(f"`{line}`"))
        if records:
            fig = plot_training_log(self.log_path, self.keys, smooth=self.smooth, title=self.title)
            self._image.update(Image(data=figure_png(fig, dpi=self.dpi)))
        self._draw_s = time.monotonic() - t
        return True

    def _loop(self) -> None:
        # a frame of many panels costs ~1 s of CPU here: keep drawing under ~10% of one core
        while not self._stop.wait(max(self.every_s, 10 * self._draw_s)):
            try:
                self.refresh()
            except Exception as err:  # a drawing problem must never stop training; say so once
                if not self._warned:
                    self._warned = True
                    print(f"live plot of {self.log_path}: {type(err).__name__}: {err} (training goes on)", flush=True)

    # -- the context manager ------------------------------------------------------------------------------
    def __enter__(self) -> "LiveTrainingPlot":
        self._t0 = time.monotonic()
        self._start_step, self._start_s = None, self._t0
        if self._kernel:
            from IPython.display import Markdown, display

            self._status = display(Markdown("`waiting for the first logged step`"), display_id=True)
            self._image = display(Markdown(""), display_id=True)
        ctx = contextvars.copy_context()  # ipykernel keeps the cell's parent header in a context variable
        self._thread = threading.Thread(target=ctx.run, args=(self._loop,), name="live-training-plot", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> bool:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        try:
            self.refresh(force=True)  # the final frame (and status line), from the complete log
            if not self.keep_final and self._image is not None and exc[0] is None:
                from IPython.display import Markdown

                self._image.update(Markdown(""))  # an executed copy then shows the curves once, in the next cell
        except Exception as err:  # training succeeded or failed on its own; a picture must not change that
            print(f"live plot of {self.log_path}: {type(err).__name__}: {err}", flush=True)
        return False  # never swallow the training's own exception
