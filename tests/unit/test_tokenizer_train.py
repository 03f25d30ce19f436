"""train_tokenizer: logs, checkpoints, exact resume, two processes (debug_launcher), CLI; evaluate_reconstruction."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from _tokenizer_corpus import make_test_corpus
from being_kit.tokenizer import MotionTokenizer, TokenizerConfig, evaluate_reconstruction
from being_kit.tokenizer.train import TrainConfig, main, train_tokenizer
from being_kit.training import checkpoint_dirs, warmup_cosine


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("tok") / "corpus"
    make_test_corpus(path, n=40)
    return path


def config(corpus_dir, out_dir, q="vq", **kw) -> TrainConfig:
    model = TokenizerConfig(quantizer=q, width=16, depth=1, code_dim=8, codebook_size=32, lfq_bits=6,
                            dead_code_threshold=1.0)
    base = dict(corpus_path=str(corpus_dir), out_dir=str(out_dir), model=model, max_steps=8, batch_size=4, window=32,
                warmup_steps=2, log_every=2, val_every=4, val_max_motions=4, checkpoint_every=4, progress=False)
    base.update(kw)
    return TrainConfig(**base)


def read_log(out_dir) -> list[dict]:
    return [json.loads(line) for line in (Path(out_dir) / "train_log.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("q", ["vq", "lfq", "lfq2d"])
def test_training_logs_checkpoints_and_saves(corpus_dir, tmp_path, q):
    result = train_tokenizer(config(corpus_dir, tmp_path, q))
    assert result.steps == 8 and result.resumed_from == 0
    log = read_log(tmp_path)
    train = [r for r in log if r["split"] == "train"]
    val = [r for r in log if r["split"] == "val"]
    assert [r["step"] for r in train] == [2, 4, 6, 8] and [r["step"] for r in val] == [4, 8]
    for key in ("loss", "recon", "vel", "joint", "quant", "batch_perplexity", "lr"):
        assert all(np.isfinite(r[key]) for r in train), key
    assert all(0 <= r["codebook_usage"] <= 1 and r["mpjpe_mm"] > 0 for r in val)
    assert [p.name for p in checkpoint_dirs(tmp_path)] == ["step_0000004", "step_0000008"]
    tok = MotionTokenizer.from_pretrained(tmp_path)
    assert tok.tokenizer_id == result.tokenizer_id and tok.quantizer == q


@pytest.mark.parametrize("q", ["vq", "lfq2d"])
def test_an_interrupted_run_resumes_to_the_same_weights(corpus_dir, tmp_path, q):
    train_tokenizer(config(corpus_dir, tmp_path / "whole", q))
    train_tokenizer(config(corpus_dir, tmp_path / "split", q, stop_at=4))  # "killed" after the step-4 checkpoint
    assert not (tmp_path / "split" / "model.safetensors").exists()
    resumed = train_tokenizer(config(corpus_dir, tmp_path / "split", q))
    assert resumed.resumed_from == 4
    a = MotionTokenizer.from_pretrained(tmp_path / "whole").state_dict()
    b = MotionTokenizer.from_pretrained(tmp_path / "split").state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert read_log(tmp_path / "whole") == read_log(tmp_path / "split")


def test_a_torn_checkpoint_is_ignored(corpus_dir, tmp_path):
    train_tokenizer(config(corpus_dir, tmp_path, stop_at=4))
    (tmp_path / "checkpoints" / ".step_0000006.tmp-1-0a1b2c3d").mkdir()  # a write that died before the swap
    assert [p.name for p in checkpoint_dirs(tmp_path)] == ["step_0000004"]
    assert train_tokenizer(config(corpus_dir, tmp_path)).resumed_from == 4


def test_a_truncated_checkpoint_falls_back_to_the_one_before_it(corpus_dir, tmp_path, capsys):
    train_tokenizer(config(corpus_dir, tmp_path / "whole"))
    train_tokenizer(config(corpus_dir, tmp_path, stop_at=4, checkpoint_every=2))  # checkpoints at 2 and 4
    newest = tmp_path / "checkpoints" / "step_0000004" / "model.safetensors"
    newest.write_bytes(newest.read_bytes()[:1000])  # a kill or a full disk cut the write
    resumed = train_tokenizer(config(corpus_dir, tmp_path, checkpoint_every=2))
    assert resumed.resumed_from == 2
    out = capsys.readouterr().out
    assert "step_0000004 is unreadable" in out and "resumed from" in out
    a = MotionTokenizer.from_pretrained(tmp_path / "whole").state_dict()
    b = MotionTokenizer.from_pretrained(tmp_path).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)  # the older checkpoint resumes to the same weights


def test_no_readable_checkpoint_is_an_error_that_says_what_to_do(corpus_dir, tmp_path):
    train_tokenizer(config(corpus_dir, tmp_path, stop_at=4))
    (tmp_path / "checkpoints" / "step_0000004" / "model.safetensors").write_bytes(b"cut")
    with pytest.raises(ValueError, match="no checkpoint could be read.*set resume=False"):
        train_tokenizer(config(corpus_dir, tmp_path))


def test_a_checkpoint_of_the_older_format_says_what_to_do(corpus_dir, tmp_path):
    old = tmp_path / "checkpoints" / "step_0000004"  # before the shared runtime: torch.save of a dict + rng_<rank>.pt
    old.mkdir(parents=True)
    torch.save({"step": 4, "num_processes": 1}, old / "state.pt")
    with pytest.raises(ValueError, match="step_0000004: written by an older being-kit; start a new out_dir or resume=False"):
        train_tokenizer(config(corpus_dir, tmp_path))
    assert train_tokenizer(config(corpus_dir, tmp_path, resume=False, max_steps=4)).resumed_from == 0


def test_two_processes_with_debug_launcher(corpus_dir, tmp_path):
    from accelerate import debug_launcher

    cfg = config(corpus_dir, tmp_path, "vq", max_steps=4, checkpoint_every=4, val_every=4)
    debug_launcher(train_tokenizer, (cfg,), num_processes=2)
    result = json.loads((tmp_path / "train_result.json").read_text())
    assert result["steps"] == 4
    state = json.loads((checkpoint_dirs(tmp_path)[-1] / "trainer_state.json").read_text())
    assert state["num_processes"] == 2 and state["step"] == 4
    assert {p.name for p in checkpoint_dirs(tmp_path)[-1].iterdir()} >= {"random_states_0.pkl", "random_states_1.pkl"}
    MotionTokenizer.from_pretrained(tmp_path)
    with pytest.raises(ValueError, match="written by 2 processes, resuming with 1"):
        train_tokenizer(cfg)


def test_training_reduces_the_reconstruction_error(tmp_path):
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer

    make_test_corpus(tmp_path / "small", n=10)  # 8 train motions: a run this short must fit them
    cfg = config(tmp_path / "small", tmp_path / "out", "vq", max_steps=300, log_every=50, val_every=300,
                 checkpoint_every=300, lr=3e-3, warmup_steps=10, batch_size=8)
    cfg.model = TokenizerConfig(quantizer="vq", width=32, depth=1, code_dim=16, codebook_size=64)
    corpus, norm = Corpus.open(tmp_path / "small"), Normalizer.load(tmp_path / "small")
    torch.manual_seed(cfg.seed)  # the initial weights train_tokenizer starts from
    before = evaluate_reconstruction(MotionTokenizer(cfg.model, norm.mean, norm.std).eval(), corpus, "train")
    train_tokenizer(cfg)
    after = evaluate_reconstruction(MotionTokenizer.from_pretrained(tmp_path / "out"), corpus, "train")
    # measured on the same motions, not on random training batches (whose loss is noisy at this size)
    assert after.feature_l1 < 0.8 * before.feature_l1 and after.mpjpe_mm < before.mpjpe_mm, (before, after)


def test_cli_reads_a_json_config_with_overrides(corpus_dir, tmp_path, capsys):
    cfg = config(corpus_dir, tmp_path / "out").to_dict()
    (tmp_path / "c.json").write_text(json.dumps(cfg))
    main(["--config", str(tmp_path / "c.json"), "--set", "max_steps=4", "model.quantizer=lfq"])
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["steps"] == 4 and out["tokenizer_id"].startswith("lfq-")


def test_config_validation(corpus_dir, tmp_path):
    with pytest.raises(ValueError, match="window"):
        config(corpus_dir, tmp_path, window=30)
    with pytest.raises(ValueError, match="stop_at"):
        config(corpus_dir, tmp_path, stop_at=9)
    for name in ("heading_weight", "root_weight", "root_feature_weight"):
        with pytest.raises(ValueError, match=name):
            config(corpus_dir, tmp_path, **{name: -0.5})
    with pytest.raises(ValueError, match="unknown keys"):
        TrainConfig.from_dict({"corpus_path": "a", "out_dir": "b", "epochs": 3})
    assert TrainConfig.from_dict(config(corpus_dir, tmp_path).to_dict()).model.width == 16


def test_lr_schedule_warms_up_then_decays():
    f = [warmup_cosine(s, warmup=10, total=100, min_ratio=0.1) for s in range(100)]
    assert f[0] == pytest.approx(0.1) and f[9] == pytest.approx(1.0) and f[99] == pytest.approx(0.1, abs=0.01)
    assert all(a >= b for a, b in zip(f[10:], f[11:]))


class _Echo(MotionTokenizer):
    """A 'perfect' tokenizer for checking the metrics: decode returns what encode saw (+ optional noise)."""

    noise = 0.0
    root_drift = 0.0  # added to the normalised root x-velocity channel: the whole body translates, the pose does not
    turn_drift = 0.0  # added to the normalised root rotation-velocity channel: the whole body turns, the pose does not
    turn_gain = 1.0  # the decoded root turning rate is the true one times this

    def encode(self, feats, lengths=None):
        self._mask = self.frame_mask(lengths, *feats.shape[:2], feats.device)[..., None]
        self._seen = feats[:, : self._mask.shape[1]] * self._mask
        return super().encode(feats, lengths)

    def decode(self, codes):
        out = self._seen + self.noise * self._mask
        out[..., 1] += self.root_drift * self._mask[..., 0]
        out[..., 0] += self.turn_drift * self._mask[..., 0]
        if self.turn_gain != 1.0:  # the decoded root turning rate, in raw units, times turn_gain
            raw = out[..., 0] * self.std[0] + self.mean[0]
            out[..., 0] = (raw * self.turn_gain - self.mean[0]) / self.std[0] * self._mask[..., 0]
        return out


def test_evaluate_reconstruction_is_zero_for_a_perfect_tokenizer(corpus_dir):
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer

    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    tok = _Echo(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4), norm.mean, norm.std).eval()
    m = evaluate_reconstruction(tok, corpus, "test", batch_size=3)
    test = corpus.split("test")
    assert m.num_motions == len(test) and m.num_frames == sum((n // 4) * 4 for n in test.lengths)
    assert m.mpjpe_mm < 1e-3 and m.mpjpe_global_mm < 1e-3 and m.accel_error_mm < 1e-3 and m.feature_l1 < 1e-6
    assert m.code_counts.sum() == m.num_frames // 4 and 0 < m.codebook_usage <= 1 and 1 <= m.perplexity <= 16
    tok.noise = 0.05
    worse = evaluate_reconstruction(tok, corpus, "test")
    assert worse.mpjpe_mm > 1.0 and worse.feature_l1 == pytest.approx(0.05, rel=0.05)
    assert m.mpjpe_heading_aligned_mm < 1e-3 and m.heading_error_deg < 1e-3
    assert set(m.to_dict()) == {"mpjpe_mm", "mpjpe_global_mm", "mpjpe_heading_aligned_mm", "heading_error_deg",
                                "accel_error_mm", "codebook_usage", "perplexity", "feature_l1", "num_motions", "num_frames",
                                "turn_rate_gain"}
    assert m.turn_rate_gain == pytest.approx(1.0, abs=1e-6)


def test_pelvis_aligned_mpjpe_ignores_root_drift_and_global_mpjpe_sees_it(corpus_dir):
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer

    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    tok = _Echo(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4), norm.mean, norm.std).eval()
    tok.root_drift = 0.5
    m = evaluate_reconstruction(tok, corpus, "test")
    assert m.mpjpe_mm < 1e-3 < 1.0 < m.mpjpe_global_mm


def test_a_drifting_heading_is_split_from_the_pose(corpus_dir):
    """A reconstruction whose only fault is the heading it integrates (a bias on the root's rotation velocity) has
    a large pelvis-aligned MPJPE, a near-zero heading-aligned one, and a heading error that grows with the bias."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer

    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    tok = _Echo(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4), norm.mean, norm.std).eval()
    tok.turn_drift = 0.5
    small = evaluate_reconstruction(tok, corpus, "test")
    tok.turn_drift = 2.0
    large = evaluate_reconstruction(tok, corpus, "test")
    assert small.mpjpe_heading_aligned_mm < 0.5 < 10.0 < small.mpjpe_mm
    assert large.mpjpe_heading_aligned_mm < 0.5 and large.heading_error_deg > small.heading_error_deg > 1.0


def test_turn_rate_gain_reads_a_decoder_that_turns_too_slowly(corpus_dir):
    """A decoder that turns at 0.6x the true rate (real takes met a 0.64-0.78x slope) reads a gain of 0.6 and a
    heading error; the pose alone is right."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer

    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    tok = _Echo(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4), norm.mean, norm.std).eval()
    tok.turn_gain = 0.6
    m = evaluate_reconstruction(tok, corpus, "test")
    assert m.turn_rate_gain == pytest.approx(0.6, abs=1e-4)
    assert m.heading_error_deg > 0.5 and m.mpjpe_heading_aligned_mm < 0.5


def test_turn_to_match_undoes_a_known_turn():
    from being_kit.tokenizer.evaluate import turn_to_match

    rng = np.random.default_rng(0)
    target = torch.as_tensor(rng.normal(size=(5, 22, 3)), dtype=torch.float64)
    angle = torch.linspace(-2.5, 2.5, 5)[:, None].double()
    c, s = torch.cos(angle), torch.sin(angle)
    x, z = target[..., 0], target[..., 2]
    turned_away = torch.stack([c * x - s * z, target[..., 1], s * x + c * z], dim=-1)  # target turned by -angle
    back, yaw = turn_to_match(turned_away, target)
    assert torch.allclose(back, target, atol=1e-9)
    assert torch.allclose(yaw, angle[:, 0], atol=1e-9)


class _EchoForward(_Echo):
    """_Echo through `forward`, the path the training losses take."""

    def forward(self, feats, lengths=None):
        from being_kit.tokenizer.model import TokenizerOutput

        codes = self.encode(feats, lengths)
        recon = self.decode(codes)
        return TokenizerOutput(recon, codes, torch.zeros(()), self.frame_mask(lengths, *feats.shape[:2], feats.device))


@pytest.mark.parametrize("space", ["pelvis", "global"])
def test_joint_loss_space_and_root_term(corpus_dir, tmp_path, space):
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.tokenizer.train import sample_batch, tokenizer_losses

    cfg = config(corpus_dir, tmp_path, joint_space=space, root_weight=0.3)
    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    tok = _EchoForward(cfg.model, norm.mean, norm.std).eval()
    x, lens = sample_batch(corpus.split("train"), norm, 0, 0, cfg, 4)
    feats, lengths = torch.as_tensor(x), torch.as_tensor(lens)
    tok.root_drift = 0.5
    out = tokenizer_losses(tok, feats, lengths, cfg, tok.mean, tok.std, representation="humanml263")
    assert out["root"] > 0.01  # the trajectory drifts
    assert (out["joint"] < 1e-6) == (space == "pelvis")  # only the pelvis-aligned pose ignores the drift
    with pytest.raises(ValueError, match="joint_space"):
        config(corpus_dir, tmp_path, joint_space="local")


class _OffBy(_EchoForward):
    """_EchoForward with `error` added to feature dimension `dim` of the reconstruction."""

    dim, error = 0, 0.0

    def forward(self, feats, lengths=None):
        out = super().forward(feats, lengths)
        recon = out.recon.clone()
        recon[..., self.dim] += self.error * torch.linspace(0, 1, recon.shape[1])  # also a velocity error
        return out._replace(recon=recon)


def test_root_feature_weight_prices_the_root_dimensions_only(corpus_dir, tmp_path):
    """The root's turning rate is 1 of 263 dimensions: `root_feature_weight` multiplies the feature and velocity
    terms on the root's dimensions (0-3 in humanml263; d135's root groups) and leaves every other dimension as it was."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.motion.normalize import root_dims
    from being_kit.tokenizer.train import sample_batch, tokenizer_losses

    assert root_dims("humanml263").tolist() == [0, 1, 2, 3]
    assert len(root_dims("smpl_d135")) == 6 + 2 + 1
    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    base = config(corpus_dir, tmp_path, joint_weight=0.0)
    x, lens = sample_batch(corpus.split("train"), norm, 0, 0, base, 4)
    feats, lengths = torch.as_tensor(x), torch.as_tensor(lens)
    tok = _OffBy(base.model, norm.mean, norm.std).eval()
    figures = {}
    for dim in (0, 100):
        for weight in (1.0, 10.0):
            tok.dim, tok.error = dim, 0.5
            cfg = config(corpus_dir, tmp_path, joint_weight=0.0, root_feature_weight=weight)
            out = tokenizer_losses(tok, feats, lengths, cfg, tok.mean, tok.std, representation="humanml263")
            figures[dim, weight] = (float(out["recon"]), float(out["vel"]))
    assert figures[0, 1.0][0] > 1e-4 and figures[0, 1.0][1] > 1e-8
    assert np.allclose(figures[0, 10.0], np.array(figures[0, 1.0]) * 10, rtol=1e-4)  # the turning rate: 10x
    assert np.allclose(figures[100, 10.0], figures[100, 1.0], rtol=1e-6)  # a body dimension: unchanged
    with pytest.raises(ValueError, match="representation"):
        root_dims("smplx")


def test_heading_term_sees_a_turn_the_pose_terms_barely_price(corpus_dir, tmp_path):
    """A bias on the rotation velocity costs little frame by frame but integrates to a turn: the heading term is
    zero for an exact reconstruction and grows with the bias; it needs humanml263's rotation-velocity channel."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.tokenizer.train import sample_batch, tokenizer_losses

    cfg = config(corpus_dir, tmp_path, heading_weight=1.0)
    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    tok = _EchoForward(cfg.model, norm.mean, norm.std).eval()
    x, lens = sample_batch(corpus.split("train"), norm, 0, 0, cfg, 4)
    feats, lengths = torch.as_tensor(x), torch.as_tensor(lens)
    heading = []
    for drift in (0.0, 0.5, 2.0):
        tok.turn_drift = drift
        heading.append(float(tokenizer_losses(tok, feats, lengths, cfg, tok.mean, tok.std,
                                              representation="humanml263")["heading"]))
    assert heading[0] < 1e-8 < 1e-3 < heading[1] < heading[2]
    with pytest.raises(ValueError, match="heading_weight"):
        tokenizer_losses(tok, feats, lengths, cfg, tok.mean, tok.std, representation="smpl_d135")


def test_the_heading_term_can_start_late(corpus_dir, tmp_path):
    """`heading_from_step`: the pose alone first; the logged heading figure appears from that step on."""
    train_tokenizer(config(corpus_dir, tmp_path, heading_weight=1.0, heading_from_step=4))
    rows = [r for r in read_log(tmp_path) if r.get("split") == "train"]
    assert [r["step"] for r in rows if "heading" in r] == [6, 8]
    assert [r["step"] for r in rows if "heading" not in r] == [2, 4]
    with pytest.raises(ValueError, match="heading_from_step"):
        config(corpus_dir, tmp_path, heading_from_step=9)


def test_overrides_per_quantizer_and_the_cli_form(corpus_dir, tmp_path):
    from being_kit.tokenizer.train import per_quantizer_overrides, with_overrides

    items = per_quantizer_overrides("lfq.lr=5e-4  lfq2d.max_steps=40,vq.model.width=24", ["vq", "lfq", "lfq2d"])
    assert items == {"vq": ["model.width=24"], "lfq": ["lr=5e-4"], "lfq2d": ["max_steps=40"]}
    base = config(corpus_dir, tmp_path).to_dict()
    cfg = TrainConfig.from_dict(with_overrides(base, items["vq"] + ["joint_space=global"]))
    assert cfg.model.width == 24 and cfg.joint_space == "global" and base["model"]["width"] == 16  # a copy
    assert TrainConfig.from_dict(with_overrides(base, items["lfq"])).lr == pytest.approx(5e-4)
    # a profile's settings for a quantizer that is not trained this time are left out; an unknown name is an error
    assert per_quantizer_overrides("lfq.lr=1e-3 vq.lr=2e-3", ["vq"]) == {"vq": ["lr=2e-3"]}
    with pytest.raises(ValueError, match="must start with a quantizer"):
        per_quantizer_overrides("lfg.lr=1e-3", ["vq"])
    with pytest.raises(ValueError, match="KEY=VALUE"):
        with_overrides(base, ["lr"])
    with pytest.raises(ValueError, match="unknown keys"):
        TrainConfig.from_dict(with_overrides(base, ["learning_rate=1"]))


class _SteadyWalks:
    """A shard of motions that travel exactly 0.05 m per frame (feature 1, the root's forward velocity)."""

    representation, feature_dim = "humanml263", 263

    def __init__(self, n: int = 6, frames: int = 150):
        self.lengths = [frames] * n

    def __len__(self) -> int:
        return len(self.lengths)

    def motion(self, i: int) -> np.ndarray:
        x = np.zeros((self.lengths[i], 263), np.float32)
        x[:, 1] = 0.05
        x[:, 4:67] = np.linspace(0, 1, self.lengths[i])[:, None]  # a pose that changes, to be read at new times
        return x


def test_tempo_range_plays_each_crop_at_its_own_speed(corpus_dir, tmp_path):
    """tempo_range r: crops play at speeds drawn in [1/r, r] (the travel per frame scales, so does the pose's pace);
    the same step draws the same batch, and r = 1 leaves the crops as they were."""
    from being_kit.motion import Normalizer
    from being_kit.tokenizer.train import sample_batch

    shard, norm = _SteadyWalks(), Normalizer(np.zeros(263), np.ones(263))
    plain = config(corpus_dir, tmp_path, window=64)
    x, _ = sample_batch(shard, norm, 0, 0, plain, 16)
    assert np.allclose(x[..., 1], 0.05)
    retimed = config(corpus_dir, tmp_path, window=64, tempo_range=2.0)
    speeds = []
    for step in range(8):
        x, lens = sample_batch(shard, norm, step, 0, retimed, 16)
        again, _ = sample_batch(shard, norm, step, 0, retimed, 16)
        assert np.array_equal(x, again) and (lens == 64).all()
        travel = x[:, :-1, 1].mean(1) / 0.05  # speed-up of each crop
        pace = np.diff(x[:, :, 4], axis=1).mean(1) / (1 / 149)  # the pose's pace agrees with the travel
        assert np.allclose(travel, pace, rtol=1e-3)
        speeds.extend(travel.tolist())
    assert 0.5 - 1e-6 <= min(speeds) < 0.8 and 1.25 < max(speeds) <= 2.0 + 1e-6
    with pytest.raises(ValueError, match="tempo_range"):
        config(corpus_dir, tmp_path, tempo_range=0.8)
    result = train_tokenizer(config(corpus_dir, tmp_path / "tempo", tempo_range=1.5, max_steps=4, val_every=4,
                                    checkpoint_every=4))
    assert result.steps == 4 and np.isfinite(result.final_train["loss"])


def test_turn_augment_turns_each_crop_at_its_own_rate(corpus_dir, tmp_path):
    """turn_augment a: each crop also turns at a slowly varying random rate of RMS up to a degrees per second
    (`motion.turning`); the same step draws the same batch, crops keep the window's length, 0 leaves them as they were."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.tokenizer.train import sample_batch

    shard, norm = Corpus.open(corpus_dir).split("train"), Normalizer(np.zeros(263), np.ones(263))
    plain_cfg = config(corpus_dir, tmp_path, window=32)
    turned_cfg = config(corpus_dir, tmp_path, window=32, turn_augment=90.0)
    plain, plain_lens = sample_batch(shard, norm, 3, 0, plain_cfg, 16)
    turned, lens = sample_batch(shard, norm, 3, 0, turned_cfg, 16)
    again, _ = sample_batch(shard, norm, 3, 0, turned_cfg, 16)
    assert np.array_equal(turned, again)
    picked = np.asarray(shard.lengths)[np.random.default_rng([0, 0, 3]).integers(0, len(shard), 16)]
    assert (lens == np.minimum(picked - 2, 32)).all()  # two rows fewer than the motion, at most the window
    rate = lambda x, n: np.concatenate([np.degrees(2 * x[k, : n[k], 0]) * 20 for k in range(len(x))])  # noqa: E731
    spread, spread_plain = rate(turned, lens).std(), rate(plain, plain_lens).std()
    assert spread > 1.5 * spread_plain and np.abs(rate(turned, lens)).max() < 400  # turning, at a person's rates
    with pytest.raises(ValueError, match="turn_augment"):
        config(corpus_dir, tmp_path, turn_augment=-1.0)
    with pytest.raises(ValueError, match="turn_augment: needs humanml263"):
        TrainConfig(corpus_path="c", out_dir="o", model=TokenizerConfig(representation="smpl_d135", feature_dim=135),
                    turn_augment=30.0)
    result = train_tokenizer(config(corpus_dir, tmp_path / "turn", turn_augment=45.0, max_steps=4, val_every=4,
                                    checkpoint_every=4))
    assert result.steps == 4 and np.isfinite(result.final_train["loss"])


def test_part_mix_gives_a_share_of_crops_another_motions_upper_body(corpus_dir, tmp_path):
    """part_mix p: about that share of crops carries another motion's upper body or arms (`motion.part_mix`), a row
    shorter (features made afresh); the crops themselves are those drawn without mixing, the same step draws the
    same batch, and a mixed crop keeps its own legs."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.motion.features import joints_from_features
    from being_kit.tokenizer.train import sample_batch

    shard, norm = Corpus.open(corpus_dir).split("train"), Normalizer(np.zeros(263), np.ones(263))
    plain, plain_lens = sample_batch(shard, norm, 3, 0, config(corpus_dir, tmp_path, window=32), 64)
    mixed_cfg = config(corpus_dir, tmp_path, window=32, part_mix=0.5, part_mix_part="arms")
    mixed, lens = sample_batch(shard, norm, 3, 0, mixed_cfg, 64)
    assert np.array_equal(mixed, sample_batch(shard, norm, 3, 0, mixed_cfg, 64)[0])
    changed = lens == plain_lens - 1
    assert 20 <= changed.sum() <= 44 and (changed | (lens == plain_lens)).all()
    assert all(np.array_equal(mixed[k], plain[k]) for k in np.flatnonzero(~changed))
    legs, arms = [1, 2, 4, 5, 7, 8, 10, 11], [16, 17, 18, 19, 20, 21]
    for k in np.flatnonzero(changed)[:6]:
        a, b = joints_from_features(mixed[k, : lens[k]]), joints_from_features(plain[k, : lens[k]])
        rel = lambda j, ix: np.linalg.norm(j[:, ix] - j[:, :1], axis=-1)  # noqa: E731
        np.testing.assert_allclose(rel(a, legs), rel(b, legs), atol=5e-3)
        assert np.abs(rel(a, arms) - rel(b, arms)).max() > 0.02
    with pytest.raises(ValueError, match="part_mix"):
        config(corpus_dir, tmp_path, part_mix=1.5)
    with pytest.raises(ValueError, match="part_mix_part"):
        config(corpus_dir, tmp_path, part_mix=0.5, part_mix_part="tail")
    result = train_tokenizer(config(corpus_dir, tmp_path / "mix", part_mix=0.5, max_steps=4, val_every=4,
                                    checkpoint_every=4))
    assert result.steps == 4 and np.isfinite(result.final_train["loss"])


def test_pose_augment_bends_the_upper_body_of_a_share_of_crops(corpus_dir, tmp_path):
    """pose_augment p: about that share of crops has its trunk bent and arms moved (`motion.pose_augment`), a row
    shorter; the other crops are those drawn without it, the same step draws the same batch, and a varied crop
    keeps its legs."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.motion.features import joints_from_features
    from being_kit.tokenizer.train import sample_batch

    shard, norm = Corpus.open(corpus_dir).split("train"), Normalizer(np.zeros(263), np.ones(263))
    plain, plain_lens = sample_batch(shard, norm, 3, 0, config(corpus_dir, tmp_path, window=32), 64)
    cfg = config(corpus_dir, tmp_path, window=32, pose_augment=0.5)
    varied, lens = sample_batch(shard, norm, 3, 0, cfg, 64)
    assert np.array_equal(varied, sample_batch(shard, norm, 3, 0, cfg, 64)[0])
    changed = lens == plain_lens - 1
    assert 20 <= changed.sum() <= 44 and (changed | (lens == plain_lens)).all()
    assert all(np.array_equal(varied[k], plain[k]) for k in np.flatnonzero(~changed))
    legs, upper = [1, 2, 4, 5, 7, 8, 10, 11], [12, 15, 16, 17, 18, 19, 20, 21]
    for k in np.flatnonzero(changed)[:6]:
        a, b = joints_from_features(varied[k, : lens[k]]), joints_from_features(plain[k, : lens[k]])
        rel = lambda j, ix: j[:, ix] - j[:, :1]  # noqa: E731
        np.testing.assert_allclose(np.linalg.norm(rel(a, legs), axis=-1), np.linalg.norm(rel(b, legs), axis=-1),
                                   atol=5e-3)
        assert np.abs(rel(a, upper) - rel(b, upper)).max() > 0.05
    with pytest.raises(ValueError, match="pose_augment"):
        config(corpus_dir, tmp_path, pose_augment=1.5)
    with pytest.raises(ValueError, match="pose_augment: needs humanml263"):
        TrainConfig(corpus_path="c", out_dir="o", model=TokenizerConfig(representation="smpl_d135", feature_dim=135),
                    pose_augment=0.5)
    result = train_tokenizer(config(corpus_dir, tmp_path / "pose", pose_augment=0.5, max_steps=4, val_every=4,
                                    checkpoint_every=4))
    assert result.steps == 4 and np.isfinite(result.final_train["loss"])


def test_evaluate_reconstruction_without_the_lookup(corpus_dir):
    """lookup=False scores vq's latent decoded as it is (bench real's split of the error between codebook and conv
    nets): finite MPJPE, no codebook figures; lfq has no such reading and says so."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer

    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", width=16, depth=1, code_dim=8, codebook_size=32),
                          norm.mean, norm.std).eval()
    coded = evaluate_reconstruction(tok, corpus, "train", max_motions=6)
    free = evaluate_reconstruction(tok, corpus, "train", max_motions=6, lookup=False)
    assert np.isfinite(free.mpjpe_mm) and free.mpjpe_mm != coded.mpjpe_mm
    assert np.isnan(free.codebook_usage) and np.isnan(free.perplexity) and coded.codebook_usage > 0
    lfq = MotionTokenizer(TokenizerConfig(quantizer="lfq", width=16, depth=1, lfq_bits=6), norm.mean, norm.std).eval()
    with pytest.raises(ValueError, match="only vq's codes"):
        evaluate_reconstruction(lfq, corpus, "train", max_motions=2, lookup=False)


def test_input_noise_reaches_the_encoder_only(corpus_dir, tmp_path):
    """input_noise s: the encoder reads each crop plus Gaussian noise of std s on its valid frames (padding stays
    zero, the same rng draws the same noise), and every loss compares the reconstruction with the clean crop: an
    echo of the noisy input is priced, an echo of the clean one is not."""
    from being_kit.data import Corpus
    from being_kit.motion import Normalizer
    from being_kit.tokenizer.train import noisy_inputs, sample_batch, tokenizer_losses

    corpus, norm = Corpus.open(corpus_dir), Normalizer.load(corpus_dir)
    cfg = config(corpus_dir, tmp_path, window=32, input_noise=0.3)
    x, lens = sample_batch(corpus.split("train"), norm, 0, 0, cfg, 8)
    lens[0] = 20  # a short crop: its padding must stay zero
    x[0, 20:] = 0.0
    noisy = noisy_inputs(x, lens, 0.3, np.random.default_rng(5))
    assert np.array_equal(noisy, noisy_inputs(x, lens, 0.3, np.random.default_rng(5)))
    assert np.array_equal(noisy[0, 20:], x[0, 20:])
    valid = np.arange(x.shape[1])[None, :] < lens[:, None]
    assert (noisy - x)[valid].std() == pytest.approx(0.3, rel=0.05)
    tok = _EchoForward(cfg.model, norm.mean, norm.std).eval()
    feats, lengths = torch.as_tensor(x), torch.as_tensor(lens)
    clean = tokenizer_losses(tok, feats, lengths, cfg, tok.mean, tok.std, representation="humanml263")
    priced = tokenizer_losses(tok, feats, lengths, cfg, tok.mean, tok.std, representation="humanml263",
                              inputs=torch.as_tensor(noisy))
    assert float(clean["recon"]) < 1e-6 and float(priced["recon"]) > 0.01
    with pytest.raises(ValueError, match="input_noise"):
        config(corpus_dir, tmp_path, input_noise=-0.1)
    result = train_tokenizer(config(corpus_dir, tmp_path / "noise", input_noise=0.2, max_steps=4, val_every=4,
                                    checkpoint_every=4))
    assert result.steps == 4 and np.isfinite(result.final_train["loss"])
