"""Test helpers shared by every suite (the fake LM runs of `unit/_lm_fakes.py`, `unit/_tiny_lm.py`) are imported by
their module names, so tests/unit is put on the path once here for the unit, notebook and browser tests alike."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "unit"))
