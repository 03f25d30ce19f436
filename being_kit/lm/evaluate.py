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
                    motion_tokenizer=None, guidance_scale: float = 1.0, min_duration_ratio: float = 0.75,
                    return_generations: bool = False, text_neighbours: int | None = None) -> dict[str, float] | tuple:
    """{"action_acc_real", "action_acc_generated", "generation_ok_rate", "num_prompts"} on held-out prompts.
    guidance_scale, min_duration_ratio, text_neighbours: as `generate_motion` takes them (min_duration_ratio 0: the
    model ends each motion when it likes, the ablation of the duration bound). return_generations: return
    (figures, generated features (None where generation failed), requested seconds per prompt) instead, for
    `duration_within`."""
    from ..eval.action_classifier import train_action_classifier
    from .generate import generate_motion

    prompts, labels, durations, real = held_out_prompts(corpus, split, limit, seed)
    if not prompts:
        raise ValueError(f"corpus split {split!r} has no records with exactly one meta['actions'] label")
    if classifier is None:
        classifier = train_action_classifier(corpus, classifier_config)
    acc_real = classifier.accuracy(real, labels)
    requested = [min(d, 10.0) for d in durations]
    gen = generate_motion(lm, prompts, durations=requested, temperature=temperature,
                          top_k=top_k, top_p=top_p, seed=seed, motion_tokenizer=motion_tokenizer,
                          guidance_scale=guidance_scale, min_duration_ratio=min_duration_ratio,
                          text_neighbours=text_neighbours)
    predicted = classify_generated(classifier, gen.features)
    hits = sum(p == label for p, label in zip(predicted, labels))
    figures = {"action_acc_real": float(acc_real), "action_acc_generated": hits / len(prompts),
               "generation_ok_rate": sum(p is not None for p in predicted) / len(prompts), "num_prompts": len(prompts),
               "mean_generated_s": float(np.mean([len(f) / FPS for f in gen.features if f is not None] or [0.0]))}
    return (figures, gen.features, requested) if return_generations else figures


def duration_within(gen, requested_s, tolerance: float = 0.25) -> dict[str, float]:
    """Does a generated motion last as long as asked? {"duration_within_25pct": the fraction of motions whose
    length (frames / FPS) is within +-tolerance of the requested seconds (failed generations count as outside; the
    key names the tolerance in percent), "duration_ratio_mean": the mean of generated / requested seconds over the
    motions that exist (0.0 when none does)}.

    gen: a `GeneratedMotions` or a list of (t, d) features, None where generation failed. requested_s: seconds, one
    for all or one per motion."""
    features = list(gen.features if hasattr(gen, "features") else gen)
    requested = [float(requested_s)] * len(features) if np.isscalar(requested_s) else [float(s) for s in requested_s]
    if not features:
        raise ValueError("gen: expected at least one generated motion")
    if len(requested) != len(features) or min(requested) <= 0:
        raise ValueError(f"requested_s: expected one positive number or {len(features)} of them, got {requested_s!r}")
    if not tolerance >= 0:
        raise ValueError(f"tolerance: expected a fraction >= 0 (0.25 = within 25%), got {tolerance}")
    ratios = [None if f is None else len(f) / FPS / r for f, r in zip(features, requested)]
    found = [x for x in ratios if x is not None]
    return {f"duration_within_{round(tolerance * 100)}pct": sum(x is not None and abs(x - 1) <= tolerance + 1e-9
                                                                 for x in ratios) / len(ratios),
            "duration_ratio_mean": float(np.mean(found)) if found else 0.0}
