"""Corpus storage (being_kit.data.corpus): round trips, views, atomic writes, clear errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from being_kit.data import Corpus, MotionRecord, Segment, write_corpus
from being_kit.data.schema import SPLITS


def make_records(n=23, rep="humanml263", seed=0, fps=20.0):
    rng = np.random.default_rng(seed)
    dim = {"humanml263": 263, "smpl_d135": 135}[rep]
    out = []
    for i in range(n):
        out.append(MotionRecord(
            id=f"m{i:03d}", source="test" if i % 2 else "other", fps=fps, representation=rep,
            motion=rng.normal(size=(int(rng.integers(3, 15)), dim)).astype(np.float32),
            texts=[f"caption {i}", f"another caption {i}"],
            parts={"left_arm": f"waves {i}"} if i % 3 == 0 else {},
            segments=[Segment(0.0, 0.25, "first"), Segment(0.25, 0.5, "second")] if i % 4 == 0 else [],
            split=SPLITS[i % 3], meta={"actions": ["walk", "wave"][: 1 + i % 2], "i": i}))
    return out


def assert_same(a: MotionRecord, b: MotionRecord):
    assert (a.id, a.source, a.fps, a.representation, a.texts, a.parts, a.segments, a.split, a.meta) == \
           (b.id, b.source, b.fps, b.representation, b.texts, b.parts, b.segments, b.split, b.meta)
    np.testing.assert_array_equal(a.motion, b.motion)


@pytest.fixture
def records():
    return make_records()


@pytest.fixture
def stored(tmp_path, records):
    return write_corpus(records, tmp_path / "c", shard_size=5, batch_size=2, progress=False)


def test_write_open_round_trip(tmp_path, records, stored):
    c = Corpus.open(tmp_path / "c")
    assert len(c) == len(records) and c.representation == "humanml263" and c.feature_dim == 263 and c.fps == 20
    assert c.path == tmp_path / "c"
    for r, got in zip(records, c):
        assert_same(r, got)
    assert_same(c[-1], records[-1])
    info = json.loads((tmp_path / "c" / "meta.json").read_text())
    assert info["num_records"] == 23 and len(info["shards"]) == 5 and info["schema_version"] == 1
    assert sum(s["num_frames"] for s in info["shards"]) == sum(r.num_frames for r in records)
    np.testing.assert_array_equal(c.lengths, [r.num_frames for r in records])
    assert list(c.splits) == [r.split for r in records] and list(c.ids) == [r.id for r in records]
    assert list(c.sources) == [r.source for r in records]
    np.testing.assert_array_equal(c.motion(4), records[4].motion)


def test_motion_is_a_read_only_view_of_the_memory_map(stored):
    m = stored[3].motion
    assert m.dtype == np.float32 and not m.flags.writeable and not m.flags.owndata


def test_indexing_errors(stored):
    with pytest.raises(IndexError, match="out of range for 23"):
        stored[23]
    with pytest.raises(IndexError):
        stored[-24]
    with pytest.raises(TypeError, match="select"):
        stored[[1, 2]]


def test_from_records_has_the_same_interface(records, stored):
    mem = Corpus.from_records(records)
    assert mem.path is None and len(mem) == len(stored) and mem.representation == stored.representation
    for a, b in zip(mem, stored):
        assert_same(a, b)
    np.testing.assert_array_equal(mem.lengths, stored.lengths)
    assert len(mem.split("val")) == len(stored.split("val"))


@pytest.mark.parametrize("num_shards", [1, 2, 3, 7, 30])
def test_shards_are_disjoint_covering_and_balanced(stored, num_shards):
    parts = [stored.shard(num_shards, k) for k in range(num_shards)]
    ids = np.concatenate([p.ids for p in parts])
    assert sorted(ids) == sorted(stored.ids) and len(set(ids)) == len(ids)
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 1
    with pytest.raises(ValueError, match="index"):
        stored.shard(num_shards, num_shards)


def test_views_compose(stored, records):
    train = stored.split("train")
    assert set(train.splits) == {"train"} and len(train) == sum(r.split == "train" for r in records)
    sub = train.select([-1, 0])
    assert [r.id for r in sub] == [train[-1].id, train[0].id]
    np.testing.assert_array_equal(sub.lengths, [train[-1].num_frames, train[0].num_frames])
    half = train.shard(2, 1)
    assert [r.id for r in half] == list(train.ids[len(train) // 2:])
    mask = stored.lengths > 8
    assert list(stored.select(mask).ids) == list(stored.ids[mask])
    with pytest.raises(ValueError, match="unknown split"):
        stored.split("dev")
    with pytest.raises(IndexError):
        stored.select([23])


def test_iter_shuffled_is_a_seeded_permutation(stored):
    a = [r.id for r in stored.iter_shuffled(seed=1)]
    assert a == [r.id for r in stored.iter_shuffled(seed=1)]
    assert sorted(a) == sorted(stored.ids) and a != list(stored.ids)
    assert a != [r.id for r in stored.iter_shuffled(seed=2)]


def test_stats_are_saved_beside_the_corpus(tmp_path, records, stored):
    from being_kit.motion.normalize import Normalizer

    norm = Normalizer.load(tmp_path / "c", dim=263)
    train = np.concatenate([r.motion for r in records if r.split == "train"])
    np.testing.assert_allclose(norm.mean, train.mean(0), rtol=1e-4, atol=1e-5)
    c2 = write_corpus(records, tmp_path / "c2", progress=False, stats=None)
    assert not (c2.path / "mean.npy").exists()
    mean, std = np.zeros(263, np.float32), np.full(263, 2.0, np.float32)
    c3 = write_corpus(records, tmp_path / "c3", progress=False, stats=(mean, std))
    np.testing.assert_array_equal(np.load(c3.path / "std.npy"), std)
    with pytest.raises(ValueError, match="std > 0"):
        write_corpus(records, tmp_path / "c4", progress=False, stats=(mean, mean))


def test_failed_write_leaves_nothing_and_keeps_an_existing_corpus(tmp_path, records, stored):
    def failing():
        yield from records[:7]
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        write_corpus(failing(), tmp_path / "new", shard_size=3, progress=False)
    assert not (tmp_path / "new").exists()
    bad = make_records(5, seed=3)
    bad[3].motion[1, 7] = np.nan
    with pytest.raises(ValueError, match="record 'm003'.*NaN"):
        write_corpus(bad, tmp_path / "c", progress=False)
    assert len(Corpus.open(tmp_path / "c")) == 23  # the old corpus survived
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # no temporary folders left
    write_corpus(records[:4], tmp_path / "c", progress=False)  # success replaces it
    assert len(Corpus.open(tmp_path / "c")) == 4


def test_refuses_to_replace_a_folder_that_is_not_a_corpus(tmp_path, records):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="not a being-kit corpus"):
        write_corpus(records, tmp_path / "home", progress=False)
    assert (tmp_path / "home" / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize("change,match", [
    (lambda rs: setattr(rs[2], "id", rs[1].id), "duplicate record id 'm001'"),
    (lambda rs: setattr(rs[2], "motion", rs[2].motion[:, :100]), r"motion must be \(frames, 263\)"),
    (lambda rs: setattr(rs[2], "fps", 30.0), "fps 30.0, corpus is 20.0"),
    (lambda rs: setattr(rs[2], "texts", ["ok", " "]), "non-empty caption"),
    (lambda rs: setattr(rs[2], "split", "dev"), "unknown split 'dev'"),
    (lambda rs: rs.__setitem__(2, make_records(3, "smpl_d135")[2]), "representation 'smpl_d135'"),
])
def test_invalid_records_are_rejected(tmp_path, records, change, match):
    change(records)
    with pytest.raises(ValueError, match=match):
        write_corpus(records, tmp_path / "bad", progress=False)
    assert not (tmp_path / "bad").exists()


def test_open_errors_name_the_file(tmp_path, stored):
    with pytest.raises(FileNotFoundError, match="missing.*meta.json"):
        Corpus.open(tmp_path / "missing")
    shard = stored.path / "shard-00002.arrow"
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="corrupt or truncated corpus shard .*shard-00002.arrow"):
        Corpus.open(stored.path)
    shard.unlink()
    with pytest.raises(FileNotFoundError, match="shard-00002.arrow"):
        Corpus.open(stored.path)
    (stored.path / "meta.json").write_text("{not json")
    with pytest.raises(ValueError, match="corrupt corpus metadata .*meta.json"):
        Corpus.open(stored.path)


def test_open_checks_record_counts(tmp_path, stored):
    meta = json.loads((stored.path / "meta.json").read_text())
    meta["shards"][0]["num_records"] += 1
    (stored.path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="shard-00000.arrow: 5 records"):
        Corpus.open(stored.path)


def test_meta_json_that_is_no_object_or_disagrees_with_the_shards_is_named(tmp_path, stored):
    meta = json.loads((stored.path / "meta.json").read_text())
    (stored.path / "meta.json").write_text(json.dumps([meta]))
    with pytest.raises(ValueError, match="meta.json: expected a JSON object, got a JSON list"):
        Corpus.open(stored.path)
    (stored.path / "meta.json").write_text(json.dumps(dict(meta, feature_dim=135)))
    with pytest.raises(ValueError, match="feature_dim 135 does not match representation 'humanml263'"):
        Corpus.open(stored.path)
    (stored.path / "meta.json").write_text(json.dumps(dict(meta, feature_dim=135, representation="smpl_d135")))
    with pytest.raises(ValueError, match="shard-00000.arrow: .* motion values for .* frames, not 135 per frame"):
        Corpus.open(stored.path)


def test_flipped_bytes_inside_a_shard_are_caught_by_verify(tmp_path, stored):
    c = Corpus.open(stored.path)
    assert c.verify() == len(c.info["shards"]) > 1
    shard = stored.path / "shard-00001.arrow"
    data = bytearray(shard.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF  # inside a motion buffer: Arrow still opens it and would serve the wrong value
    shard.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="shard-00001.arrow: its bytes changed since it was written"):
        Corpus.open(stored.path).verify()


def test_open_reads_no_motion_data(tmp_path):
    """Opening many shards touches only footers: no motion buffer is converted, metadata is lazy."""
    c = write_corpus(make_records(60), tmp_path / "c", shard_size=2, progress=False, stats=None)
    opened = Corpus.open(c.path)
    assert opened._storage._motion_views == {} and opened._storage._column_cache == {}
    assert len(opened) == 60 and len(opened.info["shards"]) == 30


def test_d135_corpus_and_lazy_package_exports(tmp_path):
    import being_kit.data as data

    c = write_corpus(make_records(4, "smpl_d135"), tmp_path / "d", progress=False)
    assert c.feature_dim == 135 and c[0].motion.shape[1] == 135
    assert callable(data.import_humanml3d) and callable(data.export_humanml3d)
    with pytest.raises(AttributeError):
        data.no_such_thing


def test_pickling_a_stored_view_reopens_instead_of_copying(stored, records):
    import pickle

    view = stored.split("val").select([1, 0])
    blob = pickle.dumps(view)
    assert len(blob) < 2_000  # path + indices, not the motions
    back = pickle.loads(blob)
    assert list(back.ids) == list(view.ids) and back.path == stored.path
    assert_same(back[0], view[0])
    mem = pickle.loads(pickle.dumps(Corpus.from_records(records[:3])))
    assert_same(mem[2], records[2])


@pytest.mark.parametrize("field,value,match", [
    ("texts", "a walk", r"texts must be a list of captions, got str 'a walk' \(write \['a walk'\]\)"),
    ("fps", float("nan"), "fps must be a positive finite number, got nan"),
    ("fps", float("inf"), "fps must be a positive finite number, got inf"),
    ("fps", "20", "fps must be a positive finite number, got '20'"),
    ("id", 5, "record 5: id must be a non-empty string, got int 5"),
    ("source", None, "source must be a string"),
    ("parts", {"torso": 5}, r"parts\['torso'\] must be a caption string"),
    ("segments", [Segment(0.0, 0.2, "")], r"segments\[0\] \(0.0-0.2 s\) needs a non-empty caption"),
    ("segments", [Segment("0", 0.2, "x")], r"segments\[0\] \('x'\): times must satisfy"),
    ("meta", [1, 2], "meta must be a dict"),
    ("motion", np.full((4, 263), "a"), "motion must hold real numbers"),
])
def test_fields_of_the_wrong_type_are_refused_naming_the_record(tmp_path, records, field, value, match):
    """Nothing is stored changed (a caption split into characters, a NaN frame rate) or reaches the Arrow writer,
    whose errors name no record."""
    setattr(records[4], field, value)
    with pytest.raises(ValueError, match=match):
        write_corpus(records, tmp_path / "bad", progress=False)
    assert not (tmp_path / "bad").exists()


def test_float64_values_beyond_float32_are_refused_after_the_cast_would_make_them_inf(tmp_path, records):
    records[3].motion = records[3].motion.astype(np.float64)
    records[3].motion[2, 7] = 1e39  # finite as float64, inf once stored as float32
    with pytest.raises(ValueError, match="record 'm003': motion value 1e\\+39 at frame 2 does not fit float32"):
        write_corpus(records, tmp_path / "big", progress=False, stats=None)
    records[3].motion[2, 7] = 1e30  # large but representable: stored as is
    c = write_corpus(records, tmp_path / "ok", progress=False, stats=None)
    assert c.motion(3)[2, 7] == np.float32(1e30)


def _edit_meta(path, **changes):
    meta = json.loads((path / "meta.json").read_text())
    for key, value in changes.items():
        if key.startswith("shard0_"):
            meta["shards"][0][key[len("shard0_"):]] = value
        else:
            meta[key] = value
    (path / "meta.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("changes,match", [
    ({"shards": "shard-00000.arrow"}, "shards must be a list"),
    ({"shards": [{"num_records": 5}]}, r"shards\[0\] must be an object with 'file' and 'num_records'"),
    ({"fps": -5}, "fps must be a positive finite number, got -5"),
    ({"fps": float("nan")}, "fps must be a positive finite number, got nan"),
    ({"num_records": "23"}, "num_records must be a whole number"),
    ({"shard0_file": "../c2/shard-00000.arrow"}, r"shards\[0\].file must be a file name inside the corpus folder"),
    ({"shard0_file": "/etc/passwd"}, r"shards\[0\].file must be a file name inside the corpus folder"),
    ({"shard0_num_records": 4.5}, r"shards\[0\].num_records must be a whole number"),
    ({"representation": "foo"}, r"unknown representation 'foo'; expected one of \['humanml263', 'smpl_d135'\]"),
    ({"extra": [1]}, "extra must be a JSON object, got list"),
])
def test_meta_json_fields_of_the_wrong_type_or_outside_the_folder_are_named(tmp_path, stored, changes, match):
    import shutil

    shutil.copytree(stored.path, tmp_path / "c2")  # a real shard where "../c2/..." would point
    _edit_meta(stored.path, **changes)
    with pytest.raises(ValueError, match=f"meta.json: {match}.*write the corpus again"):
        Corpus.open(stored.path)


def test_open_on_a_file_says_a_corpus_is_a_folder(stored):
    with pytest.raises(NotADirectoryError, match="meta.json: a corpus is a folder"):
        Corpus.open(stored.path / "meta.json")


def test_an_old_copy_left_by_an_interrupted_replacement_is_named_on_the_next_write(tmp_path, records, stored):
    import shutil

    kept = tmp_path / ".c.old-4242-deadbeef"
    shutil.copytree(stored.path, kept)
    size = sum(f.stat().st_size for f in kept.rglob("*") if f.is_file()) / 2**20
    with pytest.warns(UserWarning, match=rf"\.c\.old-4242-deadbeef \({size:.1f} MiB\) is an older copy of .*/c .*"
                                         "it is kept. Delete it"):
        write_corpus(records[:4], tmp_path / "c", progress=False)
    assert kept.is_dir() and len(Corpus.open(tmp_path / "c")) == 4  # kept, never deleted unasked


def test_select_refuses_float_positions_instead_of_truncating_them(stored):
    with pytest.raises(TypeError, match=r"select: indices must be integers .* got dtype float64 \(e.g. 0.9\)"):
        stored.select(np.array([0.9, 1.7]))
    with pytest.raises(TypeError, match="float64"):
        stored.select([1.0, 2.0])
    assert len(stored.select([])) == 0 and list(stored.select(np.array([2, 0])).ids) == ["m002", "m000"]


def test_verify_hashes_only_the_shards_a_view_reads_and_names_shards_without_a_digest(stored):
    shard = stored.path / "shard-00001.arrow"  # rows 5-9 (shard_size=5)
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    c = Corpus.open(stored.path)
    assert c.select([0, 4, 10]).verify() == 2  # shards 0 and 2: the flipped one is not read by this view
    with pytest.raises(ValueError, match="shard-00001.arrow: its bytes changed"):
        c.select([0, 7]).verify()
    _edit_meta(stored.path, shards=[{k: v for k, v in s.items() if k != "blake2b"}
                                    for s in json.loads((stored.path / "meta.json").read_text())["shards"]])
    with pytest.warns(UserWarning, match=r"meta.json: 5 shard\(s\) have no recorded digest, so their bytes cannot be "
                                         r"checked: \['shard-00000.arrow'"):
        assert Corpus.open(stored.path).verify() == 0


def test_bool_positions_and_fractional_shard_counts_are_refused(stored):
    with pytest.raises(TypeError, match="corpus index must be an int, got bool"):
        stored[True]
    with pytest.raises(ValueError, match="shard: need whole numbers .* got 2.5, 0"):
        stored.shard(2.5, 0)
    with pytest.raises(IndexError, match="out of range"):  # a uint64 beyond int64 must not wrap into range
        stored.select(np.array([2**63 + 5], np.uint64))


def test_segments_must_be_segment_objects(tmp_path, records):
    records[0].segments = [(0.0, 0.2, "first")]
    with pytest.raises(ValueError, match=r"record 'm000': segments\[0\] must be a Segment\(start, end, text\)"):
        write_corpus(records, tmp_path / "bad", progress=False)
