"""The evaluator on real mocap: does a text-motion space learnt on the run's corpus place a real clip next to its
own caption? Each real clip's caption ranks the clip among `distractors` corpus test motions (R-Precision's batch
of 32 in miniature); a corpus-trained evaluator that only knows procedural motion puts real clips far away."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .metrics import euclidean_distance_matrix
from .protocol import EvalSet, Evaluator


def real_clip_retrieval(evaluator: Evaluator, motions: Sequence[np.ndarray], texts: Sequence[str], ids: Sequence[str],
                        eval_set: EvalSet, distractors: int = 31, seed: int = 0) -> tuple[dict, list[dict]]:
    """(figures, one row per clip): rank 1 = the clip is the closest motion to its caption among itself and
    `distractors` random motions of `eval_set`; figures are top-1/top-3 rates and the mean rank."""
    if not motions:
        return {"eval_real_mocap_clips": 0}, []
    if len(motions) != len(texts) or len(texts) != len(ids):
        raise ValueError(f"motions, texts and ids: need equal lengths, got {len(motions)}, {len(texts)}, {len(ids)}")
    rng = np.random.default_rng(seed)
    k = min(distractors, len(eval_set))
    text_emb = evaluator.embed_texts(list(texts))
    clip_emb = evaluator.embed_motions(list(motions))
    rows = []
    for i in range(len(motions)):
        pick = rng.choice(len(eval_set), k, replace=False)
        others = evaluator.embed_motions([eval_set.motions[int(j)] for j in pick])
        dist = euclidean_distance_matrix(text_emb[i:i + 1], np.concatenate([clip_emb[i:i + 1], others]))[0]
        rank = int((dist < dist[0]).sum()) + 1
        rows.append({"clip": ids[i], "caption": texts[i], "rank": rank, "of": k + 1})
    ranks = np.array([r["rank"] for r in rows])
    return {"eval_real_mocap_clips": len(rows), "eval_real_mocap_r1": float((ranks <= 1).mean()),
            "eval_real_mocap_r3": float((ranks <= 3).mean()), "eval_real_mocap_mean_rank": float(ranks.mean()),
            "eval_real_mocap_chance_r3": 3 / (k + 1)}, rows
