"""Motion corpora: the record schema, Arrow corpus storage, importers and exporters.

`being_kit.data.synthetic` (the embedded default corpus) is imported on use, not here; so are the importers.
"""
from __future__ import annotations

from .corpus import Corpus, write_corpus
from .schema import REPRESENTATIONS, SPLITS, MotionRecord, Segment

_LAZY = {
    "import_humanml3d": "being_kit.data.importers.humanml3d",
    "import_amass": "being_kit.data.importers.amass",
    "import_bvh": "being_kit.data.importers.bvh_import",
    "export_humanml3d": "being_kit.data.exporters",
}

__all__ = ["Corpus", "MotionRecord", "Segment", "REPRESENTATIONS", "SPLITS", "write_corpus", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'being_kit.data' has no attribute {name!r}")
