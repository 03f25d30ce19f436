"""HumanML3D import and export (being_kit.data.importers.humanml3d, being_kit.data.exporters)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from being_kit.data import Corpus, MotionRecord, Segment, export_humanml3d, import_humanml3d
from being_kit.data.exporters import simple_tokens

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "humanml3d"


def make_folder(root: Path, n: int = 6, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    (root / "new_joint_vecs").mkdir(parents=True)
    (root / "texts").mkdir()
    ids = [f"{i:06d}" for i in range(n)]
    for i, mid in enumerate(ids):
        np.save(root / "new_joint_vecs" / f"{mid}.npy", rng.normal(size=(10 + i, 263)).astype(np.float32))
        lines = [f"a person walks forward {i}#a/DET person/NOUN walk/VERB forward/ADV#0.0#0.0",
                 f"someone strolls {i}#someone/PRON stroll/VERB#nan#nan"]
        if i % 2 == 0:
            lines.append("then turns left#then/ADV turn/VERB left/ADV#0.2#0.45")
        (root / "texts" / f"{mid}.txt").write_text("\n".join(lines) + "\n")
    (root / "train.txt").write_text("\n".join(ids[:4]) + "\n")
    (root / "val.txt").write_text(ids[4] + "\n")
    (root / "test.txt").write_text(ids[5] + "\n")
    np.save(root / "Mean.npy", np.full(263, 0.5, np.float32))
    np.save(root / "Std.npy", np.full(263, 2.0, np.float32))
    return root


def test_import_reads_captions_segments_splits_and_stats(tmp_path):
    folder = make_folder(tmp_path / "h")
    c = import_humanml3d(folder, tmp_path / "c", progress=False)
    assert len(c) == 6 and c.representation == "humanml263" and c.fps == 20
    r = c[0]
    assert r.id == "000000" and r.split == "train" and r.source == "humanml3d"
    assert r.texts == ["a person walks forward 0", "someone strolls 0"]  # 0#0 and NaN#NaN are whole-motion
    assert r.segments == [Segment(0.2, 0.45, "then turns left")]
    assert r.meta["tokens"][0] == "a/DET person/NOUN walk/VERB forward/ADV"
    np.testing.assert_array_equal(r.motion, np.load(folder / "new_joint_vecs" / "000000.npy"))
    assert list(c.splits) == ["train"] * 4 + ["val", "test"]
    np.testing.assert_array_equal(np.load(c.path / "std.npy"), np.full(263, 2.0, np.float32))


def _corrupt(folder: Path, what: str) -> str:
    """Break the folder in one way; returns the text the error must contain."""
    if what == "shape":
        np.save(folder / "new_joint_vecs" / "000002.npy", np.zeros((10, 262), np.float32))
        return r"000002.npy: expected \(frames, 263\)"
    if what == "nan":
        a = np.zeros((10, 263), np.float32)
        a[3, 5] = np.inf
        np.save(folder / "new_joint_vecs" / "000002.npy", a)
        return "000002.npy: contains NaN or inf .first at frame 3, dim 5"
    if what == "truncated":
        p = folder / "new_joint_vecs" / "000002.npy"
        p.write_bytes(p.read_bytes()[:500])
        return "000002.npy: cannot read .npy"
    if what == "empty_caption":
        (folder / "texts" / "000002.txt").write_text("fine#x#0.0#0.0\n#x/X#0.0#0.0\n")
        return "000002.txt, line 2: empty caption"
    if what == "empty_file":
        (folder / "texts" / "000002.txt").write_text("\n")
        return "000002.txt: no captions"
    if what == "missing_text":
        (folder / "texts" / "000002.txt").unlink()
        return "000002.txt: caption file missing"
    if what == "bad_times":
        (folder / "texts" / "000002.txt").write_text("ok#x#0.5#0.2\n")
        return "000002.txt, line 1: segment times"
    if what == "unknown_split_id":
        (folder / "test.txt").write_text("000005\n009999\n")
        return "test.txt: id '009999' has no motion file"
    raise AssertionError(what)


@pytest.mark.parametrize("what", ["shape", "nan", "truncated", "empty_caption", "empty_file", "missing_text",
                                  "bad_times", "unknown_split_id"])
def test_bad_input_names_the_file_and_writes_nothing(tmp_path, what):
    folder = make_folder(tmp_path / "h")
    match = _corrupt(folder, what)
    with pytest.raises(ValueError, match=match):
        import_humanml3d(folder, tmp_path / "c", progress=False)
    assert not (tmp_path / "c").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["h"]
    c = import_humanml3d(folder, tmp_path / "c", on_error="skip", progress=False)
    assert c.info["extra"]["import"]["skipped"] == 1 and match.split(":")[0].split(",")[0] in c.info["extra"]["import"]["problems"][0]
    assert ("000002" in set(c.ids)) == (what == "unknown_split_id") and len(c) == 5 + (what == "unknown_split_id")


def test_split_file_problems(tmp_path):
    folder = make_folder(tmp_path / "h")
    (folder / "val.txt").write_text("000004\n000001\n")
    with pytest.raises(ValueError, match="val.txt, line 2: id '000001' already listed in train.txt"):
        import_humanml3d(folder, tmp_path / "c", progress=False)
    (folder / "val.txt").write_bytes(b"000004\n\xff\xfe\n")
    with pytest.raises(ValueError, match="val.txt: not UTF-8 text"):
        import_humanml3d(folder, tmp_path / "c", progress=False)
    for s in ("train", "val", "test"):
        (folder / f"{s}.txt").unlink()
    with pytest.raises(ValueError, match="no split files"):
        import_humanml3d(folder, tmp_path / "c", progress=False)
    with pytest.raises(FileNotFoundError, match="new_joint_vecs is missing"):
        import_humanml3d(tmp_path / "nothing", tmp_path / "c", progress=False)


def test_motions_in_no_split_are_left_out_and_counted(tmp_path):
    folder = make_folder(tmp_path / "h")
    (folder / "test.txt").write_text("")
    c = import_humanml3d(folder, tmp_path / "c", progress=False)
    assert len(c) == 5 and c.info["extra"]["import"]["unsplit"] == 1


def _records(n=7):
    rng = np.random.default_rng(1)
    return [MotionRecord(id=f"s{i}", source="humanml3d", fps=20.0, representation="humanml263",
                         motion=rng.normal(size=(5 + i, 263)).astype(np.float32),
                         texts=[f"A man walks, then waves {i}.", "he moves"],
                         segments=[Segment(0.1, 0.3 + i / 7, "waves")] if i % 2 else [],
                         split=["train", "val", "test"][i % 3]) for i in range(n)]


def test_export_then_import_gives_the_same_records(tmp_path):
    from being_kit.motion.features import joints_from_features

    recs = _records()
    out = export_humanml3d(Corpus.from_records(recs), tmp_path / "hml")
    lines = (out / "texts" / "s1.txt").read_text().splitlines()
    assert lines[0] == "A man walks, then waves 1.#a/OTHER man/OTHER walks/OTHER ,/OTHER then/OTHER waves/OTHER 1/OTHER ./OTHER#0.0#0.0"
    assert lines[2].startswith("waves#waves/OTHER#0.1#")
    np.testing.assert_allclose(np.load(out / "new_joints" / "s3.npy"), joints_from_features(recs[3].motion), atol=1e-6)
    assert (out / "train.txt").read_text().split() == ["s0", "s3", "s6"]
    assert np.load(out / "Mean.npy").shape == (263,) and (np.load(out / "Std.npy") > 0).all()
    back = {r.id: r for r in import_humanml3d(out, tmp_path / "c", progress=False)}
    assert set(back) == {r.id for r in recs}
    for r in recs:
        b = back[r.id]
        assert (b.texts, b.segments, b.split, b.fps) == (r.texts, r.segments, r.split, r.fps)
        np.testing.assert_array_equal(b.motion, r.motion)
    # a second export keeps the imported tokens and stats byte for byte
    again = export_humanml3d(Corpus.open(tmp_path / "c"), tmp_path / "hml2")
    for name in ("texts/s1.txt", "Mean.npy", "Std.npy", "val.txt"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


def test_export_refusals(tmp_path):
    corpus = Corpus.from_records(_records(2))
    export_humanml3d(corpus, tmp_path / "hml")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        export_humanml3d(corpus, tmp_path / "hml")
    export_humanml3d(corpus, tmp_path / "hml", overwrite=True, joints=False)
    assert not (tmp_path / "hml" / "new_joints").exists()
    bad = _records(2)
    bad[1].texts = ["uses # sign"]
    with pytest.raises(ValueError, match="'s1'.*'#'"):
        export_humanml3d(Corpus.from_records(bad), tmp_path / "hml3")
    assert not (tmp_path / "hml3").exists()
    d135 = MotionRecord(id="x", source="s", fps=20.0, representation="smpl_d135",
                        motion=np.zeros((3, 135), np.float32), texts=["t"])
    with pytest.raises(ValueError, match="smpl_d135"):
        export_humanml3d(Corpus.from_records([d135]), tmp_path / "hml4")
    assert simple_tokens("It's OK!") == "it's/OTHER ok/OTHER !/OTHER"


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures/humanml3d not present")
def test_import_real_humanml3d_files(tmp_path):
    """Real released files: float32 and float64 features, the released Mean/Std."""
    folder = tmp_path / "h"
    (folder / "new_joint_vecs").mkdir(parents=True)
    (folder / "texts").mkdir()
    for mid in ("012314", "000612"):
        (folder / "new_joint_vecs" / f"{mid}.npy").write_bytes((FIXTURES / "new_joint_vecs" / f"{mid}.npy").read_bytes())
        (folder / "texts" / f"{mid}.txt").write_text("a person moves#a/DET person/NOUN move/VERB#0.0#0.0\n")
    for name in ("Mean.npy", "Std.npy"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    (folder / "train.txt").write_text("012314\n")
    (folder / "test.txt").write_text("000612\n")
    c = import_humanml3d(folder, tmp_path / "c", progress=False)
    assert list(c.lengths) == [170, 199]
    np.testing.assert_allclose(c[1].motion, np.load(FIXTURES / "new_joint_vecs" / "000612.npy"), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(np.load(c.path / "mean.npy"), np.load(FIXTURES / "Mean.npy"))
    out = export_humanml3d(c, tmp_path / "hml")
    np.testing.assert_allclose(np.load(out / "new_joints" / "012314.npy"),
                               np.load(FIXTURES / "new_joints" / "012314.npy"), atol=1e-4)


@pytest.mark.parametrize("kept", ["Mean.npy", "Std.npy"])
def test_half_a_statistics_pair_is_refused_not_recomputed(tmp_path, kept):
    folder = make_folder(tmp_path / "h")
    lost = "Std.npy" if kept == "Mean.npy" else "Mean.npy"
    (folder / lost).unlink()
    with pytest.raises(FileNotFoundError, match=f"{lost}: missing beside .*{kept}"):
        import_humanml3d(folder, tmp_path / "c", progress=False)
    (folder / kept).unlink()  # neither: both computed from the train split
    assert (import_humanml3d(folder, tmp_path / "c", progress=False).path / "std.npy").is_file()


def test_segment_times_beyond_the_motion_are_refused(tmp_path):
    folder = make_folder(tmp_path / "h")  # motion 000002 has 12 frames: 0.6 s
    (folder / "texts" / "000002.txt").write_text("fine#x#0.0#0.0\nlater#x#40#52\n")  # frames, not seconds
    with pytest.raises(ValueError, match=r"segments\[0\] \('later'\) spans 40-52 s of a 0.60 s motion"):
        import_humanml3d(folder, tmp_path / "c", progress=False)
