"""being_kit.viz.static: PNG, frame grid, GIF and MP4 of motions, headless (Agg), in the player's colours."""
import io

import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.viz.static import (
    ffmpeg_available, frames_grid, motion_figure, render_motion_gif, render_motion_mp4, render_motion_png, show_motion,
)
from being_kit.viz.style import PART_COLORS, hex_to_rgb


def _image(png: bytes) -> np.ndarray:
    import matplotlib.image as mpimg

    return mpimg.imread(io.BytesIO(png), format="png")[..., :3]


def test_png_draws_part_coloured_bones(tmp_path):
    joints, _, _ = fk_motion(30)
    png = render_motion_png(joints, tmp_path / "m.png", captions="walk", frame=5)
    assert (tmp_path / "m.png").read_bytes() == png
    img = _image(png)
    for part in ("left_arm", "right_leg"):
        color = hex_to_rgb(PART_COLORS[part])
        near = np.abs(img - color).max(-1) < 0.05
        assert near.sum() > 20, f"no {part} pixels"


def test_overlay_is_one_panel_side_by_side_is_several():
    a, _, _ = fk_motion(20, seed=0)
    b, _, _ = fk_motion(20, seed=1)
    assert len(motion_figure([a, b], layout="overlay").axes) == 1
    assert len(motion_figure([a, b], layout="side_by_side").axes) == 2
    assert len(frames_grid(a, num_frames=6).axes) == 6


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
