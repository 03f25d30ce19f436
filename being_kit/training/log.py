"""`TrainLog`: a trainer's JSON-lines log (`train_log.jsonl`, `samples.jsonl`), one object per line with a "step".

Written by the main process only. A fresh run starts it empty; a resumed run first drops the lines past the step it
resumes from (written after that checkpoint by the attempt that was stopped), so no step is logged twice.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..atomic_dirs import write_file_atomic

LOG_FILE = "train_log.jsonl"


class TrainLog:
    def __init__(self, path: str | os.PathLike, enabled: bool = True):
        self.path, self.enabled = Path(path), enabled

    def start(self, resumed_step: int = 0) -> "TrainLog":
        """Empty the log (resumed_step 0), or keep only its lines up to `resumed_step`."""
        if not self.enabled:
            return self
        if not resumed_step:
            self.path.unlink(missing_ok=True)
        elif self.path.is_file():
            keep = [line for line in self.path.read_text(encoding="utf-8").splitlines()
                    if _step(line) is not None and _step(line) <= resumed_step]
            text = "".join(f"{line}\n" for line in keep)
            write_file_atomic(self.path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        return self

    def write(self, row: dict) -> None:
        """Append one line (flushed at once, so a live plot reading the file sees it)."""
        if self.enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")

    def rows(self) -> list[dict]:
        """Every readable line, in order (a line cut by a kill is skipped)."""
        if not self.path.is_file():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                out.append(row)
        return out


def _step(line: str) -> int | None:
    try:
        return int(json.loads(line)["step"])
    except (ValueError, KeyError, TypeError):
        return None
