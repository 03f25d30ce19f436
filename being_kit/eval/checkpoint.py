"""Files of the models trained in being_kit.eval (evaluator B, action classifier): `being_kit.model_files`'s folder
(`config.json` + `model.safetensors`, written atomically), with the normalisation statistics stored as buffers, so
`from_pretrained(dir)` needs nothing else."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..model_files import CONFIG_FILE, WEIGHTS_FILE, read_model, save_model  # noqa: F401 (the names of its files)


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
    """Write `module`'s state dict and `config` (JSON-able, with a "kind") into `directory`, atomically."""
    return save_model(module, directory, config)


def read_checkpoint(directory: str | Path, what: str) -> tuple[dict, dict]:
    """(config, state dict) from `directory`; errors name the missing or unreadable file and what should be there."""
    config, state = read_model(directory, what)
    if "kind" not in config:
        raise ValueError(f"{Path(directory) / 'config.json'}: not a {what} config (expected a JSON object with "
                         "'kind'); retrain or restore the folder")
    return config, state
