"""Training examples as token id sequences: stage 1 alignment and stage 2 instruction templates (Being-M0 Sec. 4.2).

An example is a prompt part and an answer part (`Example.ids`, `Example.answer_mask`); packing decides which
positions carry loss. Motion spans are always `<som> motion tokens <eom>`.

- alignment (stage 1): `caption <som> motion <eom>`: the whole corpus, no instructions.
- instruction tuning (stage 2): many phrasings of four tasks: text-to-motion, motion-to-text (captioning),
  motion continuation (first half given, second half answered) and part-level requests from the hierarchical
  captions (`record.parts`). Phrasings are chosen at random so the model does not overfit one wording.
The prompt format is plain text `"{instruction}\n"` then the answer, then the text tokenizer's eos, which works for
base models and from-scratch models alike. Two optional additions (both off for models trained without them):
- a length hint `" [4.5 s]"` after the caption (`MotionVocabulary.duration_hint`): the motion's duration, so a
  requested duration is asked for in the prompt and the model ends the motion near it;
- a text condition (`conditioning.TextCondition`): `<cond_k>` placeholders open every text-to-motion prompt and carry
  a frozen sentence encoder's vector of the caption (`Example.cond_text`).
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
    cond_text: str = ""  # the text whose sentence vector fills this example's <cond_k> placeholders ("" = none)

    def __post_init__(self) -> None:
        if self.ids.shape != self.answer_mask.shape:
            raise ValueError(f"ids {self.ids.shape} and answer_mask {self.answer_mask.shape} differ")


class ExampleBuilder:
    """Turns (captions, motion tokens) into `Example`s with one text tokenizer and one motion vocabulary."""

    def __init__(self, text_tokenizer, vocab: MotionVocabulary, condition=None, word_dropout: float = 0.0):
        self.tok = text_tokenizer
        self.vocab = vocab
        self.condition = condition  # conditioning.TextCondition or None
        self.word_dropout = word_dropout  # training only: words of the caption tokens hidden at this rate
        self.eos = text_tokenizer.eos_token_id
        if self.eos is None:
            raise ValueError("text tokenizer has no eos_token; set one (examples end with eos)")

    def _slots(self) -> list[int]:
        return self.condition.slot_ids if self.condition is not None else []

    def caption_tokens_text(self, text: str, rng: random.Random | None = None) -> str:
        """What the token stream shows of a caption: words the LM never saw become `<unk_word>` (conditioned models),
        and during training (`rng` given) words are hidden at `word_dropout`."""
        if self.condition is None:
            return text
        from .conditioning import drop_words

        text = self.condition.mask_unknown_words(text)[0]
        return drop_words(text, self.word_dropout, rng) if rng is not None else text

    def length_hint(self, seconds: float | None) -> list[int]:
        """Ids of `" [4.5 s]"` (one decimal) when this model's prompts carry durations and `seconds` is given."""
        if seconds is None or not self.vocab.duration_hint:
            return []
        return self.text_ids(f" [{seconds:.1f} s]")

    def seconds_of(self, motion_tokens) -> float:
        """Duration in seconds of a motion span of `motion_tokens`."""
        from ..motion.skeleton import FPS

        return len(motion_tokens) // self.vocab.tokens_per_step * self.vocab.downsample / FPS

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

    def _example(self, prompt: list[int], answer: list[int], cond_text: str = "") -> Example:
        ids = np.asarray(prompt + answer + [self.eos], dtype=np.int64)
        mask = np.zeros(len(ids), dtype=bool)
        mask[len(prompt):] = True
        return Example(ids, mask, cond_text if self.condition is not None else "")

    def alignment(self, caption: str, motion_tokens, *, hint: bool = False, rng: random.Random | None = None) -> Example:
        """Stage 1: `caption \n <som> motion <eom> eos`; the motion span is the answer (same as template "{text}").
        An empty caption gives the unconditional example `\n <som> motion <eom> eos` (caption dropout). hint: add
        the motion's length (`length_hint`); rng: training-time word dropout of conditioned models."""
        caption = caption.strip()
        seconds = self.seconds_of(motion_tokens) if hint else None
        prompt = self._slots() + self.text_ids(self.caption_tokens_text(caption, rng)) + self.length_hint(seconds)
        return self._example(prompt + self.text_ids("\n"), self.motion_ids(motion_tokens), caption)

    def text_to_motion_prompt(self, text: str, template: str = "{text}", seconds: float | None = None) -> list[int]:
        """Prompt ids for generation, ending with a newline; the caller appends `<som>`. The default template
        "{text}" gives exactly the stage-1 prompt (`alignment`); seconds: the requested length (models trained
        with length hints)."""
        text = self.caption_tokens_text(text.strip())
        return self._slots() + self.render(template, text=text) + self.length_hint(seconds) + self.text_ids("\n")

    def unconditional_motion_prompt(self, seconds: float | None = None) -> list[int]:
        """The caption-less prompt (`\n`, the caller appends `<som>`): what `alignment("")` starts with, the
        unconditional branch of classifier-free guidance."""
        return self._slots() + self.length_hint(seconds) + self.text_ids("\n")

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
            hint = self.length_hint(self.seconds_of(motion_tokens)) if self.vocab.duration_hint and rng.random() < 0.5 else []
            shown = self.caption_tokens_text(text, rng)
            return self._example(self._slots() + self.render(template, text=shown) + hint + nl,
                                 self.motion_ids(motion_tokens), text)
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
