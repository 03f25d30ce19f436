"""Files of the models trained in being_kit.eval (evaluator B, action classifier): `config.json` + `model.safetensors`,
with the normalisation statistics stored as buffers, so `from_pretrained(dir)` needs nothing else."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"


def register_stats(module: nn.Module, dim: int, mean=None, std=None) -> None:
    """Give `module` (dim,) float32 buffers `mean` and `std` (zeros/ones when None), checked for shape and sign."""
    mean = np.zeros(dim, np.float32) if mean is None else np.asarray(mean, np.float32)
    std = np.ones(dim, np.float32) if std is None else np.asarray(std, np.float32)
    if mean.shape != (dim,) or std.shape != (dim,):
        raise ValueError(f"mean/std: expected ({dim},) vectors for feature_dim {dim}, got {mean.shape}, {std.shape}")
    if (std <= 0).any():
        raise ValueError("std: must be positive everywhere")
    module.register_buffer("mean", torch.from_numpy(mean.copy()))
    module.register_buffer("std", torch.from_numpy(std.copy()))


def save_checkpoint(module: nn.Module, directory: str | Path, config: dict) -> Path:
    """Write `module`'s state dict and `config` (JSON-able) into `directory`."""
    from safetensors.torch import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in module.state_dict().items()}, str(directory / WEIGHTS_FILE))
    (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2))
    return directory


def read_checkpoint(directory: str | Path, what: str) -> tuple[dict, dict]:
    """(config, state dict) from `directory`; FileNotFoundError names the missing file and `what` should be there."""
    from safetensors.torch import load_file

    directory = Path(directory)
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if not (directory / name).is_file():
            raise FileNotFoundError(f"{what} directory {str(directory)!r} lacks {name}")
    try:
        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{directory / CONFIG_FILE}: corrupt {what} config ({type(e).__name__}: {e})") from None
    if not isinstance(config, dict) or "kind" not in config:
        raise ValueError(f"{directory / CONFIG_FILE}: not a {what} config (expected a JSON object with 'kind'); "
                         "retrain or restore the folder")
    try:
        return config, load_file(str(directory / WEIGHTS_FILE))
    except Exception as e:  # safetensors raises its own error type on truncated or foreign files
        raise ValueError(f"{directory / WEIGHTS_FILE}: unreadable {what} weights ({str(e)[:200]})") from None
