"""Motion representation: skeleton facts, rotations, kinematics, the 263-d HumanML3D features, SMPL-D135."""
from .features import FEATURE_DIM, GROUPS, features_from_joints, joints_from_features
from .kinematics import forward_kinematics

__all__ = ["FEATURE_DIM", "GROUPS", "features_from_joints", "joints_from_features", "forward_kinematics"]
