"""Left/right mirroring of motions and captions, HumanML3D's data augmentation.

HumanML3D doubles its data by mirroring every motion through the x = 0 plane (x -> -x, left and right joints
swapped) and replacing keywords in the captions ("left" <-> "right", "clockwise" <-> "counterclockwise").
Here: joints (..., 22, 3), 263-d features (..., 263) and D135 features (`d135.mirror_d135`), numpy or torch.
All are involutions: mirroring twice gives the input back.
"""
from __future__ import annotations

import re

import numpy as np

from .d135 import mirror_d135
from .features import FEATURE_DIM, GROUPS
from .rotations import _cat, _is_torch, mirror_rot6d
from .skeleton import FOOT_JOINTS_LEFT, FOOT_JOINTS_RIGHT, MIRROR_PERMUTATION, NUM_JOINTS

__all__ = ["mirror_joints", "mirror_features", "mirror_d135", "mirror_text"]

_PERM = np.asarray(MIRROR_PERMUTATION)
_PERM_NO_ROOT = _PERM[1:] - 1  # partner of joint j (1..21) as an index into joints 1..21
_X_SIGN = np.array([-1.0, 1.0, 1.0], dtype=np.float32)


def _as_array(x):
    if _is_torch(x):
        return x
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    return x


def _negate_x(v):
    """(..., 3) vectors with x negated, keeping the array kind and dtype."""
    if _is_torch(v):
        import torch

        return v * torch.tensor(_X_SIGN, dtype=v.dtype, device=v.device)
    return v * _X_SIGN.astype(v.dtype)


def mirror_joints(joints):
    """Joint positions (..., 22, 3) -> mirrored positions (x negated, left/right joints swapped); numpy or torch."""
    joints = _as_array(joints)
    if joints.ndim < 2 or tuple(joints.shape[-2:]) != (NUM_JOINTS, 3):
        raise ValueError(f"joints: expected (..., {NUM_JOINTS}, 3) positions, got {tuple(joints.shape)}")
    return _negate_x(joints[..., _PERM, :])


def mirror_features(feats):
    """HumanML3D features (..., 263) -> the features of the mirrored motion, computed directly; numpy or torch.

    Root yaw velocity and lateral velocity change sign, positions and velocities are mirrored per joint with the
    joint order swapped, rotations become M R M (M = diag(-1, 1, 1)), foot contacts swap feet. Decoding commutes with
    it exactly: joints_from_features(mirror_features(f)) == mirror_joints(joints_from_features(f)). Against
    features_from_joints(mirror_joints(j)) it differs only by the retargeting to the target skeleton, whose left and
    right bones differ in length by up to 9 mm.
    """
    feats = _as_array(feats)
    if feats.ndim < 1 or feats.shape[-1] != FEATURE_DIM:
        raise ValueError(f"feats: expected (..., {FEATURE_DIM}) HumanML3D features, got {tuple(feats.shape)}")
    lead = tuple(feats.shape[:-1])
    ric = feats[..., GROUPS["ric"]].reshape(lead + (NUM_JOINTS - 1, 3))
    rot = feats[..., GROUPS["rot6d"]].reshape(lead + (NUM_JOINTS - 1, 6))
    vel = feats[..., GROUPS["local_velocity"]].reshape(lead + (NUM_JOINTS, 3))
    left = [259 + i for i in range(len(FOOT_JOINTS_LEFT))]
    right = [259 + len(FOOT_JOINTS_LEFT) + i for i in range(len(FOOT_JOINTS_RIGHT))]
    parts = [
        -feats[..., 0:1],  # yaw velocity
        -feats[..., 1:2],  # lateral velocity
        feats[..., 2:4],  # forward velocity, height
        _negate_x(ric[..., _PERM_NO_ROOT, :]).reshape(lead + (63,)),
        mirror_rot6d(rot[..., _PERM_NO_ROOT, :]).reshape(lead + (126,)),
        _negate_x(vel[..., _PERM, :]).reshape(lead + (66,)),
        feats[..., right],
        feats[..., left],
    ]
    return _cat(parts, -1)


_SWAPS = {
    "left": "right",
    "right": "left",
    "clockwise": "counterclockwise",
    "counterclockwise": "clockwise",
    "counter-clockwise": "clockwise",
    "anticlockwise": "clockwise",
    "anti-clockwise": "clockwise",
}
# Longest alternatives first so "counter-clockwise" wins over "clockwise"; whole words only ("leftover" stays).
_PATTERN = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(_SWAPS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def mirror_text(text: str) -> str:
    """Caption of the mirrored motion: swaps left/right and clockwise/counterclockwise, whole words, keeping case.

    "Turns left, then waves the Right hand clockwise" -> "Turns right, then waves the Left hand counterclockwise".
    Hyphenated compounds keep working ("left-handed" -> "right-handed"); other words containing them do not change.
    """
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str caption, got {type(text).__name__}")
    return _PATTERN.sub(lambda m: _match_case(_SWAPS[m.group(1).lower()], m.group(1)), text)
