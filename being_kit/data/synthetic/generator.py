"""The embedded default corpus: procedural MotionLib-style motions with captions, deterministic by seed.

Record i of seed s draws everything from `np.random.default_rng([s, i])` (its idle life from `[s, i, 1]`, its body
style from `[s, i, 2]`), so any record can be regenerated alone, in any order or process, and a corpus of n records
is the first n records of any larger one with the same seed.
A record performs one action (about half of them) or a sequence of two or three, 2 to 10 seconds at 20 fps.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
import zlib
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import numpy as np

from ...motion.skeleton import FPS
from ..schema import REPRESENTATIONS, MotionRecord, Segment
from .actions import FAMILIES, FAMILY_NAMES, make_action
from .body import clip_to_motion
from .captions import describe
from .compose import BLEND_SECONDS, compose
from .life import add_idle_life
from .style import add_body_style

MIN_SECONDS, MAX_SECONDS = 2.0, 10.0
ACTIONS_PER_MOTION = (1, 2, 3)
ACTIONS_PROBABILITY = (0.5, 0.32, 0.18)
# Families whose pelvis travels over the ground. Real mocap travels for about half its time (the 517 s real set of
# `bench real`: 54% of its seconds in pieces whose pelvis moves at 0.3 m/s or more); drawn like every other family
# (travel_weight 1, the default) they travel a quarter of the time (the test split: 25% with the dance family, 26%
# before it), at 3 about half (51%, measured before the dance family). Off by default (README: half the time
# travelling): at 3 the tokenizers read real motion no worse (vq within a retrain's spread) and the LM followed
# reworded and free-form prompts less well (the other 20 families lose a third of their examples).
TRAVEL_FAMILIES = ("walk", "jog", "run", "walk_backward", "side_step", "walk_circle")
TRAVEL_WEIGHT = 1.0
LIFE_STREAM = 1  # third word of the idle-life rng's seed, [seed, index, LIFE_STREAM]
STYLE_STREAM = 2  # the body style's: [seed, index, STYLE_STREAM]


class GeneratedMotion(NamedTuple):
    """joints (t, 22, 3) and root_positions (t, 3) in metres; local_rotations (t, 22, 3, 3) (SMPL convention);
    description: actions, params, spans (seconds), texts, parts, segments."""

    joints: np.ndarray
    local_rotations: np.ndarray
    root_positions: np.ndarray
    description: dict[str, Any]


def _plain(value):
    """numpy scalars -> Python, so meta is JSON-able."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def record_id(index: int) -> str:
    return f"syn_{index:06d}"


def split_of(record: str) -> str:
    """Deterministic split from the id: about 85% train, 5% val, 10% test."""
    bucket = zlib.crc32(record.encode()) % 100
    return "train" if bucket < 85 else "val" if bucket < 90 else "test"


def family_weights(travel_weight: float) -> np.ndarray | None:
    """Probabilities of drawing each of `FAMILY_NAMES` for one action: a `TRAVEL_FAMILIES` member `travel_weight`
    times as likely as any other family. None at 1, where the draw stays the unweighted one it always was (numpy's
    weighted choice uses the generator differently, so even equal weights would change every record)."""
    if not travel_weight > 0:
        raise ValueError(f"travel_weight: expected a weight > 0 for the travelling families, got {travel_weight}")
    if travel_weight == 1:
        return None
    w = np.array([travel_weight if name in TRAVEL_FAMILIES else 1.0 for name in FAMILY_NAMES])
    return w / w.sum()


def _plan(rng: np.random.Generator, travel_weight: float = TRAVEL_WEIGHT) -> list[tuple[str, float]]:
    """Which families, in order, and how long each lasts, keeping the whole motion within 2-10 s."""
    k = int(rng.choice(ACTIONS_PER_MOTION, p=ACTIONS_PROBABILITY))
    weights = family_weights(travel_weight)
    names: list[str] = []
    while len(names) < k:
        name = str(rng.choice(FAMILY_NAMES, p=weights))
        if not names or names[-1] != name:
            names.append(name)
    seconds = np.array([rng.uniform(*FAMILIES[n].seconds) for n in names])
    total = seconds.sum() - BLEND_SECONDS * (k - 1)
    if total > MAX_SECONDS:
        seconds *= (MAX_SECONDS - 0.05 + BLEND_SECONDS * (k - 1)) / seconds.sum()
    elif total < MIN_SECONDS:
        seconds *= (MIN_SECONDS + 0.05 + BLEND_SECONDS * (k - 1)) / seconds.sum()
    return list(zip(names, seconds.tolist()))


def generate_joints(index: int, seed: int = 0, idle_life: bool = True, body_style: bool = True,
                    bent_knees: float = 0.0, travel_weight: float = TRAVEL_WEIGHT) -> GeneratedMotion:
    """Motion `index` of the corpus with `seed`, before feature encoding (see `GeneratedMotion`). idle_life: the
    small seeded sway and breathing of `life.add_idle_life` (off: bodies hold perfectly still between actions, as
    the generator did before 2026-12-03). body_style: one person's posture held throughout (`style.add_body_style`:
    stoop, shoulder height, arm carriage, toe-out; off: every body stands alike, as before 2026-12-04). The captions
    are the same either way. bent_knees: the share of walks that go with bent knees and a low pelvis
    (`locomotion.walk`; 0, the default, leaves every record as it was). travel_weight: how much more often the
    travelling families are drawn than the others (`family_weights`; 1, the default, leaves every record as it was)."""
    rng = np.random.default_rng([seed, index])
    clips = [make_action(name, rng, secs, bent_knees=bent_knees) for name, secs in _plan(rng, travel_weight)]
    comp = compose(clips)
    comp.clip.yaw = comp.clip.yaw + rng.uniform(-np.pi, np.pi)  # initial heading: any direction on the floor
    # A slight constant sideways tilt of the pelvis (legs kept vertical), as real bodies have. It also keeps the
    # hip and collar bones off the exact x axis: HumanML3D's IK (quat_between) is undefined for a bone pointing
    # exactly opposite its rest direction, which a perfectly level body reaches after a 180-degree turn.
    roll = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.5) * np.pi / 180
    comp.clip.aa[:, 0, 2] += roll
    comp.clip.aa[:, 1:3, 2] -= roll
    comp.clip.aa[:, 12, 0] += rng.uniform(3, 8) * np.pi / 180  # head slightly down (also off the exact z axis)
    # its own stream, so the captions and everything else drawn from rng are as without it
    if idle_life:
        add_idle_life(comp.clip, np.random.default_rng([seed, index, LIFE_STREAM]))
    if body_style:
        add_body_style(comp.clip, np.random.default_rng([seed, index, STYLE_STREAM]))
    joints, local, root = clip_to_motion(comp.clip)
    actions = [(c.family, _plain(c.params)) for c in clips]
    texts, parts, segments = describe(actions, comp.spans, rng, num_texts=int(rng.integers(3, 6)))
    description = {"actions": [a for a, _ in actions], "params": [p for _, p in actions], "spans": comp.spans,
                   "texts": texts, "parts": parts, "segments": segments}
    return GeneratedMotion(joints, local, root, description)


def generate_record(index: int, seed: int = 0, representation: str = "humanml263", idle_life: bool = True,
                    body_style: bool = True, bent_knees: float = 0.0,
                    travel_weight: float = TRAVEL_WEIGHT) -> MotionRecord:
    """One corpus record: features in `representation`, captions, parts, segments, split, meta."""
    if representation not in REPRESENTATIONS:
        raise ValueError(f"representation: expected one of {list(REPRESENTATIONS)}, got {representation!r}")
    g = generate_joints(index, seed, idle_life, body_style, bent_knees, travel_weight)
    if representation == "humanml263":
        from ...motion.features import features_from_joints

        motion = features_from_joints(g.joints, fps=FPS)
    else:
        from ...motion.d135 import features_from_rotations

        motion = features_from_rotations(g.root_positions, g.local_rotations, fps=FPS)
    d = g.description
    rid = record_id(index)
    return MotionRecord(
        id=rid, source="synthetic", fps=float(FPS), representation=representation,
        motion=np.ascontiguousarray(motion, dtype=np.float32), texts=d["texts"], parts=d["parts"],
        segments=[Segment(float(a), float(b), t) for a, b, t in d["segments"]], split=split_of(rid),
        meta={"actions": d["actions"], "params": d["params"], "seed": int(seed)},
    )


def _record_job(args: tuple[int, int, str, bool, bool, float, float]) -> MotionRecord:
    return generate_record(*args)


def iter_records(n: int, seed: int = 0, representation: str = "humanml263", num_workers: int = 1,
                 start: int = 0, idle_life: bool = True, body_style: bool = True,
                 bent_knees: float = 0.0, travel_weight: float = TRAVEL_WEIGHT) -> Iterator[MotionRecord]:
    """Records start..start+n-1 in order; with num_workers > 1 they are made in worker processes."""
    jobs = ((i, seed, representation, idle_life, body_style, bent_knees, travel_weight)
            for i in range(start, start + n))
    if num_workers <= 1:
        yield from map(_record_job, jobs)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(num_workers) as pool:
        yield from pool.imap(_record_job, jobs, chunksize=32)


class _Sized:
    """An iterator with a length, so the corpus writer's progress bar knows the total."""

    def __init__(self, it: Iterator[MotionRecord], n: int):
        self._it, self._n = it, n

    def __iter__(self):
        return self._it

    def __len__(self) -> int:
        return self._n


def make_corpus(n: int, seed: int = 0, representation: str = "humanml263", path: str | Path | None = None,
                num_workers: int = 1, progress: bool = True, idle_life: bool = True, body_style: bool = True,
                bent_knees: float = 0.0, travel_weight: float = TRAVEL_WEIGHT):
    """The embedded default corpus of `n` synthetic motions (27 action families, 2-10 s, 20 fps, >= 3 captions).

    path: write an Arrow corpus there (atomically, with mean/std beside it) and return it opened; None keeps it in
    memory. num_workers > 1 generates in that many processes (same records, same order). idle_life, body_style,
    bent_knees, travel_weight: see `generate_joints` (the switches for ablating the livelier corpus and the varied
    postures, the share of bent-kneed walks, and how much more often the travelling families are drawn).
    """
    from ..corpus import Corpus, write_corpus

    if n < 1:
        raise ValueError(f"n: need at least one motion, got {n}")
    if representation not in REPRESENTATIONS:
        raise ValueError(f"representation: expected one of {list(REPRESENTATIONS)}, got {representation!r}")
    if not 0 <= bent_knees <= 1:
        raise ValueError(f"bent_knees: expected a probability in [0, 1], got {bent_knees}")
    family_weights(travel_weight)  # a bad weight fails here, before any worker starts
    records = iter_records(n, seed, representation, num_workers, idle_life=idle_life, body_style=body_style,
                           bent_knees=bent_knees, travel_weight=travel_weight)
    if path is None:
        return Corpus.from_records(records, representation)
    return write_corpus(_Sized(records, n), path, representation, progress=progress,
                        extra_meta={"generator": "being_kit.data.synthetic", "seed": seed, "idle_life": idle_life,
                                    "body_style": body_style, "bent_knees": bent_knees,
                                    "travel_weight": travel_weight})
