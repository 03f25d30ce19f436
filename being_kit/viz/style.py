"""One look for every motion picture: bones of the 22-joint skeleton, body-part colours, motion tints.

Bones are (parent, child) pairs from `skeleton.PARENTS`, each coloured by its child's body part (`skeleton.BODY_PARTS`),
so the 3D player, static pictures and GIFs agree. Motions shown together get a tint (ground truth, reconstruction,
generation...) mixed into the part colours so overlays stay tellable apart.
"""
from __future__ import annotations

import numpy as np

from ..motion.skeleton import BODY_PARTS, NUM_JOINTS, PARENTS

PART_COLORS: dict[str, str] = {  # colour-blind safe (Okabe-Ito)
    "torso": "#555555",
    "left_arm": "#0072B2",
    "right_arm": "#D55E00",
    "left_leg": "#56B4E9",
    "right_leg": "#E69F00",
}
MOTION_TINTS: tuple[str, ...] = ("#000000", "#009E73", "#CC79A7", "#F0E442", "#7F7F7F", "#8C564B")
BACKGROUND = "#FFFFFF"
GROUND = "#D9D9D9"
TRAJECTORY = "#009E73"

JOINT_PART: tuple[str, ...] = tuple(
    next(name for name, joints in BODY_PARTS.items() if j in joints) for j in range(NUM_JOINTS)
)
BONES: tuple[tuple[int, int], ...] = tuple((p, c) for c, p in enumerate(PARENTS) if p >= 0)  # 21 (parent, child)


def hex_to_rgb(color: str) -> np.ndarray:
    """'#RRGGBB' -> (3,) floats in [0, 1]."""
    color = color.lstrip("#")
    if len(color) != 6:
        raise ValueError(f"color: expected '#RRGGBB', got {color!r}")
    return np.array([int(color[i : i + 2], 16) / 255.0 for i in (0, 2, 4)])


def rgb_to_hex(rgb: np.ndarray) -> str:
    r, g, b = (int(round(float(np.clip(c, 0, 1)) * 255)) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def part_color(part: str, motion_index: int = 0, mix: float = 0.35) -> str:
    """The colour of a body part for the `motion_index`-th motion shown: the part colour, mixed with that motion's tint
    (motion 0 keeps the pure part colours)."""
    base = hex_to_rgb(PART_COLORS[part])
    if motion_index == 0:
        return PART_COLORS[part]
    tint = hex_to_rgb(MOTION_TINTS[motion_index % len(MOTION_TINTS)])
    return rgb_to_hex((1 - mix) * base + mix * tint)


def bone_colors(motion_index: int = 0) -> list[str]:
    """(21,) colours of `BONES`, by the child's body part."""
    return [part_color(JOINT_PART[c], motion_index) for _, c in BONES]


def joint_colors(motion_index: int = 0) -> list[str]:
    return [part_color(JOINT_PART[j], motion_index) for j in range(NUM_JOINTS)]
