"""being_kit.lm.generate: constrained batched decoding, malformed outputs per sample, captioning, errors."""
import json

import numpy as np
import pytest
import torch

from being_kit.lm import TokenizerMismatchError, caption_motion, generate_motion
from being_kit.lm.generate import MotionSpanConstraint, parse_motion_span
from being_kit.lm.vocab import MotionVocabulary

from _tiny_lm import train_tiny_lm

V = MotionVocabulary(token_vocab_size=8, first_motion_id=12, som_id=10, eom_id=11, tokenizer_id="t", tokens_per_step=2)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return train_tiny_lm(tmp_path_factory.mktemp("run"), max_steps=3)


def test_parse_motion_span_statuses():
    m = V.first_motion_id
    assert parse_motion_span([m, m + 1, m + 2, m + 3, V.eom_id, 0], V)[1] == "ok"
    tokens, st = parse_motion_span([m, m + 1, m + 2], V)  # no end marker: keep whole steps
    assert st == "no_end" and tokens.tolist() == [0, 1]
    tokens, st = parse_motion_span([m, m + 1, 3, m], V)  # a text id inside the span
    assert st == "out_of_range" and tokens.tolist() == [0, 1]
    assert parse_motion_span([V.eom_id], V)[1] == "empty"
    assert parse_motion_span([m + 100, V.eom_id], V)[1] in ("out_of_range", "empty")


def test_constraint_allows_only_motion_then_end_within_length():
    proc = MotionSpanConstraint(V, prompt_len=3, max_tokens=[4, 2], eos_id=0)
    scores = torch.zeros(2, 24)
    ids = torch.tensor([[5, 6, 10], [5, 6, 10]])
    out = proc(ids, scores)
    finite = torch.isfinite(out)
    assert finite[:, 12:20].all() and not finite[:, :12].any() and not finite[:, 20:].any()  # no eom before a step
    ids = torch.cat([ids, torch.tensor([[12, 13], [12, 13]])], 1)
    out = torch.isfinite(proc(ids, scores))
    assert out[0, 11] and out[0, 12:20].all()  # may end or go on
    assert out[1].nonzero().flatten().tolist() == [11]  # reached its 2-token budget: must end
    ids = torch.cat([ids, torch.tensor([[12], [11]])], 1)
    assert torch.isfinite(proc(ids, scores))[1].nonzero().flatten().tolist() == [0]  # after eom: eos only


def test_generate_batched_with_lengths_features_and_joints(lm):
    g = generate_motion(lm, ["a person walks", "someone jumps", "a person kicks"], durations=[1.0, 2.0, 0.4],
                        temperature=1.0, top_k=10, top_p=0.9, seed=1)
    assert len(g) == 3 and all(s in ("ok", "no_end") for s in g.status)
    for tok, d, feats, joints in zip(g.tokens, [1.0, 2.0, 0.4], g.features, g.joints):
        assert 1 <= len(tok) <= int(d * 20) // lm.vocab.downsample and (tok < lm.vocab.token_vocab_size).all()
        assert feats.shape == (len(tok) * lm.vocab.downsample, 263) and joints.shape == (feats.shape[0], 22, 3)
    assert g.representation == "humanml263"  # the motion tokenizer's: joints and exports read features by it
    again = generate_motion(lm, ["a person walks", "someone jumps", "a person kicks"], durations=[1.0, 2.0, 0.4],
                            temperature=1.0, top_k=10, top_p=0.9, seed=1, use_cache=False)
    assert [t.tolist() for t in again.tokens] == [t.tolist() for t in g.tokens]  # same seed, cache or not


def test_unconstrained_malformed_samples_never_crash_the_batch(lm):
    g = generate_motion(lm, ["a person walks"] * 4, durations=0.4, constrained=False, temperature=1.5, seed=3)
    assert len(g.status) == 4 and set(g.status) <= {"ok", "no_end", "empty", "out_of_range", "decode_error"}
    for st, f in zip(g.status, g.features):
        assert (f is None) == (st in ("empty", "out_of_range", "decode_error"))


def test_caption_motion_returns_text(lm):
    caps = caption_motion(lm, [np.arange(10), np.arange(4)], max_new_tokens=5)
    assert len(caps) == 2 and all(isinstance(c, str) and "<motion_" not in c for c in caps)


def test_clear_errors(lm, tmp_path):
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        generate_motion(lm, ["walk", "  "])
    with pytest.raises(ValueError, match="guidance_scale"):
        generate_motion(lm, ["walk"], guidance_scale=0.0)
    for bad in (float("nan"), [2.0, float("inf")], -1.0):
        with pytest.raises(ValueError, match="durations: expected one positive number"):
            generate_motion(lm, ["walk", "jump"], durations=bad)
    for bad in (True, "6", [2.0, "3"]):  # float() would read these as 1 s and 6 s
        with pytest.raises(ValueError, match="durations: expected seconds as numbers"):
            generate_motion(lm, ["walk", "jump"], durations=bad)
    with pytest.raises(ValueError, match=r"motions\[0\]"):
        caption_motion(lm, [np.array([lm.vocab.token_vocab_size + 5])])
    from being_kit.tokenizer import MotionTokenizer, TokenizerConfig

    other = MotionTokenizer(TokenizerConfig(quantizer="vq", width=16, depth=1, codebook_size=64, code_dim=8))
    with pytest.raises(TokenizerMismatchError):
        generate_motion(lm, ["walk"], motion_tokenizer=other)


def test_generation_follows_the_prompt_after_training(tmp_path):
    """Fake tokens where each action uses its own band of ids: after a few hundred steps, greedy generations for
    the training captions use mostly the right band (chance is 1/4). 150 steps per stage sat on the edge of learning
    it (seed 0 passed, seeds 1-3 were at chance); 300 reach 0.83-0.97 on seeds 0-2."""
    from _lm_fakes import ACTIONS, PHRASES, action_band

    lm = train_tiny_lm(tmp_path, max_steps=300, n_embd=64, warmup_steps=4, log_every=50, lr=3e-3)
    prompts = [PHRASES[a][k] for a in ACTIONS for k in range(3)]
    g = generate_motion(lm, prompts, durations=2.0, temperature=0.0, decode=False, template="{text}")
    band = action_band(lm.vocab.token_vocab_size)
    acc = np.mean([np.mean(t // band == i // 3) for i, t in enumerate(g.tokens)])
    assert acc > 0.45, acc
    # classifier-free guidance runs the caption-less branch beside the batch and still follows the prompt
    guided = generate_motion(lm, prompts, durations=2.0, temperature=0.0, decode=False, guidance_scale=2.0)
    acc_guided = np.mean([np.mean(t // band == i // 3) for i, t in enumerate(guided.tokens)])
    assert acc_guided > 0.45 and all(len(t) for t in guided.tokens), acc_guided
    plain = generate_motion(lm, prompts, durations=2.0, temperature=0.0, decode=False, guidance_scale=1.0)
    assert [t.tolist() for t in plain.tokens] == [t.tolist() for t in g.tokens]  # scale 1 = no guidance


def test_exports_read_features_in_the_named_representation(tmp_path):
    """export_generations writes what GeneratedMotions says its features are, never a guess from their width."""
    from being_kit.lm.generate import GeneratedMotions, export_generations

    feats = np.zeros((8, 135), np.float32)
    feats[:, 1] = 0.9  # root height
    feats[:, 3:9] = [1, 0, 0, 1, 0, 0]  # identity 6D root rotation
    gen = GeneratedMotions(texts=["a"], tokens=[np.zeros(2, int)], status=["ok"], features=[feats],
                           representation="smpl_d135")
    index = json.loads((export_generations(gen, tmp_path / "d135") / "index.json").read_text())
    assert np.load(tmp_path / "d135" / index[0]["files"]["joints"]).shape == (8, 22, 3)
    gen.representation = "humanml263"
    with pytest.raises(ValueError, match="263"):
        export_generations(gen, tmp_path / "wrong")
