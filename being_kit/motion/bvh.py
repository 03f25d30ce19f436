"""BVH (Biovision Hierarchy) read and write: the one home of the BVH format in being-kit.

A BVH file is a joint hierarchy (rest offsets, channel lists, `End Site` leaves) followed by per-frame channel values:
root position then Euler angles in degrees for every joint, in depth-first order. Matrices here act on column
vectors, as in `kinematics`: a joint's position is its parent's position plus the parent's global rotation times the
joint's offset. Lengths in memory are metres; `scale` is file units per metre (100 = centimetres), on read and write.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .rotations import euler_to_matrix, matrix_to_euler
from .skeleton import FPS, JOINT_NAMES, PARENTS, REST_OFFSETS

_ROT_CHANNELS = {"Xrotation": "X", "Yrotation": "Y", "Zrotation": "Z"}
_POS_CHANNELS = {"Xposition": 0, "Yposition": 1, "Zposition": 2}
_STRUCTURE = {"ROOT", "JOINT", "End", "Site", "{", "}", "OFFSET", "CHANNELS", "MOTION"}
MAX_FPS = 10_000.0  # high-speed optical capture reaches ~2,000 fps; a larger rate is a malformed Frame Time


class BvhError(ValueError):
    """A malformed BVH file; the message names the file and line."""


@dataclass
class BvhMotion:
    """A BVH motion in metres, joints in file (depth-first) order.

    offsets: (j, 3) rest offsets from each joint's parent. local_rotations: (t, j, 3, 3). root_positions: (t, 3).
    end_sites: joint index -> (3,) offset of that joint's `End Site`. joint_translations: (t, j, 3) per-frame local
    translations when non-root joints carry position channels (they replace `offsets`), else None.
    """

    joint_names: list[str]
    parents: list[int]
    offsets: np.ndarray
    local_rotations: np.ndarray
    root_positions: np.ndarray
    fps: float
    end_sites: dict[int, np.ndarray] = field(default_factory=dict)
    joint_translations: np.ndarray | None = None

    @property
    def num_frames(self) -> int:
        return int(self.local_rotations.shape[0])

    def index(self, name: str) -> int:
        try:
            return self.joint_names.index(name)
        except ValueError:
            raise KeyError(f"joint {name!r} not in this BVH; joints: {self.joint_names}") from None

    def joints(self, end_sites: bool = False) -> np.ndarray:
        """World joint positions (t, j, 3) in metres by forward kinematics; with `end_sites`, (t, j + e, 3)
        with the end sites appended in joint order."""
        return self.forward_kinematics(end_sites)[0]

    def forward_kinematics(self, end_sites: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(positions (t, j, 3), global rotations (t, j, 3, 3)); with `end_sites`, (t, j + e, ...) with the end
        sites appended in joint order, each turned with its joint."""
        t, j = self.num_frames, len(self.joint_names)
        rot = self.local_rotations
        glob = np.empty_like(rot)
        pos = np.empty((t, j, 3), dtype=rot.dtype)
        trans = self.joint_translations
        for k in range(j):  # depth-first order: parents come first
            p = self.parents[k]
            if p < 0:
                glob[:, k] = rot[:, k]
                pos[:, k] = self.root_positions if trans is None else trans[:, k]
                continue
            off = self.offsets[k][:, None] if trans is None else trans[:, k, :, None]
            glob[:, k] = glob[:, p] @ rot[:, k]
            pos[:, k] = pos[:, p] + (glob[:, p] @ off)[..., 0]
        if not end_sites or not self.end_sites:
            return pos, glob
        ends = sorted(self.end_sites.items())
        end_pos = [pos[:, k] + glob[:, k] @ np.asarray(o, dtype=rot.dtype) for k, o in ends]
        return (np.concatenate([pos, np.stack(end_pos, 1)], 1),
                np.concatenate([glob, glob[:, [k for k, _ in ends]]], 1))


def _depth_first(parents: list[int]) -> list[int]:
    children: dict[int, list[int]] = {}
    roots = []
    for k, p in enumerate(parents):
        (roots if p < 0 else children.setdefault(p, [])).append(k)
    if len(roots) != 1:
        raise ValueError(f"parents: a BVH needs exactly one root (parent -1), got {len(roots)}")
    order, stack = [], [roots[0]]
    while stack:
        k = stack.pop()
        order.append(k)
        stack.extend(reversed(children.get(k, [])))
    if len(order) != len(parents):
        raise ValueError("parents: not a tree (some joints are unreachable from the root or form a cycle)")
    return order


def write_bvh(
    path: str | Path,
    *,
    local_rotations: np.ndarray,
    root_positions: np.ndarray,
    joint_names: tuple[str, ...] | list[str] = JOINT_NAMES,
    parents: tuple[int, ...] | list[int] = PARENTS,
    offsets: np.ndarray = REST_OFFSETS,
    fps: float = FPS,
    scale: float = 100.0,
    rotation_order: str = "ZYX",
    end_sites: dict[int, np.ndarray] | None = None,
) -> Path:
    """Write a motion as BVH, atomically (temp file + rename).

    local_rotations: (t, j, 3, 3), joint k's rotation relative to its parent (root's is global). root_positions:
    (t, 3) metres. offsets: (j, 3) metres. Joints may be in any parent-before-child order (the 22-joint skeleton's
    is the default); they are written depth-first. scale: file units per metre (100 writes centimetres).
    end_sites: joint index -> offset (metres); by default every leaf gets one along half its own bone.
    """
    path = Path(path)
    rot = np.asarray(local_rotations, dtype=np.float64)
    root = np.asarray(root_positions, dtype=np.float64)
    offsets = np.asarray(offsets, dtype=np.float64)
    parents = list(parents)
    j = len(parents)
    if len(joint_names) != j or offsets.shape != (j, 3):
        raise ValueError(f"joint_names ({len(joint_names)}), parents ({j}) and offsets {offsets.shape} disagree")
    if rot.ndim != 4 or rot.shape[1:] != (j, 3, 3):
        raise ValueError(f"local_rotations: expected (t, {j}, 3, 3), got {rot.shape}")
    if root.shape != (rot.shape[0], 3):
        raise ValueError(f"root_positions: expected ({rot.shape[0]}, 3), got {root.shape}")
    if not (0 < fps <= MAX_FPS and 0 < scale < np.inf):
        raise ValueError(f"fps and scale must be positive and finite (fps at most {MAX_FPS:g}), got fps={fps}, "
                         f"scale={scale}")
    if not (np.isfinite(rot).all() and np.isfinite(root).all()):
        raise ValueError(f"{path}: rotations or root positions contain NaN or inf")
    ends_finite = all(np.isfinite(np.asarray(e, dtype=np.float64)).all() for e in (end_sites or {}).values())
    if not (np.isfinite(offsets).all() and ends_finite):
        raise ValueError(f"{path}: offsets or end_sites contain NaN or inf")
    if any(re.search(r"\s|[{}]", n) or not n for n in joint_names):
        raise ValueError(f"joint_names: BVH names cannot be empty or contain spaces or braces: {list(joint_names)}")
    order = _depth_first(parents)
    channels = " ".join(f"{a}rotation" for a in rotation_order.upper())
    if end_sites is None:
        has_child = {p for p in parents if p >= 0}
        end_sites = {k: offsets[k] * 0.5 if np.linalg.norm(offsets[k]) > 0 else np.array([0.0, 0.05, 0.0])
                     for k in range(j) if k not in has_child}

    lines = ["HIERARCHY"]
    depth = {}
    open_stack: list[int] = []

    def close_until(parent: int) -> None:
        while open_stack and open_stack[-1] != parent:
            k = open_stack.pop()
            ind = "  " * depth[k]
            if k in end_sites:
                e = np.asarray(end_sites[k], dtype=np.float64) * scale
                lines.extend([f"{ind}  End Site", f"{ind}  {{",
                              f"{ind}    OFFSET {e[0]:.6f} {e[1]:.6f} {e[2]:.6f}", f"{ind}  }}"])
            lines.append(f"{ind}}}")

    for k in order:
        p = parents[k]
        close_until(p)
        depth[k] = 0 if p < 0 else depth[p] + 1
        ind = "  " * depth[k]
        o = offsets[k] * scale
        lines.append(f"{ind}{'ROOT' if p < 0 else 'JOINT'} {joint_names[k]}")
        lines.append(f"{ind}{{")
        lines.append(f"{ind}  OFFSET {o[0]:.6f} {o[1]:.6f} {o[2]:.6f}")
        pos = "Xposition Yposition Zposition " if p < 0 else ""
        lines.append(f"{ind}  CHANNELS {6 if p < 0 else 3} {pos}{channels}")
        open_stack.append(k)
    close_until(-2)
    lines += ["MOTION", f"Frames: {rot.shape[0]}", f"Frame Time: {1.0 / fps:.8f}"]

    euler = np.degrees(matrix_to_euler(rot[:, order], rotation_order))  # (t, j, 3)
    data = np.concatenate([root * scale, euler.reshape(rot.shape[0], -1)], 1)
    buf = io.StringIO()
    buf.write("\n".join(lines) + "\n")
    np.savetxt(buf, data, fmt="%.6f")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp.write_text(buf.getvalue())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class _Tokens:
    """Whitespace tokens of the hierarchy with their line numbers, for errors that point at the line."""

    def __init__(self, path: Path, lines: list[str]):
        self.path, self.items, self.pos = path, [], 0
        for n, line in enumerate(lines, 1):
            self.items.extend((tok, n) for tok in line.split())

    def error(self, msg: str, line: int | None = None) -> BvhError:
        if line is None:
            line = self.items[min(self.pos, len(self.items) - 1)][1] if self.items else 1
        return BvhError(f"{self.path}, line {line}: {msg}")

    def next(self, what: str) -> tuple[str, int]:
        if self.pos >= len(self.items):
            raise self.error(f"unexpected end of file, expected {what}")
        self.pos += 1
        return self.items[self.pos - 1]

    def expect(self, word: str) -> int:
        tok, line = self.next(repr(word))
        if tok != word:
            raise self.error(f"expected {word!r}, got {tok!r}", line)
        return line

    def number(self, what: str) -> float:
        tok, line = self.next(what)
        try:
            value = float(tok)
        except ValueError:
            raise self.error(f"expected a number for {what}, got {tok!r}", line) from None
        if not np.isfinite(value):
            raise self.error(f"{what} is {tok!r}; BVH values must be finite numbers", line)
        return value

    def peek(self) -> str | None:
        return self.items[self.pos][0] if self.pos < len(self.items) else None

    def offset(self, what: str) -> list[float]:
        """The three numbers after OFFSET; a fourth number is an error here, not a puzzle at the next keyword."""
        xyz = [self.number(f"{what} x"), self.number(f"{what} y"), self.number(f"{what} z")]
        if self.peek() is not None and _is_float(self.peek()):
            raise self.error(f"{what} takes 3 numbers (x y z), found a fourth: {self.peek()!r}",
                             self.items[self.pos][1])
        return xyz

    def channels(self) -> list[str]:
        """`CHANNELS n name...`: the count must match the names that follow, each name known and listed once."""
        n, line = self.next("channel count")
        if not n.isdigit():
            raise self.error(f"expected a channel count (a whole number >= 0) after CHANNELS, got {n!r}", line)
        names: list[str] = []
        while len(names) < int(n):
            c, cline = self.next("a channel name")
            if c in _STRUCTURE:
                raise self.error(f"CHANNELS declares {n} channels but lists {len(names)} ({' '.join(names) or 'none'}) "
                                 f"before {c!r}; fix the count or the list", line)
            if c not in _ROT_CHANNELS and c not in _POS_CHANNELS:
                raise self.error(f"unknown channel {c!r}; expected X/Y/Z + position/rotation", cline)
            if c in names:
                raise self.error(f"channel {c!r} listed twice in CHANNELS {n} ... (each axis once)", cline)
            names.append(c)
        nxt = self.peek()
        if nxt in _ROT_CHANNELS or nxt in _POS_CHANNELS:
            raise self.error(f"CHANNELS declares {n} channels but more follow ({' '.join(names)} {nxt} ...); fix the "
                             "count or the list", line)
        return names


def read_bvh(path: str | Path, scale: float = 100.0) -> BvhMotion:
    """Read a BVH file into metres (file values divided by `scale`, file units per metre; 100 = centimetres)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"BVH file not found: {path}" + (" (a folder)" if path.is_dir() else ""))
    if not 0 < scale < np.inf:
        raise ValueError(f"scale: file units per metre must be positive and finite, got {scale}")
    raw = path.read_bytes()
    try:  # UTF-8 with or without a byte-order mark; else Latin-1 (older Windows exports), which keeps names legible
        text = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        text = raw.decode("latin-1").splitlines()
    motion_line = next((i for i, line in enumerate(text) if line.strip() == "MOTION"), len(text))
    tok = _Tokens(path, text[:motion_line])
    tok.expect("HIERARCHY")
    names, parents, offsets, chans, end_sites = [], [], [], [], {}
    name_lines: list[int] = []
    stack: list[int] = []
    while tok.pos < len(tok.items):
        word, line = tok.next("ROOT, JOINT, End Site or '}'")
        if word in ("ROOT", "JOINT"):
            if (word == "ROOT") != (not names) or (word == "JOINT" and not stack):
                raise tok.error(f"unexpected {word}: a BVH has one ROOT and JOINTs inside it", line)
            name, _ = tok.next("a joint name")
            if name in ("{", "}"):
                raise tok.error(f"{word} without a name (expected '{word} <name>' then '{{')", line)
            while tok.pos < len(tok.items) and tok.items[tok.pos][1] == line and tok.items[tok.pos][0] != "{":
                name += " " + tok.next("a joint name")[0]  # names with spaces, e.g. 3ds Max's "Bip01 L Thigh"
            if name in names:  # lookups by name would silently find the first one
                raise tok.error(f"joint name {name!r} used twice (first at line {name_lines[names.index(name)]}); "
                                "rename one of them", line)
            k = len(names)
            names.append(name)
            name_lines.append(line)
            parents.append(stack[-1] if stack else -1)
            tok.expect("{")
            tok.expect("OFFSET")
            offsets.append(tok.offset("OFFSET"))
            tok.expect("CHANNELS")
            chans.append(tok.channels())
            stack.append(k)
        elif word == "End":
            if not stack:
                raise tok.error("End Site outside a joint", line)
            tok.expect("Site")
            tok.expect("{")
            tok.expect("OFFSET")
            end_sites[stack[-1]] = np.array(tok.offset("End Site OFFSET"))
            tok.expect("}")
        elif word == "}":
            if not stack:
                raise tok.error("unbalanced '}'", line)
            stack.pop()
        else:
            raise tok.error(f"expected ROOT, JOINT, End Site or '}}', got {word!r}", line)
    if not names:
        raise BvhError(f"{path}: no ROOT joint in the hierarchy")
    if stack:
        raise BvhError(f"{path}, line {motion_line + 1}: hierarchy ends with {len(stack)} joint(s) not closed")

    if motion_line == len(text):
        raise BvhError(f"{path}: no MOTION section")
    j = len(names)
    rest = text[motion_line + 1:]
    header = [(i, line.strip()) for i, line in enumerate(rest, motion_line + 2) if line.strip()]
    if len(header) < 2 or not header[0][1].startswith("Frames:") or not header[1][1].startswith("Frame Time:"):
        raise BvhError(f"{path}, line {motion_line + 2}: expected 'Frames: N' and 'Frame Time: dt' after MOTION")
    try:
        frames = int(header[0][1].split(":", 1)[1])
        dt = float(header[1][1].split(":", 1)[1])
    except ValueError:
        raise BvhError(f"{path}, line {header[0][0]}: malformed 'Frames:' or 'Frame Time:' value (expected "
                       f"'Frames: <whole number>' and 'Frame Time: <seconds>')") from None
    if frames < 1:
        raise BvhError(f"{path}, line {header[0][0]}: need Frames >= 1, got {frames}")
    if not np.isfinite(dt) or dt <= 0 or 1.0 / dt > MAX_FPS:
        raise BvhError(f"{path}, line {header[1][0]}: Frame Time must be a positive number of seconds per frame "
                       f"(at most {MAX_FPS:g} fps), got {header[1][1].split(':', 1)[1].strip()!r}")
    rows = header[2:]
    nchan = sum(len(c) for c in chans)
    if len(rows) < frames:
        raise BvhError(f"{path}: truncated, 'Frames: {frames}' but only {len(rows)} frame lines")
    if len(rows) > frames:
        raise BvhError(f"{path}, line {rows[frames][0]}: 'Frames: {frames}' but {len(rows)} frame lines follow; "
                       "fix the Frames count (or cut the extra lines)")
    values = []
    for lineno, row in rows[:frames]:
        parts = row.split()
        if len(parts) != nchan:
            raise BvhError(f"{path}, line {lineno}: expected {nchan} channel values, got {len(parts)}")
        values.append(parts)
    try:
        data = np.array(values, dtype=np.float64)
    except ValueError:
        bad = next(n for n, r in rows[:frames] if not all(_is_float(v) for v in r.split()))
        raise BvhError(f"{path}, line {bad}: non-numeric channel value") from None
    if not np.isfinite(data).all():
        bad_row = int(np.argwhere(~np.isfinite(data))[0, 0])
        raise BvhError(f"{path}, line {rows[bad_row][0]}: channel values contain NaN or inf (frame {bad_row})")

    rot = np.tile(np.eye(3), (frames, j, 1, 1))
    offsets_m = np.asarray(offsets, dtype=np.float64) / scale
    local = np.broadcast_to(offsets_m, (frames, j, 3)).copy()  # per-frame local translations
    moving = False  # any non-root joint with position channels
    col = 0
    for k, cs in enumerate(chans):
        for n, c in enumerate(cs):
            if c in _POS_CHANNELS:
                local[:, k, _POS_CHANNELS[c]] = data[:, col + n] / scale
                moving |= parents[k] >= 0
        order = "".join(_ROT_CHANNELS[c] for c in cs if c in _ROT_CHANNELS)
        angles = np.radians(data[:, [col + n for n, c in enumerate(cs) if c in _ROT_CHANNELS]])
        if len(set(order)) == 3 == len(order):
            rot[:, k] = euler_to_matrix(angles, order)
        else:  # unusual channel lists (fewer or repeated axes): compose one axis at a time
            for n, a in enumerate(order):
                single = np.zeros((frames, 3))
                single[:, 0] = angles[:, n]
                rot[:, k] = rot[:, k] @ euler_to_matrix(single, a + "".join(x for x in "XYZ" if x != a))
        col += len(cs)
    if all(c in chans[0] for c in _POS_CHANNELS) and _root_offset_is_added(offsets_m[0], local[0, 0]):
        local[:, 0] += offsets_m[0]  # Blender's convention: root channels move the root from its rest offset
    root_positions = local[:, 0].copy()
    trans = local if moving else None
    fps = 1.0 / dt
    if abs(fps - round(fps)) < 1e-3 * fps:
        fps = float(round(fps))
    return BvhMotion(names, parents, offsets_m, rot, root_positions, fps,
                     {k: v / scale for k, v in end_sites.items()}, trans)


def _root_offset_is_added(offset: np.ndarray, first_position: np.ndarray) -> bool:
    """Whether the root's position channels are relative to its OFFSET (Blender writes them so) rather than the
    position itself (CMU, LaFAN1, MotionBuilder: there the OFFSET is zero or repeats the first frame's position).
    Judged on the first frame: channels far from a non-zero OFFSET are taken as relative to it."""
    size = float(np.linalg.norm(offset))
    return size > 1e-9 and float(np.linalg.norm(first_position - offset)) > 0.5 * size


def _is_float(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False
