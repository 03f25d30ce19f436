"""One motion's upper body or arms on another's legs: `mix_parts(host, donor, part)` on HumanML3D features.

The synthetic corpus draws each motion's whole body from one action: a walker swings its arms, a crouch bends the
back. Real people combine their parts freely (LaFAN1 walks while aiming, carries, ducks). A tokenizer trained on the
corpus's combinations alone codes a real body as the nearest whole-body pose it knows; on the real travelling pieces
vq's legs read 162 mm and arms 186 against 61 and 86 on the corpus (README: real mocap). Training crops whose parts
come from different motions let the codes learn parts that combine. (Measured on vq at a half share: the real
figure did not move, README: real mocap; `TrainConfig.part_mix` stays 0.)

The swap is made on the joints, frame by frame and rigidly: the donor's part moves from the donor's body frame at the
part's anchor joint into the host's (`PARTS`), so bone lengths and the part's own pose are the donor's, the rest of
the body and the root path the host's. The features are then computed afresh (`features_from_joints`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import FEATURE_DIM, features_from_joints, joints_from_features
from .skeleton import JOINT_INDEX

FOOT_JOINTS = tuple(JOINT_INDEX[n] for n in ("left_ankle", "right_ankle", "left_foot", "right_foot"))
FLOOR_MARGIN_M = 0.02  # a donor part reaching further below the host's feet than this would move the floor: no swap


@dataclass(frozen=True)
class Part:
    """A swappable part: the joints that move, the anchor they hang from, and the joints that fix the body frame
    there (left minus right gives the lateral axis; anchor to `up` gives the vertical one)."""
    joints: tuple[int, ...]
    anchor: int
    left: int
    right: int
    up: int


def _ids(*names: str) -> tuple[int, ...]:
    return tuple(JOINT_INDEX[n] for n in names)


PARTS: dict[str, Part] = {
    # everything above the pelvis, carried in the pelvis's frame (hips and first spine joint)
    "upper": Part(_ids("spine1", "spine2", "spine3", "neck", "left_collar", "right_collar", "head", "left_shoulder",
                       "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist"),
                  *_ids("pelvis", "left_hip", "right_hip", "spine1")),
    # both arms from the collars out, carried in the chest's frame (collars and neck)
    "arms": Part(_ids("left_collar", "right_collar", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
                      "left_wrist", "right_wrist"),
                 *_ids("spine3", "left_collar", "right_collar", "neck")),
}


def body_frames(joints: np.ndarray, part: Part) -> np.ndarray:
    """(t, 22, 3) joints -> (t, 3, 3) orthonormal frames at `part.anchor`, columns lateral, up, forward."""
    lateral = joints[:, part.left] - joints[:, part.right]
    up = joints[:, part.up] - joints[:, part.anchor]
    lateral = lateral / np.linalg.norm(lateral, axis=-1, keepdims=True).clip(min=1e-9)
    up = up - (up * lateral).sum(-1, keepdims=True) * lateral
    up = up / np.linalg.norm(up, axis=-1, keepdims=True).clip(min=1e-9)
    return np.stack([lateral, up, np.cross(lateral, up)], axis=-1)


def swap_part(host: np.ndarray, donor: np.ndarray, part: str) -> np.ndarray:
    """(t, 22, 3) host and donor joints -> the host with the donor's `part` (a `PARTS` name), each frame's part moved
    rigidly from the donor's frame at the anchor into the host's."""
    spec = _part(part)
    host, donor = np.asarray(host, np.float64), np.asarray(donor, np.float64)
    if host.ndim != 3 or host.shape[1:] != (22, 3) or donor.shape != host.shape:
        raise ValueError(f"host, donor: expected two (t, 22, 3) joint arrays of one shape, got {host.shape} and "
                         f"{donor.shape}")
    to_host = body_frames(host, spec) @ body_frames(donor, spec).transpose(0, 2, 1)
    moved = donor[:, spec.joints] - donor[:, spec.anchor : spec.anchor + 1]
    out = host.copy()
    out[:, spec.joints] = np.einsum("tij,tkj->tki", to_host, moved) + host[:, spec.anchor : spec.anchor + 1]
    return out.astype(np.float32)


def mix_parts(host: np.ndarray, donor: np.ndarray, part: str) -> np.ndarray | None:
    """(t, 263) raw host and donor features (t >= 2, one length) -> (t - 1, 263) features of the host carrying the
    donor's `part`, or None where the swapped part would reach below the host's feet (the floor would move)."""
    for name, x in (("host", host), ("donor", donor)):
        if np.ndim(x) != 2 or np.shape(x)[1] != FEATURE_DIM or len(x) < 2:
            raise ValueError(f"{name}: expected (frames >= 2, {FEATURE_DIM}) humanml263 features, got {np.shape(x)}")
    if len(host) != len(donor):
        raise ValueError(f"host, donor: expected one length, got {len(host)} and {len(donor)} frames")
    joints = swap_part(joints_from_features(host), joints_from_features(donor), part)
    feet = joints[:, FOOT_JOINTS, 1].min()
    if joints[:, _part(part).joints, 1].min() < feet - FLOOR_MARGIN_M:
        return None
    return features_from_joints(joints)


def _part(name: str) -> Part:
    if name not in PARTS:
        raise ValueError(f"part: expected one of {sorted(PARTS)}, got {name!r}")
    return PARTS[name]
