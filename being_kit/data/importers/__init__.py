"""Importers: HumanML3D folders, AMASS-style SMPL-family .npz sequences, BVH files -> a being-kit corpus.

Each importer streams records into `write_corpus`, so a failure never leaves a half-written corpus. Modules are
imported on use (`being_kit.data.import_amass` etc.), so a missing optional dependency only matters when used.
"""
from __future__ import annotations

_LAZY = {
    "import_humanml3d": "humanml3d",
    "read_humanml3d_texts": "humanml3d",  # defined in data/humanml3d_texts.py
    "import_amass": "amass",
    "amass_joints": "amass",
    "import_bvh": "bvh_import",
    "bvh_to_smpl_joints": "bvh_import",
    "map_skeleton": "skeleton_map",
}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
