"""One tiny-profile pipeline run per test session, shared by every notebook test (each asserts on its metrics)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))  # the test helpers (_lm_fakes) live there

import harness


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The RunResult of `run_pipeline("tiny")` over every notebook that exists (not raised on failure: each
    notebook's test reports its own notebook's error)."""
    return harness.run_tiny_pipeline(tmp_path_factory.mktemp("executions"))
