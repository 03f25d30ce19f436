"""Play a motion's features faster or slower: `retime(features, factor, representation)`.

A tokenizer trained on one generator's motions learns its cadences: how fast a walker steps, how quickly an arm
comes up. People vary more (real gait's knee, foot-roll and ankle-lift ranges spread further than the generator's,
README: real mocap). Retiming a training crop is the cheap way to widen that: positions and rotations are read at
new times by linear interpolation, per-frame velocities also scale by the factor (a motion played twice as fast
moves twice as far per frame), and foot contacts are read at the nearest frame.
"""
from __future__ import annotations

import numpy as np

from .d135 import D135_DIM, D135_GROUPS
from .features import FEATURE_DIM, GROUPS

# per representation: the dimensions that are per-frame velocities, and those that are on/off flags
_RATE_DIMS = {
    "humanml263": (slice(0, 1), slice(1, 3), GROUPS["local_velocity"]),  # turning, travel, joint velocities
    "smpl_d135": (D135_GROUPS["root_velocity"],),
}
_FLAG_DIMS = {"humanml263": (GROUPS["foot_contact"],), "smpl_d135": ()}
_DIMS = {"humanml263": FEATURE_DIM, "smpl_d135": D135_DIM}


def retimed_length(frames: int, factor: float) -> int:
    """Frames of a `frames`-long motion played `factor` times as fast (at least 1)."""
    return max(1, int(round((frames - 1) / factor)) + 1)


def retime(features: np.ndarray, factor: float, representation: str = "humanml263",
           frames: int | None = None) -> np.ndarray:
    """(t, d) raw features played `factor` times as fast: (n, d) with n = `frames`, or `retimed_length(t, factor)`
    when None. Output frame k reads the motion at source time k * factor (frames past the end repeat the last).
    factor > 1 is faster, < 1 slower; 1 with the default length returns a copy."""
    if representation not in _DIMS:
        raise ValueError(f"representation: expected one of {sorted(_DIMS)}, got {representation!r}")
    x = np.asarray(features)
    if x.ndim != 2 or x.shape[1] != _DIMS[representation] or len(x) == 0:
        raise ValueError(f"features: expected (frames >= 1, {_DIMS[representation]}) {representation} features, "
                         f"got {x.shape}")
    if not (np.isfinite(factor) and factor > 0):
        raise ValueError(f"factor: expected a positive speed-up, got {factor}")
    n = retimed_length(len(x), factor) if frames is None else int(frames)
    if n < 1:
        raise ValueError(f"frames: expected >= 1, got {frames}")
    t = np.arange(n, dtype=np.float64) * factor
    out = _read_at(x, t)
    # a velocity at frame k is the step k -> k+1, centred at k + 1/2; played faster, the step spans t .. t + factor
    # and is centred at t + factor/2, so velocities are read half a step later
    rates = _read_at(x, t + (factor - 1.0) / 2.0)
    for dims in _RATE_DIMS[representation]:
        out[:, dims] = rates[:, dims] * factor
    nearest = np.rint(np.clip(t, 0, len(x) - 1)).astype(np.int64)
    for dims in _FLAG_DIMS[representation]:
        out[:, dims] = x[nearest, dims]
    return out


def _read_at(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(len(t), d): `x` linearly interpolated at fractional frames `t` (clamped to the first and last frame)."""
    t = np.clip(t, 0, len(x) - 1)
    lo = np.floor(t).astype(np.int64)
    hi = np.minimum(lo + 1, len(x) - 1)
    frac = (t - lo)[:, None]
    return (x[lo] * (1.0 - frac) + x[hi] * frac).astype(x.dtype, copy=False)
