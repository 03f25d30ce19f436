"""Import BVH files whose skeleton maps onto the 22 SMPL body joints by joint names, as a `humanml263` corpus.

Limbs, neck and head are matched by name (CMU, Mixamo, 3ds Max Biped and common variants; a `mixamorig:`-style
prefix is ignored; `joint_map` overrides). The spine is matched by structure, since conventions disagree on what
`Spine1` is: the chain from the hips to the joint the collars hang from gives spine1 (first), spine3 (last) and
spine2 (the middle joint, or the midpoint when the chain has two). Joint positions come from the BVH's own forward
kinematics, so any rest pose works; they are scaled to metres, turned y up, resampled to 20 fps and encoded with
`features_from_joints` (which retargets to HumanML3D's skeleton). SMPL-D135 needs SMPL rotations, which a BVH rig
does not have, so only humanml263 is produced.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ...motion.bvh import BvhMotion, read_bvh
from ...motion.kinematics import forward_kinematics
from ...motion.skeleton import FPS, JOINT_INDEX, NUM_JOINTS
from ..corpus import Corpus, write_corpus
from ..schema import MotionRecord
from ._common import Captions, ImportLog, Splits, captions_for, list_files, record_id, resample_linear, split_for

# Left-side names (normalised: lower case, letters and digits only); right side is derived by `_mirror_name`.
_LEFT_NAMES: dict[str, tuple[str, ...]] = {
    "left_hip": ("leftupleg", "lefthip", "lhip", "leftthigh", "leftupperleg", "lthigh", "bip01lthigh", "lupleg"),
    "left_knee": ("leftleg", "leftknee", "lknee", "leftshin", "leftlowerleg", "lshin", "bip01lcalf", "leftcalf", "lleg"),
    "left_ankle": ("leftfoot", "leftankle", "lankle", "lfoot", "bip01lfoot"),
    "left_foot": ("lefttoebase", "lefttoe", "lefttoes", "ltoe", "ltoes", "ltoebase", "bip01ltoe0", "leftball"),
    "left_collar": ("leftshoulder", "leftcollar", "lcollar", "leftclavicle", "lclavicle", "bip01lclavicle"),
    "left_shoulder": ("leftarm", "leftuparm", "leftupperarm", "lshoulder", "lupperarm", "luparm", "bip01lupperarm", "larm"),
    "left_elbow": ("leftforearm", "leftlowarm", "leftelbow", "lelbow", "leftlowerarm", "lforearm", "bip01lforearm"),
    "left_wrist": ("lefthand", "leftwrist", "lwrist", "lhand", "bip01lhand"),
}
_CENTRE_NAMES: dict[str, tuple[str, ...]] = {
    "pelvis": ("hips", "hip", "pelvis", "root", "bip01pelvis"),
    "neck": ("neck", "neck1", "bip01neck"),
    "head": ("head", "bip01head"),
}
# Candidate units (file units per metre) for `scale=None`: metres, centimetres, millimetres, inches, CMU's units.
_UNITS = (1.0, 100.0, 1000.0, 1 / 0.0254, 1 / 0.056444)
_REST = forward_kinematics(np.zeros((1, 3)), np.tile(np.eye(3), (1, NUM_JOINTS, 1, 1)))[0]  # (22, 3) rest pose
_REST_HEIGHT = float(_REST[JOINT_INDEX["head"], 1] - _REST[JOINT_INDEX["left_ankle"], 1])  # metres, head above ankle


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.split(":")[-1].lower())


def _mirror_name(name: str) -> str:
    if name.startswith("bip01l"):
        return "bip01r" + name[6:]
    if name.startswith("left"):
        return "right" + name[4:]
    return "r" + name[1:] if name.startswith("l") else name


NAME_CANDIDATES: dict[str, tuple[str, ...]] = {
    **_CENTRE_NAMES,
    **_LEFT_NAMES,
    **{k.replace("left_", "right_"): tuple(_mirror_name(n) for n in v) for k, v in _LEFT_NAMES.items()},
}


def _find(motion: BvhMotion, joint: str, joint_map: dict[str, str]) -> int | None:
    if joint in joint_map:
        return motion.index(joint_map[joint])
    normed = {_norm(n): k for k, n in reversed(list(enumerate(motion.joint_names)))}  # first occurrence wins
    return next((normed[c] for c in NAME_CANDIDATES.get(joint, ()) if c in normed), None)


def _rest_positions(motion: BvhMotion) -> np.ndarray:
    pos = np.zeros((len(motion.parents), 3))
    for k, p in enumerate(motion.parents):
        pos[k] = motion.offsets[k] + (pos[p] if p >= 0 else 0)
    return pos


def bvh_to_smpl_joints(motion: BvhMotion, joint_map: dict[str, str] | None = None, where: str = "") -> np.ndarray:
    """(t, 22, 3) positions of the SMPL body joints from a BVH motion, in the BVH's units and axes.

    joint_map: SMPL joint name -> BVH joint name, overriding the built-in name matching.
    """
    joint_map = joint_map or {}
    where = where or "BVH"
    found = {j: _find(motion, j, joint_map) for j in NAME_CANDIDATES}
    ends = sorted(motion.end_sites)
    full = motion.joints(end_sites=True)  # (t, j + e, 3)
    if found["left_foot"] is None and found["left_ankle"] in motion.end_sites:
        found["left_foot"] = len(motion.joint_names) + ends.index(found["left_ankle"])
    if found["right_foot"] is None and found["right_ankle"] in motion.end_sites:
        found["right_foot"] = len(motion.joint_names) + ends.index(found["right_ankle"])
    required = [j for j in NAME_CANDIDATES if j not in ("left_collar", "right_collar")]
    missing = [j for j in required if found[j] is None]
    if missing:
        raise ValueError(f"{where}: cannot map SMPL joints {missing} onto BVH joints {motion.joint_names}; "
                         "pass joint_map={smpl_name: bvh_name}")
    out = np.zeros((full.shape[0], NUM_JOINTS, 3))
    for j, k in found.items():
        if k is not None:
            out[:, JOINT_INDEX[j]] = full[:, k]
    # spine by structure: hips -> ... -> the joint the arms hang from
    arm_root = found["left_collar"] if found["left_collar"] is not None else found["left_shoulder"]
    top = motion.parents[arm_root]
    chain, k = [], top
    while k >= 0 and k != found["pelvis"]:
        chain.append(k)
        k = motion.parents[k]
    if k != found["pelvis"] or not chain:
        raise ValueError(f"{where}: the arms' parent {motion.joint_names[top]!r} is not above the hips in the hierarchy")
    chain.reverse()
    rest = _rest_positions(motion)
    bone = [np.linalg.norm(rest[c] - rest[motion.parents[c]]) for c in chain]
    chain = [c for i, c in enumerate(chain) if i == len(chain) - 1 or bone[i] > 1e-6]  # drop zero-length links
    pelvis = full[:, found["pelvis"]]
    if len(chain) == 1:
        s3 = full[:, chain[0]]
        s1, s2 = pelvis + (s3 - pelvis) / 3, pelvis + (s3 - pelvis) * 2 / 3
    elif len(chain) == 2:
        s1, s3 = full[:, chain[0]], full[:, chain[1]]
        s2 = (s1 + s3) / 2
    else:
        s1, s2, s3 = full[:, chain[0]], full[:, chain[len(chain) // 2]], full[:, chain[-1]]
    out[:, JOINT_INDEX["spine1"]], out[:, JOINT_INDEX["spine2"]], out[:, JOINT_INDEX["spine3"]] = s1, s2, s3
    for side in ("left", "right"):
        if found[f"{side}_collar"] is None:
            out[:, JOINT_INDEX[f"{side}_collar"]] = (s3 + out[:, JOINT_INDEX[f"{side}_shoulder"]]) / 2
    return out


_UP_ROTATIONS = {  # rotation taking the named rest-pose up axis to +y (proper rotations: handedness is kept)
    "y": np.eye(3),
    "-y": np.diag([-1.0, -1.0, 1.0]),
    "z": np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]]),
    "-z": np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]),
    "x": np.array([[0, -1.0, 0], [1, 0, 0], [0, 0, 1]]),
    "-x": np.array([[0, 1.0, 0], [-1, 0, 0], [0, 0, 1]]),
}


def infer_up_and_scale(joints: np.ndarray) -> tuple[str, float]:
    """Up axis (pelvis -> head in the first frame) and file units per metre (the candidate unit that makes the
    head-above-ankle height closest to HumanML3D's skeleton's) from (t, 22, 3) joints in file units."""
    up_vec = joints[0, JOINT_INDEX["head"]] - joints[0, JOINT_INDEX["pelvis"]]
    axis = int(np.argmax(np.abs(up_vec)))
    up = ("-" if up_vec[axis] < 0 else "") + "xyz"[axis]
    feet = joints[0, [JOINT_INDEX["left_ankle"], JOINT_INDEX["right_ankle"]]].mean(0)
    height = abs(float(joints[0, JOINT_INDEX["head"], axis] - feet[axis]))
    if height <= 0:
        raise ValueError("cannot infer units: head and ankles at the same height")
    scale = min(_UNITS, key=lambda u: abs(np.log(height / u / _REST_HEIGHT)))
    return up, scale


def bvh_records(files: list[Path], base: Path | None, captions: Captions, split: Splits, log: ImportLog,
                source: str, scale: float | None, up_axis: str | None,
                joint_map: dict[str, str] | None) -> Iterator[MotionRecord]:
    from ...motion.features import features_from_joints

    for f in files:
        rid = record_id(f, base)
        try:
            texts, segments = captions_for(f, rid, captions)
            sp = split_for(f, rid, split)
            motion = read_bvh(f, scale=1.0)
            joints = bvh_to_smpl_joints(motion, joint_map, str(f))
            up, units = infer_up_and_scale(joints)
            up, units = up_axis or up, scale or units
            if up not in _UP_ROTATIONS:
                raise ValueError(f"up_axis: expected one of {list(_UP_ROTATIONS)}, got {up!r}")
            joints = resample_linear(joints / units @ _UP_ROTATIONS[up].T, motion.fps, FPS)
            if joints.shape[0] < 2:
                raise ValueError(f"{f}: only {joints.shape[0]} frame(s) at {FPS} fps; need at least 2")
            feats = features_from_joints(joints.astype(np.float32), fps=FPS)
        except ValueError as e:
            log.problem(str(e))
            continue
        yield MotionRecord(id=rid, source=source, fps=float(FPS), representation="humanml263",
                           motion=np.asarray(feats, np.float32), texts=texts, segments=segments, split=sp,
                           meta={"file": str(f), "source_fps": motion.fps, "units_per_metre": units, "up_axis": up})


def import_bvh(
    files: str | Path | Iterable[str | Path],
    out_path: str | Path,
    *,
    captions: Captions = None,
    split: Splits = "train",
    scale: float | None = None,
    up_axis: str | None = None,
    joint_map: dict[str, str] | None = None,
    on_error: str = "raise",
    source: str = "bvh",
    shard_size: int = 10_000,
    progress: bool = True,
) -> Corpus:
    """Import BVH files (a folder searched recursively, or a list) into a humanml263 corpus at `out_path`.

    captions: dict id/stem -> captions, a callable path -> captions, or `<stem>.txt` sidecars (plain lines or
    HumanML3D lines). scale: file units per metre (None: inferred from the body's height among m, cm, mm,
    inches and CMU units). up_axis: "y", "z", "-z", ... (None: inferred from the rest pose).
    """
    paths, base = list_files(files, ".bvh")
    log = ImportLog(on_error)
    records = bvh_records(paths, base, captions, split, log, source, scale, up_axis, joint_map)
    return write_corpus(records, out_path, "humanml263", shard_size=shard_size, progress=progress,
                        extra_meta=lambda: {"import": log.summary(files if base else f"{len(paths)} files", "bvh")})
