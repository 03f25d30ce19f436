"""The importers' shared lookups (being_kit.data.importers._common): a caption that names no file is reported."""
from __future__ import annotations

import warnings

import pytest

from being_kit.data.importers._common import ImportLog, TextsFolders, resolve_captions


def _folder(tmp_path, *names):
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_text("x")
    return tmp_path


def test_captions_tsv_naming_a_missing_file_is_warned_about_and_logged(tmp_path):
    base = _folder(tmp_path, "walk.bvh", "sub/jump.bvh")
    (base / "captions.tsv").write_text("walk.bvh\ta person walks\nrun.bvh\ta person runs\nsub_jump\ta jump\n")
    log = ImportLog("raise")
    paths = sorted(base.rglob("*.bvh"))
    with pytest.warns(UserWarning, match=r"captions.tsv: captions for 1 name\(s\) that match no input file, not "
                                         r"used: \['run'\]; fix the name"):
        captions = resolve_captions(None, base, paths=paths, log=log)
    assert captions["walk"] == ["a person walks"] and log.counts["unused_captions"] == ["run"]  # id 'sub_jump' matches
    assert log.summary(base, "bvh")["unused_captions"] == ["run"]  # reaches meta.json extra.import


def test_without_a_file_list_the_files_under_the_folder_are_matched(tmp_path):
    base = _folder(tmp_path, "walk.bvh", "walk.txt")
    (base / "captions.tsv").write_text("walk\ta person walks\nwalkk\ta typo\n")
    with pytest.warns(UserWarning, match=r"\['walkk'\]"):
        resolve_captions(None, base)
    given = {"walk": ["a person walks"], "nope": ["x"]}
    with pytest.warns(UserWarning, match=r"captions=: .*\['nope'\]"):
        assert resolve_captions(given, base) is given


def test_captions_that_all_match_say_nothing(tmp_path):
    base = _folder(tmp_path, "walk.bvh", "run.bvh")
    (base / "captions.tsv").write_text("walk\ta person walks\nrun.bvh\ta person runs\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(resolve_captions(None, base)) == {"walk", "run"}
        (base / "captions.tsv").unlink()
        assert isinstance(resolve_captions(None, base), TextsFolders)  # sidecars / texts/: nothing to compare


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    from being_kit.data.importers._common import read_captions_file

    (tmp_path / "captions.tsv").write_bytes("\ufeffwalk.bvh\ta person walks\r\nrun\ta person runs\r\n".encode())
    assert read_captions_file(tmp_path / "captions.tsv") == {"walk": ["a person walks"], "run": ["a person runs"]}
