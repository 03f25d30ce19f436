"""Map any humanoid mocap skeleton onto the 22 SMPL body joints, by hierarchy first and names second.

Names disagree across rigs (CMU's `LeftShoulder` is a collar, MocapBank's is the upper arm; Rigify has no hand
joint; spines have one to four links), but the tree does not: each limb is a chain that ends in a wrist or an
ankle. So only a few anchors are found by name (wrist/hand, ankle/foot, toe, head, and the side of each joint, as a
prefix or suffix: `Left*`, `L_*`, `*_L`, `*.L`, `*_l`, `mixamorig:`/`Bip01` prefixes ignored), and everything else is
read off the tree: elbow, shoulder and collar are the wrist's ancestors in that order, knee and hip the ankle's,
pelvis is where the legs meet, spine3 where the arms meet, and the spine and neck are the links in between
(zero-length links and twist/roll helpers skipped). Exact SMPL names win over all of it, so being-kit's own BVH
export maps back onto itself, and `joint_map` wins over everything.

Nodes are the skeleton's joints followed by its end sites; an end site is named `<joint>/end`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ...motion.skeleton import JOINT_INDEX, JOINT_NAMES, NUM_JOINTS

_IGNORED_TOKENS = re.compile(r"bip0*1|mixamorig\d*|def|mch|org|jnt")
_WRIST = {"hand", "wrist"}
_ELBOW = {"forearm", "lowerarm", "lowarm", "elbow"}
_ANKLE = {"foot", "ankle"}
_KNEE = {"leg", "lowerleg", "lowleg", "knee", "shin", "calf"}
_TOE = {"toe", "toes", "toebase", "toe0", "ball", "football"}
_HEAD = {"head", "face", "skull"}
_HELPER = re.compile(r"twist|roll|share|helper")
MIN_EXACT_NAMES = 12  # this many SMPL names present: the rig is SMPL-named and its names are taken as they are
ZERO_LENGTH = 1e-6  # metres or file units: links shorter than this sit on their parent and carry no bone


def name_tokens(name: str) -> list[str]:
    """Lower-case words of a joint name: 'mixamorig:LeftUpLeg' -> [left, up, leg], 'LHipJoint' -> [l, hip, joint],
    'upper_arm.L' -> [upper, arm, l]. Namespaces (`a:b`, `a|b`) are dropped."""
    s = re.split(r"[:|]", name)[-1]
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", s)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", s.lower()) if w and not _IGNORED_TOKENS.fullmatch(w)]
    if words and re.fullmatch(r"(left|right)[a-z]+", words[0]):  # all lower case: 'leftupleg'
        side = "left" if words[0].startswith("left") else "right"
        words = [side, words[0][len(side):]] + words[1:]
    return words


def side_and_part(name: str) -> tuple[str | None, str]:
    """('left' | 'right' | None, the name's other words joined, trailing digits dropped)."""
    words = name_tokens(name)
    side = None
    for i in (0, len(words) - 1):
        if words and words[i] in ("l", "left", "r", "right"):
            side = "left" if words[i].startswith("l") else "right"
            words = words[:i] + words[i + 1:]
            break
    else:
        for i, w in enumerate(words):
            if w in ("left", "right"):  # 'Character1_LeftHand': what precedes the side is a prefix
                side, words = w, words[i + 1:]
                break
    return side, re.sub(r"\d+$", "", "".join(words))


@dataclass(frozen=True)
class SkeletonMapping:
    """How to get the 22 SMPL joints from a skeleton's nodes: each joint is a weighted sum of node positions
    (one node with weight 1, or a blend where the rig has no such joint)."""

    node_names: tuple[str, ...]
    sources: tuple[tuple[tuple[int, float], ...], ...]  # one entry per SMPL joint

    def apply(self, nodes: np.ndarray) -> np.ndarray:
        """(t, n, 3) node positions -> (t, 22, 3) SMPL joint positions."""
        out = np.zeros(nodes.shape[:-2] + (NUM_JOINTS, 3), dtype=nodes.dtype)
        for j, terms in enumerate(self.sources):
            for k, w in terms:
                out[..., j, :] += w * nodes[..., k, :]
        return out

    def describe(self) -> dict[str, str]:
        """SMPL joint -> the node it comes from, or the blend, e.g. 'spine2': 'mid(Spine, Spine1)'."""
        out = {}
        for name, terms in zip(JOINT_NAMES, self.sources):
            if len(terms) == 1:
                out[name] = self.node_names[terms[0][0]]
            else:
                out[name] = "blend(" + ", ".join(f"{self.node_names[k]}*{w:.3g}" for k, w in terms) + ")"
        return out


class _Tree:
    def __init__(self, names: list[str], parents: list[int], rest: np.ndarray):
        self.names, self.parents, self.rest = names, parents, rest
        self.children: list[list[int]] = [[] for _ in names]
        for k, p in enumerate(parents):
            if p >= 0:
                self.children[p].append(k)
        self.depth = []
        for p in parents:
            self.depth.append(0 if p < 0 else self.depth[p] + 1)  # parents come before children
        self.info = [side_and_part(n) for n in names]
        self.side = []
        for k, (s, _) in enumerate(self.info):  # an unnamed side (an end site, 'Hand_Index1') is the parent's
            self.side.append(s if s is not None or parents[k] < 0 else self.side[parents[k]])

    def ancestors(self, k: int) -> list[int]:
        out = []
        while self.parents[k] >= 0:
            k = self.parents[k]
            out.append(k)
        return out

    def is_below(self, k: int, top: int) -> bool:
        return top in self.ancestors(k)

    def common_ancestor(self, a: int, b: int) -> int:
        up = set([a] + self.ancestors(a))
        return next(k for k in [b] + self.ancestors(b) if k in up)

    def link_length(self, k: int) -> float:
        p = self.parents[k]
        return float(np.linalg.norm(self.rest[k] - self.rest[p])) if p >= 0 else 0.0

    def links_between(self, k: int, top: int) -> list[int]:
        """Ancestors of k below `top` (nearest first), without zero-length links and twist/roll helpers."""
        out = []
        for a in self.ancestors(k):
            if a == top:
                return out
            if self.link_length(a) > ZERO_LENGTH * self._scale and not _HELPER.search(self.info[a][1]):
                out.append(a)
        raise ValueError(f"{self.names[top]!r} is not above {self.names[k]!r} in the hierarchy")

    @property
    def _scale(self) -> float:
        return max(float(np.ptp(self.rest, axis=0).max()), 1e-9)

    def named(self, side: str | None, parts: set[str], within: int | None = None) -> int | None:
        """The highest node of this side whose name part is in `parts` (optionally inside `within`'s subtree)."""
        hits = [k for k, (_, part) in enumerate(self.info)
                if self.side[k] == side and part in parts and (within is None or self.is_below(k, within))]
        return min(hits, key=lambda k: (self.depth[k], k)) if hits else None

    def limb_end(self, side: str, ends: set[str], middles: set[str]) -> int | None:
        """A wrist or ankle: the node named as one, else the child of the node named as the elbow or knee."""
        end = self.named(side, ends)
        if end is None:
            middle = self.named(side, middles)
            end = self.first_child(middle) if middle is not None else None
        return end

    def first_child(self, k: int) -> int | None:
        """The child that continues a limb: one of this side with a name, else the longest link."""
        kids = [c for c in self.children[k] if not _HELPER.search(self.info[c][1])]
        if not kids:
            return None
        return max(kids, key=lambda c: self.link_length(c))


def _template(found: dict[str, str | None]) -> str:
    body = ", ".join(f"{j!r}: {found.get(j)!r}" if found.get(j) else f"{j!r}: '?'" for j in JOINT_NAMES)
    return "joint_map={" + body + "}"


def map_skeleton(names: list[str], parents: list[int], rest: np.ndarray,
                 joint_map: dict[str, str] | None = None, where: str = "skeleton") -> SkeletonMapping:
    """Map a skeleton (node names, parent indices with parents first, (n, 3) rest positions) onto SMPL's 22 joints.

    joint_map: SMPL joint name -> node name, for joints the rules get wrong; the rest is still inferred. A
    ValueError names `where`, lists the skeleton's nodes and gives a `joint_map=` to edit when a joint cannot be found.
    """
    joint_map = dict(joint_map or {})
    unknown = sorted(set(joint_map) - set(JOINT_NAMES))
    if unknown:
        raise ValueError(f"joint_map: unknown SMPL joint(s) {unknown}; expected names from {list(JOINT_NAMES)}")
    index = {n: k for k, n in reversed(list(enumerate(names)))}
    for smpl, node in joint_map.items():
        if node not in index:
            raise ValueError(f"{where}: joint_map[{smpl!r}] = {node!r} is not a node of this skeleton; "
                             f"nodes: {names}")
    exact = {j: index[j] for j in JOINT_NAMES if j in index}
    # exact SMPL names first, when the rig is SMPL-named (a lone 'spine1' may be a Mixamo-style lower spine)
    fixed = exact if len(exact) >= MIN_EXACT_NAMES else {}
    fixed.update({j: index[n] for j, n in joint_map.items()})
    tree = _Tree(names, parents, np.asarray(rest, dtype=np.float64))
    got: dict[str, int] = dict(fixed)
    blends: dict[str, tuple[tuple[int, float], ...]] = {}

    def fail(msg: str) -> ValueError:
        shown = {j: names[k] for j, k in got.items()}
        return ValueError(f"{where}: {msg}. Skeleton nodes: {names}. Name the joints with "
                          f"{_template(shown)} (edit the '?' and any wrong entry)")

    for side in ("left", "right"):
        wrist = got.get(f"{side}_wrist", tree.limb_end(side, _WRIST, _ELBOW))
        ankle = got.get(f"{side}_ankle", tree.limb_end(side, _ANKLE, _KNEE))
        if wrist is None or ankle is None:
            raise fail(f"no {side} {'wrist (a hand/wrist joint)' if wrist is None else 'ankle (a foot/ankle joint)'}"
                       f" found; joint names need a side ('Left*', 'L_*', '*_L', '*.L')")
        got.setdefault(f"{side}_wrist", wrist)
        got.setdefault(f"{side}_ankle", ankle)
        if f"{side}_foot" not in got:
            toe = tree.named(side, _TOE, within=got[f"{side}_ankle"])
            toe = toe if toe is not None else tree.first_child(got[f"{side}_ankle"])
            if toe is None:
                raise fail(f"no {side} toe: {names[got[f'{side}_ankle']]!r} has no child joint or end site")
            got[f"{side}_foot"] = toe

    pelvis = got.setdefault("pelvis", tree.common_ancestor(got["left_ankle"], got["right_ankle"]))
    spine3 = got.setdefault("spine3", tree.common_ancestor(got["left_wrist"], got["right_wrist"]))
    if spine3 == pelvis or not tree.is_below(spine3, pelvis):
        raise fail(f"the arms meet at {names[spine3]!r}, which is not above the hips {names[pelvis]!r}")
    try:
        for side in ("left", "right"):
            leg = tree.links_between(got[f"{side}_ankle"], pelvis)
            arm = tree.links_between(got[f"{side}_wrist"], spine3)
            if len(leg) < 2 or len(arm) < 2:
                limb = "leg" if len(leg) < 2 else "arm"
                raise fail(f"the {side} {limb} has {min(len(leg), len(arm))} link(s) between "
                           f"{names[pelvis if limb == 'leg' else spine3]!r} and its end; need knee/elbow and hip/shoulder")
            got.setdefault(f"{side}_knee", leg[0])
            got.setdefault(f"{side}_hip", leg[1])
            got.setdefault(f"{side}_elbow", arm[0])
            got.setdefault(f"{side}_shoulder", arm[1])
            if f"{side}_collar" not in got:
                if len(arm) >= 3:
                    got[f"{side}_collar"] = arm[2]
                else:  # no clavicle: halfway between the chest and the shoulder
                    blends[f"{side}_collar"] = ((spine3, 0.5), (got[f"{side}_shoulder"], 0.5))
        head = got.get("head")
        if head is None:
            arms = (got["left_collar"] if "left_collar" in got else got["left_shoulder"],
                    got["right_collar"] if "right_collar" in got else got["right_shoulder"])
            centre = [k for k in range(len(names)) if tree.is_below(k, spine3)
                      and not any(k == a or tree.is_below(k, a) for a in arms)]
            head = next((k for k in sorted(centre, key=lambda k: tree.depth[k]) if tree.info[k][1] in _HEAD), None)
            joints = [k for k in centre if not names[k].endswith("/end")]
            if head is None and joints:
                head = max(joints, key=lambda k: (tree.depth[k], -k))  # the last joint of the neck chain
            if head is None:
                raise fail(f"no head: nothing hangs from {names[spine3]!r} besides the arms")
            got["head"] = head
        if "neck" not in got:
            neck = tree.links_between(got["head"], spine3)
            if neck:
                got["neck"] = neck[-1]  # the lowest neck link
            else:
                blends["neck"] = ((spine3, 0.5), (got["head"], 0.5))
        links = tree.links_between(spine3, pelvis)[::-1] + [spine3]  # the spine from the hips up
    except ValueError as e:
        if "Skeleton nodes" in str(e):
            raise
        raise fail(str(e)) from None
    if "spine1" not in got or "spine2" not in got:
        if len(links) == 1:
            blends.setdefault("spine1", ((pelvis, 2 / 3), (spine3, 1 / 3)))
            blends.setdefault("spine2", ((pelvis, 1 / 3), (spine3, 2 / 3)))
        elif len(links) == 2:
            got.setdefault("spine1", links[0])
            if "spine2" not in got:
                blends["spine2"] = ((links[0], 0.5), (spine3, 0.5))
        else:
            got.setdefault("spine1", links[0])
            got.setdefault("spine2", links[len(links) // 2])
    sources = tuple(((got[j], 1.0),) if j in got else blends[j] for j in JOINT_NAMES)
    used = [got[j] for j in JOINT_NAMES if j in got]
    if len(set(used)) != len(used):
        dup = sorted({names[k] for k in used if used.count(k) > 1})
        raise fail(f"node(s) {dup} would stand for more than one SMPL joint")
    return SkeletonMapping(tuple(names), sources)


def check_sides(poses: np.ndarray, up: np.ndarray) -> bool:
    """True when the named-left joints are on the body's left (left = up x forward, right-handed axes), judged over
    (p, 22, 3) poses; False for a mirrored file (left-handed axes, or left and right names swapped)."""
    j = JOINT_INDEX
    forward = (poses[:, j["left_foot"]] - poses[:, j["left_ankle"]] + poses[:, j["right_foot"]] - poses[:, j["right_ankle"]])
    lateral = (poses[:, j["left_hip"]] - poses[:, j["right_hip"]]
               + poses[:, j["left_shoulder"]] - poses[:, j["right_shoulder"]])
    return float(np.sign((np.cross(up, forward) * lateral).sum(-1)).sum()) >= 0
