"""configs/accelerate/*.yaml parse into valid accelerate configs; the `accelerate launch` entry point parses lm.json."""
import json
from pathlib import Path

import pytest
import yaml

from being_kit.lm.launch import parse_args

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted((ROOT / "configs" / "accelerate").glob("*.yaml"))


def test_the_three_node_configs_exist():
    assert {p.stem for p in CONFIGS} >= {"ddp_8gpu", "fsdp_8gpu", "deepspeed_zero3_8gpu"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_config_loads_in_accelerate_and_targets_8_bf16_gpus(path):
    from accelerate.commands.config.config_args import ClusterConfig, load_config_from_file

    raw = yaml.safe_load(path.read_text())
    cfg = load_config_from_file(str(path))
    assert isinstance(cfg, ClusterConfig)
    assert cfg.num_processes == 8 and cfg.mixed_precision == "bf16" and not cfg.use_cpu
    kind = str(cfg.distributed_type).split(".")[-1]
    if path.stem.startswith("fsdp"):
        assert kind == "FSDP" and raw["fsdp_config"]["fsdp_sharding_strategy"] == "FULL_SHARD"
    elif path.stem.startswith("deepspeed"):
        assert kind == "DEEPSPEED" and raw["deepspeed_config"]["zero_stage"] == 3
    else:
        assert kind == "MULTI_GPU"


def test_launch_parses_config_and_overrides(tmp_path):
    p = tmp_path / "lm.json"
    p.write_text(json.dumps({"tokens_dir": "t", "out_dir": "o", "base_model": "gpt2"}))
    cfg = parse_args(["--config", str(p), "--set", "max_steps=7", "--set", "loss=answer"])
    assert cfg.max_steps == 7 and cfg.loss == "answer" and cfg.base_model == "gpt2"
    with pytest.raises(ValueError, match="unknown keys"):
        parse_args(["--config", str(p), "--set", "steps=3"])
