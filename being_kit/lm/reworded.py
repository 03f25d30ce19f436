"""Prompts worded unlike the training captions: what pretrained language knowledge buys.

The synthetic corpus names each action with a small, fixed vocabulary ("walks forward", "waves with the left hand"). A
model trained from scratch on it knows only those words; a pretrained base (SmolLM2, gpt2, Llama) also knows their
synonyms. `REWORDED` names the same actions in other words: every prompt carries a content word that no caption of the
corpus uses (`novel_words` shows which), so a model can only follow it through what it knew before fine-tuning.
`reworded_accuracy` scores the generated motions with the action classifier, beside the corpus-worded accuracy of
`action_accuracy`; run it for two base models to compare them.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import numpy as np

from ..motion.skeleton import FPS

REWORDED: dict[str, tuple[str, ...]] = {
    "walk": ("an adult ambles ahead across the room", "the subject proceeds onward by foot"),
    "jog": ("a runner trots onward at an easy tempo", "the athlete paces ahead in a light canter"),
    "run": ("somebody races toward the finish line", "the sprinter bolts ahead at full tilt"),
    "walk_backward": ("the person retreats, stepping rearward", "a man reverses away without looking behind"),
    "side_step": ("the goalkeeper crab-walks along the line", "a dancer glides laterally"),
    "walk_circle": ("someone paces around a ring", "the guard patrols a round loop"),
    "march": ("a soldier parades on the spot", "the cadet drills stationary, knees pumping"),
    "turn": ("the person pivots to face elsewhere", "a man rotates his stance a quarter"),
    "spin": ("a ballerina twirls", "the skater pirouettes"),
    "jump": ("the kid bounces off the ground", "a person springs skyward"),
    "hop": ("a child skips on a single leg", "the player bounds on one limb"),
    "squat": ("the lifter drops the hips low and comes up", "someone crouches deeply and recovers"),
    "lunge": ("a fencer takes a long stride and recovers", "the athlete strides into a split stance"),
    "kneel": ("the knight genuflects and rises", "a person proposes on bended knee, then gets up"),
    "sit_floor": ("someone plops onto the ground and gets up", "the person settles cross-legged, then rises"),
    "kick": ("a footballer boots an imaginary ball", "the fighter strikes out with a foot"),
    "jumping_jacks": ("the athlete does star jumps", "a person performs calisthenic star leaps"),
    "balance": ("a yogi holds a flamingo pose", "the person holds tree pose"),
    "wave": ("someone greets a friend from afar", "the passenger bids farewell from the platform"),
    "raise_arms": ("the fan reaches for the sky", "a person hoists both limbs upward"),
    "punch": ("a boxer spars with an invisible opponent", "the fighter throws a hook"),
    "clap": ("the audience member applauds", "someone gives a round of applause"),
    "bow": ("the actor acknowledges the audience with a reverence", "a performer curtsies"),
    "stretch": ("the athlete limbers up, reaching tall and leaning", "a person warms up with a side bend"),
    "arm_circles": ("someone windmills the limbs", "the swimmer warms up the shoulders with rotations"),
    "throw": ("a pitcher hurls a baseball", "the child tosses a pebble"),
    "dance": ("a partygoer boogies on the spot", "the clubber grooves to a song"),
}
_WORD = re.compile(r"[a-z]+")


def words(text: str) -> set[str]:
    """Lower-case alphabetic words of `text`."""
    return set(_WORD.findall(text.lower()))


def caption_vocabulary(corpus, split: str | None = None) -> set[str]:
    """Every word of every whole-body, part and segment caption of `corpus` (one split, or all when None)."""
    view = corpus.split(split) if split else corpus
    vocab: set[str] = set()
    for i in range(len(view)):
        rec = view[i]
        for text in list(rec.texts) + list((rec.parts or {}).values()) + [s.text for s in rec.segments or []]:
            vocab |= words(text)
    return vocab


def training_vocabulary(lm, corpus) -> set[str]:
    """Every word the language model `lm` can have trained on: the train captions of `corpus`, the words its text
    condition keeps unmasked, and, when it trained with paraphrase augmentation (`caption_augment` in its
    `lm_config.json`), every word the paraphrase generator can emit. Novel words are counted against this."""
    import json

    vocab = caption_vocabulary(corpus, "train")
    if getattr(lm, "condition", None) is not None:
        vocab |= set(lm.condition.config.vocabulary)
    config = Path(lm.path) / "lm_config.json" if getattr(lm, "path", None) else None
    if config is not None and config.is_file() and json.loads(config.read_text()).get("caption_augment", 0) > 0:
        from ..data.synthetic.paraphrase import generator_vocabulary

        vocab |= generator_vocabulary()
    return vocab


def novel_words(prompt: str, vocabulary: set[str]) -> list[str]:
    """The words of `prompt` that `vocabulary` lacks, sorted."""
    return sorted(words(prompt) - vocabulary)


def novel_word_rate(prompts: Iterable[str], vocabulary: set[str]) -> float:
    """The fraction of the prompts' words (each prompt's distinct words, counted per prompt) that `vocabulary` lacks."""
    all_words = [w for p in prompts for w in words(p)]
    return sum(w not in vocabulary for w in all_words) / len(all_words)


def reworded_prompts(actions: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
    """(prompts, action labels) of `REWORDED`, for the actions in `actions` (all when None)."""
    keep = set(REWORDED) if actions is None else set(actions)
    pairs = [(p, a) for a, prompts in REWORDED.items() if a in keep for p in prompts]
    return [p for p, _ in pairs], [a for _, a in pairs]


def natural_seconds(action: str) -> float:
    """The middle of the synthetic generator's duration range for `action` (6 s for actions it does not know)."""
    from ..data.synthetic.actions import FAMILIES

    family = FAMILIES.get(action)
    return float(np.mean(family.seconds)) if family else 6.0


def reworded_accuracy(lm, classifier, *, vocabulary: set[str] | None = None, temperature: float = 0.8,
                      top_k: int = 0, top_p: float = 0.95, seed: int = 0, guidance_scale: float = 1.0,
                      motion_tokenizer=None, return_generations: bool = False,
                      text_neighbours: int | None = None) -> tuple:
    """Action accuracy of motions generated from `REWORDED` prompts (the actions `classifier` knows).

    Returns ({"action_acc_reworded", "reworded_num_prompts", "reworded_novel_word_rate"}, one row per prompt with
    its action, prediction and novel words). vocabulary: the training captions' words (`caption_vocabulary`), for the
    novel-word rate and rows; None skips them. return_generations: also return the generated features (None where
    generation failed) and the requested seconds, one per prompt (for `duration_within`).
    text_neighbours: as `generate_motion` (None: the model's neighbour projection; 0: raw sentence vectors)."""
    from .evaluate import classify_generated
    from .generate import generate_motion

    prompts, labels = reworded_prompts(classifier.labels)
    if not prompts:
        raise ValueError(f"classifier labels {list(classifier.labels)} name no action of REWORDED")
    seconds = [natural_seconds(a) for a in labels]
    gen = generate_motion(lm, prompts, durations=seconds, temperature=temperature,
                          top_k=top_k, top_p=top_p, seed=seed, guidance_scale=guidance_scale,
                          motion_tokenizer=motion_tokenizer,
                          text_neighbours=text_neighbours)
    predicted = classify_generated(classifier, gen.features)
    rows = [{"prompt": p, "action": a, "predicted": predicted[i] or "(no motion)",
             "novel_words": novel_words(p, vocabulary) if vocabulary is not None else None}
            for i, (p, a) in enumerate(zip(prompts, labels))]
    figures = {"action_acc_reworded": sum(r["predicted"] == r["action"] for r in rows) / len(rows),
               "reworded_num_prompts": len(rows)}
    if vocabulary is not None:
        figures["reworded_novel_word_rate"] = novel_word_rate(prompts, vocabulary)
    return (figures, rows, gen.features, seconds) if return_generations else (figures, rows)
