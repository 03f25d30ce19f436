"""Skeleton mapping (being_kit.data.importers.skeleton_map) across naming families, rest poses and mirrored files,
rotation resampling, and the real clips shipped in being_kit/data/mocap_clips."""
from __future__ import annotations

import numpy as np
import pytest

from being_kit.data import import_bvh
from being_kit.data.importers.bvh_import import (BvhImportOptions, bvh_joints_y_up, bvh_to_smpl_joints, infer_units,
                                                 is_standing, skeleton_mapping)
from being_kit.data.importers.skeleton_map import side_and_part
from being_kit.data.real_clips import CLIPS_DIR, clip_paths
from being_kit.motion.bvh import read_bvh, write_bvh
from being_kit.motion.features import features_from_joints
from being_kit.motion.kinematics import forward_kinematics
from being_kit.motion.mirror import mirror_joints
from being_kit.motion.rotations import axis_angle_to_matrix
from being_kit.motion.skeleton import JOINT_INDEX, JOINT_NAMES, NUM_JOINTS, PARENTS, TARGET_OFFSETS

# SMPL joint -> name in each family; {Side} Left/Right, {S} L/R, {s} l/r.
FAMILIES = {
    "cmu": ["Hips", "{Side}UpLeg", "{Side}Leg", "{Side}Foot", "{Side}ToeBase", "LowerBack", "Spine", "Spine1", "Neck",
            "Head", "{Side}Shoulder", "{Side}Arm", "{Side}ForeArm", "{Side}Hand"],
    "mixamo": ["mixamorig:Hips", "mixamorig:{Side}UpLeg", "mixamorig:{Side}Leg", "mixamorig:{Side}Foot",
               "mixamorig:{Side}ToeBase", "mixamorig:Spine", "mixamorig:Spine1", "mixamorig:Spine2", "mixamorig:Neck",
               "mixamorig:Head", "mixamorig:{Side}Shoulder", "mixamorig:{Side}Arm", "mixamorig:{Side}ForeArm",
               "mixamorig:{Side}Hand"],
    "lafan1": ["Hips", "{Side}UpLeg", "{Side}Leg", "{Side}Foot", "{Side}Toe", "Spine", "Spine1", "Spine2", "Neck",
               "Head", "{Side}Shoulder", "{Side}Arm", "{Side}ForeArm", "{Side}Hand"],
    "bandai": ["Hips", "UpperLeg_{S}", "LowerLeg_{S}", "Foot_{S}", "Toes_{S}", "Spine", "Chest", "UpperChest", "Neck",
               "Head", "Shoulder_{S}", "UpperArm_{S}", "LowerArm_{S}", "Hand_{S}"],
    "mocapbank": ["Hips", "{Side}Hip", "{Side}Knee", "{Side}Ankle", "{Side}Toe", "Chest", "Chest2", "Chest3", "Neck",
                  "Head", "{Side}Collar", "{Side}Shoulder", "{Side}Elbow", "{Side}Wrist"],
    "rigify": ["pelvis", "thigh.{S}", "shin.{S}", "foot.{S}", "toe.{S}", "spine", "spine.001", "spine.002", "neck",
               "head", "shoulder.{S}", "upper_arm.{S}", "forearm.{S}", "hand.{S}"],
    "unreal": ["pelvis", "thigh_{s}", "calf_{s}", "foot_{s}", "ball_{s}", "spine_01", "spine_02", "spine_03",
               "neck_01", "head", "clavicle_{s}", "upperarm_{s}", "lowerarm_{s}", "hand_{s}"],
    "biped": ["Bip01_Pelvis", "Bip01_{S}_Thigh", "Bip01_{S}_Calf", "Bip01_{S}_Foot", "Bip01_{S}_Toe0", "Bip01_Spine",
              "Bip01_Spine1", "Bip01_Spine2", "Bip01_Neck", "Bip01_Head", "Bip01_{S}_Clavicle", "Bip01_{S}_UpperArm",
              "Bip01_{S}_Forearm", "Bip01_{S}_Hand"],
    "smpl_caps": ["Pelvis", "L_Hip", "L_Knee", "L_Ankle", "L_Foot", "Spine1", "Spine2", "Spine3", "Neck", "Head",
                  "L_Collar", "L_Shoulder", "L_Elbow", "L_Wrist"],
}
_ORDER = ["pelvis", "left_hip", "left_knee", "left_ankle", "left_foot", "spine1", "spine2", "spine3", "neck", "head",
          "left_collar", "left_shoulder", "left_elbow", "left_wrist"]


def family_names(family: str) -> list[str]:
    table = dict(zip(_ORDER, FAMILIES[family]))
    out = []
    for j in JOINT_NAMES:
        side = "Right" if j.startswith("right_") else "Left"
        name = table[j.replace("right_", "left_")]
        if family == "smpl_caps" and side == "Right":
            name = name.replace("L_", "R_")
        out.append(name.format(Side=side, S=side[0], s=side[0].lower()))
    return out


def motion(t=41, seed=0):
    rng = np.random.default_rng(seed)
    rot = axis_angle_to_matrix(rng.normal(0, 0.25, (t, NUM_JOINTS, 3)) * np.linspace(0.2, 1, t)[:, None, None])
    root = np.stack([np.linspace(0, 1, t), np.full(t, 0.95), np.zeros(t)], 1)
    return rot, root


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_naming_family_maps_onto_the_smpl_joints(tmp_path, family):
    rot, root = motion()
    names = family_names(family)
    write_bvh(tmp_path / "m.bvh", local_rotations=rot, root_positions=root, joint_names=names, fps=20)
    m = read_bvh(tmp_path / "m.bvh")
    assert skeleton_mapping(m).describe() == dict(zip(JOINT_NAMES, names))
    np.testing.assert_allclose(bvh_to_smpl_joints(m), forward_kinematics(root, rot), atol=1e-5)


def test_side_words_as_prefix_or_suffix():
    cases = {"LeftUpLeg": ("left", "upleg"), "mixamorig:RightHand": ("right", "hand"), "LHipJoint": ("left", "hipjoint"),
             "Shoulder_L": ("left", "shoulder"), "upper_arm.R": ("right", "upperarm"), "hand_l": ("left", "hand"),
             "Bip01 R Forearm": ("right", "forearm"), "lefthand": ("left", "hand"), "L1": (None, "l"),
             "Character1_LeftHand": ("left", "hand"), "Spine2": (None, "spine"), "LowerBack": (None, "lowerback")}
    assert {n: side_and_part(n) for n in cases} == cases


def test_own_export_maps_back_exactly(tmp_path):
    """being-kit's own BVH (SMPL names) round-trips: its `left_collar`/`left_shoulder` are not confused."""
    rot, root = motion(seed=3)
    write_bvh(tmp_path / "own.bvh", local_rotations=rot, root_positions=root)
    m = read_bvh(tmp_path / "own.bvh", scale=1.0)
    assert skeleton_mapping(m).describe() == {j: j for j in JOINT_NAMES}


def _cmu_real_layout():
    """CMU's real tree: LHipJoint between Hips and the thigh, LowerBack at the hips, two neck links, fingers,
    and no toe joint on one side (its end site stands in)."""
    names = ["Hips", "LHipJoint", "LeftUpLeg", "LeftLeg", "LeftFoot", "LeftToeBase", "RHipJoint", "RightUpLeg",
             "RightLeg", "RightFoot", "LowerBack", "Spine", "Spine1", "Neck", "Neck1", "Head", "LeftShoulder",
             "LeftArm", "LeftForeArm", "LeftHand", "LeftFingerBase", "LThumb", "RightShoulder", "RightArm",
             "RightForeArm", "RightHand", "RightFingerBase", "RThumb"]
    parents = [-1, 0, 1, 2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 13, 14, 12, 16, 17, 18, 19, 19, 12, 22, 23, 24, 25, 25]
    off = {"LHipJoint": [0, 0, 0], "LeftUpLeg": [0.09, -0.09, 0.03], "LeftLeg": [0, -0.39, 0], "LeftFoot": [0, -0.4, 0],
           "LeftToeBase": [0, -0.05, 0.13], "LowerBack": [0, 0, 0], "Spine": [0, 0.12, 0], "Spine1": [0, 0.12, 0],
           "Neck": [0, 0.1, 0], "Neck1": [0, 0.08, 0], "Head": [0, 0.08, 0], "LeftShoulder": [0.03, 0.08, 0],
           "LeftArm": [0.13, 0, 0], "LeftForeArm": [0.27, 0, 0], "LeftHand": [0.25, 0, 0],
           "LeftFingerBase": [0.05, 0, 0], "LThumb": [0.03, 0, 0.03]}
    offsets = []
    for n in names:
        o = off.get(n) or off.get(n.replace("Right", "Left").replace("RHip", "LHip").replace("RThumb", "LThumb"))
        o = np.array(o if o is not None else [0, 0, 0], float)
        if n.startswith(("Right", "R")) and n not in ("Spine",):
            o = o * [-1, 1, 1]
        offsets.append(o)
    end_sites = {9: np.array([0, -0.05, 0.13]), 15: np.array([0, 0.1, 0]), 5: np.array([0, 0, 0.03]),
                 20: np.array([0.03, 0, 0]), 21: np.array([0.02, 0, 0]), 26: np.array([-0.03, 0, 0]),
                 27: np.array([-0.02, 0, 0])}
    return names, parents, np.array(offsets), end_sites


def test_cmu_tree_by_structure(tmp_path):
    names, parents, offsets, ends = _cmu_real_layout()
    rng = np.random.default_rng(4)
    rot = axis_angle_to_matrix(rng.normal(0, 0.2, (12, len(names), 3)))
    write_bvh(tmp_path / "cmu.bvh", local_rotations=rot, root_positions=np.tile([0, 0.95, 0], (12, 1)),
              joint_names=names, parents=parents, offsets=offsets, end_sites=ends, fps=120)
    got = skeleton_mapping(read_bvh(tmp_path / "cmu.bvh", scale=1.0)).describe()
    assert got["left_hip"] == "LeftUpLeg" and got["right_foot"] == "RightFoot/end" and got["left_foot"] == "LeftToeBase"
    assert got["left_collar"] == "LeftShoulder" and got["left_shoulder"] == "LeftArm" and got["left_wrist"] == "LeftHand"
    assert got["spine1"] == "Spine" and got["spine3"] == "Spine1" and got["neck"] == "Neck" and got["head"] == "Head"
    assert got["spine2"].startswith("blend(Spine*0.5, Spine1*0.5")


def test_unmappable_skeleton_error_gives_a_joint_map_to_edit(tmp_path):
    rot, root = motion(t=5)
    write_bvh(tmp_path / "odd.bvh", local_rotations=rot, root_positions=root,
              joint_names=[f"bone{i}" for i in range(NUM_JOINTS)])
    with pytest.raises(ValueError) as e:
        import_bvh(tmp_path / "odd.bvh", tmp_path / "c", captions={"odd": ["x"]}, progress=False)
    msg = str(e.value)
    assert "odd.bvh: no left wrist" in msg and "'bone0'" in msg and "joint_map={'pelvis': '?'" in msg
    partial = {"left_wrist": "bone20", "right_wrist": "bone21", "left_ankle": "bone7", "right_ankle": "bone8"}
    c = import_bvh(tmp_path / "odd.bvh", tmp_path / "c", captions={"odd": ["x"]}, joint_map=partial, progress=False)
    np.testing.assert_allclose(c[0].motion, features_from_joints(forward_kinematics(root, rot)[::1].astype(np.float32)),
                               atol=1e-4)
    with pytest.raises(ValueError, match=r"joint_map\['head'\] = 'skull' is not a node"):
        import_bvh(tmp_path / "odd.bvh", tmp_path / "c2", captions={"odd": ["x"]}, joint_map={"head": "skull"},
                   progress=False)


def test_rest_pose_arms_down_a_or_t_gives_the_same_features(tmp_path):
    """The same world motion stored over three rest skeletons (HumanML3D's arms down, an A pose, a T pose)
    imports to the same features."""
    rot, root = motion(seed=5)
    for name, angle in (("down", 0.0), ("a", np.pi / 4), ("t", np.pi / 2)):
        offsets, rot_r = TARGET_OFFSETS.copy(), rot.copy()
        for side, sign in (("left", 1), ("right", -1)):  # raise the arm sideways about the forward axis
            r = axis_angle_to_matrix(np.array([0, 0, sign * angle]))
            sh = JOINT_INDEX[f"{side}_shoulder"]
            below = [k for k in range(NUM_JOINTS) if _is_below(k, sh)]
            for k in below:
                offsets[k] = r @ TARGET_OFFSETS[k]
            rot_r[:, sh] = rot[:, sh] @ r.T
            for k in below[:-1]:
                rot_r[:, k] = r @ rot[:, k] @ r.T
        write_bvh(tmp_path / f"{name}.bvh", local_rotations=rot_r, root_positions=root, offsets=offsets, fps=20)
        (tmp_path / f"{name}.txt").write_text("x\n")
    c = {r.id: r for r in import_bvh(tmp_path, tmp_path / "c", progress=False, workers=0)}
    assert {k: r.meta["rest_pose"] for k, r in c.items()} == {"down": "arms down", "a": "A", "t": "T"}
    for k in ("a", "t"):
        np.testing.assert_allclose(c[k].motion, c["down"].motion, atol=1e-4)


def _is_below(k: int, top: int) -> bool:
    while PARENTS[k] >= 0:
        k = PARENTS[k]
        if k == top:
            return True
    return False


def test_mirrored_file_is_detected_and_flipped_back(tmp_path):
    """Left and right names swapped (what a left-handed export looks like): imported as the mirror image, flagged."""
    rot, root = motion(seed=6)
    swapped = [n.replace("left", "tmp").replace("right", "left").replace("tmp", "right") for n in family_names("cmu")]
    swapped = [n.replace("Left", "Tmp").replace("Right", "Left").replace("Tmp", "Right") for n in swapped]
    write_bvh(tmp_path / "m.bvh", local_rotations=rot, root_positions=root, joint_names=swapped, fps=20)
    joints, info = bvh_joints_y_up(tmp_path / "m.bvh", BvhImportOptions(neutral_torso=False))
    assert info["mirrored"] is True
    np.testing.assert_allclose(joints, mirror_joints(forward_kinematics(root, rot)), atol=1e-5)
    # with the torso redrawn, each named hip takes its own side's neutral place (the skeleton's hips differ by 1 cm
    # so that both ankles stand on one floor): the mirror image up to that centimetre
    redrawn, info = bvh_joints_y_up(tmp_path / "m.bvh", BvhImportOptions())
    assert info["mirrored"] is True and info["torso"].startswith("neutral")
    assert np.abs(redrawn - joints).max() < 0.02


def test_resampling_interpolates_rotations_so_bones_keep_their_length(tmp_path):
    rot, root = motion(t=50, seed=7)
    rot = axis_angle_to_matrix(np.random.default_rng(7).normal(0, 1.2, (50, NUM_JOINTS, 3)))  # big steps
    write_bvh(tmp_path / "m.bvh", local_rotations=rot, root_positions=root, fps=25)
    joints, info = bvh_joints_y_up(tmp_path / "m.bvh", BvhImportOptions())
    assert info["source_fps"] == 25 and joints.shape[0] == 40  # 49 / 25 s at 20 fps
    bones = np.linalg.norm(joints[:, 1:] - joints[:, list(PARENTS[1:])], axis=-1)
    np.testing.assert_allclose(bones, np.broadcast_to(np.linalg.norm(TARGET_OFFSETS[1:], axis=-1), bones.shape),
                               atol=1e-6)
    np.testing.assert_allclose(joints[::4], forward_kinematics(root, rot)[::5], atol=1e-6)  # common instants


def test_units_from_bone_lengths_in_any_pose():
    rot, root = motion(seed=8)
    joints = forward_kinematics(root, axis_angle_to_matrix(np.random.default_rng(8).normal(0, 1, (41, 22, 3))))
    assert infer_units(joints * 100) == 100 and infer_units(joints / 0.0254) == pytest.approx(1 / 0.0254)
    assert infer_units(joints) == 1.0 and not is_standing(joints[5]) and is_standing(forward_kinematics(
        np.zeros((1, 3)), np.tile(np.eye(3), (1, 22, 1, 1)))[0])


def test_folder_with_captions_file_texts_folder_parallel_and_skip_report(tmp_path):
    rot, root = motion(t=21)
    folder = tmp_path / "mocap"
    for i in range(9):
        write_bvh(folder / f"clip{i}.bvh", local_rotations=rot, root_positions=root + i, fps=20,
                  joint_names=family_names("lafan1"))
    (folder / "broken.bvh").write_text("HIERARCHY\nROOT Hips\n{\n")
    (tmp_path / "captions.tsv").write_text("".join(f"clip{i}.bvh\tcaption {i}\n" for i in range(9))
                                           + "clip0\tsecond caption\nbroken\tx\n")
    serial = import_bvh(folder, tmp_path / "s", captions=tmp_path / "captions.tsv", on_error="skip", workers=0,
                        progress=False)
    parallel = import_bvh(folder, tmp_path / "p", captions=tmp_path / "captions.tsv", on_error="skip", workers=2,
                          progress=False)
    assert [r.id for r in serial] == [r.id for r in parallel] == [f"clip{i}" for i in range(9)]
    assert serial[0].texts == ["caption 0", "second caption"]
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a.motion, b.motion)
    report = parallel.info["extra"]["import"]
    assert report["skipped"] == 1 and report["skipped_files"][0]["file"].endswith("broken.bvh")
    assert "line" in report["skipped_files"][0]["reason"] and report["units_counts"] == {"cm": 9}
    assert report["joint_maps"][0]["files"] == 9 and report["joint_maps"][0]["joint_map"]["left_collar"] == "LeftShoulder"
    texts = tmp_path / "texts"  # HumanML3D layout: texts/ beside the motion folder
    texts.mkdir()
    for i in range(9):
        (texts / f"clip{i}.txt").write_text(f"a person moves {i}#a/DET#0.0#0.0\n")
    c = import_bvh(folder, tmp_path / "t", on_error="skip", workers=0, progress=False)
    assert c[3].texts == ["a person moves 3"]
    (tmp_path / "bad.tsv").write_text("clip0 no tab here\n")
    with pytest.raises(ValueError, match=r"bad.tsv, line 1: expected '<file name><TAB><caption>'"):
        import_bvh(folder, tmp_path / "x", captions=tmp_path / "bad.tsv", progress=False)


EXPECTED_REAL = {  # clip -> (units, rest pose, a few mapped joints)
    "mixamo_walk_turn": ("cm", "T", {"left_collar": "mixamorig:LeftShoulder", "left_foot": "mixamorig:LeftToeBase"}),
    "mocapbank_squat": ("cm", "arms down", {"left_collar": "LeftCollar", "left_shoulder": "LeftShoulder",
                                             "left_foot": "LeftAnkle/end"}),
    "rigify_shift_weight": ("m", "T", {"left_collar": "shoulder.L", "left_wrist": "forearm.L/end", "head": "face"}),
}


@pytest.mark.parametrize("clip", sorted(EXPECTED_REAL))
def test_shipped_real_clips_import_standing_on_the_floor(clip):
    units, rest, some = EXPECTED_REAL[clip]
    joints, info = bvh_joints_y_up(CLIPS_DIR / f"{clip}.bvh", BvhImportOptions())
    assert info["units"] == units and info["rest_pose"] == rest and info["up_axis"] == "y" and not info["mirrored"]
    assert {k: info["joint_map"][k] for k in some} == some
    feet = joints[:, [JOINT_INDEX["left_foot"], JOINT_INDEX["right_foot"]], 1].min(1)
    assert abs(np.median(feet)) < 0.08  # toes on the floor most of the time
    standing = joints[:, JOINT_INDEX["head"], 1].max()
    assert 1.15 < standing < 1.9  # Rigify's metarig body is the smallest: pelvis 0.72 m above the floor


def test_shipped_clips_import_as_a_corpus(tmp_path):
    c = import_bvh(clip_paths(), tmp_path / "real", captions=CLIPS_DIR / "captions.tsv", progress=False)
    assert sorted(r.id for r in c) == sorted(EXPECTED_REAL) and all(r.motion.shape[1] == 263 for r in c)
    assert np.isfinite(np.concatenate([r.motion for r in c])).all()


def test_bench_real_without_a_run_prints_the_dynamics_table(tmp_path, capsys, monkeypatch):
    from being_kit.bench import real

    monkeypatch.chdir(tmp_path)  # no executions/ here: no run to measure
    real.main(["--synthetic", "12", "--out", str(tmp_path / "real.json")])
    out = capsys.readouterr().out
    assert "real clips: 3" in out and "stance_foot_speed" in out and "pass --run" in out
    import json

    figures = json.loads((tmp_path / "real.json").read_text())
    assert {r["metric"] for r in figures["dynamics"]} >= {"joint_speed", "elbow_flexion_range"}


def test_classify_real_clips_scores_only_clips_with_a_known_action(tmp_path):
    from being_kit.data.real_clips import classify_real_clips, import_real_clips

    corpus = import_real_clips(tmp_path / "real")

    class Squatter:  # labels everything "squat"
        def classify(self, motions):
            return ["squat"] * len(motions), None

    rows = {r["clip"]: r for r in classify_real_clips(Squatter(), corpus)}
    assert set(rows) == {"mixamo_walk_turn", "mocapbank_squat"}  # the Rigify clip shows no family
    assert rows["mocapbank_squat"]["correct"] and not rows["mixamo_walk_turn"]["correct"]


def test_folder_captions_tsv_found_and_auto_split(tmp_path):
    rot, root = motion(t=21)
    folder = tmp_path / "bvh"
    for i in range(40):
        write_bvh(folder / f"take{i:02d}.bvh", local_rotations=rot, root_positions=root, fps=20,
                  joint_names=family_names("mixamo"))
    (folder / "captions.tsv").write_text("".join(f"take{i:02d}\ta person moves {i}\n" for i in range(40)))
    c = import_bvh(folder, tmp_path / "c", split="auto", workers=2, progress=False)
    splits = {r.id: r.split for r in c}
    assert set(splits.values()) >= {"train", "test"} and c[7].texts == ["a person moves 7"]
    again = import_bvh(folder, tmp_path / "c2", split="auto", workers=0, progress=False)
    assert {r.id: r.split for r in again} == splits  # by id alone: the same every time


def test_real_clips_with_a_users_folder(tmp_path):
    from being_kit.data.real_clips import import_real_clips

    rot, root = motion(t=30)
    write_bvh(tmp_path / "mine" / "take.bvh", local_rotations=rot, root_positions=root, fps=30,
              joint_names=family_names("bandai"))
    write_bvh(tmp_path / "mine" / "other.bvh", local_rotations=rot, root_positions=root, fps=30,
              joint_names=family_names("unreal"))
    (tmp_path / "mine" / "captions.tsv").write_text("take\ta person sways\n")
    c = {r.id: r for r in import_real_clips(tmp_path / "real", tmp_path / "mine")}
    assert len(c) == 5 and c["take"].texts == ["a person sways"] and c["other"].texts == ["a person moves (other)"]


def test_bench_real_with_a_run_measures_its_tokenizers_and_classifier(tmp_path, capsys):
    import json

    from _lm_fakes import make_fake_run

    from being_kit.bench import real

    make_fake_run(tmp_path / "run", n=32)
    real.main(["--run", str(tmp_path / "run"), "--classifier-steps", "3", "--out", str(tmp_path / "real.json")])
    out = capsys.readouterr().out
    assert "2. tokenizer reconstruction" in out and "3. action classifier" in out
    figures = json.loads((tmp_path / "real.json").read_text())
    (row,) = figures["tokenizers"]
    assert row["tokenizer"] == "vq"
    assert row["ratio"] == pytest.approx(row["real_mpjpe_mm"] / row["synthetic_mpjpe_mm"])
    for k in ("synthetic_mpjpe_mm", "real_mpjpe_mm", "real_whole_take_mpjpe_mm", "real_heading_aligned_mm"):
        assert np.isfinite(row[k]) and row[k] > 0, k
    # turning each frame to its best match can only lower the error, and the turn is a real angle
    assert row["real_heading_aligned_mm"] <= row["real_mpjpe_mm"] + 1e-6
    # vq decoded without its codebook lookup, beside: the conv nets' share of the error
    assert "without the codebook lookup" in out and row["no_lookup_real_mpjpe_mm"] > 0
    assert row["no_lookup_ratio"] == pytest.approx(row["no_lookup_real_mpjpe_mm"] / row["no_lookup_synthetic_mpjpe_mm"])
    assert 0 <= row["real_heading_error_deg"] <= 180
    # the shipped clips hold pieces that stay in place and one that travels: each group measured on its own
    assert row["real_seconds_in_place"] > 0 and row["real_seconds_moving"] > 0
    for key in ("in_place", "moving"):
        assert row[f"ratio_{key}"] == pytest.approx(row[f"real_mpjpe_mm_{key}"] / row["synthetic_mpjpe_mm"])
    assert "by how far the pieces travel" in out
    # the synthetic test split cut the same way; the travel-matched synthetic figure weighs its parts by real seconds
    keys = [k for k in ("in_place", "moving") if f"synthetic_mpjpe_mm_{k}" in row]
    assert keys and "the synthetic test split cut the same way" in out
    for key in keys:
        assert row[f"within_ratio_{key}"] == pytest.approx(row[f"real_mpjpe_mm_{key}"] / row[f"synthetic_mpjpe_mm_{key}"])
        assert row[f"synthetic_seconds_{key}"] > 0
    if len(keys) == 2:
        share = row["real_seconds_moving"] / (row["real_seconds_moving"] + row["real_seconds_in_place"])
        matched = (1 - share) * row["synthetic_mpjpe_mm_in_place"] + share * row["synthetic_mpjpe_mm_moving"]
        assert row["synthetic_mpjpe_mm_travel_matched"] == pytest.approx(matched)
        assert row["ratio_travel_matched"] == pytest.approx(row["real_mpjpe_mm"] / matched)
    else:
        assert "ratio_travel_matched" not in row
    hand = {"real_seconds_in_place": 30.0, "real_seconds_moving": 10.0, "synthetic_mpjpe_mm_in_place": 40.0,
            "synthetic_mpjpe_mm_moving": 80.0, "real_mpjpe_mm": 100.0}
    assert real._travel_matched(hand, ["in place", "moving"]) == {  # 0.75 x 40 + 0.25 x 80
        "synthetic_mpjpe_mm_travel_matched": pytest.approx(50.0), "ratio_travel_matched": pytest.approx(2.0)}
    assert real._travel_matched({k: v for k, v in hand.items() if k != "synthetic_mpjpe_mm_moving"},
                                ["in place", "moving"]) == {}
    # take by take: every shipped clip, its ratio to the synthetic test figure
    assert "by take" in out and set(row["by_take"]) == {"mixamo_walk_turn", "mocapbank_squat", "rigify_shift_weight"}
    for cell in row["by_take"].values():
        assert cell["ratio"] == pytest.approx(cell["mpjpe_mm"] / row["synthetic_mpjpe_mm"])
        assert cell["heading_aligned_mm"] <= cell["mpjpe_mm"] + 1e-6 and cell["seconds"] > 0
    clf = figures["classifier"]
    assert clf["steps"] == 3 and {r["clip"] for r in clf["rows"]} == {"mixamo_walk_turn", "mocapbank_squat"}
    assert clf["accuracy"] == pytest.approx(np.mean([r["correct"] for r in clf["rows"]]))
