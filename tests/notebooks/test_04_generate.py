"""notebooks/04_generate.ipynb under the tiny profile: batched generation, pictures, exports, action accuracy."""
import json

import harness
import numpy as np

STEM = "04_generate"


def test_metrics_are_present_and_in_range(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)
    harness.assert_finite(m, "action_acc_real", "action_acc_generated", "generation_ok_rate", "num_prompts",
                          "num_prompts_generated", "generation_ok_rate_prompts", "lm_tokens_per_s_generate", "exported")
    for key in ("action_acc_real", "action_acc_generated", "generation_ok_rate", "generation_ok_rate_prompts"):
        assert 0.0 <= m[key] <= 1.0, key
    assert m["num_prompts"] >= 1 and m["num_prompts_generated"] >= 1
    # constrained decoding always yields a motion span of at least one step
    assert m["generation_ok_rate_prompts"] == 1.0 and m["exported"] == m["num_prompts_generated"]
    assert m["guidance_scale"] > 1  # the tiny profile generates with classifier-free guidance
    assert 0.0 <= m["action_acc_reworded"] <= 1.0 and m["reworded_num_prompts"] >= 2
    assert m["reworded_novel_word_rate"] > 0.3  # prompts worded unlike the training captions


def test_free_form_prompts_and_durations_are_scored(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)
    harness.assert_finite(m, "action_acc_freeform", "freeform_num_prompts", "freeform_action_hit_rate",
                          "freeform_side_checked", "freeform_novel_word_rate", "duration_within_25pct",
                          "duration_ratio_mean")
    for key in ("action_acc_freeform", "freeform_action_hit_rate", "freeform_novel_word_rate", "duration_within_25pct"):
        assert 0.0 <= m[key] <= 1.0, key
    assert m["freeform_num_prompts"] >= 1 and m["freeform_side_checked"] >= 0
    # the side accuracy exists only where a recognised action had a side to check (record_metrics refuses NaN)
    if m["freeform_side_checked"]:
        harness.assert_finite(m, "freeform_side_acc")
        assert 0.0 <= m["freeform_side_acc"] <= 1.0
    else:
        assert "freeform_side_acc" not in m
    assert 0.0 < m["duration_ratio_mean"] <= 2.0  # loose: the requested duration bounds a motion's length


def test_the_neighbour_projection_is_scored_against_raw_vectors(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)  # the tiny profile trains with condition_bank, as cpu does
    harness.assert_finite(m, "text_neighbours", "text_bank_size", "action_acc_generated_raw_vector",
                          "action_acc_reworded_raw_vector", "action_acc_freeform_raw_vector")
    assert m["text_neighbours"] >= 1 and m["text_bank_size"] >= m["text_neighbours"]
    for key in ("action_acc_generated_raw_vector", "action_acc_reworded_raw_vector", "action_acc_freeform_raw_vector"):
        assert 0.0 <= m[key] <= 1.0, key


def test_generations_are_exported_with_an_index(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    folder = tiny_run.run_dir / "generations"
    index = json.loads((folder / "index.json").read_text())
    assert len(index) >= 1
    for entry in index:
        if entry["status"] in ("ok", "no_end"):
            feats = np.load(folder / entry["files"]["features"])
            joints = np.load(folder / entry["files"]["joints"])
            assert feats.shape == (entry["num_frames"], 263) and joints.shape == (entry["num_frames"], 22, 3)
            assert (folder / entry["files"]["bvh"]).read_text().startswith("HIERARCHY")


def test_executed_copy_shows_motions_as_pictures(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    assert harness.png_count(tiny_run, STEM) >= 1
