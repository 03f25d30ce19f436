"""The shipped real clips with a user's folder (being_kit.data.real_clips): what falls back to a file-name caption,
and why, is said."""
from __future__ import annotations

import numpy as np
import pytest

from being_kit.motion.bvh import write_bvh
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import JOINT_NAMES, NUM_JOINTS


def _mixamo_clip(path):
    rng = np.random.default_rng(0)
    t = 30
    rot = axis_angle_to_matrix(rng.normal(0, 0.2, (t, NUM_JOINTS, 3)) * np.linspace(0, 1, t)[:, None, None])
    root = np.stack([np.linspace(0, 1, t), np.full(t, 0.95), np.zeros(t)], 1)
    names = {"pelvis": "Hips", "spine1": "Spine", "spine2": "Spine1", "spine3": "Spine2", "neck": "Neck",
             "head": "Head"}
    side = {"hip": "UpLeg", "knee": "Leg", "ankle": "Foot", "foot": "ToeBase", "collar": "Shoulder",
            "shoulder": "Arm", "elbow": "ForeArm", "wrist": "Hand"}
    joint_names = [names.get(n) or ("Left" if n.startswith("left") else "Right") + side[n.split("_", 1)[1]]
                   for n in JOINT_NAMES]
    write_bvh(path, local_rotations=rot, root_positions=root, fps=30,
              joint_names=["mixamorig:" + n for n in joint_names])


def test_a_typo_in_the_folders_captions_tsv_is_reported_not_silently_replaced(tmp_path):
    from being_kit.data.real_clips import import_real_clips

    _mixamo_clip(tmp_path / "mine" / "walk.bvh")
    (tmp_path / "mine" / "captions.tsv").write_text("wlak.bvh\ta person walks\n")
    with pytest.warns(UserWarning) as got:
        c = import_real_clips(tmp_path / "real", tmp_path / "mine")
    messages = [str(w.message) for w in got]
    assert any("captions.tsv: captions for 1 name(s) that match no input file, not used: ['wlak']" in m
               for m in messages)
    assert any("1 clip(s) have no caption" in m and "['walk.bvh']" in m for m in messages)
    assert c[list(c.ids).index("walk")].texts == ["a person moves (walk)"]  # still imported, as documented


def test_a_folder_that_is_a_file_or_missing_is_named(tmp_path):
    from being_kit.data.real_clips import clip_paths

    (tmp_path / "walk.bvh").write_text("x")
    with pytest.raises(NotADirectoryError, match="walk.bvh is a file; pass the folder"):
        clip_paths(tmp_path / "walk.bvh")
    with pytest.raises(NotADirectoryError, match="nope is missing"):
        clip_paths(tmp_path / "nope")


def test_clips_are_cut_into_pieces_of_at_most_196_frames(tmp_path):
    """Real takes of 15-20 s are measured in pieces as long as HumanML3D's longest motions; a tail under 2 s is
    left out, a short clip stays whole, and the pieces are the clip's frames in order."""
    import numpy as np

    from being_kit.data.real_clips import clip_pieces, import_real_clips

    clips = import_real_clips(tmp_path / "real")
    pieces = clip_pieces(clips)
    by_clip = {}
    for k in range(len(pieces)):
        clip, start = pieces[k].id.split("@")
        by_clip.setdefault(clip, []).append((int(start), np.asarray(pieces[k].motion)))
    for k in range(len(clips)):
        whole = np.asarray(clips[k].motion)
        got = by_clip[clips[k].id]
        assert all(len(m) <= 196 for _, m in got)
        for start, m in got:
            np.testing.assert_array_equal(m, whole[start:start + len(m)])
        covered = sum(len(m) for _, m in got)
        assert len(whole) - covered < 40 and (len(got) == 1 or len(whole) > 196)
    assert len(pieces) > len(clips)
    with pytest.raises(ValueError, match="max_frames"):
        clip_pieces(clips, max_frames=10)


def test_pieces_group_back_into_their_takes(tmp_path):
    """bench real's by-take table: each clip's pieces together, in the clips' order, every piece in exactly one."""
    from being_kit.data.real_clips import clip_pieces, import_real_clips, pieces_by_clip

    clips = import_real_clips(tmp_path / "real")
    pieces = clip_pieces(clips)
    takes = pieces_by_clip(pieces)
    assert list(takes) == list(clips.ids)
    assert sorted(i for t in takes.values() for i in t.ids) == sorted(pieces.ids)
    for name, take in takes.items():
        assert all(i.rsplit("@", 1)[0] == name for i in take.ids)
        assert sum(take.lengths) <= len(clips[list(clips.ids).index(name)].motion)
    assert len(takes["mocapbank_squat"]) == 2  # a 15 s take in two pieces


def test_pieces_split_by_how_far_they_travel(tmp_path):
    """The walk-and-turn take travels (about 0.85 m/s); the squat and the weight shift stay in place (< 0.1 m/s):
    bench real reports the two apart, since tokenizers of the synthetic corpus carry over to them differently."""
    from being_kit.data.real_clips import clip_pieces, import_real_clips, pieces_by_root_speed, root_ground_speed

    pieces = clip_pieces(import_real_clips(tmp_path / "real"))
    groups = pieces_by_root_speed(pieces)
    assert set(groups) == {"in place", "moving"}
    assert list(groups["moving"].ids) == ["mixamo_walk_turn@0"]
    assert sorted(groups["in place"].ids) == sorted(i for i in pieces.ids if not i.startswith("mixamo"))
    walk = groups["moving"].motion(0)
    assert 0.5 < root_ground_speed(walk) < 1.5
    assert all(root_ground_speed(groups["in place"].motion(k)) < 0.15 for k in range(len(groups["in place"])))
    assert set(pieces_by_root_speed(pieces, threshold=5.0)) == {"in place"}  # an empty group is left out
    with pytest.raises(ValueError, match="threshold: expected a root speed > 0 m/s, got 0"):
        pieces_by_root_speed(pieces, threshold=0)
