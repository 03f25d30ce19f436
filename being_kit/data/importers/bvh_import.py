"""Import BVH files from any common humanoid rig as a `humanml263` corpus.

Joints are mapped onto the 22 SMPL body joints by `skeleton_map` (hierarchy first, names second; fingers, toes
beyond the first, eyes and other extras are ignored). Joint positions come from the BVH's own forward kinematics, so
any rest pose (T, A or other) gives the same features. The frame rate is resampled to 20 fps on the joint rotations
(quaternion interpolation) and root translation before kinematics, so bones keep their length. Units (m, cm, mm,
inches, CMU's) and the up axis are read off the rest pose and reported per file, as is a mirrored file (named-left
joints on the body's right), which is flipped back. SMPL-D135 needs SMPL rotations, which a BVH rig does not have,
so only humanml263 is produced.
"""
from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...motion.bvh import BvhMotion, read_bvh
from ...motion.kinematics import forward_kinematics
from ...motion.skeleton import FPS, JOINT_INDEX, NUM_JOINTS
from ..corpus import Corpus, write_corpus
from ..schema import MotionRecord
from ._common import (Captions, ImportLog, Splits, captions_for, list_files, record_id, resample_linear,
                      resample_rotations, resolve_captions, split_for)
from .retarget import HEAD_BONES, TORSO_BONES, bone_off_neutral, neutral_torso
from .skeleton_map import SkeletonMapping, check_sides, map_skeleton

# Candidate units (file units per metre) for `scale=None`: metres, centimetres, millimetres, inches, CMU's units.
_UNITS = {"m": 1.0, "cm": 100.0, "mm": 1000.0, "in": 1 / 0.0254, "cmu": 1 / 0.056444}
_REST = forward_kinematics(np.zeros((1, 3)), np.tile(np.eye(3), (1, NUM_JOINTS, 1, 1)))[0]  # (22, 3) rest pose
_REST_HEIGHT = float(_REST[JOINT_INDEX["head"], 1] - _REST[JOINT_INDEX["left_ankle"], 1])  # metres, head above ankle
HEAD_TOLERANCE = 10.0  # degrees: a rest head this close to the neutral body's is a body's, calibrated with the torso
UP_CONFIDENCE = 0.7  # mean pelvis -> head unit vector length over a clip's frames below which the rest pose decides
PARALLEL_FROM = 8  # files; fewer are read in this process (a worker pool costs about a second to start)

_UP_ROTATIONS = {  # rotation taking the named rest-pose up axis to +y (proper rotations: handedness is kept)
    "y": np.eye(3),
    "-y": np.diag([-1.0, -1.0, 1.0]),
    "z": np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]]),
    "-z": np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]),
    "x": np.array([[0, -1.0, 0], [1, 0, 0], [0, 0, 1]]),
    "-x": np.array([[0, 1.0, 0], [-1, 0, 0], [0, 0, 1]]),
}


def bvh_nodes(motion: BvhMotion) -> tuple[list[str], list[int], np.ndarray]:
    """The skeleton as nodes: joints, then end sites named `<joint>/end`; (names, parents, (n, 3) rest positions)."""
    names, parents = list(motion.joint_names), list(motion.parents)
    rest = np.zeros((len(names), 3))
    for k, p in enumerate(parents):
        rest[k] = motion.offsets[k] + (rest[p] if p >= 0 else 0)
    ends = sorted(motion.end_sites)
    names += [f"{motion.joint_names[k]}/end" for k in ends]
    parents += ends
    rest = np.concatenate([rest, [rest[k] + motion.end_sites[k] for k in ends]]) if ends else rest
    return names, parents, rest


def skeleton_mapping(motion: BvhMotion, joint_map: dict[str, str] | None = None, where: str = "BVH") -> SkeletonMapping:
    names, parents, rest = bvh_nodes(motion)
    return map_skeleton(names, parents, rest, joint_map, where)


def bvh_to_smpl_joints(motion: BvhMotion, joint_map: dict[str, str] | None = None, where: str = "") -> np.ndarray:
    """(t, 22, 3) positions of the SMPL body joints from a BVH motion, in the BVH's units and axes.

    joint_map: SMPL joint name -> BVH joint name (an end site is `<joint>/end`), for joints the rules get wrong.
    """
    return skeleton_mapping(motion, joint_map, where or "BVH").apply(motion.joints(end_sites=True))


_CHAIN = ("left_ankle", "left_knee", "left_hip", "pelvis", "spine1", "spine2", "spine3", "neck", "head")


def _chain_length(joints: np.ndarray) -> float:
    """Ankle-to-head length along the bones of (..., 22, 3) joints: the same in any pose, so units need no stance."""
    idx = [JOINT_INDEX[j] for j in _CHAIN]
    left = np.linalg.norm(np.diff(joints[..., idx, :], axis=-2), axis=-1).sum(-1)
    idx = [JOINT_INDEX[j.replace("left", "right")] for j in _CHAIN]
    right = np.linalg.norm(np.diff(joints[..., idx, :], axis=-2), axis=-1).sum(-1)
    return float(np.median((left + right) / 2))


def infer_units(joints: np.ndarray) -> float:
    """File units per metre: the candidate (m, cm, mm, inches, CMU) that makes the body's ankle-to-head bone length
    closest to HumanML3D's skeleton's, from (..., 22, 3) joints in file units in any pose."""
    length = _chain_length(joints)
    if not np.isfinite(length) or length <= 0:
        raise ValueError("cannot infer units: the body's bones have no length")
    return min(_UNITS.values(), key=lambda u: abs(np.log(length / u / _chain_length(_REST))))


def is_standing(joints: np.ndarray) -> bool:
    """Whether (22, 3) joints stand upright: legs straight below the hips and opposite the spine (a T or A rest
    pose). LaFAN1's rest pose, every bone along x, does not; its frames are used instead."""
    spine = joints[JOINT_INDEX["head"]] - joints[JOINT_INDEX["pelvis"]]
    straight = True
    for side in ("left", "right"):
        hip, knee, ankle = (joints[JOINT_INDEX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        leg = ankle - hip
        bones = np.linalg.norm(knee - hip) + np.linalg.norm(ankle - knee)
        cos = leg @ spine / max(np.linalg.norm(leg) * np.linalg.norm(spine), 1e-12)
        straight &= bool(np.linalg.norm(leg) > 0.95 * bones and cos < -0.9)
    return straight


def infer_up(poses: np.ndarray) -> tuple[str, float]:
    """Up axis ('y', '-z', ...) from (p, 22, 3) poses: the axis of the mean pelvis -> head direction, and how
    consistent that direction is (1: the same in every pose; near 0: the body points every way)."""
    v = poses[:, JOINT_INDEX["head"]] - poses[:, JOINT_INDEX["pelvis"]]
    v = (v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)).mean(0)
    axis = int(np.argmax(np.abs(v)))
    return ("-" if v[axis] < 0 else "") + "xyz"[axis], float(np.linalg.norm(v))


def rest_pose_kind(rest_joints: np.ndarray, up: np.ndarray) -> str:
    """'T' (arms within 25 degrees of horizontal), 'A' (25-65 degrees down), 'arms down' or 'other' (arms up),
    from (22, 3) standing joints."""
    angles = []
    for side in ("left", "right"):
        arm = rest_joints[JOINT_INDEX[f"{side}_wrist"]] - rest_joints[JOINT_INDEX[f"{side}_shoulder"]]
        angles.append(np.degrees(np.arcsin(np.clip(-arm @ up / max(np.linalg.norm(arm), 1e-9), -1, 1))))
    a = float(np.mean(angles))
    return "T" if abs(a) < 25 else "A" if 25 <= a < 65 else "arms down" if a >= 65 else "other"


def resample_bvh(motion: BvhMotion, fps: float) -> BvhMotion:
    """The motion at another frame rate: rotations by quaternion interpolation, translations linearly."""
    if motion.fps == fps:
        return motion
    trans = motion.joint_translations
    return BvhMotion(motion.joint_names, motion.parents, motion.offsets,
                     resample_rotations(motion.local_rotations, motion.fps, fps),
                     resample_linear(motion.root_positions, motion.fps, fps), fps, motion.end_sites,
                     None if trans is None else resample_linear(trans, motion.fps, fps))


def segment_owners(mapping: SkeletonMapping) -> list[int]:
    """Per SMPL joint, the node whose rotation turns its segment: its source node (the heavier one of a blend)."""
    return [max(terms, key=lambda term: term[1])[0] for terms in mapping.sources]


def _neutral_torso(joints: np.ndarray, rotations: np.ndarray, rest_joints: np.ndarray, rest_standing: bool,
                   mirrored: bool) -> tuple[np.ndarray, str]:
    """`retarget.neutral_torso` calibrated on the rest pose when it stands (every rotation the identity there),
    else on the first standing frame; (joints, what was done) for the import report.

    A rig's rest pose holds its neck and head as the rig was built (Rigify's neck straight up, a face joint for the
    head), not as a person carries them, so unless the rest head already sits where a body's does (within
    `HEAD_TOLERANCE`: a rig built on a body), the head is calibrated on the performer's first standing frame."""
    first_standing = next((t for t in range(len(joints)) if is_standing(joints[t])), None)
    head_on_rest = rest_standing and bone_off_neutral(rest_joints, "head", mirrored) < HEAD_TOLERANCE
    if rest_standing:
        calib, calib_rot, where = rest_joints, np.broadcast_to(np.eye(3), (NUM_JOINTS, 3, 3)), "rest pose"
    elif first_standing is None:
        return joints, "rig's own (no standing pose to calibrate on)"
    else:
        calib, calib_rot, where = joints[first_standing], rotations[first_standing], f"frame {first_standing}"
    with_head = head_on_rest or not rest_standing
    joints = neutral_torso(joints, rotations, calib, calib_rot, mirrored,
                           bones=TORSO_BONES + HEAD_BONES if with_head else TORSO_BONES)
    if not with_head and first_standing is not None:
        joints = neutral_torso(joints, rotations, joints[first_standing], rotations[first_standing], mirrored,
                               bones=HEAD_BONES)
        where += f"; the head on frame {first_standing}"
    return joints, f"neutral (calibrated on the {where})"


@dataclass(frozen=True)
class BvhImportOptions:
    scale: float | None = None  # file units per metre; None: inferred from the body's height
    up_axis: str | None = None  # "y", "z", "-z", ...; None: inferred from the rest pose
    joint_map: dict[str, str] | None = None  # SMPL joint -> BVH joint, for joints the rules get wrong
    neutral_torso: bool = True  # redraw hips, spine, collars, neck and head where a body has them (`retarget`)

    def __post_init__(self):
        if self.up_axis is not None and self.up_axis not in _UP_ROTATIONS:
            raise ValueError(f"up_axis: expected one of {list(_UP_ROTATIONS)} or None, got {self.up_axis!r}")
        if self.scale is not None and not (np.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale: expected file units per metre > 0 (100 for centimetres), got {self.scale!r}")


def bvh_joints_y_up(path: Path, options: BvhImportOptions) -> tuple[np.ndarray, dict]:
    """(t, 22, 3) SMPL joints in metres, y up, at 20 fps from one BVH file, and what was detected about it."""
    motion = read_bvh(path, scale=1.0)
    names, parents, rest = bvh_nodes(motion)
    mapping = map_skeleton(names, parents, rest, options.joint_map, str(path))
    rest_joints = mapping.apply(rest[None])[0]
    resampled = resample_bvh(motion, FPS)
    if resampled.num_frames < 2:
        raise ValueError(f"{path}: {motion.num_frames} frame(s) at {motion.fps:g} fps is {resampled.num_frames} "
                         f"frame(s) at {FPS} fps; need at least 2")
    nodes, node_rotations = resampled.forward_kinematics(end_sites=True)
    joints = mapping.apply(nodes)  # file units and axes
    standing = is_standing(rest_joints)
    frames = joints[:: max(1, len(joints) // 200)]
    up, confidence = infer_up(frames)
    poses = frames
    if confidence < UP_CONFIDENCE and standing:  # the body turns over in the clip: trust the standing rest pose
        poses, (up, _) = rest_joints[None], infer_up(rest_joints[None])
    up = options.up_axis or up
    units = options.scale or infer_units(joints[:: max(1, len(joints) // 200)])
    up_rot = _UP_ROTATIONS[up]
    y = np.array([0.0, 1.0, 0.0])
    sides_ok = check_sides(poses @ up_rot.T, y)
    torso = "rig's own"
    if options.neutral_torso:
        joints, torso = _neutral_torso(joints, node_rotations[:, segment_owners(mapping)], rest_joints, standing,
                                       not sides_ok)
    joints = joints / units @ up_rot.T
    if not sides_ok:  # left-handed axes (or swapped side names): flip x back so named-left is the body's left
        joints = joints * np.array([-1.0, 1.0, 1.0])
    unit_name = next((n for n, u in _UNITS.items() if u == units), f"{units:g} per metre")
    info = {"source_fps": motion.fps, "source_frames": motion.num_frames, "units_per_metre": units,
            "units": unit_name, "up_axis": up, "mirrored": not sides_ok,
            "rest_pose": rest_pose_kind(rest_joints @ up_rot.T, y) if standing else "not standing", "torso": torso,
            "joint_map": mapping.describe()}
    return joints, info


def _import_one(args: tuple) -> tuple[MotionRecord | None, str | None, dict]:
    """One file -> (record, None, info) or (None, problem, {}); run in worker processes for large folders."""
    from ...motion.features import features_from_joints

    f, rid, captions, split, source, options = args
    try:
        texts, segments = captions_for(f, rid, captions)
        sp = split_for(f, rid, split)
        joints, info = bvh_joints_y_up(f, options)
        feats = features_from_joints(joints.astype(np.float32), fps=FPS)
    except ValueError as e:
        return None, str(e), {}
    meta = {"file": str(f), **{k: v for k, v in info.items() if k != "joint_map"}}
    record = MotionRecord(id=rid, source=source, fps=float(FPS), representation="humanml263",
                          motion=np.asarray(feats, np.float32), texts=texts, segments=segments, split=sp, meta=meta)
    return record, None, info


def _picklable(*objs) -> bool:
    """Worker processes need the captions and split lookups pickled; a lambda is read in this process instead."""
    try:
        pickle.dumps(objs)
        return True
    except (pickle.PicklingError, AttributeError, TypeError):
        return False


def bvh_records(files: list[Path], base: Path | None, captions: Captions, split: Splits, log: ImportLog,
                source: str, options: BvhImportOptions, workers: int = 0) -> Iterator[MotionRecord]:
    """Records in file order; `workers` > 0 parses in that many processes. Skipped files and the detected
    units, axes and joint mappings (counted per distinct mapping) go to `log`."""
    jobs = [(f, record_id(f, base), captions, split, source, options) for f in files]
    mappings: dict[str, dict] = {}
    if workers > 0 and len(jobs) >= PARALLEL_FROM and _picklable(captions, split, options):
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_import_one, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
    else:
        pool, results = None, map(_import_one, jobs)
    try:
        for job, (record, problem, info) in zip(jobs, results):
            if problem is not None:
                log.problem(problem, file=job[0])
                continue
            for key in ("units", "up_axis", "rest_pose", "mirrored", "torso"):
                counts = log.counts.setdefault(f"{key}_counts", {})
                counts[str(info[key])] = counts.get(str(info[key]), 0) + 1
            key = repr(sorted(info["joint_map"].items()))
            entry = mappings.setdefault(key, {"files": 0, "example": str(job[0]), "joint_map": info["joint_map"]})
            entry["files"] += 1
            log.counts["joint_maps"] = sorted(mappings.values(), key=lambda e: -e["files"])
            yield record
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def import_bvh(
    files: str | Path | Iterable[str | Path],
    out_path: str | Path,
    *,
    captions: Captions | str | Path = None,
    split: Splits = "train",
    scale: float | None = None,
    up_axis: str | None = None,
    joint_map: dict[str, str] | None = None,
    neutral_torso: bool = True,
    on_error: str = "raise",
    source: str = "bvh",
    shard_size: int = 10_000,
    workers: int | None = None,
    progress: bool = True,
) -> Corpus:
    """Import BVH files (a folder searched recursively, or a list) into a humanml263 corpus at `out_path`.

    captions: a dict id/stem -> captions, a callable path -> captions, a captions file (one `<name><TAB><caption>`
    line per caption), a HumanML3D-style `texts/` folder, or None: the folder's `captions.tsv`, else `<stem>.txt`
    sidecars, else `texts/` beside or above the folder. split: one split for all, a dict or callable, or "auto"
    (by each file's id: about 85% train, 5% val, 10% test). scale: file units per metre (None: inferred among m, cm,
    mm, inches and CMU units). up_axis: "y", "z", "-z", ... (None: inferred from the rest pose). joint_map: SMPL
    joint -> BVH joint for joints the rules get wrong. neutral_torso: redraw the rig's hip, spine, collar, neck and
    head joints where a body has them, moving with the rig's segments (`retarget`; False keeps the rig's own
    placement). on_error="skip" imports what it can and lists each skipped file and why in meta.json
    `extra.import`. workers: processes for folders of 8 files or more (None: one per core, at most 8).
    """
    options = BvhImportOptions(scale, up_axis, joint_map, neutral_torso)
    paths, base = list_files(files, ".bvh")
    log = ImportLog(on_error)
    captions = resolve_captions(captions, base, paths=paths, log=log)  # names matching no file go to the log
    workers = min(8, os.cpu_count() or 1) if workers is None else workers
    records = bvh_records(paths, base, captions, split, log, source, options, workers)
    corpus = write_corpus(records, out_path, "humanml263", shard_size=shard_size, progress=progress,
                          extra_meta=lambda: {"import": log.summary(files if base else f"{len(paths)} files", "bvh")})
    if progress and log.num_problems:
        print(f"import_bvh: {len(paths) - log.num_problems} of {len(paths)} files imported, "
              f"{log.num_problems} skipped (meta.json extra.import.skipped_files lists each with its reason):")
        for p in log.skipped[:10]:
            print(f"  {p['file']}: {p['reason']}")
    return corpus
