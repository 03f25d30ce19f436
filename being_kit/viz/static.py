"""Static motion pictures for headless runs: a PNG, a grid of frames, an animated GIF (imageio), an MP4 (ffmpeg).

All drawing uses matplotlib's object API on the Agg canvas (no pyplot state, no display needed), with the colours of
`style`, so pictures match the 3D player. `show_motion` is the notebook entry point: it displays the interactive
`MotionPlayer` and also a static picture, so a papermill-executed copy reads without a kernel.
"""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..motion.skeleton import FPS
from .charts import figure_png
from .inputs import as_captions, as_joint_list, as_token_list
from .style import BONES, TRAJECTORY, bone_colors

PANEL_INCHES = 3.2


def _panels(joint_list: list[np.ndarray], layout: str) -> list[list[int]]:
    return [list(range(len(joint_list)))] if layout == "overlay" else [[i] for i in range(len(joint_list))]


def _bounds(joints: list[np.ndarray]) -> tuple[np.ndarray, float]:
    pts = np.concatenate([j.reshape(-1, 3) for j in joints], 0)
    lo, hi = pts.min(0), pts.max(0)
    return (lo + hi) / 2, float(max((hi - lo).max() / 2, 1.0))


def _setup_axes(ax, center: np.ndarray, radius: float, title: str) -> None:
    # Data y is up; matplotlib 3D z is up: plot (x, z, y), i.e. axes x = data x, axes y = data z, axes z = data y.
    ax.set_xlim(center[0] - radius, center[0] + radius)
    ax.set_ylim(center[2] - radius, center[2] + radius)
    ax.set_zlim(0, 2 * radius)
    ax.set_box_aspect((1, 1, 1))
    ax.view_init(elev=15, azim=-70)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_zticks([])
    ax.xaxis.pane.set_alpha(0.0)
    ax.yaxis.pane.set_alpha(0.0)
    ax.zaxis.pane.set_facecolor((0.92, 0.92, 0.92, 1.0))
    if title:
        lines = textwrap.wrap(title, 48)
        ax.set_title("\n".join(lines[:2]) + (" ..." if len(lines) > 2 else ""), fontsize=8)


def _ground(ax, center: np.ndarray, radius: float) -> None:
    ticks = np.linspace(-radius, radius, 9)
    for d in ticks:
        ax.plot([center[0] + d] * 2, [center[2] - radius, center[2] + radius], [0, 0], color="#DDDDDD", lw=0.5)
        ax.plot([center[0] - radius, center[0] + radius], [center[2] + d] * 2, [0, 0], color="#DDDDDD", lw=0.5)


def _draw_pose(ax, pose: np.ndarray, colors: list[str], alpha: float = 1.0, lw: float = 2.5) -> list:
    lines = []
    for (p, c), color in zip(BONES, colors):
        (line,) = ax.plot([pose[p, 0], pose[c, 0]], [pose[p, 2], pose[c, 2]], [pose[p, 1], pose[c, 1]],
                          color=color, lw=lw, alpha=alpha, solid_capstyle="round")
        lines.append(line)
    return lines


def motion_figure(motions: Any, captions: Any = None, frame: int | None = None, layout: str = "side_by_side",
                  ghosts: int = 6) -> Figure:
    """One panel per motion (or one panel for `layout="overlay"`): the pose at `frame`, or with `frame=None` a strobe
    of `ghosts` poses spread over time (later ones darker), plus the root trajectory on the ground."""
    joint_list = as_joint_list(motions)
    caps = as_captions(captions, len(joint_list))
    panels = _panels(joint_list, layout)
    fig = Figure(figsize=(PANEL_INCHES * len(panels), PANEL_INCHES + 0.3), layout="constrained")
    for p, members in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), p + 1, projection="3d")
        center, radius = _bounds([joint_list[m] for m in members])
        title = " | ".join(c for c in (caps[m] for m in members) if c)
        _setup_axes(ax, center, radius, title)
        _ground(ax, center, radius)
        for m in members:
            j = joint_list[m]
            ax.plot(j[:, 0, 0], j[:, 0, 2], np.zeros(len(j)), color=TRAJECTORY, lw=1.2)
            colors = bone_colors(m)
            if frame is not None:
                _draw_pose(ax, j[min(frame, len(j) - 1)], colors)
            else:
                picks = np.unique(np.linspace(0, len(j) - 1, max(ghosts, 1)).round().astype(int))
                for n, f in enumerate(picks):
                    _draw_pose(ax, j[f], colors, alpha=0.25 + 0.75 * (n + 1) / len(picks), lw=1.8)
    return fig


def render_motion_png(motions: Any, path: str | Path | None = None, *, captions: Any = None, frame: int | None = None,
                      layout: str = "side_by_side", dpi: int = 100) -> bytes:
    """PNG bytes of `motion_figure` (also written to `path` when given)."""
    data = figure_png(motion_figure(motions, captions, frame, layout), dpi=dpi)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def frames_grid(motion: Any, num_frames: int = 8, caption: str = "", ncols: int = 4) -> Figure:
    """A grid of `num_frames` poses of one motion evenly spread over time, each titled with its time."""
    (joints,) = as_joint_list([motion] if not isinstance(motion, list) else motion[:1])
    picks = np.unique(np.linspace(0, len(joints) - 1, max(num_frames, 1)).round().astype(int))
    ncols = min(ncols, len(picks))
    nrows = int(np.ceil(len(picks) / ncols))
    fig = Figure(figsize=(2.2 * ncols, 2.3 * nrows + 0.3), layout="constrained")
    center, radius = _bounds([joints])
    colors = bone_colors(0)
    for n, f in enumerate(picks):
        ax = fig.add_subplot(nrows, ncols, n + 1, projection="3d")
        _setup_axes(ax, center, radius, f"{f / FPS:.2f} s")
        ax.plot(joints[:, 0, 0], joints[:, 0, 2], np.zeros(len(joints)), color=TRAJECTORY, lw=0.8)
        _draw_pose(ax, joints[f], colors, lw=1.8)
    if caption:
        fig.suptitle(caption, fontsize=9)
    return fig


def _frame_images(joint_list: list[np.ndarray], captions: list[str], layout: str, frames: np.ndarray, dpi: int):
    """Yield (h, w, 3) uint8 images, one per frame index, reusing one figure (only line data changes)."""
    panels = _panels(joint_list, layout)
    fig = Figure(figsize=(PANEL_INCHES * len(panels), PANEL_INCHES + 0.3), dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    lines: list[tuple[int, list]] = []
    for p, members in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), p + 1, projection="3d")
        center, radius = _bounds([joint_list[m] for m in members])
        _setup_axes(ax, center, radius, " | ".join(c for c in (captions[m] for m in members) if c))
        _ground(ax, center, radius)
        for m in members:
            j = joint_list[m]
            ax.plot(j[:, 0, 0], j[:, 0, 2], np.zeros(len(j)), color=TRAJECTORY, lw=1.0)
            lines.append((m, _draw_pose(ax, j[0], bone_colors(m))))
    for f in frames:
        for m, bone_lines in lines:
            pose = joint_list[m][min(int(f), len(joint_list[m]) - 1)]
            for (p, c), line in zip(BONES, bone_lines):
                line.set_data_3d([pose[p, 0], pose[c, 0]], [pose[p, 2], pose[c, 2]], [pose[p, 1], pose[c, 1]])
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


def show_motion(motions: Any, captions: Any = None, fps: float = FPS, tokens: Any = None,
                layout: str = "side_by_side", *, interactive: bool = True, picture: bool = True, **player_kwargs):
    """Notebook helper: display the interactive `MotionPlayer` and a static picture (strobe of each motion, plus the
    token strips), so executed copies are readable without a kernel. Returns the player (or None)."""
    from IPython.display import Image, display

    player = None
    if interactive:
        from .player import MotionPlayer

        player = MotionPlayer(motions, captions=captions, fps=fps, tokens=tokens, layout=layout, **player_kwargs)
        display(player.widget)
    if picture:
        joint_list = as_joint_list(motions)
        display(Image(data=render_motion_png(joint_list, captions=captions, layout=layout)))
        from .timeline import timeline_figure

        for m, codes in enumerate(as_token_list(tokens, len(joint_list))):
            if codes is not None:
                display(Image(data=figure_png(timeline_figure(codes, title=f"motion {m} tokens"))))
    return player
