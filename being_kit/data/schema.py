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
F32_MAX = float(np.finfo(np.float32).max)  # motions are stored as float32; larger values would become inf


def _is_real(x: Any) -> bool:
    """A real number (int, float or numpy scalar), not a bool or a string."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


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
        """Raise ValueError naming the record (and `where`, e.g. a file) if anything is malformed: every field is
        checked for its type too, so nothing reaches the Arrow writer (whose errors name no record) or is stored
        changed (a caption string split into characters, a float64 value that overflows float32)."""
        name = f"record {self.id!r}" + (f" from {where}" if where else "")
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValueError(f"{name}: id must be a non-empty string, got {type(self.id).__name__} {self.id!r}")
        if not isinstance(self.source, str):
            raise ValueError(f"{name}: source must be a string, got {type(self.source).__name__} {self.source!r}")
        if self.representation not in REPRESENTATIONS:
            raise ValueError(f"{name}: unknown representation {self.representation!r}; expected one of {list(REPRESENTATIONS)}")
        dim = REPRESENTATIONS[self.representation]
        m = np.asarray(self.motion)
        if m.dtype.kind not in "fiu":
            raise ValueError(f"{name}: motion must hold real numbers (float32), got dtype {m.dtype}")
        if m.ndim != 2 or m.shape[1] != dim or m.shape[0] < 1:
            raise ValueError(f"{name}: motion must be (frames, {dim}) for {self.representation}, got {m.shape}")
        if not np.isfinite(m).all():
            frame = int(np.argwhere(~np.isfinite(m))[0, 0])
            raise ValueError(f"{name}: motion contains NaN or inf (first at frame {frame})")
        # stored as float32: a float64 value beyond its range would become inf
        if m.dtype.kind == "f" and m.dtype.itemsize > 4 and float(np.abs(m).max()) > F32_MAX:
            frame = int(np.argwhere(np.abs(m) > F32_MAX)[0, 0])
            raise ValueError(f"{name}: motion value {float(np.abs(m).max()):.3g} at frame {frame} does not fit float32 "
                             f"(the stored type; at most {F32_MAX:.3g}); check the units or the source file")
        if isinstance(self.texts, (str, bytes)) or not isinstance(self.texts, (list, tuple)):
            raise ValueError(f"{name}: texts must be a list of captions, got {type(self.texts).__name__} "
                             f"{self.texts!r}" + (f" (write [{self.texts!r}])" if isinstance(self.texts, str) else ""))
        if not self.texts or any(not isinstance(t, str) or not t.strip() for t in self.texts):
            raise ValueError(f"{name}: needs at least one non-empty caption, got {self.texts!r}")
        if self.split not in SPLITS:
            raise ValueError(f"{name}: unknown split {self.split!r}; expected one of {SPLITS}")
        if not isinstance(self.parts, dict):
            raise ValueError(f"{name}: parts must be a dict part name -> caption, got {type(self.parts).__name__}")
        unknown = set(self.parts) - set(PART_NAMES)
        if unknown:
            raise ValueError(f"{name}: unknown body parts {sorted(unknown, key=str)}; expected {PART_NAMES}")
        for part, text in self.parts.items():
            if not isinstance(text, str):
                raise ValueError(f"{name}: parts[{part!r}] must be a caption string ('' for none), got "
                                 f"{type(text).__name__} {text!r}")
        if not isinstance(self.meta, dict):
            raise ValueError(f"{name}: meta must be a dict (JSON object), got {type(self.meta).__name__}")
        if not _is_real(self.fps) or not 0 < self.fps < float("inf"):
            raise ValueError(f"{name}: fps must be a positive finite number, got {self.fps!r}")
        seconds = m.shape[0] / self.fps
        if not isinstance(self.segments, (list, tuple)):
            raise ValueError(f"{name}: segments must be a list of Segment, got {type(self.segments).__name__}")
        for k, seg in enumerate(self.segments):
            if not isinstance(seg, Segment):
                raise ValueError(f"{name}: segments[{k}] must be a Segment(start, end, text), got {seg!r}")
            if not isinstance(seg.text, str) or not seg.text.strip():
                raise ValueError(f"{name}: segments[{k}] ({seg.start}-{seg.end} s) needs a non-empty caption, "
                                 f"got {seg.text!r}")
            if not (_is_real(seg.start) and _is_real(seg.end) and np.isfinite(seg.start) and np.isfinite(seg.end)) \
                    or not 0 <= seg.start < seg.end:
                raise ValueError(f"{name}: segments[{k}] ({seg.text!r}): times must satisfy 0 <= start < end, "
                                 f"got {seg.start!r}, {seg.end!r}")
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
