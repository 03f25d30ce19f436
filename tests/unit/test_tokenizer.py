"""MotionTokenizer: shapes, padding independence, LM token round trips, save/load and its errors, for every quantizer."""
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from being_kit.tokenizer import MotionTokenizer, TokenizerConfig
from being_kit.tokenizer.lfq2d import GATHER_INDEX, JOINT_ORDER, features_to_map, map_to_features

QUANTIZERS = ["vq", "lfq", "lfq2d"]
FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "humanml3d"


def small(q: str, **kw) -> MotionTokenizer:
    torch.manual_seed(0)
    cfg = TokenizerConfig(quantizer=q, width=16, depth=1, code_dim=8, codebook_size=32, lfq_bits=6, **kw)
    model = MotionTokenizer(cfg)
    model.train()
    model(torch.randn(8, 32, 263))  # one training forward: vq's k-means init on 64 vectors
    return model.eval()


@pytest.fixture(scope="module", params=QUANTIZERS + ["vq_factorised", "vq_joint_map"])
def tok(request):
    if request.param == "vq_factorised":  # ViT-VQGAN's codebook: looked up in 4 of the latent's 8 dims, by cosine
        return small("vq", vq_codebook_dim=4, vq_cosine=True)
    if request.param == "vq_joint_map":  # vq's conv stacks on MotionBook's time x joints map, one code per step
        return small("vq", vq_joint_map=True, vq_codebook_dim=4, vq_cosine=True)
    return small(request.param)


def test_facts(tok):
    k = {"vq": 1, "lfq": 1, "lfq2d": 5}[tok.quantizer]
    assert tok.tokens_per_step == k and tok.downsample == 4
    assert tok.codebook_size == {"vq": 32, "lfq": 64, "lfq2d": 64}[tok.quantizer]
    assert tok.token_vocab_size == tok.codebook_size
    assert tok.tokenizer_id.startswith(tok.quantizer + "-")


def test_encode_decode_shapes_and_padding(tok):
    x = torch.randn(3, 37, 263)
    lengths = torch.tensor([37, 21, 8])
    codes = tok.encode(x, lengths)
    assert codes.shape == (3, 9, tok.tokens_per_step) and codes.dtype == torch.int64
    assert (codes[0] >= 0).all() and (codes[1, :5] >= 0).all() and (codes[1, 5:] == -1).all() and (codes[2, 2:] == -1).all()
    assert (codes[codes >= 0] < tok.codebook_size).all()
    feats = tok.decode(codes)
    assert feats.shape == (3, 36, 263)
    assert feats[1, 20:].abs().max() == 0 and feats[2, 8:].abs().max() == 0


def test_a_motion_encodes_the_same_alone_and_in_a_padded_batch(tok):
    x = torch.randn(3, 40, 263)
    lengths = torch.tensor([40, 24, 13])
    batch_codes = tok.encode(x, lengths)
    for i, n in enumerate(lengths.tolist()):
        alone = tok.encode(x[i : i + 1, :n])
        assert torch.equal(batch_codes[i, : n // 4], alone[0]), f"motion {i}"
        d_alone = tok.decode(alone)[0]
        torch.testing.assert_close(tok.decode(batch_codes)[i, : d_alone.shape[0]], d_alone, atol=1e-5, rtol=1e-5)


def test_encode_does_not_touch_the_codebook(tok):
    before = {k: v.clone() for k, v in tok.state_dict().items()}
    tok.train()
    tok.encode(torch.randn(2, 16, 263))
    assert tok.training  # mode restored
    tok.eval()
    assert all(torch.equal(before[k], v) for k, v in tok.state_dict().items())


def test_token_round_trip(tok):
    codes = tok.encode(torch.randn(1, 20, 263))[0]
    tokens = tok.codes_to_tokens(codes)
    assert tokens.shape == (5 * tok.tokens_per_step,)
    assert torch.equal(tok.tokens_to_codes(tokens), codes)
    if tok.tokens_per_step > 1:  # an incomplete last step is dropped
        assert torch.equal(tok.tokens_to_codes(tokens[:-1]), codes[:-1])
        assert tokens[: tok.tokens_per_step].tolist() == codes[0].tolist()  # time-major: step 0's parts first
    with pytest.raises(ValueError, match="padding"):
        tok.codes_to_tokens(torch.full((2, tok.tokens_per_step), -1))
    with pytest.raises(ValueError, match="expected ids"):
        tok.tokens_to_codes(torch.tensor([tok.token_vocab_size] * tok.tokens_per_step))


def test_raw_tokenize_detokenize(tok):
    motion = np.random.default_rng(0).normal(size=(30, 263)).astype(np.float32)
    tokens = tok.tokenize(motion)
    assert tokens.dtype == np.int32 and tokens.shape == (7 * tok.tokens_per_step,)
    assert tok.detokenize(tokens).shape == (28, 263)


def test_save_and_load_round_trip(tok, tmp_path):
    tok.save_pretrained(tmp_path)
    meta = json.loads((tmp_path / "config.json").read_text())
    assert meta["tokenizer_id"] == tok.tokenizer_id and "mean" not in meta  # statistics: buffers in the weights
    loaded = MotionTokenizer.from_pretrained(tmp_path)
    assert loaded.tokenizer_id == tok.tokenizer_id
    x = torch.randn(2, 24, 263)
    assert torch.equal(loaded.encode(x), tok.encode(x))


def test_tokenizer_id_follows_the_weights():
    a = small("lfq")
    before = a.tokenizer_id
    with torch.no_grad():
        next(a.parameters()).add_(1e-3)
    assert a.tokenizer_id != before


def test_tokenizer_id_ignores_config_growth(monkeypatch):
    """The id survives TokenizerConfig gaining a field in code, so an LM trained on its tokens still accepts them."""
    tok = small("vq")
    before = tok.tokenizer_id
    grown = TokenizerConfig.to_dict
    monkeypatch.setattr(TokenizerConfig, "to_dict", lambda self: {**grown(self), "field_added_later": 1})
    assert tok.tokenizer_id == before


def test_normaliser_travels_with_the_weights(tmp_path):
    mean, std = np.arange(263, dtype=np.float32), np.full(263, 2.0, np.float32)
    tok = MotionTokenizer(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4), mean, std)
    tok.save_pretrained(tmp_path)
    norm = MotionTokenizer.from_pretrained(tmp_path).normalizer()
    np.testing.assert_array_equal(norm.mean, mean)
    np.testing.assert_array_equal(norm.std, std)


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a tokenizer folder"):
        MotionTokenizer.from_pretrained(tmp_path / "nope")
    small("lfq").save_pretrained(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="model.safetensors"):
        MotionTokenizer.from_pretrained(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="model.safetensors"):
        MotionTokenizer.from_pretrained(tmp_path)
    small("lfq").save_pretrained(tmp_path)
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="config.json"):
        MotionTokenizer.from_pretrained(tmp_path)
    small("vq").save_pretrained(tmp_path / "vq")
    meta = json.loads((tmp_path / "vq" / "config.json").read_text())
    meta["config"]["codebook_size"] = 64  # weights no longer fit the config
    (tmp_path / "vq" / "config.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="do not match"):
        MotionTokenizer.from_pretrained(tmp_path / "vq")


@pytest.mark.parametrize("kwargs, match", [
    ({"quantizer": "rvq"}, "quantizer"),
    ({"quantizer": "lfq2d", "feature_dim": 135}, "feature_dim"),
    ({"lfq_bits": 0}, "lfq_bits"),
    ({"down_stages": 0}, "down_stages"),
    ({"width": 0}, "width"),
    ({"vq_codebook_dim": 513}, "vq_codebook_dim"),
    ({"quantizer": "lfq", "vq_joint_map": True}, "vq_joint_map"),
    ({"feature_dim": 135, "vq_joint_map": True}, "vq_joint_map"),
])
def test_config_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TokenizerConfig(**kwargs)


def test_input_validation():
    tok = small("lfq")
    with pytest.raises(ValueError, match="263"):
        tok(torch.randn(1, 16, 135))
    with pytest.raises(ValueError, match="lengths"):
        tok.encode(torch.randn(2, 16, 263), torch.tensor([16, 17]))
    with pytest.raises(ValueError, match="codebook_size"):
        tok.decode(torch.full((1, 2, 1), 64))


def test_encode_decode_tokenize_detokenize_name_what_is_wrong(tok):
    d, k, ds = 263, tok.tokens_per_step, tok.downsample
    with pytest.raises(ValueError, match=r"feats: expected \(b, t, 263\).*add a batch axis"):
        tok.encode(torch.randn(16, d))
    with pytest.raises(ValueError, match="feats: need at least downsample"):
        tok.encode(torch.randn(1, ds - 1, d))
    nan = torch.randn(1, 16, d)
    nan[0, 5, 7] = float("nan")
    with pytest.raises(ValueError, match=r"feats: holds NaN or inf \(first at index \(0, 5, 7\)\)"):
        tok.encode(nan)
    with pytest.raises(ValueError, match="motion: holds NaN or inf at frame 5"):
        tok.tokenize(nan[0].numpy())
    with pytest.raises(ValueError, match=r"motion: expected one raw motion \(t, 263\)"):
        tok.tokenize(np.zeros((1, 16, d), np.float32))
    with pytest.raises(ValueError, match="motion: need at least downsample"):
        tok.tokenize(np.zeros((ds - 1, d), np.float32))
    with pytest.raises(ValueError, match="-1 is the only negative value"):
        tok.decode(torch.full((1, 2, k), -3))
    with pytest.raises(ValueError, match="integer codes"):
        tok.decode(torch.zeros((1, 2, k), dtype=torch.float32))
    with pytest.raises(ValueError, match="no steps"):
        tok.decode(torch.zeros((1, 0, k), dtype=torch.long))
    with pytest.raises(ValueError, match="integer token ids"):
        tok.detokenize(np.array([1.0, 2.0] * k))
    with pytest.raises(ValueError, match="at least one step"):
        tok.detokenize(np.array([], dtype=np.int64))
    with pytest.raises(ValueError, match=r"feats: expected float features, got dtype torch.int64"):
        tok.encode(torch.zeros((1, 16, d), dtype=torch.long))
    with pytest.raises(ValueError, match=r"lengths: expected whole frame counts, got \[7.9"):
        tok.encode(torch.randn(1, 16, d), torch.tensor([7.9]))
    # what passes still round-trips, and whole lengths given as floats are read as ints
    assert tok.detokenize(tok.tokenize(np.zeros((16, d), np.float32))).shape == (16, d)
    x = torch.randn(1, 16, d)
    assert torch.equal(tok.encode(x, torch.tensor([12.0])), tok.encode(x, torch.tensor([12])))


def test_the_representation_is_named_and_checked():
    assert TokenizerConfig().representation == "humanml263"
    assert TokenizerConfig(feature_dim=135).representation == "smpl_d135"  # older folders: from the dimension
    assert TokenizerConfig.from_dict({"feature_dim": 135, "representation": "smpl_d135"}).feature_dim == 135
    with pytest.raises(ValueError, match="representation: 'smpl_d135' has 135 values per frame, but feature_dim is 263"):
        TokenizerConfig(representation="smpl_d135")


def test_motionbook_map_is_a_permutation_of_the_features():
    x = torch.randn(2, 5, 263)
    m = features_to_map(x)
    assert m.shape == (2, 13, 5, 22)
    torch.testing.assert_close(map_to_features(m), x, rtol=0, atol=0)
    assert sorted(GATHER_INDEX[GATHER_INDEX < 263].tolist()) == list(range(263))
    assert sorted(JOINT_ORDER) == list(range(22))


def test_training_forward_gives_gradients_for_every_quantizer():
    for q in QUANTIZERS:
        tok = small(q).train()
        out = tok(torch.randn(2, 16, 263), torch.tensor([16, 9]))
        (out.recon.square().mean() + out.quant_loss).backward()
        grads = [p.grad for p in tok.net.encoder.parameters()]
        assert all(g is not None and torch.isfinite(g).all() for g in grads), q
        assert out.mask.sum(1).tolist() == [16, 8]


def test_the_joint_map_vq_convolves_joints_and_codes_the_whole_body_per_step():
    """vq_joint_map: 2D conv stacks over (time, joint) with `width` channels per joint, one code per 4 frames; a
    joint's features reach the code through the map, and the decoder writes every feature dimension."""
    from being_kit.tokenizer.joint_map_vq import JointMapVQNet

    tok = small("vq", vq_joint_map=True).train()
    assert isinstance(tok.net, JointMapVQNet) and tok.net.encoder.conv_in.weight.ndim == 4  # 2D kernels
    assert tok.net.to_latent.in_features == 22 * 16 and tok.tokens_per_step == 1
    x = torch.randn(2, 16, 263, requires_grad=True)
    out = tok(x, torch.tensor([16, 9]))
    assert out.recon.shape == (2, 16, 263) and out.codes.shape == (2, 4, 1)
    (out.recon.square().mean() + out.quant_loss).backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in tok.net.encoder.parameters())
    assert (x.grad[0].abs().sum(0) > 0).all()  # every feature dimension is read
    assert (out.recon[0].detach().abs().sum(0) > 0).all()  # and written


def test_a_factorised_codebook_is_looked_up_in_its_own_space():
    tok = small("vq", vq_codebook_dim=4, vq_cosine=True)
    codebook = tok.net.quantizer.vq.codebook
    assert codebook.shape[-1] == 4 and torch.allclose(codebook.norm(dim=-1), torch.ones(()), atol=1e-4)
    assert tok.net.quantizer.dequantize(torch.arange(5)[None]).shape == (1, 5, 8)


def test_reconstruction_without_the_lookup(tok):
    """vq only: the latent decoded as it is (an unlimited codebook); where every latent already is a code it is
    exactly the coded reconstruction, and padding stays zero. LFQ's latent between its sign codes means nothing."""
    x, lengths = torch.randn(2, 24, 263), torch.tensor([24, 12])
    if tok.quantizer != "vq":
        with pytest.raises(ValueError, match="only vq's codes"):
            tok.reconstruct_without_lookup(x, lengths)
        return
    free = tok.reconstruct_without_lookup(x, lengths)
    coded = tok.decode(tok.encode(x, lengths))
    assert free.shape == coded.shape and free[1, 12:].abs().max() == 0
    assert not torch.allclose(free, coded, atol=1e-4)
    # put every step's latent into the codebook (as the lookup sees it): the two readings agree
    vq = tok.net.quantizer
    mask = tok.frame_mask(lengths, 2, 24, x.device)
    with torch.no_grad():
        z, _ = tok.net.encode_latent(x * mask[..., None], mask)
        looked_up = vq.project_in(z[:, :, 0]).reshape(-1, vq.vq.codebook.shape[-1])
        if vq.cosine:
            looked_up = torch.nn.functional.normalize(looked_up, dim=-1)
        saved = vq.vq._codebook.embed.clone()
        vq.vq._codebook.embed[0, : len(looked_up)] = looked_up
    try:
        torch.testing.assert_close(tok.decode(tok.encode(x, lengths)), free, atol=1e-4, rtol=1e-4)
    finally:
        with torch.no_grad():
            vq.vq._codebook.embed.copy_(saved)


@pytest.mark.parametrize("cosine", [False, True])
def test_a_short_kmeans_start_is_one_plain_warning_and_no_coloured_log_line(cosine):
    """vector-quantize-pytorch logs a short k-means start through loguru in terminal colours, which an executed
    notebook keeps as raw escape codes: being-kit says it as a plain warning instead (once, at the first forward)."""
    from loguru import logger

    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", width=16, depth=1, code_dim=8, codebook_size=32,
                                          vq_cosine=cosine)).train()
    logged: list[str] = []
    sink = logger.add(logged.append, level="DEBUG")
    try:
        with pytest.warns(UserWarning, match=r"sees 5 latent vectors for 32 codes") as caught:
            tok(torch.randn(2, 16, 263), torch.tensor([16, 4]))  # 4 + 1 latent steps
        tok(torch.randn(2, 16, 263), torch.tensor([16, 4]))  # initialised: nothing more
    finally:
        logger.remove(sink)
    assert logged == [] and not any("\x1b" in str(w.message) for w in caught)
    assert bool(tok.net.quantizer.vq._codebook.initted)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small("vq")  # 64 latents for 32 codes: silent
    fresh = MotionTokenizer(TokenizerConfig(quantizer="vq", width=16, depth=1, code_dim=8, codebook_size=32))
    sink = logger.add(logged.append, level="DEBUG")
    try:  # an untrained tokenizer's first encode starts the codebook too (the inspector's demo): quietly
        fresh.encode(torch.randn(1, 16, 263))
    finally:
        logger.remove(sink)
    assert logged == [] and bool(fresh.net.quantizer.vq._codebook.initted)


@pytest.mark.skipif(not (FIXTURES / "new_joint_vecs").is_dir(), reason="../shared/fixtures/humanml3d absent")
@pytest.mark.parametrize("q", QUANTIZERS)
def test_humanml3d_fixture_motions_encode_and_decode(q):
    mean, std = np.load(FIXTURES / "Mean.npy"), np.load(FIXTURES / "Std.npy")
    tok = MotionTokenizer(TokenizerConfig(quantizer=q, width=16, depth=1, code_dim=8, codebook_size=32, lfq_bits=6), mean, std)
    for path in sorted((FIXTURES / "new_joint_vecs").glob("*.npy")):
        motion = np.load(path).astype(np.float32)
        tokens = tok.tokenize(motion)
        assert tokens.shape == ((len(motion) // 4) * tok.tokens_per_step,)
        feats = tok.detokenize(tokens)
        assert feats.shape == ((len(motion) // 4) * 4, 263) and np.isfinite(feats).all()


def test_lfq_entropy_terms_act_on_padded_batches():
    """vector-quantize-pytorch's LFQ zeroes its entropy terms when given a mask; LFQuantizer must not."""
    from being_kit.tokenizer.lfq import LFQuantizer

    torch.manual_seed(0)
    q = LFQuantizer(bits=8, entropy_weight=0.1, commitment_weight=0.0, diversity_gamma=1.0, frac_per_sample_entropy=1.0)
    z = (0.1 * torch.randn(3, 16, 8)).requires_grad_()
    mask = torch.ones(3, 16, dtype=torch.bool)
    mask[1, 10:] = False
    out = q(z, mask)
    out.loss.backward()
    assert out.loss.item() < 0 and z.grad[mask].abs().sum() > 0 and z.grad[~mask].abs().sum() == 0
    assert (out.codes[~mask] == 0).all() and (out.quantized[~mask] == 0).all()
    assert out.codes[0].tolist() == q(z[:1].detach(), mask[:1]).codes[0].tolist()
