"""AMASS import (being_kit.data.importers.amass) on a tiny synthetic SMPL-H body model with the real file layout.

The fake model has 40 vertices instead of 6,890 but the real keys and joint tree; joints are checked against
smplx's own `batch_rigid_transform`, so the test proves agreement with smplx, not with itself.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from being_kit.data import import_amass
from being_kit.data.importers._common import Z_UP_TO_Y_UP
from being_kit.data.importers.amass import amass_joints, find_body_model
from being_kit.motion.skeleton import JOINT_INDEX, PARENTS

NUM_MODEL_JOINTS = 52  # SMPL-H: 22 body + 2 x 15 hand joints
HAND_PARENTS = [20] * 15 + [21] * 15


@pytest.fixture
def model_dir(tmp_path) -> Path:
    rng = np.random.default_rng(0)
    v = 40
    jreg = rng.random((NUM_MODEL_JOINTS, v))
    jreg /= jreg.sum(1, keepdims=True)
    template = rng.normal(0, 0.3, (v, 3))
    # make the rest joints look like a standing body (y up in the model frame): pelvis low, head high
    from being_kit.motion.kinematics import forward_kinematics

    rest = forward_kinematics(np.array([[0, 0.9, 0]]), np.tile(np.eye(3), (1, 22, 1, 1)))[0]
    template[:22] = np.linalg.solve(jreg[:22, :22], rest - jreg[:22, 22:] @ template[22:])
    kt = np.array([[2**32 - 1] + list(PARENTS[1:]) + HAND_PARENTS, list(range(NUM_MODEL_JOINTS))], dtype=np.int64)
    d = tmp_path / "body_models" / "smplh"
    d.mkdir(parents=True)
    for g in ("MALE", "FEMALE"):
        np.savez(d / f"SMPLH_{g}.npz", v_template=template, shapedirs=rng.normal(0, 0.01, (v, 3, 16)),
                 J_regressor=jreg, kintree_table=kt, f=np.array([[0, 1, 2]]), weights=np.eye(v, NUM_MODEL_JOINTS),
                 posedirs=np.zeros((v, 3, 459)))
    return tmp_path / "body_models"


def save_sequence(path: Path, t=61, fps=60.0, seed=1, walk=True, **extra) -> dict:
    rng = np.random.default_rng(seed)
    poses = rng.normal(0, 0.15, (t, 156))
    poses[:, :3] = [np.pi / 2, 0, 0]  # AMASS root orientation: the SMPL body stood up in the z-up world
    trans = np.zeros((t, 3))
    if walk:
        trans[:, 1] = -np.linspace(0, 1.5, t)  # walking towards -y, the way it faces
    trans[:, 2] = 0.0
    data = dict(poses=poses, trans=trans, betas=rng.normal(0, 1, 16), mocap_framerate=np.array(fps),
                gender=np.array("male"), dmpls=np.zeros((t, 8)))
    data.update(extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **data)
    return data


def test_joints_match_smplx_and_are_y_up(tmp_path, model_dir):
    torch = pytest.importorskip("torch")
    lbs = pytest.importorskip("smplx.lbs")
    data = save_sequence(tmp_path / "seq.npz", t=61, fps=60.0)
    m = amass_joints(tmp_path / "seq.npz", model_dir)
    assert m.joints.shape == (21, 22, 3) and m.model_type == "smplh" and m.source_fps == 60.0
    model = np.load(model_dir / "smplh" / "SMPLH_MALE.npz")
    verts = model["v_template"] + model["shapedirs"] @ data["betas"]
    idx = np.arange(0, 61, 3)  # 60 -> 20 fps is exact striding
    rot = lbs.batch_rodrigues(torch.tensor(data["poses"][idx].reshape(-1, 3))).reshape(len(idx), NUM_MODEL_JOINTS, 3, 3)
    rest = torch.tensor(model["J_regressor"] @ verts)[None].repeat(len(idx), 1, 1)
    parents = torch.tensor([-1] + list(PARENTS[1:]) + HAND_PARENTS)
    posed, _ = lbs.batch_rigid_transform(rot, rest, parents)
    expected = (posed[:, :22].numpy() + data["trans"][idx, None]) @ Z_UP_TO_Y_UP.T
    np.testing.assert_allclose(m.joints, expected, atol=1e-8)
    head, pelvis = m.joints[0, JOINT_INDEX["head"]], m.joints[0, JOINT_INDEX["pelvis"]]
    assert head[1] - pelvis[1] > 0.3  # y is up
    assert m.root_positions[-1, 2] - m.root_positions[0, 2] > 1.0  # walked towards +z (where it faces)


def test_non_integer_frame_rate_is_interpolated(tmp_path, model_dir):
    save_sequence(tmp_path / "seq.npz", t=51, fps=50.0, walk=True)
    m = amass_joints(tmp_path / "seq.npz", model_dir)
    assert m.joints.shape[0] == 21  # 1 s at 20 fps
    # the root walks at constant speed, so interpolated frames stay evenly spaced
    step = np.diff(m.root_positions[:, 2])
    np.testing.assert_allclose(step, step[0], atol=1e-9)


@pytest.mark.parametrize("rep,dim", [("humanml263", 263), ("smpl_d135", 135)])
def test_import_folder_to_corpus(tmp_path, model_dir, rep, dim):
    src = tmp_path / "amass" / "CMU" / "01"
    save_sequence(src / "01_01_poses.npz", t=61)
    save_sequence(src / "01_02_poses.npz", t=41, seed=2)
    np.savez(src / "shape.npz", betas=np.zeros(16), gender=np.array("male"))
    (src / "01_01_poses.txt").write_text("a person walks forward\nsomeone walks\n")
    c = import_amass(tmp_path / "amass", tmp_path / "c", body_model_path=model_dir, representation=rep,
                     split={"01_01_poses": "train", "01_02_poses": "test"}, on_error="skip", progress=False)
    # 01_02 has no sidecar captions: skipped and reported; shape.npz counted
    assert len(c) == 1 and c.feature_dim == dim and c[0].id == "CMU_01_01_01_poses"
    assert c[0].texts == ["a person walks forward", "someone walks"] and c[0].meta["gender"] == "male"
    imp = c.info["extra"]["import"]
    assert imp["skipped"] == 1 and "01_02_poses.txt" in imp["problems"][0] and imp["shape_files"] == 1
    assert c[0].num_frames == (20 if rep == "humanml263" else 21)


def test_missing_body_model_names_what_is_missing(tmp_path, model_dir):
    save_sequence(tmp_path / "a.npz", gender=np.array("neutral"))
    with pytest.raises(FileNotFoundError, match=r"smplh \(neutral\).*SMPLH_NEUTRAL.npz"):
        import_amass([tmp_path / "a.npz"], tmp_path / "c", body_model_path=model_dir, captions={"a": ["x"]},
                     progress=False)
    with pytest.raises(FileNotFoundError, match="body_model_path .*nowhere does not exist"):
        amass_joints(tmp_path / "a.npz", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="needs the SMPLH body model"):
        find_body_model(None, "smplh", "male")
    assert not (tmp_path / "c").exists()


def test_bad_npz_files_are_named(tmp_path, model_dir):
    save_sequence(tmp_path / "nofps.npz")
    data = dict(np.load(tmp_path / "nofps.npz"))
    del data["mocap_framerate"]
    np.savez(tmp_path / "nofps.npz", **data)
    with pytest.raises(ValueError, match="nofps.npz: missing frame rate"):
        amass_joints(tmp_path / "nofps.npz", model_dir)
    save_sequence(tmp_path / "trunc.npz")
    raw = (tmp_path / "trunc.npz").read_bytes()
    (tmp_path / "trunc.npz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="trunc.npz: cannot read .npz"):
        amass_joints(tmp_path / "trunc.npz", model_dir)
    save_sequence(tmp_path / "nan.npz", trans=np.full((61, 3), np.nan))
    with pytest.raises(ValueError, match="nan.npz: poses or trans contain NaN"):
        amass_joints(tmp_path / "nan.npz", model_dir)
    save_sequence(tmp_path / "odd.npz", poses=np.zeros((61, 99)))
    with pytest.raises(ValueError, match="odd.npz: cannot tell the body model"):
        amass_joints(tmp_path / "odd.npz", model_dir)
