"""One tiny-profile pipeline run per test session, shared by every notebook test (each asserts on its metrics)."""

import pytest

import harness


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The RunResult of `run_pipeline("tiny")` over every notebook that exists (not raised on failure: each
    notebook's test reports its own notebook's error)."""
    return harness.run_tiny_pipeline(tmp_path_factory.mktemp("executions"))
