"""The paper metrics against cases computed by hand."""
import numpy as np
import pytest

from being_kit.eval import metrics as M


def test_fid_identical_sets_is_zero():
    x = np.random.default_rng(0).normal(size=(200, 8))
    assert M.fid(x, x) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_closed_form_diagonal_gaussians():
    # N(mu1, diag(a)) vs N(mu2, diag(b)): |mu1-mu2|^2 + sum(a + b - 2 sqrt(a b)) = sum (sqrt a - sqrt b)^2 + |dmu|^2
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = 1 + 0 + 4 + (1 - 2) ** 2 + (2 - 1) ** 2 + (3 - 1) ** 2
    assert M.frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, rel=1e-9)


def test_fid_of_sampled_gaussians_approaches_closed_form():
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, size=(20000, 2))
    y = rng.normal([3.0, 0.0], 2.0, size=(20000, 2))
    # |dmu|^2 = 9; trace term per dim (1 - 2)^2 = 1 -> 11
    assert M.fid(x, y) == pytest.approx(11.0, rel=0.03)


def test_fid_translation_only():
    x = np.random.default_rng(2).normal(size=(500, 4))
    assert M.fid(x, x + np.array([1.0, 2.0, 0.0, 0.0])) == pytest.approx(5.0, rel=1e-6)


def test_r_precision_perfect_and_reversed():
    n, e = 64, 4
    motions = np.zeros((n, e))
    motions[:, 0] = np.arange(n) * 10.0
    assert M.r_precision(motions, motions).tolist() == [1.0, 1.0, 1.0]
    # each text sits closest to the *next* motion of its batch, second closest to its own -> top1 0, top2 1
    texts = motions + np.array([6.0, 0, 0, 0])
    top = M.r_precision(texts, motions)
    # last text of each batch of 32 has no next motion: its own is nearest
    assert top[0] == pytest.approx(2 / 64)
    assert top[1] == pytest.approx(1.0) and top[2] == pytest.approx(1.0)


def test_r_precision_uses_batches_of_32_and_drops_remainder():
    rng = np.random.default_rng(3)
    t = rng.normal(size=(70, 5))
    top = M.r_precision(t, t)
    assert top.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="at least batch_size"):
        M.r_precision(t[:31], t[:31])


def test_r_precision_ties_count_against():
    collapsed = np.ones((32, 3))
    assert M.r_precision(collapsed, collapsed).tolist() == [0.0, 0.0, 0.0]


def test_r_precision_random_embeddings_near_chance():
    rng = np.random.default_rng(4)
    top = M.r_precision(rng.normal(size=(3200, 16)), rng.normal(size=(3200, 16)))
    assert top == pytest.approx([1 / 32, 2 / 32, 3 / 32], abs=0.015)


def test_matching_and_mismatched_scores():
    t = np.array([[0.0, 0.0], [10.0, 0.0]])
    m = np.array([[3.0, 4.0], [10.0, 1.0]])
    assert M.matching_score(t, m) == pytest.approx((5.0 + 1.0) / 2)
    # derangement of two rows: text 0 vs motion 1, text 1 vs motion 0
    expected = (np.hypot(10, 1) + np.hypot(7, 4)) / 2
    assert M.mismatched_score(t, m) == pytest.approx(expected)


def test_diversity_of_known_points():
    # two points 2 apart: pairs are (a, a), (a, b), (b, a) or (b, b); every draw without replacement of 2 from 2
    pts = np.array([[0.0, 0.0], [2.0, 0.0]])
    assert M.diversity(pts, times=2, rng=np.random.default_rng(0)) in (0.0, 1.0, 2.0)
    # points on a line: all pairs equally distant when the set is a regular simplex
    simplex = np.eye(300) * np.sqrt(0.5)  # any two distinct points are 1 apart
    d = M.diversity(simplex, times=300, rng=np.random.default_rng(1))
    assert 0.9 < d <= 1.0  # a pair may repeat the same index (distance 0) with probability ~1/300 each
    with pytest.raises(ValueError, match="at least times"):
        M.diversity(simplex[:10], times=300)


def test_multimodality_of_constant_and_spread_generations():
    same = np.tile(np.arange(4.0), (5, 20, 1))
    assert M.multimodality(same) == 0.0
    spread = np.zeros((3, 10, 1))
    spread[:, :5, 0], spread[:, 5:, 0] = 0.0, 3.0
    v = M.multimodality(spread, times=10, rng=np.random.default_rng(0))
    assert 0.0 < v < 3.0 and (v / 3.0 * 30) == pytest.approx(round(v / 3.0 * 30))


def test_mean_ci_formula():
    v = [1.0, 2.0, 3.0, 4.0]
    mean, ci = M.mean_ci(v)
    assert mean == 2.5
    assert ci == pytest.approx(1.96 * np.std(v) / 2)
    assert M.mean_ci([5.0]) == (5.0, 0.0)


def test_euclidean_distance_matrix():
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    b = np.array([[3.0, 4.0]])
    np.testing.assert_allclose(M.euclidean_distance_matrix(a, b), [[5.0], [np.hypot(2, 3)]])


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="text_emb and motion_emb"):
        M.matching_score(np.zeros((3, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        M.fid(np.full((3, 2), np.nan), np.zeros((3, 2)))
