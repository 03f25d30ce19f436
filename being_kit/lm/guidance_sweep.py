"""`python -m being_kit.lm.guidance_sweep RUN_DIR`: a run's language model at several guidance scales.

For each classifier-free guidance scale it generates the held-out prompts of `action_accuracy` and the `REWORDED`
prompts, and prints their action accuracy beside the generation time. The classifier is the one `05_evaluate` saved
(`eval/action_classifier/`), or one trained now on the run's corpus.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

CLASSIFIER_DIR = Path("eval") / "action_classifier"


def sweep(run_dir: str | Path, scales: list[float], *, prompts: int = 128, temperature: float = 0.7,
          top_p: float = 0.95, seed: int = 0, classifier_steps: int = 400, progress: bool = True) -> pd.DataFrame:
    """One row per guidance scale: action_acc_generated, action_acc_reworded, seconds (and action_acc_real)."""
    from tqdm.auto import tqdm

    from ..data import Corpus
    from ..eval.action_classifier import ActionClassifier, ActionClassifierConfig, train_action_classifier
    from .evaluate import action_accuracy
    from .motion_lm import MotionLM
    from .reworded import caption_vocabulary, reworded_accuracy

    run = Path(run_dir)
    for needed in ("corpus", "lm"):
        if not (run / needed).is_dir():
            raise FileNotFoundError(f"run_dir: {run / needed} is missing (run notebooks 01-03 first)")
    if not scales or min(scales) <= 0:
        raise ValueError(f"scales: expected guidance scales > 0 (1 = off), got {scales}")
    corpus = Corpus.open(run / "corpus")
    lm = MotionLM.from_pretrained(run / "lm")
    saved = run / CLASSIFIER_DIR
    classifier = (ActionClassifier.from_pretrained(saved) if saved.is_dir() else
                  train_action_classifier(corpus, ActionClassifierConfig(steps=classifier_steps, seed=seed,
                                                                         progress=progress)))
    vocabulary = caption_vocabulary(corpus, "train")
    rows = []
    for scale in tqdm(scales, desc="guidance scales", disable=not progress):
        t0 = time.perf_counter()
        held_out = action_accuracy(lm, corpus, classifier=classifier, limit=prompts, seed=seed,
                                   temperature=temperature, top_p=top_p, guidance_scale=scale)
        reworded, _ = reworded_accuracy(lm, classifier, vocabulary=vocabulary, temperature=temperature, top_p=top_p,
                                        seed=seed, guidance_scale=scale)
        rows.append({"guidance_scale": scale, "action_acc_generated": held_out["action_acc_generated"],
                     "action_acc_reworded": reworded["action_acc_reworded"],
                     "action_acc_real": held_out["action_acc_real"], "num_prompts": held_out["num_prompts"],
                     "num_reworded": reworded["reworded_num_prompts"], "seconds": time.perf_counter() - t0})
    return pd.DataFrame(rows).set_index("guidance_scale")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m being_kit.lm.guidance_sweep", description=__doc__.split("\n")[0])
    p.add_argument("run_dir", help="a run folder with corpus/ and lm/ (executions/<run-id>)")
    p.add_argument("--scales", default="1,1.5,2.5,4", help="comma-separated guidance scales (1 = off)")
    p.add_argument("--prompts", type=int, default=128, help="held-out test prompts")
    p.add_argument("--temperature", type=float, default=0.7)
    p.add_argument("--top-p", type=float, default=0.95)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = p.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    try:
        scales = [float(s) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        p.error(f"--scales: expected comma-separated numbers, got {args.scales!r}")
    table = sweep(args.run_dir, scales, prompts=args.prompts, temperature=args.temperature, top_p=args.top_p,
                  seed=args.seed)
    print(table.to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
