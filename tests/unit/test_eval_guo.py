"""Evaluator A: module names and shapes of the public text_mot_match checkpoint, loading, errors, embedding."""
import pickle

import numpy as np
import pytest
import torch

from being_kit.eval.guo_evaluator import (POS_ENUMERATOR, GuoConfig, GuoEvaluator, WordVectorizer, build_modules,
                                          tokenize_caption)


def _gru(prefix, inp, hid):
    out = {}
    for sfx in ("", "_reverse"):
        out[f"{prefix}gru.weight_ih_l0{sfx}"] = (3 * hid, inp)
        out[f"{prefix}gru.weight_hh_l0{sfx}"] = (3 * hid, hid)
        out[f"{prefix}gru.bias_ih_l0{sfx}"] = (3 * hid,)
        out[f"{prefix}gru.bias_hh_l0{sfx}"] = (3 * hid,)
    return out


def _head(hid, out):
    return {"output_net.0.weight": (hid, 2 * hid), "output_net.0.bias": (hid,), "output_net.1.weight": (hid,),
            "output_net.1.bias": (hid,), "output_net.3.weight": (out, hid), "output_net.3.bias": (out,),
            "hidden": (2, 1, hid)}


# Written out from the reference (t2m_eval_wrapper: dim_pose 263, word 300, pos 15, text hidden 512, motion hidden
# 1024, co-embedding 512, movement hidden/latent 512), independently of our modules.
REFERENCE_SHAPES = {
    "movement_encoder": {"main.0.weight": (512, 259, 4), "main.0.bias": (512,), "main.3.weight": (512, 512, 4),
                         "main.3.bias": (512,), "out_net.weight": (512, 512), "out_net.bias": (512,)},
    "text_encoder": {"pos_emb.weight": (300, 15), "pos_emb.bias": (300,), "input_emb.weight": (512, 300),
                     "input_emb.bias": (512,), **_gru("", 512, 512), **_head(512, 512)},
    "motion_encoder": {"input_emb.weight": (1024, 512), "input_emb.bias": (1024,), **_gru("", 1024, 1024),
                       **_head(1024, 512)},
}


def test_module_names_and_shapes_match_the_public_checkpoint():
    modules = build_modules(GuoConfig())
    for key, shapes in REFERENCE_SHAPES.items():
        ours = {k: tuple(v.shape) for k, v in modules[key].state_dict().items()}
        assert ours == shapes, key
    assert len(POS_ENUMERATOR) == 15


def _small_cfg():
    return GuoConfig(dim_pose=263, dim_word=6, dim_text_hidden=8, dim_motion_hidden=8, dim_coemb_hidden=5,
                     dim_movement_enc_hidden=8, dim_movement_latent=8)


def _write_files(tmp_path, cfg):
    torch.manual_seed(0)
    state = {k: {n: torch.randn(p.shape) * 0.1 for n, p in m.state_dict().items()}
             for k, m in build_modules(cfg).items()}
    ckpt = tmp_path / "checkpoints" / "t2m" / "text_mot_match" / "model" / "finest.tar"
    ckpt.parent.mkdir(parents=True)
    torch.save({**state, "epoch": 3, "iter": 100}, ckpt)
    glove = tmp_path / "glove"
    glove.mkdir()
    words = ["unk", "sos", "eos", "a", "person", "walk", "forward", "wave", "hand"]
    np.save(glove / "our_vab_data.npy", np.random.default_rng(0).normal(size=(len(words), cfg.dim_word)).astype(np.float32))
    with open(glove / "our_vab_words.pkl", "wb") as f:
        pickle.dump(words, f)
    with open(glove / "our_vab_idx.pkl", "wb") as f:
        pickle.dump({w: i for i, w in enumerate(words)}, f)
    np.save(tmp_path / "mean.npy", np.zeros(263, np.float32))
    np.save(tmp_path / "std.npy", np.ones(263, np.float32))
    return ckpt, glove


def test_load_and_embed(tmp_path):
    cfg = _small_cfg()
    ckpt, glove = _write_files(tmp_path, cfg)
    ev = GuoEvaluator.from_checkpoint(tmp_path / "checkpoints", glove, tmp_path / "mean.npy", tmp_path / "std.npy", cfg)
    t = ev.embed_texts(["a person walks forward", "a person waves a hand", "zzz unknown words"])
    assert t.shape == (3, 5) and np.isfinite(t).all()
    assert not np.allclose(t[0], t[1])
    rng = np.random.default_rng(0)
    motions = [rng.normal(size=(n, 263)).astype(np.float32) for n in (40, 13, 300)]
    m = ev.embed_motions(motions)
    assert m.shape == (3, 5) and np.isfinite(m).all()
    # padding in a batch does not change a motion's embedding; >196 frames are cut to 196
    np.testing.assert_allclose(ev.embed_motions(motions[:1]), m[:1], atol=1e-5)
    np.testing.assert_allclose(ev.embed_motions([motions[2][:196]]), m[2:], atol=1e-5)
    # the weights loaded are the checkpoint's
    state = torch.load(ckpt, weights_only=False)
    torch.testing.assert_close(ev.modules["text_encoder"].hidden.detach(), state["text_encoder"]["hidden"])


def test_missing_files_are_named(tmp_path):
    cfg = _small_cfg()
    ckpt, glove = _write_files(tmp_path, cfg)
    with pytest.raises(FileNotFoundError, match="finest.tar"):
        GuoEvaluator.from_checkpoint(tmp_path / "nowhere" / "finest.tar", glove, tmp_path / "mean.npy", tmp_path / "std.npy", cfg)
    with pytest.raises(FileNotFoundError, match="std.npy"):
        GuoEvaluator.from_checkpoint(ckpt, glove, tmp_path / "mean.npy", tmp_path / "nope" / "std.npy", cfg)
    (glove / "our_vab_idx.pkl").unlink()
    with pytest.raises(FileNotFoundError, match="our_vab_idx.pkl"):
        GuoEvaluator.from_checkpoint(ckpt, glove, tmp_path / "mean.npy", tmp_path / "std.npy", cfg)


def test_checkpoint_missing_key(tmp_path):
    cfg = _small_cfg()
    ckpt, glove = _write_files(tmp_path, cfg)
    state = torch.load(ckpt, weights_only=False)
    del state["motion_encoder"]
    torch.save(state, ckpt)
    with pytest.raises(KeyError, match="motion_encoder"):
        GuoEvaluator.from_checkpoint(ckpt, glove, tmp_path / "mean.npy", tmp_path / "std.npy", cfg)


def test_word_vectorizer_vip_categories(tmp_path):
    _, glove = _write_files(tmp_path, _small_cfg())
    wv = WordVectorizer(glove)
    _, pos = wv["walk/VERB"]
    assert pos.argmax() == POS_ENUMERATOR["Act_VIP"]
    _, pos = wv["forward/ADV"]
    assert pos.argmax() == POS_ENUMERATOR["Loc_VIP"]
    vec, pos = wv["xylophone/NOUN"]
    np.testing.assert_array_equal(vec, wv.word2vec["unk"])
    assert pos.argmax() == POS_ENUMERATOR["OTHER"]
    _, pos = wv["person/NOUN"]
    assert pos.argmax() == POS_ENUMERATOR["NOUN"]


def test_tokenize_caption():
    assert tokenize_caption("A person walks forward, then jumps.") == [
        "a/DET", "person/PRON", "walk/VERB", "forward/NOUN", "then/ADP", "jump/VERB"]
    assert tokenize_caption("a/DET man/NOUN kick/VERB") == ["a/DET", "man/NOUN", "kick/VERB"]
