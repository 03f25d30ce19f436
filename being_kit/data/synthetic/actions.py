"""The action families: name -> parametric joint-rotation program, with its natural duration range.

`make_action(name, rng, seconds)` draws one instance. Programs are written for the left side; a family whose clip
says `side`/`direction` "left" is mirrored half of the time (a true mirror image, so "right" captions are as faithful
as "left" ones). `FAMILIES` is the label set a classifier sees in `meta["actions"]`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...motion.skeleton import FPS
from . import dance, gestures, locomotion, postures
from .pose import Clip, mirror_clip


@dataclass(frozen=True)
class Family:
    """program(rng, frames) -> Clip; seconds: (shortest, longest) natural duration of one instance."""

    program: Callable[[np.random.Generator, int], Clip]
    seconds: tuple[float, float]


FAMILIES: dict[str, Family] = {
    "walk": Family(locomotion.walk, (2.5, 6.0)),
    "jog": Family(locomotion.jog, (2.5, 5.0)),
    "run": Family(locomotion.run, (2.0, 4.5)),
    "walk_backward": Family(locomotion.walk_backward, (2.5, 5.0)),
    "side_step": Family(locomotion.side_step, (2.5, 5.0)),
    "walk_circle": Family(locomotion.walk_circle, (4.0, 8.0)),
    "march": Family(locomotion.march, (2.5, 5.0)),
    "turn": Family(locomotion.turn, (1.8, 3.5)),
    "spin": Family(locomotion.spin, (2.0, 3.5)),
    "jump": Family(postures.jump, (2.0, 4.5)),
    "hop": Family(postures.hop, (2.0, 4.0)),
    "squat": Family(postures.squat, (2.0, 6.0)),
    "lunge": Family(postures.lunge, (2.5, 4.5)),
    "kneel": Family(postures.kneel, (3.5, 6.0)),
    "sit_floor": Family(postures.sit_floor, (4.0, 7.0)),
    "kick": Family(postures.kick, (1.8, 4.0)),
    "jumping_jacks": Family(postures.jumping_jacks, (2.5, 6.0)),
    "balance": Family(postures.balance, (2.5, 5.0)),
    "wave": Family(gestures.wave, (2.0, 5.0)),
    "raise_arms": Family(gestures.raise_arms, (2.0, 5.0)),
    "punch": Family(gestures.punch, (1.8, 4.0)),
    "clap": Family(gestures.clap, (2.0, 4.0)),
    "bow": Family(gestures.bow, (2.0, 4.0)),
    "stretch": Family(gestures.stretch, (3.0, 5.0)),
    "arm_circles": Family(gestures.arm_circles, (2.5, 5.0)),
    "throw": Family(gestures.throw, (1.8, 3.0)),
    "dance": Family(dance.dance, (4.0, 8.0)),
}
FAMILY_NAMES: tuple[str, ...] = tuple(FAMILIES)
BENT_KNEE_FAMILIES = ("walk", "walk_circle")  # programs that take `bent_knees` (`locomotion.walk`)


def make_action(name: str, rng: np.random.Generator, seconds: float | None = None, side: str | None = None,
                bent_knees: float = 0.0) -> Clip:
    """One instance of family `name` lasting `seconds` (drawn from its range when None). side: "left"/"right" to
    force the side of a sided family (None: random). bent_knees: the share of walks that go bent-kneed
    (`locomotion.walk`; 0: none, and nothing is drawn for it)."""
    if not 0 <= bent_knees <= 1:
        raise ValueError(f"bent_knees: expected a probability in [0, 1], got {bent_knees}")
    if name not in FAMILIES:
        raise ValueError(f"unknown action family {name!r}; expected one of {FAMILY_NAMES}")
    fam = FAMILIES[name]
    if seconds is None:
        seconds = float(rng.uniform(*fam.seconds))
    frames = max(int(round(seconds * FPS)), 20)
    if bent_knees > 0 and name in BENT_KNEE_FAMILIES:
        clip = fam.program(rng, frames, bent_knees=bent_knees)
    else:
        clip = fam.program(rng, frames)
    sided = clip.params.get("side", clip.params.get("direction")) == "left"
    flip = rng.random() < 0.5
    if sided and (side == "right" or (side is None and flip)):
        clip = mirror_clip(clip)
    return clip
