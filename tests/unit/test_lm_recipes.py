"""The node recipes of configs/accelerate/ run for real on CPU, two processes on gloo.

- DDP: `accelerate launch --config_file configs/accelerate/ddp_8gpu.yaml --num_processes 2 -m being_kit.lm.launch`
  trains, checkpoints, saves; the saved model reloads and generates what the trainer sampled at its last step.
- DeepSpeed ZeRO-3 through the same entry point (full fine-tuning and LoRA, resume), when `deepspeed` is installed.
  accelerate 1.16 turns DeepSpeed on only for `Accelerator(cpu=False)` (accelerate/state.py, PartialState.__init__
  and AcceleratorState.__init__), so on CPU the runtime asks for the gloo backend itself
  (being_kit/training/session.py, start_processes).
- FSDP: accelerate 1.16 enables it only for GPU-like distributed types (accelerate/state.py, AcceleratorState.__init__:
  the list of MULTI_GPU, MULTI_NPU, ...; MULTI_CPU is not in it), so on CPU an FSDP config trains plain DDP without a
  word. The runtime refuses it (`FSDP_NEEDS_GPUS`). What does run on CPU is torch's FSDP2 `fully_shard` on gloo: the MotionLM is
  sharded, trained, checkpointed (torch.distributed.checkpoint), saved whole and reloaded, below.

The DeepSpeed tests run where `deepspeed` is importable by the interpreter running pytest (the launches use
`sys.executable`), e.g. `PYTHONPATH=$PWD <venv with deepspeed>/bin/python -m pytest
tests/unit/test_lm_recipes.py`; being-kit does not depend on it.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from _fsdp2_worker import PROMPTS  # LMConfig.sample_prompts' default, which the trainer samples
from _lm_fakes import make_fake_run

from being_kit.training.checkpoint import CHECKPOINT_DIR, checkpoint_name

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "configs" / "accelerate"
ENTRY = "being_kit.lm.launch"  # the `accelerate launch -m` entry point of train_lm
TINY = dict(n_layer=1, n_embd=32, n_head=2, text_vocab_size=300, seq_len=64, batch_size=4, warmup_steps=1,
            log_every=1, max_steps=2, stages=["align", "instruct"], checkpoint_every=1, sample_every=2,
            progress=False)  # 4 optimizer steps; samples at steps 2 and 4 (the last)


def _has_deepspeed() -> bool:
    import importlib.util

    return importlib.util.find_spec("deepspeed") is not None


@pytest.fixture(scope="module")
def fake_tokens(tmp_path_factory):
    return make_fake_run(tmp_path_factory.mktemp("run"), n=32)


def _lm_json(tmp_path: Path, tokens: Path, out: Path, **overrides) -> Path:
    path = tmp_path / f"lm_{out.name}.json"
    path.write_text(json.dumps({"tokens_dir": str(tokens), "out_dir": str(out), **TINY, **overrides}))
    return path


def _launch(config: Path, lm_json: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """`accelerate launch --config_file config -m ENTRY --config lm_json ...` in a fresh process group of 2."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(config), "--num_processes", "2",
           "-m", ENTRY, "--config", str(lm_json), *args]
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _ok(run: subprocess.CompletedProcess) -> list[dict]:
    """The result lines printed by the entry point (one per process), after checking the launch succeeded."""
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-6000:]
    decoder, out, at = json.JSONDecoder(), [], run.stdout.find('{"steps"')
    while at >= 0:  # the processes print at once: two lines can run into one
        result, end = decoder.raw_decode(run.stdout, at)
        out.append(result)
        at = run.stdout.find('{"steps"', end)
    return out


def _cpu_config(src: Path, tmp_path: Path, **changes) -> Path:
    """A copy of a node config for two CPU processes (fp32); `changes` update its engine section."""
    raw = yaml.safe_load(src.read_text())
    raw.update(num_processes=2, mixed_precision="no")
    for section, values in changes.items():
        raw[section] = {**raw.get(section, {}), **values}
    path = tmp_path / src.name
    path.write_text(yaml.safe_dump(raw))
    return path


def _reloaded_generation_matches_last_sample(out: Path) -> None:
    """The saved model, reloaded in this process, greedily generates what the trainer sampled at its last step
    (from its weights of that step): the full weights were gathered and saved, not one process's shard."""
    from being_kit.lm import MotionLM
    from being_kit.lm.generate import generate_motion

    lm, base = MotionLM.from_pretrained(out), MotionLM.from_pretrained(out / "base")
    trained, start = lm.model.state_dict(), base.model.state_dict()
    assert sorted(trained) == sorted(start)
    assert max(float((trained[k] - start[k]).abs().max()) for k in trained) > 0  # it trained
    samples = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    last = [s for s in samples if s["step"] == max(x["step"] for x in samples)]
    assert [s["prompt"] for s in last] == PROMPTS  # written once, by the main process
    gen = generate_motion(lm, PROMPTS, durations=4.0, temperature=0.0, decode=False)
    assert [t.tolist() for t in gen.tokens] == [s["tokens"] for s in last]


def test_ddp_node_config_trains_two_cpu_processes_and_the_saved_model_generates(fake_tokens, tmp_path):
    out = tmp_path / "ddp"
    results = _ok(_launch(CONFIGS / "ddp_8gpu.yaml", _lm_json(tmp_path, fake_tokens, out)))
    assert len(results) == 2 and all(r["num_processes"] == 2 and r["steps"] == 4 for r in results)
    ckpt = out / CHECKPOINT_DIR / checkpoint_name(4)
    assert {"model.safetensors", "random_states_0.pkl", "random_states_1.pkl"} <= {p.name for p in ckpt.iterdir()}
    _reloaded_generation_matches_last_sample(out)


def test_fsdp_config_on_cpu_is_refused_instead_of_training_ddp(fake_tokens, tmp_path):
    # the node config made loadable on CPU (accelerate refuses sync_module_states on CPU); it would run as DDP
    config = _cpu_config(CONFIGS / "fsdp_8gpu.yaml", tmp_path, fsdp_config={
        "fsdp_sync_module_states": False, "fsdp_cpu_ram_efficient_loading": False})
    out = tmp_path / "fsdp"
    run = _launch(config, _lm_json(tmp_path, fake_tokens, out))
    assert run.returncode != 0
    assert "FSDP needs GPUs" in run.stdout + run.stderr
    assert not (out / CHECKPOINT_DIR).exists()


def _zero_config(tmp_path: Path, stage: int = 3) -> Path:
    """configs/accelerate/deepspeed_zero3_8gpu.yaml for two CPU processes at ZeRO `stage`, as a DeepSpeed JSON whose
    persistence threshold is 0: ZeRO-3 otherwise keeps parameters under 100k elements whole on every process, and
    this tiny model would not be sharded at all."""
    raw = yaml.safe_load((CONFIGS / "deepspeed_zero3_8gpu.yaml").read_text())
    ds = raw.pop("deepspeed_config")
    assert ds["zero_stage"] == 3 and ds["zero3_save_16bit_model"]
    (tmp_path / f"ds_zero{stage}.json").write_text(json.dumps({
        "zero_optimization": {"stage": stage, "stage3_param_persistence_threshold": 0,
                              "stage3_gather_16bit_weights_on_model_save": True},
        "gradient_accumulation_steps": ds["gradient_accumulation_steps"],
        "gradient_clipping": ds["gradient_clipping"],
        "train_micro_batch_size_per_gpu": "auto", "train_batch_size": "auto", "bf16": {"enabled": "auto"}}))
    raw.pop("mixed_precision")  # the JSON says it ("auto": what the trainer asks for); accelerate refuses both
    raw.update(num_processes=2, deepspeed_config={"deepspeed_config_file": str(tmp_path / f"ds_zero{stage}.json"),
                                                  "zero3_init_flag": ds["zero3_init_flag"] and stage == 3})
    path = tmp_path / f"zero{stage}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


NO_DEEPSPEED = ("deepspeed is not installed (pip install deepspeed: 0.19.8 is an sdist that builds on CPU with ninja, "
                "py-cpuinfo, hjson, msgpack; its CPU accelerator uses gloo)")


@pytest.mark.skipif(not _has_deepspeed(), reason=NO_DEEPSPEED)
@pytest.mark.parametrize("lora", [False, True], ids=["full", "lora"])
def test_deepspeed_zero3_trains_sharded_on_two_cpu_processes_saves_resumes_and_generates(fake_tokens, tmp_path, lora):
    config = _zero_config(tmp_path, 3)
    out = tmp_path / ("zero3_lora" if lora else "zero3")
    lm_json = _lm_json(tmp_path, fake_tokens, out, lora=lora, lora_r=4, lora_alpha=8)
    run = _launch(config, lm_json)
    results = _ok(run)
    assert "engine: DEEPSPEED on 2 processes" in run.stdout
    assert len(results) == 2 and all(r["num_processes"] == 2 and r["steps"] == 4 for r in results)
    shards = {p.name for p in (out / CHECKPOINT_DIR / checkpoint_name(4) / "pytorch_model").iterdir()}
    assert {f"zero_pp_rank_{r}_mp_rank_00_model_states.pt" for r in (0, 1)} <= shards  # each process its own shard
    _reloaded_generation_matches_last_sample(out)
    if not lora:  # a longer run continues from the newest ZeRO checkpoint
        run = _launch(config, lm_json, "--set", "max_steps=3")
        assert [r["steps"] for r in _ok(run)] == [6, 6]
        assert f"resumed from {out / CHECKPOINT_DIR / checkpoint_name(4)} (step 4)" in run.stdout


@pytest.mark.skipif(not _has_deepspeed(), reason=NO_DEEPSPEED)
def test_deepspeed_zero2_lora_accumulates_the_trainers_micro_batches(fake_tokens, tmp_path):
    """LMConfig.grad_accum = 2 against the launcher's gradient_accumulation_steps of 1 (the YAML's): DeepSpeed and
    the trainer both take 2 micro-batches per optimizer step."""
    import torch

    config = _zero_config(tmp_path, 2)
    assert json.loads((tmp_path / "ds_zero2.json").read_text())["gradient_accumulation_steps"] == 1
    out = tmp_path / "zero2_lora"
    results = _ok(_launch(config, _lm_json(tmp_path, fake_tokens, out, lora=True, lora_r=4, lora_alpha=8,
                                           grad_accum=2)))
    assert [r["steps"] for r in results] == [4, 4]
    micro = TINY["batch_size"] * TINY["seq_len"] * 2  # tokens of one micro-batch over both processes
    assert json.loads((out / "train_result.json").read_text())["tokens_seen"] == 4 * 2 * micro
    states = torch.load(out / CHECKPOINT_DIR / checkpoint_name(4) / "pytorch_model" / "mp_rank_00_model_states.pt",
                        map_location="cpu", weights_only=False)
    assert states["global_steps"] == 4  # DeepSpeed's own optimizer steps
    _reloaded_generation_matches_last_sample(out)


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_fsdp2_shards_the_motion_lm_on_gloo_checkpoints_and_the_saved_model_generates(fake_tokens, tmp_path, arch):
    from being_kit.lm import MotionLM
    from being_kit.lm.generate import generate_motion

    # fresh processes (forking a process that has run torch and tokenizers can deadlock them), a free port
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    run = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          str(Path(__file__).with_name("_fsdp2_worker.py")), arch, str(fake_tokens), str(tmp_path)],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-6000:]
    lm = MotionLM.from_pretrained(tmp_path / "lm")
    assert lm.model.config.model_type == ("gpt2" if arch == "gpt2" else "llama")
    gen = generate_motion(lm, PROMPTS, durations=4.0, temperature=0.0, decode=False)
    assert [t.tolist() for t in gen.tokens] == json.loads((tmp_path / "sampled.json").read_text())
