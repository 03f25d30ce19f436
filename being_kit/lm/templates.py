"""Training examples as token id sequences: stage 1 alignment and stage 2 instruction templates (Being-M0 Sec. 4.2).

An example is a prompt part and an answer part (`Example.ids`, `Example.answer_mask`); packing decides which
positions carry loss. Motion spans are always `<som> motion tokens <eom>`.

- alignment (stage 1): `caption <som> motion <eom>`: the whole corpus, no instructions.
- instruction tuning (stage 2): many phrasings of four tasks: text-to-motion, motion-to-text (captioning),
  motion continuation (first half given, second half answered) and part-level requests from the hierarchical
  captions (`record.parts`). Phrasings are chosen at random so the model does not overfit one wording.
The prompt format is plain text `"{instruction}\n"` then the answer, then the text tokenizer's eos, which works for
base models and from-scratch models alike.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .vocab import MotionVocabulary

TASKS: tuple[str, ...] = ("t2m", "m2t", "continue", "part")

T2M = (
    "{text}",  # the stage-1 format, kept in stage 2 so generation's default prompt stays the most trained one
    "Generate a motion: {text}",
    "Show me a person doing this: {text}",
    "Animate the following description. {text}",
    "Create a human motion that matches: {text}",
    "Please produce a motion sequence where {text_lower}",
    "Text: {text}\nMotion:",
    "Can you make a character perform this? {text}",
    "Write the motion tokens for: {text}",
    "I need an animation in which {text_lower}",
    "Describe in motion: {text}",
    "Perform: {text}",
    "Make the avatar move like this: {text}",
)
M2T = (
    "Describe this motion: {motion}",
    "What is the person doing? {motion}",
    "Caption the following motion. {motion}",
    "{motion}\nWhat does this motion show?",
    "Explain in one sentence what happens in {motion}",
    "Give a short description of the movement {motion}",
    "Motion: {motion}\nText:",
    "Tell me what the character does here: {motion}",
)
CONTINUE = (
    "Continue this motion: {motion}",
    "Here is the start of a motion: {motion} What comes next?",
    "Complete the movement {motion}",
    "Extend the following motion naturally. {motion}",
    "{motion}\nContinue:",
    "Predict how this motion continues: {motion}",
)
PART = (
    "Move only the {part}: {text}",
    "Generate a motion where the {part} does this: {text}",
    "Focus on the {part}. {text}",
    "Animate the {part} as described: {text}",
    "Body part: {part}. Instruction: {text}",
)
PHRASINGS: dict[str, tuple[str, ...]] = {"t2m": T2M, "m2t": M2T, "continue": CONTINUE, "part": PART}
PART_WORDS = {"torso": "torso", "left_arm": "left arm", "right_arm": "right arm", "left_leg": "left leg",
              "right_leg": "right leg"}


@dataclass
class Example:
    """One training sequence. ids: (n,) int64 LM ids; answer_mask: (n,) bool, True on the answer part (and eos)."""

    ids: np.ndarray
    answer_mask: np.ndarray

    def __post_init__(self) -> None:
        if self.ids.shape != self.answer_mask.shape:
            raise ValueError(f"ids {self.ids.shape} and answer_mask {self.answer_mask.shape} differ")


class ExampleBuilder:
    """Turns (captions, motion tokens) into `Example`s with one text tokenizer and one motion vocabulary."""

    def __init__(self, text_tokenizer, vocab: MotionVocabulary):
        self.tok = text_tokenizer
        self.vocab = vocab
        self.eos = text_tokenizer.eos_token_id
        if self.eos is None:
            raise ValueError("text tokenizer has no eos_token; set one (examples end with eos)")

    def text_ids(self, text: str) -> list[int]:
        return list(self.tok(text, add_special_tokens=False)["input_ids"])

    def motion_ids(self, motion_tokens: Sequence[int] | np.ndarray) -> list[int]:
        return [self.vocab.som_id, *self.vocab.to_lm_ids(motion_tokens).tolist(), self.vocab.eom_id]

    def render(self, template: str, text: str = "", part: str = "", motion: Sequence[int] | None = None) -> list[int]:
        """Fill `template`; `{motion}` becomes a motion span (token ids, never text)."""
        fill = {"text": text, "text_lower": text[:1].lower() + text[1:], "part": part}
        pieces = template.split("{motion}")
        ids: list[int] = []
        for i, piece in enumerate(pieces):
            if i:
                ids += self.motion_ids(motion if motion is not None else [])
            if piece:
                ids += self.text_ids(piece.format(**fill))
        return ids

    def _example(self, prompt: list[int], answer: list[int]) -> Example:
        ids = np.asarray(prompt + answer + [self.eos], dtype=np.int64)
        mask = np.zeros(len(ids), dtype=bool)
        mask[len(prompt):] = True
        return Example(ids, mask)

    def alignment(self, caption: str, motion_tokens) -> Example:
        """Stage 1: `caption \n <som> motion <eom> eos`; the motion span is the answer (same as template "{text}").
        An empty caption gives the unconditional example `\n <som> motion <eom> eos` (caption dropout)."""
        return self._example(self.text_ids(caption.strip()) + self.text_ids("\n"), self.motion_ids(motion_tokens))

    def text_to_motion_prompt(self, text: str, template: str = "{text}") -> list[int]:
        """Prompt ids for generation, ending with a newline; the caller appends `<som>`. The default template
        "{text}" gives exactly the stage-1 prompt (`alignment`)."""
        return self.render(template, text=text.strip()) + self.text_ids("\n")

    def unconditional_motion_prompt(self) -> list[int]:
        """The caption-less prompt (`\n`, the caller appends `<som>`): what `alignment("")` starts with, the
        unconditional branch of classifier-free guidance."""
        return self.text_ids("\n")

    def instruction(self, task: str, rng: random.Random, texts: Sequence[str], motion_tokens,
                    parts: dict[str, str] | None = None) -> Example | None:
        """Stage 2: one example of `task` with a random phrasing; None when the record cannot serve the task
        (no part captions, or a motion too short to continue)."""
        if task not in TASKS:
            raise ValueError(f"task: expected one of {TASKS}, got {task!r}")
        template = rng.choice(PHRASINGS[task])
        text = rng.choice(list(texts)).strip()
        nl = self.text_ids("\n")
        if task == "t2m":
            return self._example(self.render(template, text=text) + nl, self.motion_ids(motion_tokens))
        if task == "m2t":
            return self._example(self.render(template, motion=motion_tokens) + nl, self.text_ids(text))
        if task == "continue":
            step = self.vocab.tokens_per_step
            steps = len(motion_tokens) // step
            if steps < 4:
                return None
            cut = rng.randint(steps // 4, (3 * steps) // 4) * step
            head, tail = list(motion_tokens[:cut]), list(motion_tokens[cut:])
            return self._example(self.render(template, motion=head) + nl, self.motion_ids(tail))
        parts = {k: v for k, v in (parts or {}).items() if v and v.strip()}
        if not parts:
            return None
        name = rng.choice(sorted(parts))
        prompt = self.render(template, text=parts[name].strip(), part=PART_WORDS.get(name, name.replace("_", " ")))
        return self._example(prompt + nl, self.motion_ids(motion_tokens))
