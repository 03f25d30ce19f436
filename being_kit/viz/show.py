"""`show_motion`, the notebooks' one call for showing motions: the interactive 3D player for a live kernel, and the
static filmstrip, token strips and an optional GIF/MP4 so a papermill-executed copy reads without one.

It sits above both `player` and `static` (the player draws its own `picture()` with `static`), so neither imports
the other back.
"""
from __future__ import annotations

from html import escape as html_escape
from pathlib import Path
from typing import Any

from ..motion.skeleton import FPS
from .charts import figure_png
from .inputs import as_joint_list, as_token_list
from .player import MotionPlayer
from .static import render_motion_png, save_animation
from .timeline import timeline_figure


def show_motion(motions: Any, captions: Any = None, fps: float = FPS, tokens: Any = None,
                layout: str = "side_by_side", *, interactive: bool = True, picture: bool = True,
                animation: str | Path | None = None, **player_kwargs):
    """Notebook helper: display the interactive `MotionPlayer` and a static picture (a filmstrip of the motions, plus
    the token strips), so executed copies are readable without a kernel. `animation`: also write
    `<animation>.gif`/`.mp4` (`save_animation`) and show the GIF, so a run folder can be shared like a video.
    Returns the player (or None)."""
    from IPython.display import Image, display

    player = None
    if interactive:
        player = MotionPlayer(motions, captions=captions, fps=fps, tokens=tokens, layout=layout, **player_kwargs)
        display(player.widget)
    if picture:
        joint_list = as_joint_list(motions)
        display(Image(data=render_motion_png(joint_list, captions=captions, layout=layout)))
        for m, codes in enumerate(as_token_list(tokens, len(joint_list))):
            if codes is not None:
                display(Image(data=figure_png(timeline_figure(codes, title=f"motion {m} tokens"))))
    if animation is not None:
        import base64

        from IPython.display import HTML

        files = save_animation(motions, animation, captions=captions, fps=fps, layout=layout)
        data = base64.b64encode(files["gif"].read_bytes()).decode()  # an <img> data URI: nbconvert's HTML keeps it
        note = f"{files['gif'].name}" + (f" and {files['mp4'].name}" if "mp4" in files else "")
        display(HTML(f'<img src="data:image/gif;base64,{data}" style="max-width:100%"/>'
                     f'<div><small>animation saved as {html_escape(note)} in {html_escape(str(files["gif"].parent))}'
                     f'</small></div>'))
    return player
