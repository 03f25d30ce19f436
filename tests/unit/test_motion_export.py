"""being_kit.motion.export: joints/features .npy and BVH; BVH written, read back, joints within 1 cm of the input."""
import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.motion.bvh import read_bvh
from being_kit.motion.d135 import features_from_rotations, joints_from_d135
from being_kit.motion.features import features_from_joints, joints_from_features
from being_kit.motion.skeleton import JOINT_NAMES
from being_kit.motion.export import export_bvh, export_features, export_joints, export_motion


def _max_err(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b), axis=-1).max())


def test_bvh_roundtrip_from_joints_by_ik(tmp_path):
    joints, _, _ = fk_motion(40, seed=4)
    path = export_bvh(joints, tmp_path / "m.bvh")
    motion = read_bvh(path)
    assert motion.joint_names[0] == "pelvis" and set(motion.joint_names) == set(JOINT_NAMES)
    back = motion.joints()[:, [motion.index(n) for n in JOINT_NAMES]]
    assert back.shape == joints.shape
    assert _max_err(back, joints) < 0.01  # the bar: 1 cm


def test_bvh_roundtrip_from_humanml3d_features(tmp_path):
    joints, _, _ = fk_motion(40, seed=5)
    feats = features_from_joints(joints)
    target = joints_from_features(feats)
    motion = read_bvh(export_bvh(feats, tmp_path / "h.bvh"))
    back = motion.joints()[:, [motion.index(n) for n in JOINT_NAMES]]
    assert _max_err(back, target) < 0.01


def test_bvh_from_d135_uses_its_rotations(tmp_path):
    _, root, rot = fk_motion(30, seed=6)
    feats = features_from_rotations(root, rot)
    motion = read_bvh(export_bvh(feats, tmp_path / "d.bvh"))
    order = [motion.index(n) for n in JOINT_NAMES]
    assert _max_err(motion.joints()[:, order], joints_from_d135(feats)) < 0.01
    # straight from the data: the file's local rotations are the D135 rotations (up to Euler round-off)
    from being_kit.motion.d135 import rotations_from_d135

    _, rots = rotations_from_d135(feats.astype(np.float64))
    assert np.abs(motion.local_rotations[:, order] - rots).max() < 1e-3


def test_npy_exports_and_export_motion(tmp_path):
    joints, _, _ = fk_motion(20)
    feats = features_from_joints(joints)
    assert np.load(export_joints(joints, tmp_path / "j.npy")).shape == (20, 22, 3)
    assert np.allclose(np.load(export_features(feats, tmp_path / "f.npy")), feats)
    out = export_motion(feats, tmp_path / "out", "walk")
    assert sorted(out) == ["bvh", "features", "joints"]
    assert np.allclose(np.load(out["joints"]), joints_from_features(feats), atol=1e-5)
    assert sorted(export_motion(joints, tmp_path / "out2", "j")) == ["bvh", "joints"]


def test_export_errors_name_the_argument(tmp_path):
    with pytest.raises(ValueError, match="features"):
        export_features(np.zeros((5, 10)), tmp_path / "x.npy")
    with pytest.raises(ValueError, match="representation"):
        export_bvh(np.zeros((5, 22, 3)), tmp_path / "x.bvh", representation="smpl")
    feats = features_from_joints(fk_motion(20)[0])
    feats[3, 5] = np.nan
    with pytest.raises(ValueError, match="features: NaN or inf at frame 3; nothing written"):
        export_features(feats, tmp_path / "nan.npy")
    assert not (tmp_path / "nan.npy").exists()
    (tmp_path / "afile").write_text("x")
    for folder in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        with pytest.raises(NotADirectoryError, match="afile.* is a file; export into a folder"):
            export_motion(feats[:3], folder, "m")


def test_export_motion_stays_in_its_folder_and_writes_all_files_or_none(tmp_path, monkeypatch):
    import being_kit.motion.export as export

    feats = features_from_joints(fk_motion(20)[0])
    for bad in ("../escape", "a/b", "..", "", "x\\y"):
        with pytest.raises(ValueError, match="name: expected a plain file name stem"):
            export_motion(feats, tmp_path / "out", bad)
    assert not (tmp_path / "escape.joints.npy").exists()

    def broken_bvh(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "export_bvh", broken_bvh)
    with pytest.raises(RuntimeError, match="disk full"):
        export_motion(feats, tmp_path / "out", "walk")
    assert list((tmp_path / "out").iterdir()) == []  # no joints or features without their BVH, no temporaries
