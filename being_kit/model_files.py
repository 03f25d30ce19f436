"""The folder every being-kit model is saved as: `config.json` (what rebuilds it) + `model.safetensors` (its weights
and buffers, normalisation statistics included, so they are stored once).

`save_model` writes both into a temporary folder that replaces the old one in one step (`atomic_dirs`), so a kill
mid-save leaves the previous model whole; other entries of the folder (a trainer's checkpoints and logs) stay.
`read_model` is the one reader: it names the missing, corrupt or unreadable file. Language models keep transformers'
own folder layout (`lm/motion_lm.py`), written the same atomic way.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from .atomic_dirs import write_folder_atomic

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"


def save_model(module, directory: str | os.PathLike, config: Mapping[str, Any],
               state_dict: Mapping[str, Any] | None = None) -> Path:
    """Write `module`'s weights (or `state_dict`: the full weights gathered from a sharded model) and `config`
    (JSON-able) into `directory`, replacing an earlier save as a whole."""
    from safetensors.torch import save_file

    state = module.state_dict() if state_dict is None else state_dict
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in state.items()}
    text = json.dumps(dict(config), indent=1)

    def write(tmp: Path) -> None:
        save_file(tensors, str(tmp / WEIGHTS_FILE))
        (tmp / CONFIG_FILE).write_text(text, encoding="utf-8")

    return write_folder_atomic(Path(directory), write)


def read_model(directory: str | os.PathLike, what: str) -> tuple[dict, dict]:
    """(config, state dict) of a `save_model` folder. Errors name the file: missing (FileNotFoundError), not a JSON
    object or truncated/foreign weights (ValueError); `what` says what the folder should hold."""
    from safetensors.torch import load_file

    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: not a {what} folder (expected {CONFIG_FILE} + {WEIGHTS_FILE})")
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if not (directory / name).is_file():
            raise FileNotFoundError(f"{directory / name}: missing; a {what} folder holds {CONFIG_FILE} and {WEIGHTS_FILE}")
    try:
        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{directory / CONFIG_FILE}: corrupt {what} config ({type(e).__name__}: {e})") from None
    if not isinstance(config, dict):
        raise ValueError(f"{directory / CONFIG_FILE}: not a {what} config (expected a JSON object, got a "
                         f"{type(config).__name__}); retrain or restore the folder")
    try:
        state = load_file(str(directory / WEIGHTS_FILE))
    except Exception as e:  # safetensors raises its own error type on truncated or foreign files
        raise ValueError(f"{directory / WEIGHTS_FILE}: unreadable {what} weights ({str(e)[:200]})") from None
    return config, state
