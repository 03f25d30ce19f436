"""Motion representation: skeleton facts, rotations, kinematics, the 263-d HumanML3D features, SMPL-D135,
mirroring and normalisation statistics."""
from .d135 import D135_DIM, D135_GROUPS, features_from_rotations, joints_from_d135, mirror_d135, rotations_from_d135
from .features import FEATURE_DIM, GROUPS, features_from_joints, joints_from_features
from .kinematics import forward_kinematics
from .mirror import mirror_features, mirror_joints, mirror_text
from .normalize import Normalizer, compute_stats

__all__ = [
    "FEATURE_DIM",
    "GROUPS",
    "features_from_joints",
    "joints_from_features",
    "D135_DIM",
    "D135_GROUPS",
    "features_from_rotations",
    "joints_from_d135",
    "rotations_from_d135",
    "mirror_d135",
    "mirror_features",
    "mirror_joints",
    "mirror_text",
    "Normalizer",
    "compute_stats",
    "forward_kinematics",
]
