"""notebooks/03_train_lm.ipynb under the tiny profile: two-process DDP training, curves, a loadable model."""
import json

import harness

from being_kit.pipeline.profiles import load_profile

STEM = "03_train_lm"


def tiny_parameters() -> dict:
    return load_profile("tiny", harness.PROFILES).notebooks[STEM]


def test_metrics_show_two_process_training_that_learned(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)
    harness.assert_finite(m, "lm_num_processes", "lm_steps", "lm_train_loss", "lm_val_loss", "lm_tokens_per_s",
                          "lm_train_minutes", "lm_params_millions", "lm_sample_ok_rate")
    params = tiny_parameters()
    assert m["lm_num_processes"] == params["num_processes"] == 2  # real data-parallel training on every CI run
    stage_steps = [int(n) for n in params["stage_steps"].split(",")]
    assert m["lm_steps"] == sum(stage_steps) and m["lm_stage_steps"] == ",".join(map(str, stage_steps))
    assert m["lm_caption_dropout"] == params["caption_dropout"] > 0
    assert 0.0 < m["lm_train_loss"] < 12.0 and 0.0 < m["lm_val_loss"] < 12.0
    assert m["lm_tokens_per_s"] > 0 and m["lm_train_minutes"] < 5
    assert 0.0 <= m["lm_sample_ok_rate"] <= 1.0


def test_model_folder_and_log(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    lm_dir = tiny_run.run_dir / "lm"
    for name in ("config.json", "motion_vocab.json", "lm_config.json", "train_log.jsonl", "tokenizer.json"):
        assert (lm_dir / name).is_file(), name
    log = [json.loads(line) for line in (lm_dir / "train_log.jsonl").read_text().splitlines()]
    assert {e["split"] for e in log} == {"train", "val"} and {e["stage"] for e in log} == {"align", "instruct"}
    tokens_info = json.loads((tiny_run.run_dir / "tokens" / tiny_parameters()["quantizer"] / "tokens.json").read_text())
    assert json.loads((lm_dir / "motion_vocab.json").read_text())["tokenizer_id"] == tokens_info["tokenizer_id"]


def test_executed_copy_shows_curves_and_samples(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    assert harness.png_count(tiny_run, STEM) >= 1  # training curves (sample pictures when generations succeed)
    assert harness.raw_png_bytes_shown(tiny_run, STEM) == 0  # pictures, not their bytes as text
