"""The repeated protocol and the paper table, with an evaluator whose embeddings are known."""
import json

import numpy as np
import pytest

from being_kit.eval.protocol import (COLUMNS, EvalSet, evaluate_generation, reconstruct_motions, results_table,
                                     save_table)


class LookupEvaluator:
    """Text i -> unit vector e_i scaled; a motion -> the vector stored in its first row (so embeddings are known)."""

    name = "lookup"

    def __init__(self, dim):
        self.dim = dim

    def embed_texts(self, texts):
        return np.stack([np.eye(self.dim)[int(t.split()[-1])] * 3.0 for t in texts])

    def embed_motions(self, motions):
        return np.stack([np.asarray(m)[0, : self.dim] for m in motions]).astype(np.float64)


def _eval_set(n=64, dim=64):
    motions = []
    for i in range(n):
        m = np.zeros((12, 70), np.float32)
        m[0, :dim] = np.eye(dim)[i] * 3.0  # the motion's embedding equals its text's
        motions.append(m)
    return EvalSet(motions, [[f"caption {i}", f"other phrasing {i}"] for i in range(n)], [f"m{i}" for i in range(n)])


def test_real_row_is_perfect():
    es, ev = _eval_set(), LookupEvaluator(64)
    res = evaluate_generation(None, es, ev, repeat=3, name="real", diversity_times=60, progress=False)
    s = res.summary()
    assert s["r_precision_top1"] == (1.0, 0.0) and s["r_precision_top3"] == (1.0, 0.0)
    assert s["fid"][0] == pytest.approx(0.0, abs=1e-6)
    assert s["mm_dist"][0] == pytest.approx(0.0, abs=1e-9)
    assert s["mm_dist_mismatched"][0] == pytest.approx(3 * np.sqrt(2))
    assert "multimodality" not in s
    # any two distinct motions are 3*sqrt(2) apart; a repeated index gives 0
    assert 0.9 * 3 * np.sqrt(2) < s["diversity"][0] <= 3 * np.sqrt(2) + 1e-9


def test_generator_called_per_round_with_texts_lengths_and_multimodality():
    es, ev = _eval_set(), LookupEvaluator(64)
    calls = []

    def generate(texts, lengths, seed):
        calls.append((len(texts), seed))
        return [es.motions[int(t.split()[-1])] for t in texts]   # a perfect, deterministic generator

    res = evaluate_generation(generate, es, ev, repeat=2, diversity_times=60, mm_num_samples=8, mm_num_repeats=4,
                              mm_times=3, progress=False)
    s = res.summary()
    assert s["r_precision_top3"][0] == 1.0
    assert s["multimodality"] == (0.0, 0.0)   # deterministic: every generation of a text is the same
    assert [c[0] for c in calls] == [64, 32, 64, 32]
    assert len({c[1] for c in calls}) == 4
    assert len(res.samples) == 64 and {"text", "motion", "distance", "id"} <= set(res.samples[0])


def test_wrong_generator_scores_badly():
    es, ev = _eval_set(), LookupEvaluator(64)
    opposite = [-m for m in es.motions]   # every motion is farther from its caption than any other motion
    s = evaluate_generation(opposite, es, ev, repeat=2, diversity_times=60, progress=False).summary()
    assert s["r_precision_top3"][0] == 0.0
    assert s["mm_dist"][0] == pytest.approx(6.0)
    noise = [np.random.default_rng(i).normal(size=(12, 70)).astype(np.float32) for i in range(64)]
    assert evaluate_generation(noise, es, ev, repeat=1, diversity_times=60, progress=False).summary()["fid"][0] > 1.0


def test_errors():
    es, ev = _eval_set(), LookupEvaluator(64)
    with pytest.raises(ValueError, match="one per test motion"):
        evaluate_generation(es.motions[:10], es, ev, progress=False)
    small = EvalSet(es.motions[:10], es.texts[:10], es.ids[:10])
    with pytest.raises(ValueError, match="at least 32"):
        evaluate_generation(None, small, ev, progress=False)


def test_table_and_files(tmp_path):
    es, ev = _eval_set(), LookupEvaluator(64)
    real = evaluate_generation(None, es, ev, repeat=2, name="real", diversity_times=60, progress=False)
    gen = evaluate_generation(lambda t, l, s: [es.motions[int(x.split()[-1])] for x in t], es, ev, repeat=2,
                              name="gen", diversity_times=60, mm_num_samples=4, mm_num_repeats=3, mm_times=2,
                              progress=False)
    table = results_table([real, gen])
    assert list(table.columns) == list(COLUMNS) and list(table.index) == ["real", "gen"]
    assert table.loc["real", "MultiModality"] == "-"
    assert table.loc["gen", "R-Precision top-3"] == "1.000 ± 0.000"
    save_table([real, gen], tmp_path / "eval", info={"evaluator": "lookup"})
    data = json.loads((tmp_path / "eval" / "table.json").read_text())
    assert data["info"]["evaluator"] == "lookup" and data["rows"][1]["name"] == "gen"
    assert data["rows"][0]["r_precision_top3_ci"] == 0.0
    assert (tmp_path / "eval" / "table.csv").read_text().startswith("method,R-Precision top-1")


def test_reconstruct_motions_shapes():
    import torch

    from being_kit.tokenizer import MotionTokenizer, TokenizerConfig

    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(width=16, depth=1, codebook_size=16, code_dim=8))
    motions = [np.random.default_rng(i).normal(size=(n, 263)).astype(np.float32) for i, n in enumerate((17, 40, 8))]
    rec = reconstruct_motions(tok, motions)
    assert [r.shape for r in rec] == [(16, 263), (40, 263), (8, 263)]
    assert all(np.isfinite(r).all() for r in rec)


def test_lm_generator_wraps_generate_motion(monkeypatch):
    from types import SimpleNamespace

    import being_kit.lm.generate as gen_module
    from being_kit.lm.eval_generator import LMGenerator

    seen = {}

    def fake_generate_motion(model, texts, *, motion_tokenizer=None, durations=6.0, seed=0, **kw):
        seen.update(durations=list(durations), seed=seed, kw=kw)
        feats = [np.full((int(d * 20), 263), i, np.float32) for i, d in enumerate(durations)]
        feats[1] = None   # a failed generation
        return SimpleNamespace(features=feats, status=["ok", "no_motion", "ok"])

    monkeypatch.setattr(gen_module, "generate_motion", fake_generate_motion)
    g = LMGenerator("model", temperature=0.5, top_k=3)
    out = g(["a", "b", "c"], [40, 12, 2], seed=7)
    assert seen["durations"] == [2.0, 0.6, 0.2] and seen["seed"] == 7 and seen["kw"]["top_k"] == 3
    assert [m.shape for m in out] == [(40, 263), (4, 263), (4, 263)]
    assert not out[1].any() and g.failures == 1 and g.calls == 3


def test_the_tokenizer_row_scores_its_reconstructions_like_generations(monkeypatch):
    """evaluate_reconstructed_motions: the evaluator sees each motion as the tokenizer reconstructs it, so a perfect
    tokenizer gives the real row's figures (the tokenizer's MPJPE is tokenizer.evaluate_reconstruction, another name)."""
    import being_kit.eval.protocol as protocol

    class Perfect:
        quantizer = "echo"

    monkeypatch.setattr(protocol, "reconstruct_motions", lambda tok, motions: [np.asarray(m) for m in motions])
    res = protocol.evaluate_reconstructed_motions(Perfect(), _eval_set(), LookupEvaluator(64), repeat=2, progress=False)
    assert res.name == "reconstruction (echo)" and res.summary()["r_precision_top3"] == (1.0, 0.0)
