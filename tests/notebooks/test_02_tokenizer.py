"""notebooks/02_tokenizer.ipynb under the tiny profile: metrics, saved tokenizers, token shards, pictures."""
import harness
import numpy as np

from being_kit.pipeline.profiles import load_profile

STEM = "02_tokenizer"


def tiny_parameters() -> dict:
    return load_profile("tiny", harness.PROFILES).notebooks[STEM]


def quantizers() -> list[str]:
    return [q.strip() for q in tiny_parameters().get("quantizers", "vq,lfq,lfq2d").split(",")]


def test_metrics_are_present_finite_and_plausible(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)
    for q in quantizers():
        harness.assert_finite(m, f"recon_mpjpe_mm_{q}", f"accel_error_mm_{q}", f"codebook_usage_{q}",
                              f"perplexity_{q}", f"train_minutes_{q}")
        # tiny runs do not learn much; an untrained tokenizer is at a few hundred mm, a broken one at metres or NaN
        assert 0.0 < m[f"recon_mpjpe_mm_{q}"] < 2000.0
        assert 0.0 < m[f"codebook_usage_{q}"] <= 1.0
        assert 1.0 <= m[f"perplexity_{q}"] <= m[f"token_vocab_size_{q}"]
    assert m["num_quantizers"] == len(quantizers()) and m["max_steps"] == tiny_parameters()["max_steps"]


def test_tokenizers_and_token_shards_are_in_the_run_dir(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    from being_kit.data import Corpus
    from being_kit.tokenizer import MotionTokenizer, load_token_shards

    corpus = Corpus.open(tiny_run.run_dir / "corpus")
    for q in quantizers():
        tok = MotionTokenizer.from_pretrained(tiny_run.run_dir / "tokenizer" / q)
        shards = load_token_shards(tiny_run.run_dir / "tokens" / q, expect_tokenizer_id=tok.tokenizer_id)
        assert len(shards) == len(corpus) and shards.info["quantizer"] == q
        lengths = np.array([len(t) for t in shards.tokens])
        np.testing.assert_array_equal(lengths, (corpus.lengths // tok.downsample) * tok.tokens_per_step)
        assert max(int(t.max()) for t in shards.tokens if len(t)) < tok.token_vocab_size


def test_executed_copy_shows_curves_usage_and_reconstructions(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    n = len(quantizers())
    # loss curves (one per quantizer) + codebook usage + original/reconstruction (one per quantizer)
    assert harness.png_count(tiny_run, STEM) >= 2 * n + 1
