"""Does a generated motion do what its prompt asked? Action accuracy with a classifier trained on real motions.

Held-out prompts: the first caption of test records that carry one action label (`meta["actions"]`, synthetic
corpora). The classifier (`being_kit.eval.action_classifier`) is trained on the real train motions; its accuracy on
the real test motions (`action_acc_real`) bounds what the generated ones (`action_acc_generated`) can reach. A
generation that failed (no motion) counts as wrong.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..motion.skeleton import FPS


def held_out_prompts(corpus, split: str = "test", limit: int = 64, seed: int = 0):
    """(prompts, labels, durations_s, real_motions) of up to `limit` single-action records of `split`."""
    view = corpus.split(split)
    order = np.random.default_rng(seed).permutation(len(view))
    prompts, labels, durations, motions = [], [], [], []
    for i in order:
        rec = view[int(i)]
        actions = rec.meta.get("actions") or []
        if len(actions) != 1:
            continue
        prompts.append(rec.texts[0])
        labels.append(str(actions[0]))
        durations.append(rec.num_frames / rec.fps)
        motions.append(np.asarray(rec.motion, np.float32))
        if len(prompts) >= limit:
            break
    return prompts, labels, durations, motions


def classify_generated(classifier, features) -> list[str | None]:
    """The classifier's action for each generated motion; None where generation gave no motion (under 4 frames)."""
    ok = [i for i, f in enumerate(features) if f is not None and len(f) >= 4]
    predicted = dict(zip(ok, classifier.classify([features[i] for i in ok])[0])) if ok else {}
    return [predicted.get(i) for i in range(len(features))]


def action_accuracy(lm, corpus, *, classifier=None, classifier_config: Any = None, split: str = "test",
                    limit: int = 64, seed: int = 0, temperature: float = 0.8, top_k: int = 0, top_p: float = 0.95,
                    motion_tokenizer=None, guidance_scale: float = 1.0) -> dict[str, float]:
    """{"action_acc_real", "action_acc_generated", "generation_ok_rate", "num_prompts"} on held-out prompts.
    guidance_scale: classifier-free guidance of the generations (see `generate_motion`)."""
    from ..eval.action_classifier import train_action_classifier
    from .generate import generate_motion

    prompts, labels, durations, real = held_out_prompts(corpus, split, limit, seed)
    if not prompts:
        raise ValueError(f"corpus split {split!r} has no records with exactly one meta['actions'] label")
    if classifier is None:
        classifier = train_action_classifier(corpus, classifier_config)
    acc_real = classifier.accuracy(real, labels)
    gen = generate_motion(lm, prompts, durations=[min(d, 10.0) for d in durations], temperature=temperature,
                          top_k=top_k, top_p=top_p, seed=seed, motion_tokenizer=motion_tokenizer,
                          guidance_scale=guidance_scale)
    predicted = classify_generated(classifier, gen.features)
    hits = sum(p == label for p, label in zip(predicted, labels))
    return {"action_acc_real": float(acc_real), "action_acc_generated": hits / len(prompts),
            "generation_ok_rate": sum(p is not None for p in predicted) / len(prompts), "num_prompts": len(prompts),
            "mean_generated_s": float(np.mean([len(f) / FPS for f in gen.features if f is not None] or [0.0]))}
