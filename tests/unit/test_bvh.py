"""BVH read/write (being_kit.motion.bvh) and the Euler conversions it uses."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from being_kit.motion.bvh import BvhError, read_bvh, write_bvh
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.rotations import axis_angle_to_matrix, euler_to_matrix, matrix_to_euler
from being_kit.motion.skeleton import JOINT_NAMES, NUM_JOINTS


def _motion(t=30, seed=0):
    rng = np.random.default_rng(seed)
    rot = axis_angle_to_matrix(rng.normal(0, 0.7, (t, NUM_JOINTS, 3)))
    root = rng.normal(0, 1, (t, 3))
    return rot, root


@pytest.mark.parametrize("order", ["".join(p) for p in itertools.permutations("XYZ")])
def test_euler_round_trip_all_orders(order):
    rng = np.random.default_rng(1)
    ang = rng.uniform(-3, 3, (200, 3))
    ang[:, 1] = rng.uniform(-1.5, 1.5, 200)
    ang[:3, 1] = np.pi / 2  # gimbal lock: angles differ, the matrix must not
    mats = euler_to_matrix(ang, order)
    back = matrix_to_euler(mats, order)
    np.testing.assert_allclose(euler_to_matrix(back, order), mats, atol=1e-9)
    np.testing.assert_allclose(back[3:], ang[3:], atol=1e-9)


def test_euler_matches_product_of_axis_rotations():
    a = np.array([0.3, -0.4, 1.1])
    rx = axis_angle_to_matrix(np.array([a[2], 0, 0]))
    ry = axis_angle_to_matrix(np.array([0, a[1], 0]))
    rz = axis_angle_to_matrix(np.array([0, 0, a[0]]))
    np.testing.assert_allclose(euler_to_matrix(a, "ZYX"), rz @ ry @ rx, atol=1e-12)
    with pytest.raises(ValueError, match="permutation"):
        euler_to_matrix(a, "ZZX")


@pytest.mark.parametrize("order,scale", [("ZYX", 100.0), ("XYZ", 1.0), ("YXZ", 39.37)])
def test_write_read_round_trip_joints(tmp_path, order, scale):
    rot, root = _motion()
    path = write_bvh(tmp_path / "m.bvh", local_rotations=rot, root_positions=root, fps=30, scale=scale,
                     rotation_order=order)
    m = read_bvh(path, scale=scale)
    assert m.fps == 30.0 and m.num_frames == 30
    assert sorted(m.joint_names) == sorted(JOINT_NAMES)
    idx = [m.joint_names.index(n) for n in JOINT_NAMES]
    np.testing.assert_allclose(m.joints()[:, idx], forward_kinematics(root, rot), atol=1e-4)
    assert len(m.end_sites) == 5  # head, two wrists, two feet are the leaves
    assert m.joints(end_sites=True).shape == (30, NUM_JOINTS + 5, 3)
    assert not list(tmp_path.glob(".*tmp*"))


def test_hand_written_bvh_with_position_channels_and_end_site(tmp_path):
    text = """HIERARCHY
ROOT Hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Chest
  {
    OFFSET 0 10 0
    CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0 5 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.1
0 100 0 0 0 0 0 10 0 0 0 0
0 100 0 90 0 0 0 20 0 0 0 0
"""
    p = tmp_path / "h.bvh"
    p.write_text(text.replace("JOINT Chest", "JOINT Bip01 Spine"))
    m = read_bvh(p, scale=100)
    assert m.fps == 10.0 and m.joint_translations is not None and m.joint_names == ["Hips", "Bip01 Spine"]
    j = m.joints(end_sites=True)
    np.testing.assert_allclose(j[0], [[0, 1, 0], [0, 1.1, 0], [0, 1.15, 0]], atol=1e-9)
    # frame 1: hips turned 90 degrees about z, chest translated 20 units along the hips' local y -> world -x
    np.testing.assert_allclose(j[1], [[0, 1, 0], [-0.2, 1, 0], [-0.25, 1, 0]], atol=1e-9)


_GOOD_HEAD = "HIERARCHY\nROOT Hips\n{\n  OFFSET 0 0 0\n  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"


@pytest.mark.parametrize("body,match", [
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS 3 Zrotation Xrotation Yrotation\n  }\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0 0 0 0 0 0 0\n",
     "line 11: hierarchy ends with 1 joint"),
    ("  }\nMOTION\nFrames: 2\nFrame Time: 0.1\n0 0 0 0 0 0\n", "truncated"),
    ("}\nMOTION\nFrames: 2\nFrame Time: 0.1\n0 0 0 0 0 0\n0 0 0 0 0\n", "line 11: expected 6 channel values, got 5"),
    ("}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 x 0 0 0\n", "line 10: non-numeric"),
    ("}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0 0 0 0\n0 0 0 0 0 0\n", "line 11: 'Frames: 1' but 2 frame lines"),
    ("  JOINT A\n  {\n  CHANNELS 1 Wrotation\n}\n}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0 0 0 0 0\n",
     "line 8: expected 'OFFSET', got 'CHANNELS'"),
    ("  JOINT A\n  {\n  OFFSET 0 0 0\n  CHANNELS 1 Wrotation\n}\n}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0 0 0 0 0\n",
     "line 9: unknown channel 'Wrotation'"),
    ("  JOINT A\n  {\n  OFFSET 0 a 0\n}\n", "line 8: expected a number"),
    ("  JOINT\n", "line 6: unexpected end of file, expected a joint name"),
    ("}\n", "no MOTION section"),
    ("}\n}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0 0 0 0\n", "line 7: unbalanced"),
    # numbers must be finite: a NaN offset would give NaN joints and a misleading mapping error later
    ("  JOINT A\n  {\n    OFFSET 0 nan 0\n", "line 8: OFFSET y is 'nan'; BVH values must be finite"),
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS 0\n    End Site\n    {\n      OFFSET inf 1 0\n",
     "line 12: End Site OFFSET x is 'inf'"),
    ("  JOINT A\n  {\n    OFFSET 0 1 0 0\n    CHANNELS 0\n", "line 8: OFFSET takes 3 numbers .* fourth: '0'"),
    ("}\nMOTION\nFrames: 1\nFrame Time: nan\n0 0 0 0 0 0\n", "line 9: Frame Time must be a positive number .* 'nan'"),
    ("}\nMOTION\nFrames: 1\nFrame Time: inf\n0 0 0 0 0 0\n", "line 9: Frame Time must be a positive .* 'inf'"),
    ("}\nMOTION\nFrames: 1\nFrame Time: 1e-300\n0 0 0 0 0 0\n", r"line 9: .*at most 10000 fps.*'1e-300'"),
    ("}\nMOTION\nFrames: 1\nFrame Time: -0.1\n0 0 0 0 0 0\n", "line 9: Frame Time must be a positive"),
    ("}\nMOTION\nFrames: -3\nFrame Time: 0.1\n", "line 8: need Frames >= 1, got -3"),
    ("}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 nan 0 0 0\n", r"line 10: channel values contain NaN or inf \(frame 0\)"),
    ("}\nMOTION\nFrame Time: 0.1\nFrames: 1\n0 0 0 0 0 0\n", "line 8: expected 'Frames: N' and 'Frame Time: dt'"),
    # wrong channel counts: the declared count and what was found, at the CHANNELS line
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS 3 Zrotation Xrotation\n    End Site\n",
     r"line 9: CHANNELS declares 3 channels but lists 2 \(Zrotation Xrotation\) before 'End'"),
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS 2 Zrotation Xrotation Yrotation\n  }\n",
     r"line 9: CHANNELS declares 2 channels but more follow \(Zrotation Xrotation Yrotation"),
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS -3 Zrotation Xrotation Yrotation\n",
     r"line 9: expected a channel count \(a whole number >= 0\) after CHANNELS, got '-3'"),
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS 3 Xrotation Xrotation Yrotation\n",
     "line 9: channel 'Xrotation' listed twice"),
    # one name per joint: lookups by name would find only the first
    ("  JOINT A\n  {\n    OFFSET 0 1 0\n    CHANNELS 0\n  }\n  JOINT A\n",
     r"line 11: joint name 'A' used twice \(first at line 6\)"),
    ("  JOINT {\n", "line 6: JOINT without a name"),
])
def test_malformed_bvh_errors_name_file_and_line(tmp_path, body, match):
    p = tmp_path / "bad.bvh"
    p.write_text(_GOOD_HEAD + body)
    with pytest.raises(BvhError, match=match) as e:
        read_bvh(p)
    assert str(p) in str(e.value)


def test_duplicated_position_channel_on_the_root_is_refused(tmp_path):
    p = tmp_path / "dup.bvh"
    p.write_text(_GOOD_HEAD.replace("Yposition", "Xposition") + "}\nMOTION\nFrames: 1\nFrame Time: 0.1\n1 2 3 0 0 0\n")
    with pytest.raises(BvhError, match="line 5: channel 'Xposition' listed twice"):
        read_bvh(p)


def _small_bvh() -> str:
    return (_GOOD_HEAD + "  JOINT Chest\n  {\n    OFFSET 0 10 0\n    CHANNELS 3 Zrotation Xrotation Yrotation\n"
            "    End Site\n    {\n      OFFSET 0 5 0\n    }\n  }\n}\nMOTION\nFrames: 2\nFrame Time: 0.0333333\n"
            "0 100 0 0 0 0 0 0 0\n0 100 0 90 0 0 10 0 0\n")


@pytest.mark.parametrize("variant", ["crlf", "tabs", "bom", "latin1", "channels0", "blank_lines"])
def test_common_file_variants_read_the_same(tmp_path, variant):
    """Windows line ends, tab indents, a UTF-8 byte-order mark, Latin-1 names and joints without channels are
    ordinary BVH: they read, and to the same motion."""
    (tmp_path / "ref.bvh").write_text(_small_bvh())
    ref = read_bvh(tmp_path / "ref.bvh")
    text, name = _small_bvh(), "Chest"
    if variant == "crlf":
        data = text.replace("\n", "\r\n").encode()
    elif variant == "tabs":
        data = text.replace("  ", "\t").replace("0 0 0", "0\t0\t0").encode()
    elif variant == "bom":
        data = b"\xef\xbb\xbf" + text.encode()
    elif variant == "latin1":
        name = "Ch\xe9st"
        data = text.replace("Chest", name).encode("latin-1")
    elif variant == "blank_lines":
        data = text.replace("MOTION\n", "\nMOTION\n\n").replace("0.0333333\n", "0.0333333\n\n").encode()
    else:  # a joint without channels keeps its rest pose
        data = (text.replace("CHANNELS 3 Zrotation Xrotation Yrotation", "CHANNELS 0")
                .replace("0 0 0 0 0 0 0\n", "0 0 0 0\n").replace("90 0 0 10 0 0\n", "90 0 0\n").encode())
    p = tmp_path / f"{variant}.bvh"
    p.write_bytes(data)
    m = read_bvh(p)
    assert m.joint_names == ["Hips", name] and m.num_frames == 2 and m.fps == 30.0
    if variant == "channels0":
        np.testing.assert_allclose(m.local_rotations[:, 1], np.eye(3)[None].repeat(2, 0))
    else:
        np.testing.assert_allclose(m.joints(end_sites=True), ref.joints(end_sites=True), atol=1e-12)


def test_missing_file_and_atomic_write(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.bvh"):
        read_bvh(tmp_path / "nope.bvh")
    rot, root = _motion(t=3)
    p = write_bvh(tmp_path / "m.bvh", local_rotations=rot, root_positions=root)
    before = p.read_text()
    bad = root.copy()
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        write_bvh(p, local_rotations=rot, root_positions=bad)
    assert p.read_text() == before and sorted(x.name for x in tmp_path.iterdir()) == ["m.bvh"]
    for kwargs, match in (({"fps": float("nan")}, "fps and scale must be positive and finite"),
                          ({"scale": 0.0}, "fps and scale must be positive and finite"),
                          ({"offsets": np.full((NUM_JOINTS, 3), np.nan)}, "offsets or end_sites contain NaN"),
                          ({"end_sites": {10: np.array([0.0, np.inf, 0.0])}}, "offsets or end_sites contain NaN")):
        with pytest.raises(ValueError, match=match):  # never a file its own reader refuses
            write_bvh(p, local_rotations=rot, root_positions=root, **kwargs)
    assert p.read_text() == before
    with pytest.raises(ValueError, match="scale: file units per metre must be positive and finite, got 0"):
        read_bvh(p, scale=0)
    with pytest.raises(FileNotFoundError, match=r"not found: .* \(a folder\)"):
        read_bvh(tmp_path)
    with pytest.raises(ValueError, match="local_rotations"):
        write_bvh(p, local_rotations=rot[:, :5], root_positions=root)


def test_binary_or_empty_files_are_named(tmp_path):
    for name, data, match in (("empty.bvh", b"", "line 1: unexpected end of file, expected 'HIERARCHY'"),
                              ("fbx.bvh", bytes(range(256)) * 4, "line 1: expected 'HIERARCHY', got")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(BvhError, match=f"{name}, {match}"):
            read_bvh(tmp_path / name)
