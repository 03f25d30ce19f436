"""BVH import (being_kit.data.importers.bvh_import): name mapping, spine by structure, units, up axis, fps."""
from __future__ import annotations


import numpy as np
import pytest

from being_kit.data import import_bvh
from being_kit.data.importers.bvh_import import bvh_to_smpl_joints
from being_kit.motion.bvh import read_bvh, write_bvh
from being_kit.motion.features import features_from_joints
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import JOINT_NAMES, NUM_JOINTS, REST_OFFSETS

CMU = {"pelvis": "Hips", "left_hip": "LeftUpLeg", "left_knee": "LeftLeg", "left_ankle": "LeftFoot",
       "left_foot": "LeftToeBase", "spine1": "Spine", "spine2": "Spine1", "spine3": "Spine2", "neck": "Neck",
       "head": "Head", "left_collar": "LeftShoulder", "left_shoulder": "LeftArm", "left_elbow": "LeftForeArm",
       "left_wrist": "LeftHand"}


def cmu_names(prefix: str = "") -> list[str]:
    return [prefix + (CMU.get(n) or CMU[n.replace("right", "left")].replace("Left", "Right")) for n in JOINT_NAMES]


def motion(t=61, seed=0):
    rng = np.random.default_rng(seed)
    rot = axis_angle_to_matrix(rng.normal(0, 0.2, (t, NUM_JOINTS, 3)) * np.linspace(0, 1, t)[:, None, None])
    root = np.stack([np.linspace(0, 1, t), np.full(t, 0.95), np.zeros(t)], 1)
    return rot, root


def test_cmu_named_bvh_gives_the_features_of_its_joints(tmp_path):
    rot, root = motion()
    write_bvh(tmp_path / "walk.bvh", local_rotations=rot, root_positions=root, joint_names=cmu_names(), fps=60)
    (tmp_path / "walk.txt").write_text("a person walks\nsomeone moves forward\n")
    c = import_bvh(tmp_path, tmp_path / "c", progress=False)
    r = c[0]
    assert r.id == "walk" and r.texts == ["a person walks", "someone moves forward"] and r.fps == 20
    assert r.meta["units_per_metre"] == 100.0 and r.meta["up_axis"] == "y" and r.meta["source_fps"] == 60
    expected = features_from_joints(forward_kinematics(root, rot)[::3].astype(np.float32))
    np.testing.assert_allclose(r.motion, expected, atol=1e-4)


def test_mixamo_prefix_z_up_and_inches(tmp_path):
    """Same motion stored z up in inches with `mixamorig:` names: inferred units and axis recover it."""
    rot, root = motion(t=41, seed=1)
    up = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])  # y-up -> z-up (inverse of the importer's rotation)
    rot_z = rot.copy()
    rot_z[:, 0] = up @ rot[:, 0]
    write_bvh(tmp_path / "m.bvh", local_rotations=rot_z, root_positions=root @ up.T, fps=40, scale=1 / 0.0254,
              joint_names=cmu_names("mixamorig:"), offsets=REST_OFFSETS)
    c = import_bvh([tmp_path / "m.bvh"], tmp_path / "c", captions={"m": ["a person moves"]}, split="val",
                   progress=False)
    r = c[0]
    assert r.meta["up_axis"] == "z" and abs(r.meta["units_per_metre"] - 39.37) < 0.01 and r.split == "val"
    np.testing.assert_allclose(r.motion, features_from_joints(forward_kinematics(root, rot)[::2].astype(np.float32)),
                               atol=1e-4)


def _cmu_like_skeleton():
    """CMU's real layout: LowerBack (zero offset), Spine, Spine1 with the arms, Neck, Neck1, Head, no toe joints."""
    names = ["Hips", "LowerBack", "Spine", "Spine1", "Neck", "Neck1", "Head", "LeftShoulder", "LeftArm",
             "LeftForeArm", "LeftHand", "RightShoulder", "RightArm", "RightForeArm", "RightHand",
             "LHipJoint", "LeftUpLeg", "LeftLeg", "LeftFoot", "RHipJoint", "RightUpLeg", "RightLeg", "RightFoot"]
    parents = [-1, 0, 1, 2, 3, 4, 5, 3, 7, 8, 9, 3, 11, 12, 13, 0, 15, 16, 17, 0, 19, 20, 21]
    u = 0.056444  # CMU units in metres
    offsets = np.array([[0, 0, 0], [0, 0, 0], [0, 2, 0], [0, 2, 0], [0, 1.7, 0], [0, 1.7, 0], [0, 1.6, 0],
                        [1, 1.5, 0], [2.6, 0, 0], [5, 0, 0], [4.5, 0, 0], [-1, 1.5, 0], [-2.6, 0, 0], [-5, 0, 0],
                        [-4.5, 0, 0], [1.4, -1.8, 0.8], [1, -6.5, 0], [0, -7, 0], [0, -1.5, 0], [-1.4, -1.8, 0.8],
                        [-1, -6.5, 0], [0, -7, 0], [0, -1.5, 0]]) * u
    end_sites = {18: np.array([0, -0.4, 2.2]) * u, 22: np.array([0, -0.4, 2.2]) * u, 6: np.array([0, 1.5, 0]) * u,
                 10: np.array([1, 0, 0]) * u, 14: np.array([-1, 0, 0]) * u}
    return names, parents, offsets, end_sites


def test_cmu_layout_spine_by_structure_and_end_site_toes(tmp_path):
    names, parents, offsets, end_sites = _cmu_like_skeleton()
    t = 30
    rng = np.random.default_rng(2)
    rot = axis_angle_to_matrix(rng.normal(0, 0.1, (t, len(names), 3)))
    root = np.tile([0, 17.0 * 0.056444, 0], (t, 1))
    write_bvh(tmp_path / "cmu.bvh", local_rotations=rot, root_positions=root, joint_names=names, parents=parents,
              offsets=offsets, end_sites=end_sites, fps=120, scale=1 / 0.056444)
    m = read_bvh(tmp_path / "cmu.bvh", scale=1.0)
    j = bvh_to_smpl_joints(m)
    full = m.joints(end_sites=True)
    idx = {n: m.joint_names.index(n) for n in m.joint_names}
    np.testing.assert_allclose(j[:, 1], full[:, idx["LeftUpLeg"]])
    np.testing.assert_allclose(j[:, 3], full[:, idx["Spine"]])  # spine1: LowerBack has zero length
    np.testing.assert_allclose(j[:, 9], full[:, idx["Spine1"]])  # spine3: where the arms hang
    np.testing.assert_allclose(j[:, 6], (full[:, idx["Spine"]] + full[:, idx["Spine1"]]) / 2)
    np.testing.assert_allclose(j[:, 12], full[:, idx["Neck"]])
    np.testing.assert_allclose(j[:, 10], full[:, len(names) + sorted(m.end_sites).index(idx["LeftFoot"])])
    (tmp_path / "cmu.txt").write_text("a person stands#a/DET person/NOUN stand/VERB#0.0#0.0\nsways#x#0.1#0.2\n")
    c = import_bvh(tmp_path / "cmu.bvh", tmp_path / "c", progress=False)
    r = c[0]
    assert abs(r.meta["units_per_metre"] - 1 / 0.056444) < 1e-6 and r.num_frames == 4  # 30 frames at 120 fps
    assert r.texts == ["a person stands"] and r.segments[0].text == "sways"


def test_unmappable_skeleton_and_missing_captions(tmp_path):
    rot, root = motion(t=5)
    names = [f"bone{i}" for i in range(NUM_JOINTS)]
    write_bvh(tmp_path / "odd.bvh", local_rotations=rot, root_positions=root, joint_names=names)
    with pytest.raises(ValueError, match=r"odd.bvh: no left wrist .* joint_map=\{'pelvis': '\?'"):
        import_bvh(tmp_path / "odd.bvh", tmp_path / "c", captions={"odd": ["x"]}, progress=False)
    mapped = import_bvh(tmp_path / "odd.bvh", tmp_path / "c", captions={"odd": ["x"]}, progress=False,
                        joint_map={n: f"bone{i}" for i, n in enumerate(JOINT_NAMES)})
    assert len(mapped) == 1
    write_bvh(tmp_path / "cmu.bvh", local_rotations=rot, root_positions=root, joint_names=cmu_names())
    with pytest.raises(ValueError, match=r"cmu.bvh: no captions; pass captions= or put one caption per line in"):
        import_bvh(tmp_path / "cmu.bvh", tmp_path / "c2", progress=False)
    with pytest.raises(FileNotFoundError, match="nope.bvh"):
        import_bvh([tmp_path / "nope.bvh"], tmp_path / "c2", progress=False)
    assert not (tmp_path / "c2").exists()
