"""The stages of train_lm, each on its own: start_run, plan_stages, build_model_and_optimizer, resume_or_start,
validate, train_loop, finalize."""
import json
import math

import pytest

from being_kit.lm import LMConfig, MotionLM
from _lm_fakes import make_fake_run
from being_kit.lm.train import (LoopFigures, build_model_and_optimizer, finalize, plan_stages, resume_or_start,
                                start_run, train_loop, validate)
from being_kit.training import release, warmup_cosine

TINY = dict(n_layer=1, n_embd=32, n_head=2, text_vocab_size=300, seq_len=64, batch_size=4, warmup_steps=2,
            log_every=1, lr=3e-3, progress=False)


@pytest.fixture(scope="module")
def fake_tokens(tmp_path_factory):
    return make_fake_run(tmp_path_factory.mktemp("run"), n=32)


@pytest.fixture
def run_of(fake_tokens, tmp_path):
    """start_run for a config of TINY + overrides; releases the Accelerator afterwards."""
    made = []

    def make(**kw):
        run = start_run(LMConfig(tokens_dir=str(fake_tokens), out_dir=str(tmp_path / "lm"), **{**TINY, **kw}))
        made.append(run)
        return run

    yield make
    if made:  # a later start_run supersedes the earlier ones' accelerate state
        release(made[-1].acc)


def test_start_run_builds_the_base_once_and_splits_the_rows(run_of, fake_tokens):
    run = run_of()
    assert (run.out / "base" / "motion_vocab.json").is_file() and (run.out / "lm_config.json").is_file()
    splits = json.loads((fake_tokens / "tokens.json").read_text())
    assert splits["tokenizer_id"] == run.lm.vocab.tokenizer_id
    assert len(run.train_tok) == len(run.train_txt) == 24 and len(run.val_tok) == len(run.val_txt) == 4
    assert run.mixed_precision == "no" and run.acc.num_processes == 1


def test_plan_stages_follows_stage_steps_max_steps_or_epochs(run_of):
    run = run_of(stage_steps=(5, 2))
    plan = plan_stages(run)
    assert [(s.name, s.steps, s.start, s.end) for s in plan] == [("align", 5, 0, 5), ("instruct", 2, 5, 7)]
    run = run_of(max_steps=0, epochs=2, stages=("align",))
    (stage,) = plan_stages(run)
    batches = len(run.rows("align", 0).input_ids) // run.cfg.batch_size
    assert stage.per_epoch == batches and stage.steps == 2 * batches


def test_build_model_and_optimizer_schedules_each_stage_on_its_own(run_of):
    run = run_of(stage_steps=(10, 5), warmup_steps=3, weight_decay=0.1)
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    decay, no_decay = run.opt.optimizer.param_groups
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert all(p.ndim >= 2 for p in decay["params"]) and all(p.ndim < 2 for p in no_decay["params"])
    factor = run.sched.lr_lambdas[0]
    assert [factor(s) for s in range(10)] == [warmup_cosine(s, 2, 10, 0.1) for s in range(10)]  # warmup <= 10 // 5
    assert [factor(10 + s) for s in range(5)] == [warmup_cosine(s, 1, 5, 0.1) for s in range(5)]


def test_lora_gets_only_non_empty_optimizer_groups(run_of):
    """LoRA trains no 1-d parameters: an empty no-decay group would be dropped by DeepSpeed and break the schedule."""
    run = run_of(stages=("align",), max_steps=2, lora=True, lora_r=4, lora_alpha=8)
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    (group,) = run.opt.optimizer.param_groups
    assert group["weight_decay"] == run.cfg.weight_decay and group["params"]
    assert len(run.sched.lr_lambdas) == 1


def test_epoch_loader_plans_the_epochs_the_loop_will_ask_for(run_of):
    run = run_of(stages=("align",), max_steps=0, epochs=3, loader_workers=0)
    (stage,) = run.plan = plan_stages(run)
    p = stage.per_epoch
    assert p >= 2 and stage.steps == 3 * p
    fresh = {"global_step": 0, "epoch": 0, "batch": 0}
    planned = run._first_rows["align"]  # the rows the plan counted epoch 0's batches on
    loader = run.epoch_loader(stage, fresh)
    assert loader.keys == [("align", 0), ("align", 1), ("align", 2)] and loader.rows("align", 0) is planned
    assert not run._first_rows  # handed over, not kept twice
    mid = {"global_step": p + 1, "epoch": 1, "batch": 1}  # resumed one step into the second epoch
    assert run.epoch_loader(stage, mid).keys == [("align", 1), ("align", 2)]
    assert run.epoch_loader(stage, {"global_step": 3 * p, "epoch": 3, "batch": 0}).keys == []  # stage done
    run.cfg.grad_accum = 2  # a step is two micro-batches: one step into the epoch is batch 2
    stage.per_epoch, stage.steps = p // 2, 3 * (p // 2)
    mid = {"global_step": p // 2 + 1, "epoch": 1, "batch": 2}
    assert run.epoch_loader(stage, mid).keys == [("align", 1), ("align", 2)]


def test_resume_or_start_empties_the_logs_of_a_fresh_run(run_of):
    run = run_of(stages=("align",), max_steps=2)
    run.out.mkdir(parents=True, exist_ok=True)
    (run.out / "train_log.jsonl").write_text('{"step": 9}\n')
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    state = resume_or_start(run)
    assert state == {"global_step": 0, "stage": 0, "epoch": 0, "batch": 0, "tokens_seen": 0}
    assert not (run.out / "train_log.jsonl").exists() and run.wall_before == 0.0


def test_validate_is_a_token_weighted_mean_or_nan_without_val_rows(run_of):
    run = run_of(stages=("align",), max_steps=2)
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    loss = validate(run, "align")
    assert math.isfinite(loss) and 0 < loss < 20 and run.model.training  # back in training mode
    run.cfg.eval_batches = 0
    assert math.isnan(validate(run, "align"))


def test_train_loop_then_finalize_save_a_loadable_model_and_the_result(run_of):
    run = run_of(stages=("align",), max_steps=3)
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    state = resume_or_start(run)
    figures = train_loop(run, state)
    assert state["global_step"] == 3 and state["epoch"] == 1 and math.isfinite(figures.train_loss)
    result = finalize(run, state, figures)
    assert result.steps == 3 and json.loads((run.out / "train_result.json").read_text())["steps"] == 3
    lm = MotionLM.from_pretrained(run.out)
    assert lm.model.config.use_cache and lm.vocab.tokenizer_id == run.lm.vocab.tokenizer_id
    assert (run.out / "checkpoints").is_dir() and (run.out / "base").is_dir()  # kept beside the saved model


def test_finalize_after_no_steps_saves_the_base_weights(run_of):
    run = run_of(stages=("align",), max_steps=1)
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    result = finalize(run, resume_or_start(run), LoopFigures())
    assert result.steps == 0 and math.isnan(result.train_loss)
    saved = MotionLM.from_pretrained(run.out).model.state_dict()
    base = MotionLM.from_pretrained(run.out / "base").model.state_dict()
    assert all((saved[k] == base[k]).all() for k in base)
