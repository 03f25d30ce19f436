"""being_kit.viz.static: filmstrip PNG, frame grid, GIF and MP4 of motions, headless (Agg), in the player's colours."""
import io
import time

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from viz_motions import fk_motion

from being_kit.motion.skeleton import FPS
from being_kit.viz.static import (
    MAX_KEY_FRAMES, ffmpeg_available, frames_grid, key_frames, motion_figure, render_motion_gif, render_motion_mp4,
    render_motion_png,
)
from being_kit.viz.show import show_motion
from being_kit.viz.style import PART_COLORS, hex_to_rgb


def _image(png: bytes) -> np.ndarray:
    import matplotlib.image as mpimg

    return mpimg.imread(io.BytesIO(png), format="png")[..., :3]


def _rows(fig) -> list[list]:
    """The figure's panels grouped into rows (top first), each row left to right."""
    by_y: dict[float, list] = {}
    for ax in fig.axes:
        by_y.setdefault(round(ax.get_position().y0, 3), []).append(ax)
    return [sorted(row, key=lambda a: a.get_position().x0) for _, row in sorted(by_y.items(), reverse=True)]


def _bones(ax) -> np.ndarray:
    """(21, 2, 2) screen segments of the (first) skeleton drawn in a panel."""
    (bones, *_) = [c for c in ax.collections if isinstance(c, LineCollection) and len(c.get_segments()) == 21]
    return np.array(bones.get_segments())


def test_png_draws_part_coloured_bones(tmp_path):
    joints, _, _ = fk_motion(30)
    png = render_motion_png(joints, tmp_path / "m.png", captions="walk", frame=5)
    assert (tmp_path / "m.png").read_bytes() == png
    img = _image(png)
    for part in ("left_arm", "right_leg"):
        color = hex_to_rgb(PART_COLORS[part])
        near = np.abs(img - color).max(-1) < 0.05
        assert near.sum() > 20, f"no {part} pixels"


def test_default_picture_of_two_motions_is_a_labelled_filmstrip():
    a, _, _ = fk_motion(120, seed=0)
    b, _, _ = fk_motion(120, seed=1)
    fig = motion_figure([a, b], captions=["original", "vq reconstruction"])
    rows = _rows(fig)
    n = len(key_frames(120))
    assert 6 <= n <= 8 and [len(r) for r in rows] == [n, n]  # one row of key frames per motion, the same frames
    times = [ax.get_title() for ax in rows[0]]
    assert times[0] == "0.0 s" and times[-1] == f"{119 / FPS:.1f} s" and all(t.endswith(" s") for t in times)
    assert len(fig.legends) == 1
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("original" in t for t in legend) and any("vq reconstruction" in t for t in legend)
    assert {"original", "vq reconstruction"} <= {t.get_text() for t in fig.texts}  # row labels on the left
    for ax in fig.axes:  # no axis lines, ticks or panes
        assert not ax.axison
    spans = {(round(np.ptp(ax.get_xlim()), 6), round(np.ptp(ax.get_ylim()), 6)) for ax in fig.axes}
    assert len(spans) == 1  # the same scale in every panel


def test_panels_are_tight_around_the_body_and_follow_it():
    joints, _, _ = fk_motion(120)  # walks 1.5 m forward and 0.5 m sideways
    fig = motion_figure(joints)
    centres = []
    for ax in fig.axes:
        seg = _bones(ax)
        body = np.ptp(seg[..., 1])
        assert body / np.ptp(ax.get_ylim()) > 0.55, "the body should fill most of the panel's height"
        lo, hi = seg.reshape(-1, 2).min(0), seg.reshape(-1, 2).max(0)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 <= lo[0] and hi[0] <= x1 and y0 <= lo[1] and hi[1] <= y1  # and all of it is inside
        centres.append(((hi + lo) / 2 - [(x0 + x1) / 2, (y0 + y1) / 2]))
    assert np.ptp(np.array(centres)[:, 0]) < 0.3  # the camera follows the pelvis: the body stays mid-panel


def test_head_and_facing_arrow_are_drawn():
    from matplotlib.patches import Circle, Polygon

    joints, _, _ = fk_motion(40)
    ax = motion_figure(joints, frame=0).axes[0]
    assert any(isinstance(p, Circle) and p.get_radius() > 0.05 for p in ax.patches)  # the head
    assert sum(isinstance(p, Polygon) and len(p.get_xy()) >= 7 for p in ax.patches) == 1  # the arrow on the ground


def test_overlay_and_single_frame_layouts():
    a, _, _ = fk_motion(20, seed=0)
    b, _, _ = fk_motion(20, seed=1)
    assert len(motion_figure([a, b], layout="overlay", frame=3).axes) == 1
    assert len(motion_figure([a, b], layout="side_by_side", frame=3).axes) == 2
    overlay = motion_figure([a, b], captions=["original", "vq reconstruction"], layout="overlay")
    assert len(_rows(overlay)) == 1 and len(overlay.axes) == len(key_frames(20))
    ax = overlay.axes[0]
    assert sum(isinstance(c, LineCollection) and len(c.get_segments()) == 21 for c in ax.collections) == 2
    assert len(frames_grid(a, num_frames=6).axes) == 6
    assert len(_rows(frames_grid(a, num_frames=6, ncols=3))) == 2
    with pytest.raises(ValueError, match="layout"):
        motion_figure(a, layout="stacked")


def test_long_compositions_get_a_bounded_strip_not_a_strobe():
    assert len(key_frames(20 * FPS)) == MAX_KEY_FRAMES
    assert len(key_frames(4)) == 4 and len(key_frames(3 * FPS)) == 6
    assert len(key_frames(100, num_frames=3)) == 3
    joints, _, _ = fk_motion(20 * FPS)
    fig = motion_figure(joints)
    assert len(fig.axes) == MAX_KEY_FRAMES
    assert all(len([c for c in ax.collections if len(c.get_segments()) == 21]) == 1 for ax in fig.axes)  # one pose


def test_two_strips_are_large_enough_small_and_fast():
    a, _, _ = fk_motion(160, seed=0)
    b, _, _ = fk_motion(160, seed=1)
    render_motion_png([a, b], num_frames=8)  # warm up fonts
    start = time.perf_counter()
    png = render_motion_png([a, b], captions=["original", "vq reconstruction"], num_frames=8, dpi=100)
    assert time.perf_counter() - start < 3.0  # about 0.35 s on 2 loaded cores
    h, w = _image(png).shape[:2]
    assert w >= 8 * 1.6 * 100 and h >= 2 * 1.6 * 100
    assert len(png) < 300_000


def test_gif_has_frames_and_moves(tmp_path):
    import imageio.v3 as iio

    joints, _, _ = fk_motion(24)
    path = render_motion_gif(joints, tmp_path / "m.gif", stride=4, dpi=40)
    frames = iio.imread(path, index=None)
    assert frames.shape[0] == 6
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).max() > 50  # the pose changed


def test_mp4_needs_ffmpeg_or_says_so(tmp_path):
    joints, _, _ = fk_motion(10)
    if ffmpeg_available():
        path = render_motion_mp4(joints, tmp_path / "m.mp4", dpi=40)
        assert path.stat().st_size > 0
    else:
        with pytest.raises(RuntimeError, match="ffmpeg"):
            render_motion_mp4(joints, tmp_path / "m.mp4")


def test_show_motion_displays_widget_and_picture(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(type(obj).__name__))
    joints, _, _ = fk_motion(16)
    player = show_motion(joints, captions="walk", tokens=np.arange(4))
    assert player is not None and shown == ["VBox", "Image", "Image"]  # widget, motion picture, token strip


def test_show_motion_saves_a_gif_and_mp4_and_embeds_the_gif(tmp_path, monkeypatch):
    import IPython.display

    from being_kit.data.synthetic import generate_joints
    from being_kit.viz import static

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(objs))
    joints = generate_joints(3).joints
    show_motion([joints, joints], captions=["a", "b"], interactive=False, animation=tmp_path / "anim" / "walk")
    gif = (tmp_path / "anim" / "walk.gif").read_bytes()
    assert gif[:6] in (b"GIF87a", b"GIF89a") and len(gif) < 400_000
    html = [o.data for o in shown if isinstance(o, IPython.display.HTML)]
    assert len(html) == 1 and html[0].startswith('<img src="data:image/gif;base64,') and "walk.gif" in html[0]
    if static.ffmpeg_available():
        assert (tmp_path / "anim" / "walk.mp4").stat().st_size > 1000 and "walk.mp4" in html[0]
