"""Per-dimension normalisation statistics of a motion corpus, saved beside it as `mean.npy` and `std.npy`.

`compute_stats` streams over a corpus (Chan/Welford merging of per-motion moments in float64, so a million motions
need no concatenation) and then applies HumanML3D's treatment of the standard deviation (`cal_mean_variance`):
within each feature group every dimension gets the group's average std, so that near-constant dimensions are not
blown up and the groups weigh alike in a loss. T2M's `feat_bias` (5 in Guo et al.'s evaluator training) further
divides the std of the root and foot-contact groups, weighting them up; the released HumanML3D `Std.npy` uses 1.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from .d135 import D135_DIM, D135_GROUPS
from .features import FEATURE_DIM, GROUPS
from .rotations import _is_torch

# HumanML3D's std groups: root yaw velocity, root xz velocity, root height, then the four body groups.
_GROUPS_263 = (slice(0, 1), slice(1, 3), slice(3, 4), GROUPS["ric"], GROUPS["rot6d"], GROUPS["local_velocity"], GROUPS["foot_contact"])
_BIASED_263 = (slice(0, 1), slice(1, 3), slice(3, 4), GROUPS["foot_contact"])  # divided by feat_bias
_GROUPS_D135 = tuple(D135_GROUPS.values())
_BIASED_D135 = (D135_GROUPS["root_rot6d"], D135_GROUPS["root_velocity"], D135_GROUPS["root_height"])
STAT_GROUPS = {"humanml263": (FEATURE_DIM, _GROUPS_263, _BIASED_263), "smpl_d135": (D135_DIM, _GROUPS_D135, _BIASED_D135)}
# the root's own dimensions (its turning, travel and height), which the body is placed by: a loss that weighs them as
# one dimension in 263 lets the decoder shrink the turning rate (see `root_dims`)
ROOT_GROUPS = {"humanml263": _BIASED_263[:3], "smpl_d135": _BIASED_D135}
MIN_STD = 1e-3  # floor: a dimension constant over a corpus (e.g. foot contact of a floating motion) must not divide by 0


@dataclass
class Normalizer:
    """mean, std: (d,) float32. normalize: (x - mean) / std over the last axis; numpy or torch, same kind out."""

    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self) -> None:
        self.mean = np.asarray(self.mean, dtype=np.float32)
        self.std = np.asarray(self.std, dtype=np.float32)
        if self.mean.ndim != 1 or self.std.shape != self.mean.shape:
            raise ValueError(f"mean, std: expected two (d,) vectors of the same length, got {self.mean.shape} and {self.std.shape}")
        if not (np.isfinite(self.mean).all() and np.isfinite(self.std).all()):
            raise ValueError("mean, std: contain NaN or inf")
        if (self.std <= 0).any():
            raise ValueError(f"std: must be positive everywhere; dims {np.flatnonzero(self.std <= 0)[:10].tolist()} are not")

    @property
    def dim(self) -> int:
        return int(self.mean.shape[0])

    def _stats_like(self, x):
        if _is_torch(x):
            import torch

            return (torch.as_tensor(self.mean, dtype=x.dtype, device=x.device), torch.as_tensor(self.std, dtype=x.dtype, device=x.device))
        dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
        return self.mean.astype(dtype, copy=False), self.std.astype(dtype, copy=False)

    def _check(self, x, name: str):
        if not _is_torch(x):
            x = np.asarray(x)
        if x.ndim < 1 or x.shape[-1] != self.dim:
            raise ValueError(f"{name}: expected (..., {self.dim}) features, got {tuple(x.shape)}")
        return x

    def normalize(self, x):
        """(..., d) raw features -> (..., d) zero-mean, unit-std features."""
        x = self._check(x, "x")
        mean, std = self._stats_like(x)
        return (x - mean) / std

    def denormalize(self, x):
        """(..., d) normalised features -> (..., d) raw features."""
        x = self._check(x, "x")
        mean, std = self._stats_like(x)
        return x * std + mean

    def save(self, directory: str | Path) -> None:
        """Write `directory/mean.npy` and `directory/std.npy` ((d,) float32), creating the directory."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "mean.npy", self.mean)
        np.save(directory / "std.npy", self.std)

    @classmethod
    def load(cls, directory: str | Path, dim: int | None = None) -> "Normalizer":
        """Read `mean.npy`/`std.npy` (or HumanML3D's `Mean.npy`/`Std.npy`) from `directory`; check length `dim`."""
        directory = Path(directory)
        arrays, files = [], []
        for name in ("mean", "std"):
            candidates = [directory / f"{name}.npy", directory / f"{name.capitalize()}.npy"]
            found = next((p for p in candidates if p.is_file()), None)
            if found is None:
                raise FileNotFoundError(f"{candidates[0]}: missing normalisation statistics (also looked for {candidates[1].name})")
            arr = np.load(found)
            if arr.ndim != 1 or (dim is not None and arr.shape[0] != dim):
                want = f"({dim},)" if dim is not None else "(d,)"
                raise ValueError(f"{found}: expected shape {want}, got {arr.shape}")
            arrays.append(arr)
            files.append(found)
        if arrays[0].shape != arrays[1].shape:
            raise ValueError(f"{directory}: mean.npy {arrays[0].shape} and std.npy {arrays[1].shape} differ in shape")
        try:
            return cls(arrays[0], arrays[1])
        except ValueError as e:  # NaN, inf or std <= 0: name the files, say how to get good ones
            raise ValueError(f"{directory} ({files[0].name}, {files[1].name}): {e}; recompute them "
                             "(motion.normalize.compute_stats) or restore the files") from None


def compute_stats(
    motions: Iterable[np.ndarray],
    representation: str,
    feat_bias: float = 1.0,
    group_average: bool = True,
    min_std: float = MIN_STD,
) -> Normalizer:
    """Stream (t, d) motions once -> Normalizer; `representation` is "humanml263" or "smpl_d135".

    With `group_average` the std of every dimension in a group is the group's mean std (HumanML3D); `feat_bias`
    divides the root groups (and, for 263-d, foot contacts) as T2M does; `min_std` floors the result.
    """
    if representation not in STAT_GROUPS:
        raise ValueError(f"representation: expected one of {sorted(STAT_GROUPS)}, got {representation!r}")
    if not feat_bias > 0:
        raise ValueError(f"feat_bias: must be positive, got {feat_bias}")
    dim, groups, biased = STAT_GROUPS[representation]
    count, mean, m2 = 0, np.zeros(dim), np.zeros(dim)
    for i, motion in enumerate(motions):
        m = np.asarray(motion, dtype=np.float64)
        if m.ndim != 2 or m.shape[1] != dim:
            raise ValueError(f"motions[{i}]: expected (t, {dim}) {representation} features, got {m.shape}")
        if not np.isfinite(m).all():
            raise ValueError(f"motions[{i}]: contains NaN or inf")
        n = m.shape[0]
        if n == 0:
            continue
        chunk_mean = m.mean(axis=0)
        chunk_m2 = ((m - chunk_mean) ** 2).sum(axis=0)
        total = count + n
        delta = chunk_mean - mean
        mean = mean + delta * (n / total)
        m2 = m2 + chunk_m2 + delta**2 * (count * n / total)
        count = total
    if count == 0:
        raise ValueError("motions: empty; need at least one frame to compute statistics")
    std = np.sqrt(m2 / count)  # population std, as numpy's default in HumanML3D
    if group_average:
        for g in groups:
            std[g] = std[g].mean()
    for g in biased:
        std[g] = std[g] / feat_bias
    return Normalizer(mean.astype(np.float32), np.maximum(std, min_std).astype(np.float32))


def root_dims(representation: str) -> np.ndarray:
    """Indices of the root's dimensions in `representation`'s features (`ROOT_GROUPS`)."""
    if representation not in ROOT_GROUPS:
        raise ValueError(f"representation: expected one of {list(ROOT_GROUPS)}, got {representation!r}")
    dim = STAT_GROUPS[representation][0]
    return np.concatenate([np.arange(dim)[g] for g in ROOT_GROUPS[representation]])
