"""Slow random signals: the generator's sway and winding paths, and the tokenizer's augmentations (turning, pose)."""
from __future__ import annotations

import numpy as np


def band_limited(rng: np.random.Generator, t: np.ndarray, channels: int, band: tuple[float, float],
                 parts: int = 3) -> np.ndarray:
    """(t, channels) smooth signals of unit RMS: each a sum of `parts` sinusoids at log-uniform frequencies in `band`
    (Hz; `t` in seconds)."""
    f = np.exp(rng.uniform(np.log(band[0]), np.log(band[1]), (channels, parts)))
    phase = rng.uniform(0, 2 * np.pi, (channels, parts))
    w = rng.uniform(0.5, 1.0, (channels, parts))
    w /= np.sqrt((w**2).sum(axis=1, keepdims=True) / 2)  # sinusoids of weights w have RMS sqrt(sum w^2 / 2) = 1
    return np.einsum("tcp,cp->tc", np.sin(2 * np.pi * f[None] * t[:, None, None] + phase[None]), w)
