"""The neighbour bank of a sentence-vector model (`TextCondition.project`): vectors of prompts the LM trained on.

Generation replaces a prompt's vector by the weighted mean of its nearest bank vectors, so a prompt in words the LM
never saw is read where the LM learned what that meaning looks like. The bank holds what training showed: one prompt
per sampled training record, a fresh paraphrase of it where training used paraphrases (`caption_augment`) and the
record can be paraphrased, else one of its captions. One-action records go first: a composition's vector lies
between its parts' and pulls a one-action prompt towards a mixture. Measured on the cpu profile's fresh-clone LM
(k 30; reworded / free-form): 9,000 one-action paraphrases 0.635-0.654 / 0.619, 9,000 records of any action count
0.481 / 0.595 (no better than raw vectors, 0.481 / 0.603), all 18,000 train records 0.558 / 0.619; k 1, 10, 50 on
the default bank: 0.519, 0.654, 0.596 reworded.
"""
from __future__ import annotations

import random
from typing import Sequence

import numpy as np

from .conditioning import TextCondition
from .data import TextInfo, augmented_captions


def bank_prompts(texts: Sequence[TextInfo], size: int, *, seed: int, paraphrase: bool) -> list[str]:
    """Up to `size` prompts, one per record of `texts` (one-action records first, then the rest), deterministic in
    `seed`. paraphrase: a fresh paraphrase where the record has generator parameters (synthetic corpora)."""
    if size < 1:
        raise ValueError(f"size: expected >= 1 bank prompts, got {size}")
    rng = random.Random(seed)
    single = [i for i, t in enumerate(texts) if len(t.actions) <= 1]
    multi = [i for i, t in enumerate(texts) if len(t.actions) > 1]
    rng.shuffle(single)
    rng.shuffle(multi)
    prompts = []
    for i in (single + multi)[:size]:
        info = texts[i]
        fresh = augmented_captions(info, rng, 1) if paraphrase else []
        if fresh:
            prompts.append(fresh[0])
        elif info.texts:
            prompts.append(rng.choice(info.texts))
    if not prompts:
        raise ValueError("no captions to build a neighbour bank from")
    return prompts


def build_condition_bank(condition: TextCondition, texts: Sequence[TextInfo], size: int, *, seed: int = 0,
                         paraphrase: bool = True, neighbours: int = 30, temperature: float = 0.05) -> list[str]:
    """Encode `bank_prompts(...)` and keep them as `condition`'s bank (k `neighbours`, softmax `temperature`);
    returns the prompts."""
    prompts = bank_prompts(texts, size, seed=seed, paraphrase=paraphrase)
    if not temperature > 0:
        raise ValueError(f"temperature: expected > 0, got {temperature}")
    condition.set_bank(condition.encode_texts(prompts), neighbours=neighbours)
    condition.config.neighbour_temperature = float(temperature)
    return prompts


def rebuild_bank(lm_dir: str, size: int, *, seed: int = 0, paraphrase: bool = True, neighbours: int = 30,
                 temperature: float = 0.05) -> int:
    """Rebuild the bank of a trained LM folder from the train rows it trained on (`lm_config.json`'s tokens and
    corpus), for ablations of the bank itself; the condition files are replaced in place. Returns the bank size."""
    from pathlib import Path

    from ..data import Corpus
    from .config import CONFIG_FILE, LMConfig
    from .data import read_token_shards, train_texts
    from .motion_lm import MotionLM

    lm = MotionLM.from_pretrained(lm_dir)
    if lm.condition is None:
        raise ValueError(f"{lm_dir}: not a sentence-vector model (no text_condition.json)")
    cfg = LMConfig.load(Path(lm_dir) / CONFIG_FILE)
    shards = read_token_shards(cfg.tokens_dir)
    corpus = Corpus.open(cfg.corpus_path(shards.info))
    prompts = build_condition_bank(lm.condition, train_texts(corpus, shards), size, seed=seed, paraphrase=paraphrase,
                                   neighbours=neighbours, temperature=temperature)
    lm.condition.save(lm_dir)
    return len(prompts)


def raw_vector_ablation(lm, corpus, classifier, *, limit: int = 64, **sampling) -> dict[str, float]:
    """The neighbour projection's ablation: held-out, reworded and free-form action accuracy with each prompt's raw
    sentence vector (`text_neighbours=0`), keys `*_raw_vector`. {} for a model without a bank. sampling:
    temperature, top_k, top_p, seed, guidance_scale as the scored runs used them."""
    from .evaluate import action_accuracy
    from .freeform import freeform_accuracy
    from .reworded import reworded_accuracy

    cond = getattr(lm, "condition", None)
    if cond is None or cond.bank is None or not cond.config.neighbours:
        return {}
    held = action_accuracy(lm, corpus, classifier=classifier, limit=limit, text_neighbours=0, **sampling)
    reworded, _ = reworded_accuracy(lm, classifier, text_neighbours=0, **sampling)
    freeform, _ = freeform_accuracy(lm, classifier, text_neighbours=0, **sampling)
    return {"text_neighbours": cond.config.neighbours, "text_bank_size": len(cond.bank),
            "action_acc_generated_raw_vector": held["action_acc_generated"],
            "action_acc_reworded_raw_vector": reworded["action_acc_reworded"],
            "action_acc_freeform_raw_vector": freeform["action_acc_freeform"]}
