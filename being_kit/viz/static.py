"""Static motion pictures for headless runs: a labelled filmstrip PNG, a grid of frames, an animated GIF (imageio), an
MP4 (ffmpeg).

The default picture is a filmstrip: one row of key frames per motion (6-10, spread over the motion, titled with their
time), rows stacked with the same frames and the same scale so an original and its reconstruction compare, each row
captioned on its left, with a colour legend. Every panel is a camera that follows the pelvis, tight around the body,
over a small ground patch with world-fixed grid lines (they slide as the body travels), the root path faint on the
ground and an arrow in front of the pelvis (from the hips' left-right axis) showing where the body faces.

Poses are projected by hand (orthographic, a 3/4 front view of the first motion's initial facing) onto plain 2D axes:
no 3D panes or stray axis lines, equal scale everywhere, bones drawn back to front, and several times faster than
mplot3d. All drawing uses matplotlib's object API on the Agg canvas (no pyplot state, no display needed) with the
colours of `style`, so pictures match the 3D player. The notebook entry point that shows both the interactive
player and these pictures is `viz.show.show_motion`.
"""
from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon

from ..motion.skeleton import FPS
from .charts import figure_png
from .inputs import as_captions, as_joint_list
from .pose_cues import HEAD_RADIUS, facing_directions, head_positions
from .style import BONES, GROUND, MOTION_TINTS, TRAJECTORY, bone_colors, part_color

LAYOUTS = ("side_by_side", "overlay")  # as the player's
PANEL_INCHES = 1.7  # width of one filmstrip panel; its height follows the body (equal scale)
SINGLE_PANEL_INCHES = 2.6  # width of a panel when one pose per motion is drawn (`frame=`, GIF, MP4)
LABEL_INCHES = 1.25  # the column left of the rows that holds their captions
MIN_KEY_FRAMES, MAX_KEY_FRAMES = 6, 10  # a 10-20 s composition gets 10 frames, never a strobe
SECONDS_PER_KEY_FRAME = 1.5  # between the limits, about one key frame per this many seconds
VIEW_ELEVATION = 22.0  # degrees above the ground
VIEW_TURN = 40.0  # degrees the camera stands off the first motion's facing (3/4 front view)
GROUND_HALF = 0.5  # m, half-side of the ground patch under the pelvis (grown for a lying body)
GRID_STEP = 0.5  # m, spacing of the world-fixed ground lines
ARROW_LENGTH = 0.5  # m, the facing arrow on the ground
BONE_WIDTH = 2.6  # points
GROUND_FILL = "#F3F3F3"
ARROW_COLOR = "#333333"
_UP = np.array([0.0, 1.0, 0.0])


def key_frames(num_total: int, num_frames: int | None = None, fps: float = FPS) -> np.ndarray:
    """Frame indices of a filmstrip, first and last included: `num_frames`, or by default about one per
    `SECONDS_PER_KEY_FRAME` seconds within `MIN_KEY_FRAMES`..`MAX_KEY_FRAMES` (never more frames than exist)."""
    if num_frames is None:
        seconds = (num_total - 1) / fps
        num_frames = int(np.clip(np.ceil(seconds / SECONDS_PER_KEY_FRAME) + 1, MIN_KEY_FRAMES, MAX_KEY_FRAMES))
    if num_frames < 1:
        raise ValueError(f"num_frames: expected >= 1, got {num_frames}")
    return np.unique(np.linspace(0, num_total - 1, num_frames).round().astype(int))


@dataclass(frozen=True)
class _Camera:
    """Orthographic view: screen coordinates are (p . right, p . up); `toward` points at the viewer (depth)."""

    right: np.ndarray
    up: np.ndarray
    toward: np.ndarray
    back: np.ndarray  # horizontal, away from the viewer

    @classmethod
    def facing(cls, forward: np.ndarray, elevation: float = VIEW_ELEVATION, turn: float = VIEW_TURN) -> "_Camera":
        a, e = np.radians(turn), np.radians(elevation)
        horizontal = np.array([forward[0] * np.cos(a) + forward[2] * np.sin(a), 0.0,
                               -forward[0] * np.sin(a) + forward[2] * np.cos(a)])
        horizontal /= max(np.linalg.norm(horizontal), 1e-9)
        toward = np.cos(e) * horizontal + np.sin(e) * _UP
        right = np.cross(_UP, toward)
        right /= np.linalg.norm(right)
        return cls(right, np.cross(toward, right), toward, -horizontal)

    def project(self, p: np.ndarray) -> np.ndarray:
        return np.stack([p @ self.right, p @ self.up], -1)


class _Scene:
    """The motions of one figure: their floors and facings, one camera, and one panel extent for every panel."""

    def __init__(self, joint_list: list[np.ndarray], panels: list[tuple[list[int], list[int]]], view=None):
        # panels: (member motions, frame per member) of every panel; the first member anchors the panel's camera.
        self.joints = joint_list
        self.floor = [float(j[..., 1].min()) for j in joint_list]
        self.forward = [facing_directions(j) for j in joint_list]
        first = self.forward[0][: min(10, len(self.forward[0]))].mean(0)
        forward = first / np.linalg.norm(first) if np.linalg.norm(first) > 1e-6 else np.array([0.0, 0.0, 1.0])
        self.camera = _Camera.facing(forward, *(view or ()))
        cam = self.camera
        poses = [(self.anchor(members[0], frames[0]), m, min(f, len(joint_list[m]) - 1))
                 for members, frames in panels for m, f in zip(members, frames)]
        self.half = GROUND_HALF
        for a, m, f in poses:  # grow the ground patch for bodies that reach far (lying, arms out)
            rel = joint_list[m][f] - a
            self.half = max(self.half, float(np.abs(np.stack([rel @ cam.right, rel @ cam.back])).max()) + 0.1)
        corners = cam.project(self.ground_corners(np.zeros(3)))
        pts = np.concatenate([corners] + [cam.project(joint_list[m][f] - a) for a, m, f in poses]
                             + [cam.project(self.head(m, f)[0] - a)[None] + [0, HEAD_RADIUS] for a, m, f in poses])
        lo, hi = pts.min(0), pts.max(0)
        pad = 0.04 * (hi - lo).max()
        self.lo, self.hi = lo - pad, hi + pad

    def anchor(self, m: int, f: int) -> np.ndarray:
        """The point on the floor under the pelvis: what a panel's camera follows."""
        p = self.joints[m][min(f, len(self.joints[m]) - 1), 0]
        return np.array([p[0], self.floor[m], p[2]])

    def ground_corners(self, a: np.ndarray) -> np.ndarray:
        r, b, h = self.camera.right, self.camera.back, self.half
        return np.stack([a + h * (sr * r + sb * b) for sr, sb in ((-1, -1), (1, -1), (1, 1), (-1, 1))])

    def head(self, m: int, f: int) -> tuple[np.ndarray, np.ndarray]:
        """(centre of the head circle, its nose dot) of motion m at frame f (`pose_cues.head_positions`)."""
        centre, nose = head_positions(self.joints[m][f][None])
        return centre[0], nose[0]

    def fit_aspect(self, lo_ratio: float = 0.9, hi_ratio: float = 2.1) -> float:
        """Panel height / width, clamped; the extent widens (centred) so the scale stays equal."""
        span = self.hi - self.lo
        ratio = float(np.clip(span[1] / span[0], lo_ratio, hi_ratio))
        want = np.array([max(span[0], span[1] / ratio), max(span[1], span[0] * ratio)])
        mid = (self.lo + self.hi) / 2
        self.lo, self.hi = mid - want / 2, mid + want / 2
        return ratio


class _Panel:
    """The artists of one panel (ground, grid, paths, facing arrows, bones, heads); `show` moves them to new frames."""

    def __init__(self, ax, scene: _Scene, members: list[int], overlay: bool):
        self.ax, self.scene, self.members = ax, scene, members
        ax.set_axis_off()
        self.ground = ax.add_patch(Polygon(np.zeros((4, 2)), closed=True, fc=GROUND_FILL, ec=GROUND, lw=0.8, zorder=1))
        self.grid = ax.add_collection(LineCollection([], colors=GROUND, linewidths=0.6, zorder=1.1))
        self.paths, self.arrows, self.bones, self.heads, self.noses, self.colors = [], [], [], [], [], []
        for k, m in enumerate(members):
            ghost = overlay and k > 0  # the first motion is drawn over the others, which get one solid colour each
            tint = MOTION_TINTS[m % len(MOTION_TINTS)] if ghost else None
            self.colors.append(np.array([tint] * len(BONES) if ghost else bone_colors(m), dtype=object))
            z = 3.0 if ghost else 4.0
            (path,) = ax.plot([], [], color=tint or TRAJECTORY, lw=1.0, alpha=0.55, zorder=1.5)
            self.paths.append(path)
            self.arrows.append(ax.add_patch(Polygon(np.zeros((7, 2)), closed=True, lw=0, alpha=0.8, zorder=2,
                                                    fc=tint or ARROW_COLOR)))
            self.bones.append(ax.add_collection(LineCollection([], linewidths=BONE_WIDTH + (1.5 if ghost else 0),
                                                               alpha=0.6 if ghost else 1.0, capstyle="round",
                                                               zorder=z)))
            self.heads.append(ax.add_patch(Circle((0, 0), HEAD_RADIUS, fc="white", lw=1.6, zorder=z + 0.1,
                                                  ec=tint or part_color("torso", m), alpha=0.8 if ghost else 1.0)))
            self.noses.append(ax.add_patch(Circle((0, 0), 0.3 * HEAD_RADIUS, lw=0, zorder=z + 0.2,
                                                  fc=tint or part_color("torso", m), alpha=0.8 if ghost else 1.0)))

    def show(self, frames: list[int]) -> None:
        """Draw member k at frame frames[k] (clamped to its length), the camera on the first member's pelvis."""
        s, cam = self.scene, self.scene.camera
        frames = [min(int(f), len(s.joints[m]) - 1) for m, f in zip(self.members, frames)]
        a = s.anchor(self.members[0], frames[0])
        c = cam.project(a)
        self.ax.set_xlim(c[0] + s.lo[0], c[0] + s.hi[0])
        self.ax.set_ylim(c[1] + s.lo[1], c[1] + s.hi[1])
        self.ground.set_xy(cam.project(s.ground_corners(a)))
        self.grid.set_segments(self._grid_lines(a))
        for k, (m, f) in enumerate(zip(self.members, frames)):
            j = s.joints[m]
            root = np.stack([j[:, 0, 0], np.full(len(j), s.floor[m]), j[:, 0, 2]], -1)
            rel = root - a
            path = cam.project(root)
            path[(np.abs(rel @ cam.right) > s.half) | (np.abs(rel @ cam.back) > s.half)] = np.nan  # on the patch only
            self.paths[k].set_data(path[:, 0], path[:, 1])
            self.arrows[k].set_xy(cam.project(self._arrow(s.anchor(m, f), s.forward[m][f])))
            pose = j[f]
            seg = np.stack([pose[[p for p, _ in BONES]], pose[[c for _, c in BONES]]], 1)  # (21, 2, 3)
            order = np.argsort(seg.mean(1) @ cam.toward)  # far bones first
            self.bones[k].set_segments(cam.project(seg[order]))
            self.bones[k].set_color(list(self.colors[k][order]))
            head = np.stack(s.head(m, f))
            centre, nose = cam.project(head)
            self.heads[k].set_center(tuple(centre))
            self.noses[k].set_center(tuple(nose))
            self.noses[k].set_visible(bool((head[1] - head[0]) @ cam.toward > -0.3 * HEAD_RADIUS))  # hidden when away

    def _grid_lines(self, a: np.ndarray) -> np.ndarray:
        """World-fixed lines every GRID_STEP metres, clipped to the patch around `a`."""
        cam, h = self.scene.camera, self.scene.half
        lines = []
        for axis, other in ((cam.right, cam.back), (cam.back, cam.right)):
            at = a @ axis
            for v in np.arange(np.ceil((at - h) / GRID_STEP), np.floor((at + h) / GRID_STEP) + 1) * GRID_STEP:
                base = a + (v - at) * axis
                lines.append(cam.project(np.stack([base - h * other, base + h * other])))
        return np.array(lines).reshape(-1, 2, 2)

    @staticmethod
    def _arrow(a: np.ndarray, forward: np.ndarray) -> np.ndarray:
        """A flat arrow on the floor from just in front of `a` along `forward`, (7, 3)."""
        side = np.array([-forward[2], 0.0, forward[0]])
        w, head, start = 0.028, 0.14, 0.12
        shape = [(start, -w), (ARROW_LENGTH - head, -w), (ARROW_LENGTH - head, -2.6 * w), (ARROW_LENGTH, 0),
                 (ARROW_LENGTH - head, 2.6 * w), (ARROW_LENGTH - head, w), (start, w)]
        return np.stack([a + u * forward + v * side for u, v in shape])


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"layout: expected one of {LAYOUTS}, got {layout!r}")


def _wrap(text: str, width: int, lines: int) -> str:
    out = textwrap.wrap(text, width)
    return "\n".join(out[:lines]) + (" ..." if len(out) > lines else "")


def _time_label(f: int, step: float) -> str:
    return f"{f / FPS:.{2 if step < 0.5 else 1}f} s"


def _legend(fig: Figure, captions: list[str], overlay: bool, y: float) -> None:
    """One entry per motion (its left | right colours, or its solid colour in an overlay), then path and facing."""
    handles, labels = [], []
    for m, cap in enumerate(captions):
        name = (cap if len(cap) <= 28 else cap[:26] + "...") or f"motion {m}" if len(captions) > 1 else ""
        if overlay and m > 0:
            handles.append(Line2D([], [], color=MOTION_TINTS[m % len(MOTION_TINTS)], lw=BONE_WIDTH + 1.5, alpha=0.6))
            labels.append(name)
        else:
            sides = ("left_arm", "right_arm")
            handles.append(tuple(Line2D([], [], color=part_color(p, m), lw=BONE_WIDTH) for p in sides))
            labels.append(f"{name}: left | right" if name else "left | right")
    handles += [Line2D([], [], color=TRAJECTORY, lw=1.0, alpha=0.55),
                Line2D([], [], color=ARROW_COLOR, marker=">", markersize=6, lw=1.5, alpha=0.8)]
    labels += ["root path", "facing"]
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, y), ncols=len(labels), fontsize=7.5,
               frameon=False, handler_map={tuple: HandlerTuple(ndivide=None, pad=0.1)}, handlelength=2.4,
               columnspacing=1.4, borderaxespad=0.1)


def _grid_figure(joint_list: list[np.ndarray], captions: list[str], grid: list[list[tuple[list[int], list[int]]]], *,
                 overlay: bool, panel_inches: float, titles: list[list[str]], row_labels: list[str],
                 suptitle: str = "", legend: bool = True, view=None, dpi: float = 100, scene: _Scene | None = None):
    """Rows of panels placed by hand (inches), all at one scale (that of `scene`, by default fitted to `grid`).
    grid[r][c] = (member motions, frame per member). Returns (figure, [[_Panel]])."""
    scene = scene or _Scene(joint_list, [p for row in grid for p in row], view)
    ratio = scene.fit_aspect()
    nrows, ncols = len(grid), max(len(row) for row in grid)
    pw, ph, gap = panel_inches, panel_inches * ratio, 0.06
    title_h = 0.2 * max((t.count("\n") + 1 for row in titles for t in row if t), default=0)
    left = LABEL_INCHES if any(row_labels) else 0.06
    top = 0.06 + (0.25 if suptitle else 0.0)
    bottom = 0.3 if legend else 0.06
    width = left + ncols * pw + (ncols - 1) * gap + 0.06
    height = top + nrows * (title_h + ph) + (nrows - 1) * gap + bottom
    fig = Figure(figsize=(width, height), dpi=dpi)
    panels = []
    for r, row in enumerate(grid):
        y0 = height - top - (r + 1) * (title_h + ph) - r * gap
        out = []
        for c, (members, frames) in enumerate(row):
            ax = fig.add_axes(((left + c * (pw + gap)) / width, y0 / height, pw / width, ph / height))
            if titles[r][c]:
                ax.set_title(titles[r][c], fontsize=8, pad=2)
            panel = _Panel(ax, scene, members, overlay)
            panel.show(frames)
            out.append(panel)
        panels.append(out)
        if row_labels[r]:
            fig.text(0.06 / width, (y0 + ph / 2) / height, _wrap(row_labels[r], 20, 6), fontsize=8.5,
                     ha="left", va="center", weight="bold" if len(row_labels[r]) <= 20 else "normal")
    if suptitle:
        fig.suptitle(_wrap(suptitle, 110, 1), fontsize=9, y=1 - 0.05 / height, va="top")
    if legend:
        _legend(fig, captions, overlay, 0.02 / height)
    return fig, panels


def motion_figure(motions: Any, captions: Any = None, frame: int | None = None, layout: str = "side_by_side",
                  num_frames: int | None = None, *, ghosts: int | None = None, panel_inches: float | None = None,
                  view: tuple[float, float] | None = None) -> Figure:
    """The static picture of one or more motions (joints (t, 22, 3) in metres, or anything `inputs` accepts).

    frame=None (default): a filmstrip, per motion one row of key frames (`num_frames`, or 6-10 by duration; see
    `key_frames`) titled with their time in seconds, rows at the same frames and scale, captions on the left.
    layout="overlay": one row, all motions in the same panels (the first drawn over the others, in solid colours).
    frame=int: one pose per motion (side by side, or all in one panel for an overlay).
    `ghosts` is the older name of `num_frames`; `view` is (elevation, turn) in degrees (`VIEW_ELEVATION`, `VIEW_TURN`).
    """
    _check_layout(layout)
    joint_list = as_joint_list(motions)
    caps = as_captions(captions, len(joint_list))
    n, overlay = len(joint_list), layout == "overlay"
    everyone = list(range(n))
    if frame is not None:
        if int(frame) < 0:
            raise ValueError(f"frame: expected >= 0, got {frame}")
        grid = [[(everyone, [int(frame)] * n)]] if overlay else [[([m], [int(frame)]) for m in everyone]]
        titles = [[_wrap(" | ".join(c for c in caps if c), 40, 2)]] if overlay else [[_wrap(c, 40, 2) for c in caps]]
        return _grid_figure(joint_list, caps, grid, overlay=overlay, panel_inches=panel_inches or SINGLE_PANEL_INCHES,
                            titles=titles, row_labels=[""], view=view)[0]
    frames = [int(f) for f in key_frames(max(len(j) for j in joint_list), num_frames if num_frames else ghosts)]
    step = float(np.diff(frames).min()) / FPS if len(frames) > 1 else 1.0
    if overlay:
        grid, row_labels = [[(everyone, [f] * n) for f in frames]], [""]
    else:
        grid, row_labels = [[([m], [f]) for f in frames] for m in everyone], caps
    titles = [[_time_label(f, step) for f in frames]] + [[""] * len(frames)] * (len(grid) - 1)
    return _grid_figure(joint_list, caps, grid, overlay=overlay, panel_inches=panel_inches or PANEL_INCHES,
                        titles=titles, row_labels=row_labels, view=view)[0]


def render_motion_png(motions: Any, path: str | Path | None = None, *, captions: Any = None, frame: int | None = None,
                      layout: str = "side_by_side", dpi: int = 100, num_frames: int | None = None) -> bytes:
    """PNG bytes of `motion_figure` (a filmstrip by default; also written to `path` when given)."""
    data = figure_png(motion_figure(motions, captions, frame, layout, num_frames), dpi=dpi)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def frames_grid(motion: Any, num_frames: int = 8, caption: str = "", ncols: int = 4) -> Figure:
    """A grid of `num_frames` poses of one motion evenly spread over time, each titled with its time, one scale."""
    (joints,) = as_joint_list([motion] if not isinstance(motion, list) else motion[:1])
    picks = [int(f) for f in key_frames(len(joints), max(num_frames, 1))]
    ncols = max(1, min(ncols, len(picks)))
    rows = [picks[i : i + ncols] for i in range(0, len(picks), ncols)]
    step = float(np.diff(picks).min()) / FPS if len(picks) > 1 else 1.0
    return _grid_figure([joints], [caption], [[([0], [f]) for f in row] for row in rows], overlay=False,
                        panel_inches=2.0, titles=[[_time_label(f, step) for f in row] for row in rows],
                        row_labels=[""] * len(rows), suptitle=caption, legend=False)[0]


def _frame_images(joint_list: list[np.ndarray], captions: list[str], layout: str, frames: np.ndarray, dpi: int):
    """Yield (h, w, 3) uint8 images, one per frame index, reusing one figure (only artist data changes); the panel
    extent covers every frame, so the scale stays fixed while the camera follows the pelvis."""
    _check_layout(layout)
    n, every = len(joint_list), [int(f) for f in frames]
    if layout == "overlay":
        row = [(list(range(n)), [every[0]] * n)]
        titles = [_wrap(" | ".join(c for c in captions if c), 40, 2)]
        extent = [(list(range(n)), [f] * n) for f in every]
    else:
        row = [([m], [every[0]]) for m in range(n)]
        titles = [_wrap(c, 40, 2) for c in captions]
        extent = [([m], [f]) for m in range(n) for f in every]
    fig, (panels,) = _grid_figure(joint_list, captions, [row], overlay=layout == "overlay",
                                  panel_inches=SINGLE_PANEL_INCHES, titles=[titles], row_labels=[""], legend=False,
                                  dpi=dpi, scene=_Scene(joint_list, extent))
    canvas = FigureCanvasAgg(fig)
    for f in every:
        for panel in panels:
            panel.show([f] * len(panel.members))
        canvas.draw()
        yield np.asarray(canvas.buffer_rgba())[..., :3].copy()


def _frames(joint_list: list[np.ndarray], stride: int, max_frames: int) -> tuple[np.ndarray, int]:
    total = max(len(j) for j in joint_list)
    stride = max(stride, int(np.ceil(total / max_frames)))
    return np.arange(0, total, stride), stride


def render_motion_gif(motions: Any, path: str | Path, *, captions: Any = None, fps: float = FPS,
                      layout: str = "side_by_side", stride: int = 1, max_frames: int = 120, dpi: int = 60) -> Path:
    """Write an animated GIF (imageio). Frames are subsampled by `stride` (raised so at most `max_frames` are drawn);
    the GIF plays at real speed. Returns the path."""
    import imageio.v3 as iio

    joint_list = as_joint_list(motions)
    frames, stride = _frames(joint_list, stride, max_frames)
    images = list(_frame_images(joint_list, as_captions(captions, len(joint_list)), layout, frames, dpi))
    path = Path(path)
    iio.imwrite(path, np.stack(images), extension=".gif", duration=1000.0 * stride / fps, loop=0)
    return path


def ffmpeg_available() -> bool:
    try:
        import imageio_ffmpeg  # noqa: F401

        return True
    except ImportError:
        return shutil.which("ffmpeg") is not None


def render_motion_mp4(motions: Any, path: str | Path, *, captions: Any = None, fps: float = FPS,
                      layout: str = "side_by_side", max_frames: int = 400, dpi: int = 80) -> Path:
    """Write an MP4 (H.264 via imageio's ffmpeg plugin). Raises RuntimeError naming what to install when no ffmpeg."""
    if not ffmpeg_available():
        raise RuntimeError("render_motion_mp4: no ffmpeg found; install `imageio-ffmpeg` (pip) or the `ffmpeg` "
                           "program, or use render_motion_gif")
    import imageio.v2 as iio2

    joint_list = as_joint_list(motions)
    frames, stride = _frames(joint_list, 1, max_frames)
    path = Path(path)
    with iio2.get_writer(path, fps=fps / stride, codec="libx264", macro_block_size=2) as writer:
        for img in _frame_images(joint_list, as_captions(captions, len(joint_list)), layout, frames, dpi):
            writer.append_data(img[: img.shape[0] // 2 * 2, : img.shape[1] // 2 * 2])
    return path


def save_animation(motions: Any, path: str | Path, *, captions: Any = None, fps: float = FPS,
                   layout: str = "side_by_side") -> dict[str, Path]:
    """The motions as `<path>.gif` (small, plays inline in notebooks and browsers) and, where ffmpeg is installed
    (`imageio-ffmpeg`), `<path>.mp4` at full frame rate for sharing; returns {"gif": path, "mp4": path}."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = {"gif": render_motion_gif(motions, path.with_suffix(".gif"), captions=captions, fps=fps, layout=layout,
                                    stride=2, max_frames=ANIMATION_GIF_FRAMES, dpi=ANIMATION_GIF_DPI)}
    if ffmpeg_available():
        out["mp4"] = render_motion_mp4(motions, path.with_suffix(".mp4"), captions=captions, fps=fps, layout=layout,
                                       max_frames=ANIMATION_MP4_FRAMES)
    return out


ANIMATION_GIF_FRAMES = 50  # at every 2nd frame: 5 s at 10 frames/s, longer motions are strided more
ANIMATION_GIF_DPI = 55  # about 150-300 KB a GIF: it is embedded in the executed notebook
ANIMATION_MP4_FRAMES = 240
