"""`python -m being_kit.bench real`: being-kit measured on real mocap, beside the synthetic corpus it was trained on.

Imports the shipped real clips (`being_kit/data/mocap_clips`, plus every BVH under `--bvh DIR`), then prints:
1. motion dynamics of the synthetic corpus and of the real clips (cut into 10 s pieces), side by side, with the
   real/synthetic ratio of each median and 95th percentile (`being_kit.motion.dynamics`), and how the body walks
   while it walks (knee and foot roll, arm swing, pelvis and chest; `being_kit.motion.gait`);
2. with `--run RUN_DIR` (a pipeline run folder; default: the newest under executions/ that has tokenizers), each
   tokenizer's reconstruction MPJPE on the synthetic test split and on the real clips (in pieces of at most 196
   frames, HumanML3D's longest motion, and as whole takes), and their ratio (goal <= 2), also for the pieces that
   stay in place and those that travel (`pieces_by_root_speed`), and take by take (`pieces_by_clip`);
3. with a run, an action classifier trained on the run's corpus (`--classifier-steps`) labelling the real clips
   whose action the synthetic families cover.
`--out FILE` writes every figure as JSON.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from ..motion.gait import GAIT_METRICS, WALKING_SPEED, pooled_gait

PIECE_FRAMES = 200  # real clips are cut into 10 s pieces so that long takes weigh like corpus motions


def newest_run(executions: Path = Path("executions")) -> Path | None:
    runs = sorted((p for p in executions.glob("*") if (p / "tokenizer").is_dir() and (p / "corpus").is_dir()),
                  key=lambda p: p.stat().st_mtime)
    return runs[-1] if runs else None


def dynamics_table(synthetic_joints: list[np.ndarray], real_joints: list[np.ndarray]) -> list[dict]:
    from ..motion.dynamics import METRICS, pooled_dynamics

    pieces = [j[s:s + PIECE_FRAMES] for j in real_joints for s in range(0, len(j), PIECE_FRAMES)]
    pieces = [p for p in pieces if len(p) >= 40]
    syn, real = pooled_dynamics(synthetic_joints).summary(), pooled_dynamics(pieces).summary()
    rows = []
    for k, (unit, _) in METRICS.items():
        s, r = syn[k], real[k]
        rows.append({"metric": k, "unit": unit, "synthetic_p50": s["p50"], "real_p50": r["p50"],
                     "synthetic_p95": s["p95"], "real_p95": r["p95"],
                     "p50_ratio": r["p50"] / s["p50"] if s["p50"] > 1e-6 else float("inf")})
    return rows


def gait_table(synthetic_joints: list[np.ndarray], real_joints: list[np.ndarray]) -> list[dict]:
    """`motion.gait` figures of the synthetic motions and the real clips, side by side (empty when either side never
    walks for a whole second)."""
    syn, real = pooled_gait(synthetic_joints), pooled_gait(real_joints)
    rows = []
    for k, (unit, _) in GAIT_METRICS.items():
        s, r = syn[k], real[k]
        if not s.size or not r.size:
            return []
        rows.append({"metric": k, "unit": unit, "synthetic_p50": float(np.median(s)), "real_p50": float(np.median(r)),
                     "synthetic_p90": float(np.percentile(s, 90)), "real_p90": float(np.percentile(r, 90)),
                     "p50_ratio": float(np.median(r) / max(np.median(s), 1e-9)),
                     "synthetic_windows": int(s.size), "real_windows": int(r.size)})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m being_kit.bench real", description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, help="pipeline run folder (default: newest under executions/)")
    parser.add_argument("--bvh", type=Path, help="a folder of your own BVH files to add to the shipped clips")
    parser.add_argument("--synthetic", type=int, default=300, help="synthetic motions for the dynamics (no run)")
    parser.add_argument("--classifier-steps", type=int, default=400)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    from ..data.real_clips import classify_real_clips, import_real_clips
    from ..data.stats import motion_joints

    run = args.run or newest_run()
    out: dict = {"run": str(run) if run else None}
    with tempfile.TemporaryDirectory() as tmp:
        real = import_real_clips(Path(tmp) / "real", args.bvh)
        real_joints = [motion_joints(real[k].motion, "humanml263") for k in range(len(real))]
        print(f"real clips: {len(real)} ({sum(len(j) for j in real_joints) / 20:.0f} s at 20 fps): "
              + ", ".join(real[k].id for k in range(len(real))))
        if run is not None:
            from ..data import Corpus

            corpus = Corpus.open(run / "corpus")
            test = corpus.split("test")
            rep = corpus.representation
            syn = [motion_joints(test[k].motion, rep) for k in range(min(len(test), args.synthetic))]
            source = f"{run}/corpus test split"
        else:
            from ..data.synthetic import generate_joints

            syn = [generate_joints(i).joints for i in range(args.synthetic)]
            source = "the synthetic generator"
        print(f"\n1. motion dynamics: {len(syn)} synthetic motions ({source}) vs the real clips in 10 s pieces")
        rows = dynamics_table(syn, real_joints)
        print(f"{'metric':<22} {'unit':>4} {'syn p50':>9} {'real p50':>9} {'ratio':>6} {'syn p95':>9} {'real p95':>9}")
        for r in rows:
            print(f"{r['metric']:<22} {r['unit']:>4} {r['synthetic_p50']:>9.3f} {r['real_p50']:>9.3f} "
                  f"{r['p50_ratio']:>6.2f} {r['synthetic_p95']:>9.3f} {r['real_p95']:>9.3f}")
        out["dynamics"] = rows
        gait = gait_table(syn, real_joints)
        print(f"\n1b. gait while walking (1 s windows at {WALKING_SPEED[0]}-{WALKING_SPEED[1]} m/s; "
              f"synthetic {gait[0]['synthetic_windows'] if gait else 0}, real {gait[0]['real_windows'] if gait else 0})")
        print(f"{'metric':<22} {'unit':>4} {'syn p50':>9} {'real p50':>9} {'ratio':>6} {'syn p90':>9} {'real p90':>9}")
        for r in gait:
            print(f"{r['metric']:<22} {r['unit']:>4} {r['synthetic_p50']:>9.3f} {r['real_p50']:>9.3f} "
                  f"{r['p50_ratio']:>6.2f} {r['synthetic_p90']:>9.3f} {r['real_p90']:>9.3f}")
        out["gait"] = gait
        if run is None:
            print("\n(no run folder with tokenizers: pass --run to measure tokenizers and the classifier)")
        else:
            out.update(_run_figures(run, corpus, real, args.classifier_steps, classify_real_clips))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=1))
        print(f"\nfigures written to {args.out}")


def _run_figures(run: Path, corpus, real, classifier_steps: int, classify_real_clips) -> dict:
    import torch

    from ..data.real_clips import MOVING_ROOT_SPEED, PIECE_FRAMES, clip_pieces, pieces_by_clip, pieces_by_root_speed
    from ..eval.action_classifier import ActionClassifierConfig, train_action_classifier
    from ..tokenizer import MotionTokenizer, evaluate_reconstruction

    torch.set_num_threads(max(1, torch.get_num_threads()))
    pieces = clip_pieces(real)
    print(f"\n2. tokenizer reconstruction, pelvis-aligned MPJPE (mm): synthetic test split vs the real clips in "
          f"{len(pieces)} pieces of at most {PIECE_FRAMES} frames (HumanML3D's longest motion), and as whole takes")
    print("(heading-aligned: each frame also turned about the vertical to its best match, so only the pose counts;"
          " heading: the mean of that turn, degrees)")
    print(f"{'tokenizer':<10} {'synthetic':>10} {'real':>8} {'ratio':>6} {'real global':>12} {'whole takes':>12} "
          f"{'real usage':>11} {'heading-aligned syn/real':>25} {'ratio':>6} {'heading syn/real':>17}")
    rows = []
    groups = pieces_by_root_speed(pieces)
    # the synthetic test split cut the same way: the real set travels for about half its time, the corpus's test
    # motions for much less, and a pose error that grows with travel would read as a real-vs-synthetic gap
    synthetic_groups = pieces_by_root_speed(corpus.split("test"))
    takes = pieces_by_clip(pieces)
    for folder in sorted(p for p in (run / "tokenizer").iterdir() if (p / "config.json").is_file()):
        tok = MotionTokenizer.from_pretrained(folder)
        s = evaluate_reconstruction(tok, corpus, "test")
        r = evaluate_reconstruction(tok, pieces, None, batch_size=1)
        w = evaluate_reconstruction(tok, real, None, batch_size=1)
        rows.append({"tokenizer": folder.name, "synthetic_mpjpe_mm": s.mpjpe_mm, "real_mpjpe_mm": r.mpjpe_mm,
                     "ratio": r.mpjpe_mm / s.mpjpe_mm, "real_mpjpe_global_mm": r.mpjpe_global_mm,
                     "real_whole_take_mpjpe_mm": w.mpjpe_mm, "real_codebook_usage": r.codebook_usage,
                     "synthetic_heading_aligned_mm": s.mpjpe_heading_aligned_mm,
                     "real_heading_aligned_mm": r.mpjpe_heading_aligned_mm,
                     "heading_aligned_ratio": r.mpjpe_heading_aligned_mm / s.mpjpe_heading_aligned_mm,
                     "synthetic_heading_error_deg": s.heading_error_deg, "real_heading_error_deg": r.heading_error_deg,
                     "synthetic_turn_rate_gain": s.turn_rate_gain, "real_turn_rate_gain": r.turn_rate_gain})
        pose = f"{s.mpjpe_heading_aligned_mm:.1f} / {r.mpjpe_heading_aligned_mm:.1f}"
        heading = f"{s.heading_error_deg:.1f} / {r.heading_error_deg:.1f}"
        print(f"{folder.name:<10} {s.mpjpe_mm:>10.1f} {r.mpjpe_mm:>8.1f} {r.mpjpe_mm / s.mpjpe_mm:>6.2f} "
              f"{r.mpjpe_global_mm:>12.1f} {w.mpjpe_mm:>12.1f} {r.codebook_usage:>11.3f} {pose:>25} "
              f"{r.mpjpe_heading_aligned_mm / s.mpjpe_heading_aligned_mm:>6.2f} {heading:>17}")
        for name, group in groups.items():
            g, key = evaluate_reconstruction(tok, group, None, batch_size=1), name.replace(" ", "_")
            rows[-1].update({f"real_mpjpe_mm_{key}": g.mpjpe_mm, f"ratio_{key}": g.mpjpe_mm / s.mpjpe_mm,
                             f"real_heading_aligned_mm_{key}": g.mpjpe_heading_aligned_mm,
                             f"real_seconds_{key}": float(sum(group.lengths)) / group.fps})
            if name in synthetic_groups:
                sg = evaluate_reconstruction(tok, synthetic_groups[name], None)
                rows[-1].update({f"synthetic_mpjpe_mm_{key}": sg.mpjpe_mm,
                                 f"synthetic_heading_aligned_mm_{key}": sg.mpjpe_heading_aligned_mm,
                                 f"synthetic_seconds_{key}": float(sum(synthetic_groups[name].lengths)) / corpus.fps,
                                 f"within_ratio_{key}": g.mpjpe_mm / sg.mpjpe_mm})
        rows[-1].update(_travel_matched(rows[-1], list(groups)))
        rows[-1]["by_take"] = {}
        for name, take in takes.items():
            g = evaluate_reconstruction(tok, take, None, batch_size=1)
            rows[-1]["by_take"][name] = {"seconds": float(sum(take.lengths)) / take.fps, "mpjpe_mm": g.mpjpe_mm,
                                         "ratio": g.mpjpe_mm / s.mpjpe_mm,
                                         "heading_aligned_mm": g.mpjpe_heading_aligned_mm,
                                         "heading_error_deg": g.heading_error_deg}
    for row in rows:  # vq's codes are points of its latent: how much of the error is the codebook's
        if row["tokenizer"] == "vq":
            tok = MotionTokenizer.from_pretrained(run / "tokenizer" / "vq")
            s = evaluate_reconstruction(tok, corpus, "test", lookup=False)
            r = evaluate_reconstruction(tok, pieces, None, batch_size=1, lookup=False)
            row.update({"no_lookup_synthetic_mpjpe_mm": s.mpjpe_mm, "no_lookup_real_mpjpe_mm": r.mpjpe_mm,
                        "no_lookup_ratio": r.mpjpe_mm / s.mpjpe_mm,
                        "no_lookup_real_heading_aligned_mm": r.mpjpe_heading_aligned_mm})
            print(f"vq decoded without the codebook lookup (the conv nets alone): synthetic {s.mpjpe_mm:.1f}, real "
                  f"{r.mpjpe_mm:.1f} mm ({r.mpjpe_mm / s.mpjpe_mm:.2f}x; heading-aligned {s.mpjpe_heading_aligned_mm:.1f}"
                  f" / {r.mpjpe_heading_aligned_mm:.1f}; heading {s.heading_error_deg:.1f} / {r.heading_error_deg:.1f})")
    print("turn-rate gain (slope of the decoded root turning rate on the true one; 1 = faithful, below: the heading "
          "lags), synthetic / real: " + ", ".join(f"{row['tokenizer']} {row['synthetic_turn_rate_gain']:.2f} / "
                                                  f"{row['real_turn_rate_gain']:.2f}" for row in rows))
    if groups:
        print(f"\nby how far the pieces travel (median pelvis ground speed under / from {MOVING_ROOT_SPEED} m/s): "
              + ", ".join(f"{name} {len(g)} pieces, {float(sum(g.lengths)) / g.fps:.0f} s" for name, g in groups.items()))
        print(f"{'tokenizer':<10} " + " ".join(f"{name + ' mm':>14} {'ratio':>6} {'heading-aligned':>16}"
                                                 for name in groups))
        for row in rows:
            keys = [name.replace(" ", "_") for name in groups]
            print(f"{row['tokenizer']:<10} " + " ".join(
                f"{row[f'real_mpjpe_mm_{k}']:>14.1f} {row[f'ratio_{k}']:>6.2f} {row[f'real_heading_aligned_mm_{k}']:>16.1f}"
                for k in keys))
        if synthetic_groups:
            print("the synthetic test split cut the same way ("
                  + ", ".join(f"{name} {len(g)} motions, {float(sum(g.lengths)) / corpus.fps:.0f} s"
                              for name, g in synthetic_groups.items())
                  + "); real / synthetic within each, and the synthetic figure weighted by the real set's seconds in each:")
            for row in rows:
                keys = [(name, name.replace(" ", "_")) for name in groups]
                within = ", ".join(f"{name} {row[f'real_mpjpe_mm_{k}']:.1f} / {row[f'synthetic_mpjpe_mm_{k}']:.1f} "
                                   f"({row[f'within_ratio_{k}']:.2f}x)" for name, k in keys if f"within_ratio_{k}" in row)
                matched = (f"; travel-matched synthetic {row['synthetic_mpjpe_mm_travel_matched']:.1f}, real "
                           f"{row['real_mpjpe_mm']:.1f} ({row['ratio_travel_matched']:.2f}x)"
                           if "ratio_travel_matched" in row else "")
                print(f"{row['tokenizer']:<10} {within}{matched}")
    if takes and rows:
        print("\nby take (each clip's pieces together): mm and ratio to the synthetic test figure; heading-aligned mm; "
              "heading error, degrees")
        print(f"{'take':<24} {'s':>5} " + " ".join(f"{row['tokenizer'] + ' mm':>11} {'ratio':>5} {'aligned':>7} "
                                                   f"{'heading':>7}" for row in rows))
        for name in takes:
            cells = [row["by_take"][name] for row in rows]
            print(f"{name[:24]:<24} {cells[0]['seconds']:>5.0f} " + " ".join(
                f"{c['mpjpe_mm']:>11.1f} {c['ratio']:>5.2f} {c['heading_aligned_mm']:>7.1f} {c['heading_error_deg']:>7.1f}"
                for c in cells))
    print(f"\n3. action classifier ({classifier_steps} steps on the run's corpus) on real clips with a known action")
    clf = train_action_classifier(corpus, ActionClassifierConfig(steps=classifier_steps, progress=False))
    labelled = classify_real_clips(clf, real)
    for row in labelled:
        print(f"  {row['clip']:<22} is {row['actions']:<10} -> {row['predicted']:<12} {'right' if row['correct'] else 'wrong'}")
    acc = float(np.mean([r["correct"] for r in labelled])) if labelled else float("nan")
    print(f"  accuracy {acc:.2f} on {len(labelled)} clip(s)")
    return {"tokenizers": rows, "classifier": {"rows": labelled, "accuracy": acc, "steps": classifier_steps}}


def _travel_matched(row: dict, names: list[str]) -> dict:
    """The synthetic figure with its in-place and travelling parts weighted by the real set's seconds in each, and
    the real figure over it: the real-vs-synthetic ratio with the two sets' share of travel made equal. Empty where a
    part has no synthetic counterpart."""
    keys = [name.replace(" ", "_") for name in names]
    if not keys or any(f"synthetic_mpjpe_mm_{k}" not in row for k in keys):
        return {}
    seconds = np.array([row[f"real_seconds_{k}"] for k in keys])
    matched = float(np.dot(seconds / seconds.sum(), [row[f"synthetic_mpjpe_mm_{k}"] for k in keys]))
    return {"synthetic_mpjpe_mm_travel_matched": matched, "ratio_travel_matched": row["real_mpjpe_mm"] / matched}


if __name__ == "__main__":
    main()
