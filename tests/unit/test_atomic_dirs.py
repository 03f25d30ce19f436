"""being_kit.atomic_dirs and its users: a folder replaced whole, a crash window named, killed writers' leftovers cleared."""
import os
import subprocess
import sys

import numpy as np
import pytest

from being_kit import atomic_dirs
from being_kit.atomic_dirs import clear_stale_temporaries, replace_folder, temporary_sibling
from being_kit.data import Corpus, MotionRecord, write_corpus


def _records(n: int, seed: int = 0) -> list[MotionRecord]:
    rng = np.random.default_rng(seed)
    return [MotionRecord(id=f"m{i:03d}", source="test", fps=20.0, representation="humanml263",
                         motion=rng.normal(size=(30, 263)).astype(np.float32), texts=["a walk"],
                         split="train") for i in range(n)]


def _folder(path, text: str):
    path.mkdir()
    (path / "x.txt").write_text(text)
    return path


def test_replace_swaps_a_folder_in_and_deletes_the_old_one(tmp_path):
    target = _folder(tmp_path / "t", "old")
    replace_folder(_folder(temporary_sibling(target), "new"), target)
    assert (target / "x.txt").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["t"]
    replace_folder(_folder(tmp_path / "fresh", "first"), tmp_path / "u")  # no folder there yet
    assert (tmp_path / "u" / "x.txt").read_text() == "first"


def test_replace_without_an_atomic_exchange_still_keeps_one_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic_dirs, "_exchange", lambda a, b: False)  # e.g. macOS, or a file system without it
    target = _folder(tmp_path / "t", "old")
    replace_folder(_folder(tmp_path / "n", "new"), target)
    assert (target / "x.txt").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["t"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_linux_exchange_is_one_step(tmp_path):
    a, b = _folder(tmp_path / "a", "A"), _folder(tmp_path / "b", "B")
    assert atomic_dirs._exchange(a, b)
    assert (a / "x.txt").read_text() == "B" and (b / "x.txt").read_text() == "A"


def test_a_corpus_whose_replacement_was_cut_between_renames_names_the_kept_copy(tmp_path):
    write_corpus(_records(3), tmp_path / "c", progress=False)
    kept = temporary_sibling(tmp_path / "c", "old")
    os.replace(tmp_path / "c", kept)  # what a kill between the two renames of the fallback leaves
    with pytest.raises(FileNotFoundError, match=f"previous corpus is kept at {kept}"):
        Corpus.open(tmp_path / "c")
    os.replace(kept, tmp_path / "c")  # the message's remedy
    assert len(Corpus.open(tmp_path / "c")) == 3


def test_killed_writers_temporaries_are_cleared_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    legacy = _folder(tmp_path / ".c.tmp-1a2b3c4d", "older being-kit")
    killed = _folder(tmp_path / f".c.tmp-{dead_pid}-00aa11bb", "killed import")
    live = _folder(tmp_path / f".c.tmp-{os.getppid()}-22cc33dd", "another process at work")
    other = _folder(tmp_path / ".d.tmp-1a2b3c4d", "another target's")
    with pytest.warns(UserWarning, match="left by a writer that was stopped"):
        removed = clear_stale_temporaries(tmp_path / "c")
    assert sorted(removed) == sorted([legacy, killed])
    assert live.exists() and other.exists() and not legacy.exists() and not killed.exists()
    with pytest.warns(UserWarning, match=str(other)):
        write_corpus(_records(2), tmp_path / "d", progress=False)  # writing a corpus clears its own leftovers
    assert not other.exists() and len(Corpus.open(tmp_path / "d")) == 2


def test_a_folder_written_whole_keeps_the_entries_it_does_not_write(tmp_path):
    """A model saved into a trainer's folder: the model files are replaced together, checkpoints/ and logs stay."""
    target = _folder(tmp_path / "out", "old model")
    (target / "train_log.jsonl").write_text("{}\n")
    (target / "checkpoints" / "step_1").mkdir(parents=True)
    (target / "checkpoints" / "step_1" / "w").write_text("ckpt")
    before = (target / "train_log.jsonl").stat().st_ino

    def write(tmp):
        (tmp / "x.txt").write_text("new model")
        (tmp / "config.json").write_text("{}")

    atomic_dirs.write_folder_atomic(target, write)
    assert (target / "x.txt").read_text() == "new model" and (target / "config.json").is_file()
    assert (target / "checkpoints" / "step_1" / "w").read_text() == "ckpt"
    assert (target / "train_log.jsonl").stat().st_ino == before  # hard-linked, not copied
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_write_that_fails_leaves_the_old_folder_and_no_temporary(tmp_path):
    target = _folder(tmp_path / "out", "old model")

    def write(tmp):
        (tmp / "x.txt").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_dirs.write_folder_atomic(target, write)
    assert (target / "x.txt").read_text() == "old model" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
