"""Richer whole-body captions for synthetic motions, in the varied register of human-written corpora (HumanML3D).

`captions.describe` writes a few fixed templates; a model trained on them learns the templates. `paraphrase` writes
from a phrase library instead: per family many verb phrases (synonyms, body mechanics, intents, similes), several
sentence frames (present simple, "is ...ing", "we see ...", "a person who ..."), many subjects, optional context,
pace / count / direction phrased many ways, and several ways to put actions in order.

The library is data, in `phrasebook` (per-family verb phrases, intents and similes) and `phrasebook_context`
(subjects, slot tables, contexts, frames, joiners): verb phrases are written in the base form with the head verb
first ("+" marks a further verb, "squat down and +stand back up") and conjugated once per kind of action;
`{slot}`s are filled from the slot tables.
Every phrase is faithful to the action's params: "left" is the body's own left, a left turn is counterclockwise seen
from above, counts and pace come from the params, in-place jumps never say forward. `generator_vocabulary()` is the
exact set of words `paraphrase` and `captions` can emit, computed from the tables (not by sampling).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from . import captions
from .actions import FAMILY_NAMES
from .phrasebook import EXTRAS, PHRASES
from .phrasebook_context import (CARDINAL, CONTEXT, CONTEXT_GROUPS, DIRECTION, FIRST, FRAMES_COMMON, FRAMES_VARIED,
                                 JOINERS, LAST_JOINERS, LEAD_FRAMES, PACE, PACE_BEFORE, PACE_KIND, POSSESSIVE,
                                 ROTATION, SENTENCE_JOINERS, SENTENCE_LAST, SUBJECTS_COMMON, SUBJECTS_VARIED, TIMES,
                                 WHERE)

NUMBER = captions.NUMBER  # 1..8 as words; larger counts are written as digits

# ---------------------------------------------------------------------------------------------------- conditions
CONDITIONS = {  # condition name (the keys of `phrasebook.PHRASES` and `EXTRAS`) -> test on an action's `_Key`
    "": lambda k: True, "slow": lambda k: k.pace == "slow", "fast": lambda k: k.pace == "fast",
    "once": lambda k: k.n == 1, "many": lambda k: k.n > 1, "forward": lambda k: k.forward,
    "in_place": lambda k: not k.forward, "quarter": lambda k: not k.half, "half": lambda k: k.half,
    "one_turn": lambda k: k.turns == 1, "two_turns": lambda k: k.turns == 2, "spins": lambda k: k.turns > 0,
    "full": lambda k: k.full,
    "part": lambda k: not k.full, "deep": lambda k: k.deep, "high": lambda k: k.high, "up": lambda k: k.how == "up",
    "ahead": lambda k: k.how == "forward", "sideways": lambda k: k.how == "sideways",
    "both": lambda k: k.side == "both",
    "one_side": lambda k: k.side in ("left", "right"), "deep_bow": lambda k: k.deep_bow,
    "slight_bow": lambda k: not k.deep_bow, "winding": lambda k: k.winding,
}
# A winding path (`locomotion.winding_yaw`) is not straight: phrases saying so are left out for it.
STRAIGHT = re.compile(r"\bstraight\b|\bin one direction\b")

# ---------------------------------------------------------------------------------------------------- conjugation
_THIRD_IRREGULAR = {"do": "does", "go": "goes", "have": "has"}
_DOUBLED = frozenset({"step", "hop", "jog", "run", "skip", "clap", "drop", "sit", "spin", "get", "put", "stop", "jab",
                      "trot", "set", "plod", "grab", "tap", "nod", "whip", "tip", "sidestep", "side-step", "dip"})
_WORD = re.compile(r"[a-z]+")
_SLOT = re.compile(r"\{(\w+)\}")


def words(text: str) -> set[str]:
    """Lower-case alphabetic words of `text` (as `being_kit.lm.reworded.words` counts them)."""
    return set(_WORD.findall(text.lower()))


def _third(verb: str) -> str:
    if verb in _THIRD_IRREGULAR:
        return _THIRD_IRREGULAR[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _gerund(verb: str) -> str:
    if verb in _DOUBLED:
        return verb + verb[-1] + "ing"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    return verb + "ing"


def _conjugate(phrase: str) -> dict[str, str]:
    """Base-form phrase -> its {"s", "ing"} forms; the first word and words marked "+" are verbs."""
    tokens = phrase.split()
    forms = {}
    for form, change in (("s", _third), ("ing", _gerund)):
        out = [change(tokens[0])]
        out += [change(t[1:]) if t.startswith("+") else t for t in tokens[1:]]
        forms[form] = " ".join(out)
    return forms


# ---------------------------------------------------------------------------------------------------- params
class _Key(NamedTuple):
    """The caption-relevant facts of one action (hashable, so phrase options are computed once per kind)."""

    family: str
    side: str
    pace: str
    n: int  # repetitions / hops / claps; 0 when unknown
    half: bool  # turn of about 180 degrees
    turns: int  # spins: 1 or 2; a dance's big turns: 0-2
    full: bool  # walk_circle of at least three quarters of a lap
    forward: bool
    deep: bool
    high: bool
    how: str
    deep_bow: bool
    winding: bool  # walk / jog / run / walk_backward along a path that bends left and right


def _key(family: str, p: dict[str, Any]) -> _Key:
    if family not in PHRASES:
        raise ValueError(f"action family {family!r}: expected one of {FAMILY_NAMES}")
    side = str(p.get("side", p.get("direction", "")))
    pace = str(p.get("pace", "normal"))
    n = int(p.get("repetitions", p.get("hops", p.get("claps", 0))) or 0)
    how = str(p.get("how", "up"))
    return _Key(family, side, pace if pace in ("slow", "fast") else "normal", max(n, 0),
                float(p.get("angle", 90)) >= 135, min(max(int(p.get("turns", 1)), 0), 2),
                float(p.get("laps", 1.0)) >= 0.75, bool(p.get("forward", False)), bool(p.get("deep", False)),
                bool(p.get("high", False)), how if how in WHERE else "up", float(p.get("depth_deg", 0)) > 50,
                p.get("path") == "winding")


def _holds(condition: str, key: _Key) -> bool:
    return all(CONDITIONS[c](key) for c in condition.split("+") if c)


def _count_words(n: int) -> tuple[str, str]:
    return NUMBER.get(n, str(n)), str(n)


def _slot_options(name: str, key: _Key) -> tuple[str, ...]:
    """What slot `name` may say for this action."""
    if name in ("side", "other", "to_side", "rot") and key.side not in ("left", "right"):
        raise ValueError(f"{key.family}: params need side/direction 'left' or 'right' for {{{name}}}, "
                         f"got {key.side!r}")
    if name == "side":
        return (key.side,)
    if name == "other":
        return (captions._other(key.side),)
    if name == "to_side":
        return DIRECTION[key.side]
    if name == "rot":
        return ROTATION[key.side]
    if name == "pace":
        return PACE[PACE_KIND[key.family]][key.pace]
    if name == "where":
        return WHERE[key.how]
    w, d = _count_words(key.n)
    if name == "times":
        return tuple(t.format(w=w, d=d) for t in TIMES.get(key.n, TIMES["n"]))
    if name == "num":
        return tuple(t.format(w=w, d=d) for t in CARDINAL)
    if name == "pos":
        return ("{pos}",)  # filled once per caption, from the subject
    raise KeyError(f"unknown slot {{{name}}}")


class _Options(NamedTuple):
    phrases: tuple[dict[str, str], ...]  # conjugated forms of each applicable phrase
    paced: tuple[bool, ...]  # whether the phrase has a {pace} slot
    extras: tuple[str, ...]
    slots: dict[str, tuple[str, ...]]
    before: tuple[str, ...]  # pace adverbs that may go before the verb


@lru_cache(maxsize=4096)
def _options(key: _Key) -> _Options:
    phrases = [ph for cond, group in PHRASES[key.family].items() if _holds(cond, key) for ph in group
               if not (key.winding and STRAIGHT.search(ph))]
    extras = [e for cond, group in EXTRAS.get(key.family, {}).items() if _holds(cond, key) for e in group]
    names = sorted({m for text in phrases + extras for m in _SLOT.findall(text)})  # a fixed draw order
    kind = PACE_KIND.get(key.family)
    return _Options(tuple(_conjugate(ph) for ph in phrases), tuple("{pace}" in ph for ph in phrases), tuple(extras),
                    {name: _slot_options(name, key) for name in names},
                    PACE_BEFORE[kind][key.pace] if kind else ("",))


# ---------------------------------------------------------------------------------------------------- captions
class _Picker:
    """Uniform choices from one block of rng draws (a numpy call per choice would cost more than the caption)."""

    def __init__(self, rng: np.random.Generator):
        self.rng, self.u, self.i = rng, [], 0

    def random(self) -> float:
        if self.i >= len(self.u):
            self.u, self.i = self.rng.random(256).tolist(), 0
        self.i += 1
        return self.u[self.i - 1]

    def __call__(self, seq):
        return seq[int(self.random() * len(seq))]


def _verb_phrase(opts: _Options, form: str, pick: _Picker, extra_p: float) -> str:
    i = int(pick.random() * len(opts.phrases))
    fill = {name: pick(values) for name, values in opts.slots.items()}
    text = opts.phrases[i][form]
    if opts.paced[i] and pick.random() < 0.3:  # pace before the verb instead of after it
        adverb, fill["pace"] = pick(opts.before), ""
        text = adverb + " " + text if adverb else text
    text = text.format_map(fill)
    if opts.extras and pick.random() < extra_p:
        text += (", " if pick.random() < 0.4 else " ") + pick(opts.extras).format_map(fill)
    return text


def _chain(opts: list[_Options], form: str, pick: _Picker, sentences: bool, back: str, extra_p: float,
           lead: bool = True) -> str:
    """The actions in order, joined with sequence words; `form` is the first action's verb form; lead: the chain
    starts the description (so it may say "first")."""
    text = _verb_phrase(opts[0], form, pick, extra_p)
    if lead and len(opts) > 1 and pick.random() < 0.2:
        text = FIRST + text
    for i, o in enumerate(opts[1:], 1):
        last = i == len(opts) - 1 and (len(opts) > 2 or pick.random() < 0.2)
        if sentences and pick.random() < 0.25:
            joiner, nxt = pick(SENTENCE_LAST if last else SENTENCE_JOINERS)
            joiner = joiner.replace("{back}", back)
        else:
            joiner, nxt = pick((LAST_JOINERS if last else JOINERS)[form])
        text += joiner + _verb_phrase(o, nxt, pick, extra_p)
    return text


def _context(families: list[str], pick: _Picker) -> str:
    groups = set.intersection(*(set(CONTEXT_GROUPS[f]) for f in families))
    return pick(CONTEXT[pick(("any",) + tuple(sorted(groups)))])


def _caption(families: list[str], opts: list[_Options], pick: _Picker, plain: bool) -> str:
    subject, back, gender = pick(SUBJECTS_COMMON if pick.random() < 0.6 else SUBJECTS_VARIED)
    extra_p = 0.0 if plain else 0.3 / len(opts)
    if len(opts) > 1 and pick.random() < 0.2:
        frame, form = pick(LEAD_FRAMES)
        first = _verb_phrase(opts[0], form, pick, extra_p)
        rest = _chain(opts[1:], "s", pick, False, back, extra_p, lead=False)
        text = frame.replace("{A1}", first).replace("{R}", rest).replace("{back}", back)
    else:
        frame, form, sentences = pick(FRAMES_COMMON if pick.random() < 0.55 else FRAMES_VARIED)
        text = frame.replace("{A}", _chain(opts, form, pick, sentences, back, extra_p))
    text = text.replace("{S}", subject).replace("{s}", subject)
    if not plain and pick.random() < 0.35 / len(opts):
        where = _context(families, pick)
        opens = frame.startswith("{S}") and pick.random() < 0.35
        text = where[0].upper() + where[1:] + ", " + text if opens else text + " " + where
    text = " ".join(text.replace("{pos}", pick(POSSESSIVE[gender])).split()).replace(" ,", ",").replace(" .", ".")
    return text[0].upper() + text[1:] + "."


def paraphrase(actions: list[tuple[str, dict[str, Any]]], rng: np.random.Generator, num_texts: int = 3) -> list[str]:
    """`num_texts` different whole-body captions of one motion: its actions in order, each (family, params) as
    `captions.describe` takes them (params as in the corpus's `meta["params"]`). Deterministic given `rng` (in any
    process); 5-40 words each, capitalised, ending with a period. Fewer only if the library cannot word the motion
    that many ways within 40 words (not seen for the generator's motions)."""
    if not actions:
        raise ValueError("actions: need at least one (family, params) pair")
    if num_texts < 1:
        raise ValueError(f"num_texts: need at least 1, got {num_texts}")
    families = [f for f, _ in actions]
    opts = [_options(_key(f, p)) for f, p in actions]
    pick = _Picker(rng)
    texts: list[str] = []
    for attempt in range(40 * num_texts):
        text = _caption(families, opts, pick, plain=attempt >= 20 * num_texts)
        if 5 <= len(text.split()) <= 40 and text not in texts:
            texts.append(text)
            if len(texts) == num_texts:
                break
    return texts


# ---------------------------------------------------------------------------------------------------- vocabulary
class _AllChoices:
    """Stands in for the rng in `captions._phrases`: every choice says all of its options at once."""

    @staticmethod
    def choice(options):
        return " ".join(options)


_CAPTION_DOMAIN = {  # every value captions.py tells apart, per param (it reads one count and one side)
    "side": ("left", "right", "both"), "direction": ("left",), "pace": ("slow", "normal", "fast"),
    "repetitions": tuple(range(0, 10)), "hops": (1,), "claps": (1,), "angle": (90, 180), "turns": (1, 2),
    "laps": (0.5, 1.0), "forward": (False, True), "deep": (False, True), "high": (False, True),
    "how": ("up", "forward", "sideways"), "depth_deg": (30, 60), "path": ("straight", "winding"),
}


class _Probe(dict):
    """A params dict that records which keys are asked for."""

    def __init__(self, values: dict, asked: set):
        super().__init__(values)
        self.asked = asked

    def get(self, name, default=None):
        self.asked.add(name)
        return super().get(name, default)


@lru_cache(maxsize=1)
def describe_vocabulary() -> frozenset[str]:
    """Every word `captions.describe` and `captions.part_captions` can emit: each family's phrases over every
    combination of the params it reads (found by probing, to a fixed point), every rng choice taken at once."""
    out = words(" ".join(captions.SUBJECTS + captions.JOINERS) + " a person then")
    for family in FAMILY_NAMES:
        asked: set[str] = set()
        done: set[str] | None = None
        while done != asked:
            done = set(asked)
            names = sorted(done)
            for values in itertools.product(*(_CAPTION_DOMAIN[n] for n in names)):
                p = _Probe(dict(zip(names, values)), asked)
                texts = captions._phrases(family, p, _AllChoices()) + list(captions.part_captions(family, p).values())
                out |= words(" ".join(texts))
    return frozenset(out)


def _expand(text: str, tables: dict[str, tuple[str, ...]]) -> set[str]:
    """Words of `text` with each slot replaced by every value it can take."""
    found = words(_SLOT.sub(" ", text))
    for name in _SLOT.findall(text):
        found |= words(_SLOT.sub(" ", " ".join(tables[name])))  # a value's own {pos} is filled from POSSESSIVE
    return found


@lru_cache(maxsize=1)
def generator_vocabulary() -> frozenset[str]:
    """Every word `paraphrase` or `captions` can emit, computed from the tables (exact, not sampled)."""
    counts = {n: _count_words(n) for n in range(1, 10)}  # past eight only the digits change
    tables = {
        "side": ("left", "right"), "other": ("left", "right"), "pos": (), "where": sum(WHERE.values(), ()),
        "to_side": sum(DIRECTION.values(), ()), "rot": sum(ROTATION.values(), ()),
        "pace": tuple(s for kind in PACE.values() for group in kind.values() for s in group),
        "times": tuple(t.format(w=w, d=d) for n, (w, d) in counts.items() for t in TIMES.get(n, TIMES["n"])),
        "num": tuple(t.format(w=w, d=d) for n, (w, d) in counts.items() if n > 1 for t in CARDINAL),
    }
    out = set(describe_vocabulary())
    for phrase in (ph for table in PHRASES.values() for group in table.values() for ph in group):
        for form in _conjugate(phrase).values():
            out |= _expand(form, tables)
    for extra in (e for table in EXTRAS.values() for group in table.values() for e in group):
        out |= _expand(extra, tables)
    texts = [s for s, b, _ in SUBJECTS_COMMON + SUBJECTS_VARIED] + [b for _, b, _ in SUBJECTS_COMMON + SUBJECTS_VARIED]
    texts += [p for group in POSSESSIVE.values() for p in group] + [c for group in CONTEXT.values() for c in group]
    texts += [f for f, *_ in FRAMES_COMMON + FRAMES_VARIED + LEAD_FRAMES] + [FIRST]
    texts += [j for table in (JOINERS, LAST_JOINERS) for group in table.values() for j, _ in group]
    texts += [j for j, _ in SENTENCE_JOINERS + SENTENCE_LAST]
    texts += [a for kind in PACE_BEFORE.values() for group in kind.values() for a in group]
    for text in texts:
        out |= words(_SLOT.sub(" ", text))
    return frozenset(out)
