"""being_kit.lm.train: two-stage training on fake token shards, resume, tokenizer check, two-process DDP."""
import json
import math
import os

import numpy as np
import pytest
import torch

from being_kit.lm import LMConfig, MotionLM, TokenizerMismatchError, train_lm
from _lm_fakes import make_fake_run
from being_kit.training.checkpoint import STATE_FILE

TINY = dict(n_layer=1, n_embd=32, n_head=2, text_vocab_size=300, seq_len=64, batch_size=4, warmup_steps=2,
            log_every=2, lr=3e-3)


@pytest.fixture(scope="module")
def fake_tokens(tmp_path_factory):
    return make_fake_run(tmp_path_factory.mktemp("run"), n=32)


def _cfg(tokens, out, **kw):
    return LMConfig(tokens_dir=str(tokens), out_dir=str(out), **{**TINY, **kw})


def test_two_stages_log_train_and_val_and_save_a_loadable_model(fake_tokens, tmp_path):
    r = train_lm(_cfg(fake_tokens, tmp_path / "lm", max_steps=6, sample_every=4))
    assert r.steps == 12 and r.num_processes == 1 and math.isfinite(r.train_loss) and math.isfinite(r.val_loss)
    log = [json.loads(x) for x in (tmp_path / "lm" / "train_log.jsonl").read_text().splitlines()]
    assert {e["stage"] for e in log} == {"align", "instruct"} and {e["split"] for e in log} == {"train", "val"}
    train = [e["loss"] for e in log if e["split"] == "train"]
    assert train[-1] < train[0]  # it learns something in 12 steps at lr 3e-3
    samples = [json.loads(x) for x in (tmp_path / "lm" / "samples.jsonl").read_text().splitlines()]
    assert [s["step"] for s in samples] == [4, 4, 8, 8, 12, 12] and all(s["tokens"] for s in samples)
    lm = MotionLM.from_pretrained(tmp_path / "lm")
    assert lm.vocab.tokenizer_id == json.loads((fake_tokens / "tokens.json").read_text())["tokenizer_id"]
    assert LMConfig.load(tmp_path / "lm" / "lm_config.json").max_steps == 6
    assert sorted(p.name for p in (tmp_path / "lm" / "checkpoints").iterdir())  # atomic checkpoints, no .tmp left
    assert not [p for p in (tmp_path / "lm" / "checkpoints").iterdir() if p.name.startswith(".")]
    assert not [p for p in (tmp_path / "lm").iterdir() if p.name.startswith(".")]  # the model folder was swapped in


def test_resume_continues_from_the_last_checkpoint(fake_tokens, tmp_path):
    out = tmp_path / "lm"
    first = train_lm(_cfg(fake_tokens, out, stages=("align",), max_steps=4))
    r = train_lm(_cfg(fake_tokens, out, stages=("align",), max_steps=4))
    assert r.steps == 4 and r.tokens_seen == first.tokens_seen > 0  # nothing left to do: resumed at the final step
    saved = json.loads((out / "checkpoints" / "step_0000004" / STATE_FILE).read_text())
    assert 0 < saved["wall_s"] <= first.wall_s  # training time so far travels with the checkpoint ...
    assert r.wall_s > saved["wall_s"]  # ... and counts in the resumed result (tokens/s is not inflated)
    r2 = train_lm(_cfg(fake_tokens, tmp_path / "fresh", stages=("align",), max_steps=4, resume=False))
    assert r2.steps == 4


def test_a_truncated_checkpoint_falls_back_to_the_one_before_it(fake_tokens, tmp_path, capsys):
    out = tmp_path / "lm"
    train_lm(_cfg(fake_tokens, out, stages=("align",), max_steps=4, checkpoint_every=2))  # step_2, step_4
    weights = next((out / "checkpoints" / "step_0000004").glob("model*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:100])
    r = train_lm(_cfg(fake_tokens, out, stages=("align",), max_steps=4, checkpoint_every=2))
    said = capsys.readouterr().out
    assert "step_0000004 is unreadable" in said and "resumed from" in said and "step_0000002" in said
    assert r.steps == 4
    for ckpt in (out / "checkpoints").glob("step_*"):
        for f in ckpt.glob("model*.safetensors"):
            f.write_bytes(b"cut")
    with pytest.raises(ValueError, match="no checkpoint could be read.*resume=False"):
        train_lm(_cfg(fake_tokens, out, stages=("align",), max_steps=6, checkpoint_every=2))


def test_answer_only_loss_lora_and_gradient_checkpointing_run(fake_tokens, tmp_path):
    r = train_lm(_cfg(fake_tokens, tmp_path / "lm", stages=("instruct",), max_steps=2, loss="answer", lora=True,
                      lora_r=4, gradient_checkpointing=True))
    assert r.steps == 2 and math.isfinite(r.train_loss)
    MotionLM.from_pretrained(tmp_path / "lm")  # merged: loads without peft


def test_refuses_tokens_of_another_tokenizer(fake_tokens, tmp_path):
    out = tmp_path / "lm"
    train_lm(_cfg(fake_tokens, out, stages=("align",), max_steps=1))
    info = json.loads((fake_tokens / "tokens.json").read_text())
    other = tmp_path / "other"
    other.mkdir()
    (other / "tokens.parquet").write_bytes((fake_tokens / "tokens.parquet").read_bytes())
    (other / "tokens.json").write_text(json.dumps({**info, "tokenizer_id": "vq-someoneelse"}))
    with pytest.raises(TokenizerMismatchError, match="vq-someoneelse"):
        train_lm(_cfg(other, out, stages=("align",), max_steps=2))


def test_config_errors_name_the_field(fake_tokens):
    with pytest.raises(ValueError, match="stages"):
        LMConfig(tokens_dir="t", out_dir="o", stages=("pretrain",))
    with pytest.raises(ValueError, match="loss"):
        LMConfig(tokens_dir="t", out_dir="o", loss="prompt")
    with pytest.raises(ValueError, match="unknown keys"):
        LMConfig.from_dict({"tokens_dir": "t", "out_dir": "o", "learning_rate": 1})
    with pytest.raises(ValueError, match="caption_dropout"):
        LMConfig(tokens_dir="t", out_dir="o", caption_dropout=1.0)
    with pytest.raises(ValueError, match="stage_steps"):
        LMConfig(tokens_dir="t", out_dir="o", stage_steps=(10,))  # two stages, one count
    with pytest.raises(ValueError, match="stage_steps: expected integers"):
        LMConfig(tokens_dir="t", out_dir="o", stage_steps="100,many")
    with pytest.raises(ValueError, match="tasks"):
        LMConfig(tokens_dir="t", out_dir="o", tasks="t2m,dance")


def test_notebook_strings_parse_like_tuples():
    """Notebook parameters pass lists as comma-separated strings; the config reads them like tuples."""
    cfg = LMConfig(tokens_dir="t", out_dir="o", stage_steps="1500, 300", tasks="t2m,m2t", stages="align,instruct")
    assert cfg.stage_steps == (1500, 300) and cfg.tasks == ("t2m", "m2t") and cfg.stages == ("align", "instruct")
    assert cfg.planned_steps() == 1800
    assert LMConfig(tokens_dir="t", out_dir="o", stage_steps="", max_steps=40).planned_steps() == 80
    assert LMConfig(tokens_dir="t", out_dir="o", max_steps=0).planned_steps() == 0  # epochs decide


def test_log_every_zero_spreads_about_40_lines_over_the_planned_steps():
    """The notebook passes 0: the cadence follows `stage_steps` (a 325-step run once logged only every 30 steps)."""
    assert LMConfig(tokens_dir="t", out_dir="o", stage_steps="1500,300", log_every=0).log_every == 45
    assert LMConfig(tokens_dir="t", out_dir="o", stage_steps="280,45", max_steps=900, log_every=0).log_every == 8
    assert LMConfig(tokens_dir="t", out_dir="o", stage_steps="8,4", log_every=0).log_every == 1
    assert LMConfig(tokens_dir="t", out_dir="o", max_steps=0, log_every=0).log_every == 10  # epochs decide
    with pytest.raises(ValueError, match="log_every"):
        LMConfig(tokens_dir="t", out_dir="o", log_every=-1)


def test_stage_steps_and_caption_dropout(fake_tokens, tmp_path):
    r = train_lm(_cfg(fake_tokens, tmp_path / "lm", stage_steps=(5, 2), caption_dropout=0.2, log_every=1))
    log = [json.loads(x) for x in (tmp_path / "lm" / "train_log.jsonl").read_text().splitlines()]
    steps = {st: max(e["step"] for e in log if e["split"] == "train" and e["stage"] == st) for st in ("align", "instruct")}
    assert r.steps == 7 and steps == {"align": 5, "instruct": 7}
    assert LMConfig.load(tmp_path / "lm" / "lm_config.json").stage_steps == (5, 2)


def test_two_processes_read_their_own_shards_and_gradients_agree(fake_tokens, tmp_path):
    """Real DDP on gloo with 2 CPU processes: different data per rank, identical gradient norms and weights."""
    from accelerate import debug_launcher

    out = tmp_path / "ddp"
    cfg = _cfg(fake_tokens, out, stages=("align",), max_steps=3)

    def fn():
        import torch.distributed as dist

        from being_kit.lm.data import rank_block, read_token_shards

        r = train_lm(cfg)
        rank = dist.get_rank()
        shards = read_token_shards(cfg.tokens_dir)
        rows = rank_block(np.flatnonzero(shards.splits == "train"), 2, rank)
        (out / f"rank{rank}.json").write_text(json.dumps(
            {"grad_norm": r.grad_norm, "checksum": r.param_checksum, "n": r.num_processes, "rows": rows.tolist()}))

    debug_launcher(fn, num_processes=2)
    a, b = (json.loads((out / f"rank{i}.json").read_text()) for i in range(2))
    assert a["n"] == b["n"] == 2
    assert set(a["rows"]).isdisjoint(b["rows"]) and a["rows"] and b["rows"]
    assert math.isfinite(a["grad_norm"]) and a["grad_norm"] == pytest.approx(b["grad_norm"], rel=1e-6)
    assert a["checksum"] == pytest.approx(b["checksum"], rel=1e-6)


def test_loader_workers_train_exactly_as_rows_built_in_the_loop(fake_tokens, tmp_path):
    """The EpochLoader's forked worker builds the epochs ahead; the rows, and so the training, are the same as when
    the training process builds each epoch itself (several epochs per stage, augmentation drawn per epoch)."""
    kw = dict(max_steps=0, epochs=2, batch_size=8, caption_augment=0.5, duration_hint=0.5, caption_dropout=0.2,
              log_every=1)
    inline = train_lm(_cfg(fake_tokens, tmp_path / "inline", loader_workers=0, **kw))
    ahead = train_lm(_cfg(fake_tokens, tmp_path / "ahead", loader_workers=1, **kw))
    log = [[json.loads(x) for x in (tmp_path / name / "train_log.jsonl").read_text().splitlines()]
           for name in ("inline", "ahead")]
    assert max(e["epoch"] for e in log[0]) >= 1  # more than one epoch per stage
    assert [(e["step"], e["epoch"], e["loss"]) for e in log[0]] == [(e["step"], e["epoch"], e["loss"]) for e in log[1]]
    assert ahead.param_checksum == inline.param_checksum and ahead.tokens_seen == inline.tokens_seen


def test_progress_false_silences_the_text_bar(fake_tokens, tmp_path, capfd):
    """Notebooks pass progress=False (their live plot shows progress); scripts keep the tqdm bar."""
    train_lm(_cfg(fake_tokens, tmp_path / "on", max_steps=2))
    assert "train_lm" in capfd.readouterr().err
    train_lm(_cfg(fake_tokens, tmp_path / "off", max_steps=2, progress=False))
    assert "train_lm" not in capfd.readouterr().err


def test_mixed_precision_auto_keeps_small_models_fp32_and_bf16_runs_on_cpu(fake_tokens, tmp_path):
    """The tiny model is far below precision.CPU_BF16_MIN_PARAMS; an explicit bf16 trains under CPU autocast."""
    auto = train_lm(_cfg(fake_tokens, tmp_path / "auto", stages=("align",), max_steps=2))
    assert auto.mixed_precision == "no"
    bf16 = train_lm(_cfg(fake_tokens, tmp_path / "bf16", stages=("align",), max_steps=2, mixed_precision="bf16"))
    assert bf16.mixed_precision == "bf16" and math.isfinite(bf16.train_loss) and math.isfinite(bf16.val_loss)
    saved = MotionLM.from_pretrained(tmp_path / "bf16").model
    assert next(saved.parameters()).dtype == torch.float32  # autocast keeps fp32 master weights; they load


def test_a_resumed_run_logs_each_step_once(fake_tokens, tmp_path):
    """A run killed after its step-2 checkpoint had logged steps 3 and 4 (and sampled at 4): the rerun drops those
    lines before logging them again."""
    import shutil

    out = tmp_path / "lm"
    cfg = _cfg(fake_tokens, out, stages=("align",), max_steps=4, checkpoint_every=2, log_every=1, sample_every=2)
    train_lm(cfg)
    shutil.rmtree(out / "checkpoints" / "step_0000004")
    train_lm(cfg)
    train = [json.loads(x)["step"] for x in (out / "train_log.jsonl").read_text().splitlines()
             if json.loads(x)["split"] == "train"]
    samples = [json.loads(x)["step"] for x in (out / "samples.jsonl").read_text().splitlines()]
    assert train == [1, 2, 3, 4] and samples == [2, 2, 4, 4]
