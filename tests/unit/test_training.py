"""being_kit.training: the runtime every trainer shares (schedule, log, checkpoints, processes)."""
import json
from pathlib import Path

import pytest
import torch

from being_kit.training import (CheckpointError, TrainLog, checkpoint_dirs, make_accelerator, release,
                                resume_checkpoint, save_checkpoint, launched_engine, staged, start_processes, use_cpu,
                                warmup_cosine)


def test_warmup_reaches_the_peak_at_its_last_step_then_decays_to_the_floor():
    f = [warmup_cosine(s, warmup=4, total=20, min_ratio=0.1) for s in range(25)]
    assert f[:4] == [0.25, 0.5, 0.75, 1.0] and f[4] == 1.0
    assert all(a >= b for a, b in zip(f[4:], f[5:]))
    assert f[20] == pytest.approx(0.1) and f[24] == pytest.approx(0.1)  # flat past the end
    assert warmup_cosine(0, warmup=0, total=10) == 1.0  # no warmup: cosine from the first step


def test_staged_restarts_warmup_and_cosine_at_each_stage():
    factor = staged([(2, 10), (1, 4)], min_ratio=0.0)
    first = [factor(s) for s in range(10)]
    second = [factor(s) for s in range(10, 14)]
    assert first == [warmup_cosine(s, 2, 10) for s in range(10)]
    assert second == [warmup_cosine(s, 1, 4) for s in range(4)]
    assert factor(50) == warmup_cosine(40, 1, 4)  # past the plan: the last stage's floor
    with pytest.raises(ValueError, match="stages"):
        staged([])


def test_log_starts_fresh_or_drops_what_a_resumed_run_logs_again(tmp_path):
    path = tmp_path / "train_log.jsonl"
    log = TrainLog(path).start(0)
    for step in (2, 4, 6):
        log.write({"step": step, "loss": 1.0 / step})
    path.write_text(path.read_text() + '{"step": 8, "lo')  # a line cut by a kill
    TrainLog(path).start(4)
    assert [r["step"] for r in TrainLog(path).rows()] == [2, 4]
    TrainLog(path).start(0)
    assert not path.exists()
    TrainLog(path, enabled=False).write({"step": 1})  # other processes write nothing
    assert not path.exists()


def test_cpu_choice_leaves_deepspeed_and_fsdp_their_devices(monkeypatch):
    for name in ("ACCELERATE_USE_DEEPSPEED", "ACCELERATE_USE_FSDP"):
        monkeypatch.delenv(name, raising=False)
    assert launched_engine() == "ddp"
    assert use_cpu() == (not torch.cuda.is_available())
    monkeypatch.setenv("ACCELERATE_USE_FSDP", "true")
    assert launched_engine() == "fsdp" and use_cpu() is False
    monkeypatch.setenv("ACCELERATE_USE_FSDP", "false")
    monkeypatch.setenv("ACCELERATE_USE_DEEPSPEED", "True")
    assert launched_engine() == "deepspeed" and use_cpu() is False
    monkeypatch.setenv("ACCELERATE_USE_DEEPSPEED", "1")  # accelerate reads only "true" (accelerate/state.py)
    assert launched_engine() == "ddp"


@pytest.mark.skipif(torch.cuda.is_available(), reason="the refusal is for machines without GPUs")
def test_fsdp_without_gpus_is_refused_before_any_process_group(monkeypatch):
    from being_kit.training import FSDP_NEEDS_GPUS

    monkeypatch.setenv("ACCELERATE_USE_FSDP", "true")
    with pytest.raises(RuntimeError, match="FSDP needs GPUs") as e:
        start_processes()
    assert str(e.value) == FSDP_NEEDS_GPUS and "ddp_8gpu.yaml" in str(e.value)


def _trainer(seed: int = 0):
    """A tiny model, optimizer and registered LambdaLR on a fresh single-process Accelerator."""
    start_processes()
    acc = make_accelerator()
    torch.manual_seed(seed)
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: warmup_cosine(s, 2, 10))
    model, opt = acc.prepare(model, opt)
    acc.register_for_checkpointing(sched)
    return acc, model, opt, sched


def _step(model, opt, sched):
    loss = model(torch.randn(4, 3)).square().mean()  # draws from the torch RNG, which a checkpoint restores
    loss.backward()
    opt.step()
    opt.zero_grad()
    sched.step()


def test_a_checkpoint_restores_weights_optimizer_schedule_and_rng(tmp_path):
    acc, model, opt, sched = _trainer()
    for _ in range(3):
        _step(model, opt, sched)
    path = save_checkpoint(acc, tmp_path, 3, {"epoch": 1})
    assert path.name == "step_0000003" and checkpoint_dirs(tmp_path) == [path]
    state = json.loads((path / "trainer_state.json").read_text())
    assert state == {"epoch": 1, "format": "being_kit.training/1", "step": 3, "num_processes": 1}
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # the temporary was swapped in
    for _ in range(2):
        _step(model, opt, sched)
    expected = [p.detach().clone() for p in model.parameters()]
    release(acc)

    acc, model, opt, sched = _trainer(seed=1)  # other initial weights: the checkpoint must replace them
    resumed = resume_checkpoint(acc, tmp_path)
    assert resumed["step"] == 3 and resumed["epoch"] == 1 and sched.last_epoch == 3
    for _ in range(2):
        _step(model, opt, sched)
    assert all(torch.equal(a, b) for a, b in zip(expected, model.parameters()))
    release(acc)


def test_only_the_newest_checkpoints_are_kept_and_none_is_none(tmp_path):
    acc, model, opt, sched = _trainer()
    assert resume_checkpoint(acc, tmp_path) is None
    for step in (1, 2, 3):
        save_checkpoint(acc, tmp_path, step, keep=2)
    assert [p.name for p in checkpoint_dirs(tmp_path)] == ["step_0000002", "step_0000003"]
    release(acc)


def test_an_unreadable_newest_checkpoint_falls_back_and_none_readable_says_what_to_do(tmp_path, capsys):
    acc, model, opt, sched = _trainer()
    for step in (1, 2):
        _step(model, opt, sched)
        save_checkpoint(acc, tmp_path, step)
    weights = tmp_path / "checkpoints" / "step_0000002" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:40])
    assert resume_checkpoint(acc, tmp_path)["step"] == 1
    out = capsys.readouterr().out
    assert "step_0000002 is unreadable" in out and "resumed from" in out
    (tmp_path / "checkpoints" / "step_0000001" / "trainer_state.json").write_text("{cut")
    with pytest.raises(CheckpointError, match="no checkpoint could be read.*resume=False"):
        resume_checkpoint(acc, tmp_path)
    release(acc)


@pytest.mark.parametrize("older", ["tokenizer", "lm"])
def test_older_checkpoint_formats_are_refused_with_what_to_do(tmp_path, older):
    acc, model, opt, sched = _trainer()
    old = tmp_path / "checkpoints" / ("step_0000004" if older == "tokenizer" else "step_4")
    old.mkdir(parents=True)
    if older == "tokenizer":  # torch.save of a dict + rng_<rank>.pt
        torch.save({"step": 4}, old / "state.pt")
    else:  # acc.save_state + a trainer_state.json without a format
        (old / "trainer_state.json").write_text(json.dumps({"global_step": 4}))
    with pytest.raises(CheckpointError, match="written by an older being-kit; start a new out_dir or resume=False"):
        resume_checkpoint(acc, tmp_path)
    release(acc)


def test_another_process_count_is_refused(tmp_path):
    acc, model, opt, sched = _trainer()
    path = save_checkpoint(acc, tmp_path, 1)
    state = json.loads((path / "trainer_state.json").read_text())
    (path / "trainer_state.json").write_text(json.dumps({**state, "num_processes": 2}))
    with pytest.raises(CheckpointError, match="written by 2 processes, resuming with 1"):
        resume_checkpoint(acc, tmp_path)
    release(acc)


def test_release_forgets_a_single_process_state():
    from accelerate.state import PartialState

    acc, *_ = _trainer()
    assert PartialState._shared_state
    release(acc)
    assert not PartialState._shared_state


def test_the_action_classifier_follows_the_runtime_schedule(monkeypatch):
    """The evaluators' trainers use `warmup_cosine` too (no second schedule): the learning rate of each optimizer step
    of a 20-step training is the peak times warmup_cosine(step, 2, 20)."""
    import numpy as np
    import torch

    from being_kit.eval.action_classifier import ActionClassifierConfig, train_action_classifier
    from being_kit.training import warmup_cosine

    seen = []
    step = torch.optim.AdamW.step

    def recording_step(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.AdamW, "step", recording_step)
    rng = np.random.default_rng(0)
    motions = [rng.normal(size=(40, 8)).astype(np.float32) for _ in range(8)]
    config = ActionClassifierConfig(hidden=16, steps=20, batch_size=4, lr=1e-3, max_frames=40, progress=False)
    train_action_classifier(motions, config, labels=["walk", "jump"] * 4)
    assert np.allclose(seen, [1e-3 * warmup_cosine(s, 2, 20) for s in range(20)])


def test_no_trainer_brings_its_own_schedule():
    """One schedule for every trainer: torch's built-in schedules other than LambdaLR over `warmup_cosine` are not used."""
    package = Path(__file__).resolve().parents[2] / "being_kit"
    own = [str(p.relative_to(package)) for p in package.rglob("*.py")
           if any(name in p.read_text() for name in ("OneCycleLR", "CosineAnnealing", "LinearLR(", "get_cosine_schedule"))]
    assert own == []
