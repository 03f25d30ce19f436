"""One record schema for every motion corpus, MotionLib style.

A record is one motion with its captions. `motion` is stored in exactly one representation, named by
`representation`; downstream code reads the feature dimension from it, never assumes 263.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..motion.skeleton import PART_NAMES

REPRESENTATIONS: dict[str, int] = {"humanml263": 263, "smpl_d135": 135}  # name -> feature dim per frame
SPLITS: tuple[str, ...] = ("train", "val", "test")


@dataclass
class Segment:
    """A time-stamped sub-caption (seconds from the motion's start)."""

    start: float
    end: float
    text: str


# A segment may end a little after its motion (captions rounded to whole seconds, a trimmed last frame), not far.
SEGMENT_SLACK, SEGMENT_SLACK_S = 0.1, 1.0


@dataclass
class MotionRecord:
    """One motion of a corpus.

    motion: (t, d) float32 features in `representation` (d = REPRESENTATIONS[representation]).
    texts: several whole-body captions. parts: part name -> caption for torso/left_arm/right_arm/left_leg/right_leg
    (empty string where a corpus has none). meta: free JSON-able extras, e.g. {"actions": ["walk", "wave"]}.
    """

    id: str
    source: str
    fps: float
    representation: str
    motion: np.ndarray
    texts: list[str]
    parts: dict[str, str] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    split: str = "train"
    meta: dict[str, Any] = field(default_factory=dict)

    def validate(self, where: str = "") -> "MotionRecord":
        """Raise ValueError naming the record (and `where`, e.g. a file) if anything is malformed."""
        name = f"record {self.id!r}" + (f" from {where}" if where else "")
        if self.representation not in REPRESENTATIONS:
            raise ValueError(f"{name}: unknown representation {self.representation!r}; expected one of {list(REPRESENTATIONS)}")
        dim = REPRESENTATIONS[self.representation]
        m = np.asarray(self.motion)
        if m.ndim != 2 or m.shape[1] != dim or m.shape[0] < 1:
            raise ValueError(f"{name}: motion must be (frames, {dim}) for {self.representation}, got {m.shape}")
        if not np.isfinite(m).all():
            raise ValueError(f"{name}: motion contains NaN or inf")
        if not self.texts or any(not isinstance(t, str) or not t.strip() for t in self.texts):
            raise ValueError(f"{name}: needs at least one non-empty caption, got {self.texts!r}")
        if self.split not in SPLITS:
            raise ValueError(f"{name}: unknown split {self.split!r}; expected one of {SPLITS}")
        unknown = set(self.parts) - set(PART_NAMES)
        if unknown:
            raise ValueError(f"{name}: unknown body parts {sorted(unknown)}; expected {PART_NAMES}")
        if self.fps <= 0:
            raise ValueError(f"{name}: fps must be positive, got {self.fps}")
        seconds = m.shape[0] / self.fps
        for k, seg in enumerate(self.segments):
            if not (np.isfinite(seg.start) and np.isfinite(seg.end)) or not 0 <= seg.start < seg.end:
                raise ValueError(f"{name}: segments[{k}] ({seg.text!r}): times must satisfy 0 <= start < end, "
                                 f"got {seg.start}, {seg.end}")
            if seg.end > seconds * (1 + SEGMENT_SLACK) + SEGMENT_SLACK_S:
                raise ValueError(f"{name}: segments[{k}] ({seg.text!r}) spans {seg.start:g}-{seg.end:g} s of a "
                                 f"{seconds:.2f} s motion (seconds from the motion's start, not frames?)")
        return self

    @property
    def num_frames(self) -> int:
        return int(self.motion.shape[0])

    @property
    def duration(self) -> float:
        """Seconds."""
        return self.num_frames / self.fps
