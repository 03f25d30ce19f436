"""Normalisation statistics: streaming equals batch, HumanML3D's std treatment, save/load, errors."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from being_kit.motion import GROUPS, Normalizer, compute_stats

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "humanml3d"


def _motions(dim=263, n=5, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(3.0, rng.uniform(0.1, 2.0, dim), (int(rng.integers(5, 40)), dim)).astype(np.float32) for _ in range(n)]


def test_streaming_equals_concatenated_statistics():
    motions = _motions()
    data = np.concatenate(motions).astype(np.float64)
    stats = compute_stats(iter(motions), "humanml263", group_average=False, min_std=0.0 + 1e-12)
    np.testing.assert_allclose(stats.mean, data.mean(0), rtol=1e-6)
    np.testing.assert_allclose(stats.std, data.std(0), rtol=1e-5)


def test_humanml3d_group_averaging_and_feat_bias():
    motions = _motions()
    std = np.concatenate(motions).astype(np.float64).std(0)
    stats = compute_stats(motions, "humanml263")
    groups = [slice(0, 1), slice(1, 3), slice(3, 4), GROUPS["ric"], GROUPS["rot6d"], GROUPS["local_velocity"], GROUPS["foot_contact"]]
    for g in groups:
        np.testing.assert_allclose(stats.std[g], std[g].mean(), rtol=1e-5)
    biased = compute_stats(motions, "humanml263", feat_bias=5.0)
    np.testing.assert_allclose(biased.std[:4], stats.std[:4] / 5, rtol=1e-6)
    np.testing.assert_allclose(biased.std[259:], stats.std[259:] / 5, rtol=1e-6)
    np.testing.assert_allclose(biased.std[4:259], stats.std[4:259], rtol=1e-6)


@pytest.mark.skipif(not (FIXTURES / "Std.npy").is_file(), reason="fixtures absent")
def test_released_humanml3d_std_has_the_group_structure():
    """The released Std.npy is constant within each of HumanML3D's groups, which is what compute_stats produces."""
    released = Normalizer.load(FIXTURES, dim=263)  # reads Mean.npy / Std.npy
    rebuilt = compute_stats([np.random.default_rng(1).normal(size=(50, 263))], "humanml263")
    for g in (slice(1, 3), GROUPS["ric"], GROUPS["rot6d"], GROUPS["local_velocity"], GROUPS["foot_contact"]):
        assert np.ptp(released.std[g]) == 0 and np.ptp(rebuilt.std[g]) == 0


def test_std_floor_for_constant_dimensions():
    motions = [np.ones((10, 135), dtype=np.float32)]
    stats = compute_stats(motions, "smpl_d135")
    assert (stats.std >= 1e-3).all()
    assert np.isfinite(stats.normalize(motions[0])).all()


def test_normalize_round_trip_numpy_and_torch(tmp_path):
    stats = compute_stats(_motions(135), "smpl_d135")
    x = _motions(135, n=1, seed=3)[0]
    np.testing.assert_allclose(stats.denormalize(stats.normalize(x)), x, rtol=1e-5, atol=1e-5)
    t = torch.tensor(x, dtype=torch.float64)
    out = stats.normalize(t)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    np.testing.assert_allclose(out.numpy(), stats.normalize(x), rtol=1e-5, atol=1e-5)
    stats.save(tmp_path / "corpus")
    assert (tmp_path / "corpus" / "mean.npy").is_file() and (tmp_path / "corpus" / "std.npy").is_file()
    loaded = Normalizer.load(tmp_path / "corpus", dim=135)
    np.testing.assert_array_equal(loaded.mean, stats.mean)
    np.testing.assert_array_equal(loaded.std, stats.std)


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="mean.npy"):
        Normalizer.load(tmp_path)
    Normalizer(np.zeros(263), np.ones(263)).save(tmp_path)
    with pytest.raises(ValueError, match=r"mean.npy: expected shape \(135,\)"):
        Normalizer.load(tmp_path, dim=135)
    np.save(tmp_path / "std.npy", np.ones(10, dtype=np.float32))
    with pytest.raises(ValueError, match="differ in shape"):
        Normalizer.load(tmp_path)
    with pytest.raises(ValueError, match="std: must be positive"):
        Normalizer(np.zeros(3), np.array([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="representation"):
        compute_stats(_motions(), "humanml264")
    with pytest.raises(ValueError, match=r"motions\[1\]: expected \(t, 263\)"):
        compute_stats([np.zeros((3, 263)), np.zeros((3, 135))], "humanml263")
    with pytest.raises(ValueError, match=r"motions\[0\]: contains NaN"):
        compute_stats([np.full((3, 263), np.nan)], "humanml263")
    with pytest.raises(ValueError, match="empty"):
        compute_stats([], "humanml263")
    with pytest.raises(ValueError, match=r"x: expected \(\.\.\., 263\)"):
        Normalizer(np.zeros(263), np.ones(263)).normalize(np.zeros((4, 135)))


@pytest.mark.parametrize("std", [np.zeros(263), np.full(263, np.nan)])
def test_bad_saved_statistics_name_their_folder_and_files(tmp_path, std):
    Normalizer(np.zeros(263), np.ones(263)).save(tmp_path)
    np.save(tmp_path / "std.npy", std.astype(np.float32))
    with pytest.raises(ValueError, match=rf"{tmp_path} \(mean.npy, std.npy\): .*recompute them"):
        Normalizer.load(tmp_path, dim=263)
