"""Pictures and widgets: `charts` (non-motion figures), the 3D `MotionPlayer` with its token timeline, static
motion pictures/GIF/MP4 (`static`), export to .npy/BVH (`export`) and the dashboards behind `widgets/`.

Imports are lazy: `import being_kit.viz` loads neither pythreejs nor matplotlib nor torch; each name is imported from
its module on first use.
"""
from __future__ import annotations

import importlib

_LAZY = {
    "MotionPlayer": "being_kit.viz.player",
    "PlayerConfig": "being_kit.viz.player",
    "TokenTimeline": "being_kit.viz.timeline",
    "timeline_figure": "being_kit.viz.timeline",
    "motion_figure": "being_kit.viz.static",
    "render_motion_png": "being_kit.viz.static",
    "frames_grid": "being_kit.viz.static",
    "render_motion_gif": "being_kit.viz.static",
    "render_motion_mp4": "being_kit.viz.static",
    "show_motion": "being_kit.viz.show",
    "export_joints": "being_kit.motion.export",
    "export_features": "being_kit.motion.export",
    "export_bvh": "being_kit.motion.export",
    "export_motion": "being_kit.motion.export",
    "as_joints": "being_kit.viz.inputs",
    "build_explorer": "being_kit.viz.dashboards",
    "build_tokenizer_inspector": "being_kit.viz.dashboards",
    "build_playground": "being_kit.viz.dashboards",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'being_kit.viz' has no attribute {name!r}")
