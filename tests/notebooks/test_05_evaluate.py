"""notebooks/05_evaluate.ipynb under the tiny profile: the table files and the figures it recorded."""
import json

import harness

STEM = "05_evaluate"


def test_metrics_are_present_finite_and_plausible(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)
    harness.assert_finite(m, "eval_repeats", "eval_num_motions", "eval_r1_real", "eval_r3_real", "eval_mm_dist_real",
                          "eval_mm_dist_mismatched_real", "eval_diversity_real")
    assert m["evaluator"] in ("builtin", "guo")
    assert 0.0 <= m["eval_r1_real"] <= m["eval_r3_real"] <= 1.0
    # even a briefly trained evaluator ranks real pairs above chance (3/32) and puts them closer than mismatched ones
    assert m["eval_r3_real"] > 3 / 32
    assert m["eval_mm_dist_real"] < m["eval_mm_dist_mismatched_real"]
    for key, value in m.items():
        if key.startswith(("eval_r3_recon_", "eval_r3_generated")) and not key.endswith("_ci"):
            assert 0.0 <= value <= 1.0, key
        if key.startswith("fid_"):
            assert value >= 0.0, key
    # the tiny run has a language model (03) and an action-labelled corpus (01): both rows must be there
    harness.assert_finite(m, "eval_r3_generated", "eval_r3_ratio_generated_to_real", "fid_generated",
                          "eval_diversity_generated", "eval_action_acc_real", "eval_action_acc_generated")
    assert 0.0 <= m["eval_action_acc_real"] <= 1.0 and 0.0 <= m["eval_action_acc_generated"] <= 1.0
    harness.assert_finite(m, "eval_real_mocap_clips", "eval_real_mocap_r3", "eval_real_mocap_mean_rank")
    assert m["eval_real_mocap_clips"] == 3 and 1 <= m["eval_real_mocap_mean_rank"] <= 32


M2T_RATES = ("m2t_r_precision_top1", "m2t_r_precision_top2", "m2t_r_precision_top3", "m2t_bleu1", "m2t_bleu4",
             "m2t_rouge_l", "m2t_bertscore_f1_minilm",
             "m2t_r_precision_top1_real", "m2t_r_precision_top2_real", "m2t_r_precision_top3_real")


def test_motion_to_text_figures(tiny_run):
    """The tiny run has a language model (03), so 05 captions test motions and records MotionGPT's M2T figures."""
    m = harness.metrics_of(tiny_run, STEM)
    harness.assert_finite(m, *M2T_RATES, "m2t_mm_dist", "m2t_cider", "m2t_num_samples", "m2t_num_empty",
                          "m2t_mm_dist_real")
    for key in M2T_RATES:
        assert 0.0 <= m[key] <= 1.0, (key, m[key])
    for suffix in ("", "_real"):
        assert m[f"m2t_r_precision_top1{suffix}"] <= m[f"m2t_r_precision_top2{suffix}"] \
            <= m[f"m2t_r_precision_top3{suffix}"]
        assert m[f"m2t_mm_dist{suffix}"] >= 0.0
    assert m["m2t_cider"] >= 0.0
    assert m["m2t_num_samples"] >= 32 and 0 <= m["m2t_num_empty"] <= m["m2t_num_samples"]
    shown = [out for c in harness.executed_cells(tiny_run, STEM) for out in c.get("outputs", [])
             if "ground_truth" in "".join(out.get("data", {}).get("text/plain", ""))]
    assert shown, "the executed copy should show the table of ground-truth and generated captions"


def test_table_files_have_a_row_per_stage(tiny_run):
    m = harness.metrics_of(tiny_run, STEM)
    data = json.loads((tiny_run.run_dir / "eval" / "table.json").read_text())
    names = [row["name"] for row in data["rows"]]
    assert names[0] == "real motions"
    assert data["info"]["repeats"] == m["eval_repeats"]
    recon = [k for k in m if k.startswith("eval_r3_recon_")]
    assert sum(n.startswith("reconstruction") for n in names) == len(recon)
    assert ("generated (LM)" in names) == ("eval_r3_generated" in m)
    for row in data["rows"]:
        assert row["repeats"] in (m["eval_repeats"], m["eval_gen_repeats"]) and "r_precision_top3_ci" in row and "fid" in row
    csv = (tiny_run.run_dir / "eval" / "table.csv").read_text().splitlines()
    assert csv[0].startswith("method,R-Precision top-1") and len(csv) == len(names) + 1


def test_executed_copy_shows_pictures(tiny_run):
    harness.metrics_of(tiny_run, STEM)
    assert harness.png_count(tiny_run, STEM) >= 2   # best and worst motions (plus the training curve)
