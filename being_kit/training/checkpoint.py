"""Checkpoints of every being-kit trainer: `<out_dir>/checkpoints/step_NNNNNNN/`.

A checkpoint is what `accelerator.save_state` writes (the prepared model and optimizer, the schedulers and other
objects registered with `register_for_checkpointing`, every process's RNG states) plus `trainer_state.json`: the
format tag, the step, the number of processes and whatever the trainer adds (stage, epoch, batch, tokens seen, wall
time). It is written into a hidden temporary folder and swapped into place by the main process (`atomic_dirs`), so a
`step_*` folder is always whole; the `keep` newest are kept.

`resume_checkpoint` loads the newest one that reads. One cut by a kill or a full disk is reported and the one before
it tried; a checkpoint of another process count is refused (each process's data position and RNG would differ), as
is one in an older being-kit format, with what to do instead.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from ..atomic_dirs import replace_folder, temporary_sibling, write_file_atomic

FORMAT = "being_kit.training/1"
CHECKPOINT_DIR = "checkpoints"
STATE_FILE = "trainer_state.json"
_STEP = re.compile(r"^step_(\d+)$")
OLDER = "written by an older being-kit; start a new out_dir or resume=False"


class CheckpointError(ValueError):
    """No checkpoint can be resumed from: all unreadable, another process count, or an older format."""


def checkpoint_name(step: int) -> str:
    return f"step_{step:07d}"


def _step_folders(out_dir: str | os.PathLike) -> list[Path]:
    root = Path(out_dir) / CHECKPOINT_DIR
    if not root.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in root.iterdir() if p.is_dir() and (m := _STEP.match(p.name))]
    return [p for _, p in sorted(found)]


def checkpoint_dirs(out_dir: str | os.PathLike) -> list[Path]:
    """Complete checkpoints (swapped into place, with their trainer_state.json), oldest first."""
    return [p for p in _step_folders(out_dir) if (p / STATE_FILE).is_file()]


@contextmanager
def _quiet_tied_weights():
    """GPT-2 ties lm_head to the token embedding; accelerate stores the tensor once and logs "Removed shared tensor"
    at every save. Reloading re-ties it (the resume tests check the weights), so that line is noise here."""
    tied = logging.getLogger("accelerate.utils.other")
    level, tied.level = tied.level, logging.ERROR
    try:
        yield
    finally:
        tied.setLevel(level)


def save_checkpoint(accelerator, out_dir: str | os.PathLike, step: int, state: dict | None = None,
                    keep: int = 2) -> Path:
    """Write the checkpoint of `step` (called by every process); `state` is the trainer's own JSON-able state."""
    from accelerate.utils import broadcast_object_list

    final = Path(out_dir) / CHECKPOINT_DIR / checkpoint_name(step)
    accelerator.wait_for_everyone()
    where = [None]
    if accelerator.is_main_process:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = temporary_sibling(final)
        tmp.mkdir()
        where = [str(tmp)]
    tmp = Path(broadcast_object_list(where)[0])  # every process writes its RNG states into the same folder
    with _quiet_tied_weights():
        accelerator.save_state(str(tmp))
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        meta = {**(state or {}), "format": FORMAT, "step": int(step), "num_processes": accelerator.num_processes}
        text = json.dumps(meta)
        write_file_atomic(tmp / STATE_FILE, lambda p: Path(p).write_text(text, encoding="utf-8"))
        replace_folder(tmp, final)
        for old in checkpoint_dirs(out_dir)[:-keep] if keep > 0 else []:
            shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()
    return final


def _read_state(path: Path) -> dict:
    """The trainer state of checkpoint folder `path`; CheckpointError for an older format, ValueError when cut."""
    file = path / STATE_FILE
    if not file.is_file():
        if (path / "state.pt").is_file():  # the tokenizer's own format before the shared runtime
            raise CheckpointError(f"{path}: {OLDER}")
        raise ValueError(f"{file}: missing")
    try:
        state = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{file}: {type(e).__name__}: {e}") from None
    if not isinstance(state, dict):
        raise ValueError(f"{file}: not a JSON object")
    if state.get("format") != FORMAT:
        raise CheckpointError(f"{path}: {OLDER}")
    return state


def resume_checkpoint(accelerator, out_dir: str | os.PathLike) -> dict | None:
    """Load the newest readable checkpoint of `out_dir` into `accelerator`'s prepared and registered objects; returns
    its trainer state (with "path"), or None when there is no checkpoint. A full load of an older checkpoint
    overwrites whatever a failed attempt on a newer one loaded."""
    folders = _step_folders(out_dir)
    bad: list[str] = []
    for path in reversed(folders):
        try:
            state = _read_state(path)
        except CheckpointError:
            raise
        except ValueError as e:
            bad.append(str(e))
            accelerator.print(f"checkpoint {path.name} is unreadable ({e}); trying the one before it")
            continue
        if state.get("num_processes") != accelerator.num_processes:
            raise CheckpointError(f"{path}: written by {state.get('num_processes')} processes, resuming with "
                                  f"{accelerator.num_processes}; the batches would differ (start a new out_dir, or "
                                  f"resume with {state.get('num_processes')} processes)")
        try:
            accelerator.load_state(str(path))
        except Exception as e:  # safetensors, torch.load and pickle each raise their own errors for a cut file
            bad.append(f"{path}: {type(e).__name__}: {e}")
            accelerator.print(f"checkpoint {path.name} is unreadable ({type(e).__name__}: {e}); trying the one "
                              "before it")
            continue
        if bad:
            accelerator.print(f"resumed from {path} (step {state['step']}) after {len(bad)} unreadable checkpoint(s)")
        return {**state, "path": str(path)}
    if bad:
        raise CheckpointError("no checkpoint could be read: " + "; ".join(bad) +
                              " (delete them, or set resume=False, to start over)")
    return None
