"""scripts/install.sh recovers from a dangling .venv link (CI once failed on one with "File exists")."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

INSTALL = Path(__file__).resolve().parents[2] / "scripts" / "install.sh"


def test_a_broken_venv_link_is_replaced_not_fatal(tmp_path):
    venv = tmp_path / "venv"
    os.symlink(venv, venv)  # self-referencing, as `ln -sf` inside a worktree once left it
    env = dict(os.environ, VENV=str(venv), PYTHON="false", BEING_KIT_TORCH="torch==2.13.0")
    # PYTHON=false stops the script right after the link is handled, before any pip work.
    result = subprocess.run(["bash", str(INSTALL)], env=env, capture_output=True, text=True, timeout=60)
    assert "broken symlink" in result.stdout, result.stdout + result.stderr
    assert not venv.is_symlink(), "the dangling link should be gone"
    assert "File exists" not in result.stderr
    assert result.returncode != 0  # `false -m venv` failed, as it should


def test_no_environment_is_committed():
    """A committed .venv link made every fresh clone's set-up fail with "File exists" (CI, exit 2)."""
    root = INSTALL.parents[1]
    if not (root / ".git").exists():
        import pytest

        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "--", ".venv", "venv", ".venv/*"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked == [], f"an environment is tracked by git: {tracked}"
