"""motion.part_mix: the host keeps its legs, pelvis path and floor; the donor's part arrives with its own pose,
seen from the host's body frame at the part's anchor."""
import numpy as np
import pytest

from being_kit.data.synthetic import generate_joints
from being_kit.motion.features import GROUPS, features_from_joints, joints_from_features
from being_kit.motion.part_mix import PARTS, body_frames, mix_parts, swap_part
from being_kit.motion.skeleton import JOINT_INDEX, PARENTS

LEGS = [JOINT_INDEX[n] for n in ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
                                 "left_foot", "right_foot")]


@pytest.fixture(scope="module")
def pair():
    host = generate_joints(270).joints  # walk a circle, lunge: travels and turns
    donor = generate_joints(3).joints  # a throw, a stretch, a wave: the upper body moves on still legs
    n = min(len(host), len(donor))
    return host[:n], donor[:n]


def _bones(j: np.ndarray) -> np.ndarray:
    return np.linalg.norm(j[:, 1:] - j[:, list(PARENTS[1:])], axis=-1)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_the_donor_part_lands_on_the_host_body(pair, part):
    host, donor = pair
    spec = PARTS[part]
    mixed = swap_part(host, donor, part)
    kept = [j for j in range(22) if j not in spec.joints]
    np.testing.assert_array_equal(mixed[:, kept], host[:, kept])  # legs, pelvis (and for "arms" the spine) untouched
    np.testing.assert_allclose(_bones(mixed), _bones(host), atol=1e-5)  # one skeleton: every bone keeps its length
    # the part's pose in the anchor's body frame is the donor's: joint by joint, the same local coordinates
    local = lambda j: np.einsum("tji,tkj->tki", body_frames(j, spec),  # noqa: E731
                                j[:, spec.joints] - j[:, spec.anchor : spec.anchor + 1])
    np.testing.assert_allclose(local(mixed), local(donor), atol=1e-5)
    assert np.abs(local(mixed) - local(host)).max() > 0.05  # and not the host's own
    np.testing.assert_allclose(swap_part(host, host, part), host, atol=1e-6)  # a body is its own donor unchanged


def test_mixed_features_keep_the_host_legs_and_path(pair):
    host, donor = pair
    h, d = features_from_joints(host), features_from_joints(donor)
    mixed = mix_parts(h, d, "upper")
    assert mixed.shape == (len(h) - 1, 263)  # features made afresh from t joint frames: t - 1 rows
    jm, jh = joints_from_features(mixed), joints_from_features(h)[: len(mixed)]
    rel = lambda j: j[:, LEGS] - j[:, :1]  # noqa: E731
    np.testing.assert_allclose(np.linalg.norm(rel(jm), axis=-1), np.linalg.norm(rel(jh), axis=-1), atol=2e-3)
    np.testing.assert_allclose(mixed[:, 3], h[: len(mixed), 3], atol=2e-3)  # pelvis height: the host's
    np.testing.assert_allclose(np.hypot(mixed[:, 1], mixed[:, 2]), np.hypot(h[:-1, 1], h[:-1, 2]), atol=5e-3)
    assert np.abs(mixed[:, GROUPS["ric"]] - h[:-1, GROUPS["ric"]]).max() > 0.05  # the upper body changed
    np.testing.assert_array_equal(mixed[:, GROUPS["foot_contact"]], h[:-1, GROUPS["foot_contact"]])


def test_a_part_reaching_below_the_feet_is_not_swapped(pair):
    host, _ = pair
    spec = PARTS["upper"]
    frames = body_frames(host, spec)
    # a donor folded head down: all above the first spine joint turned half round the lateral axis there (the
    # pelvis's frame, and so the swap, keeps the first spine joint), the arms straight down from the collars
    flip = frames @ np.diag([1.0, -1.0, -1.0]) @ frames.transpose(0, 2, 1)
    donor, top, spine1 = host.copy(), list(spec.joints[1:]), JOINT_INDEX["spine1"]
    hinge = host[:, spine1 : spine1 + 1]
    donor[:, top] = np.einsum("tij,tkj->tki", flip, host[:, top] - hinge) + hinge
    for chain in (("left_collar", "left_shoulder", "left_elbow", "left_wrist"),
                  ("right_collar", "right_shoulder", "right_elbow", "right_wrist")):
        for parent, child in zip(chain, chain[1:]):
            p, c = JOINT_INDEX[parent], JOINT_INDEX[child]
            donor[:, c] = donor[:, p] - [0.0, float(np.linalg.norm(host[0, c] - host[0, p])), 0.0]
    assert donor[:, spec.joints, 1].min() < host[:, LEGS, 1].min() - 0.05  # hands below the soles
    assert mix_parts(features_from_joints(host), features_from_joints(donor), "upper") is None  # the floor would move
    assert mix_parts(features_from_joints(host), features_from_joints(host), "upper") is not None


def test_bad_input_is_named(pair):
    host, donor = pair
    h = features_from_joints(host)
    with pytest.raises(ValueError, match="part: expected one of"):
        mix_parts(h, h, "tail")
    with pytest.raises(ValueError, match="host, donor: expected one length"):
        mix_parts(h, h[:-3], "upper")
    with pytest.raises(ValueError, match="donor: expected"):
        mix_parts(h, h[:, :100], "upper")
    with pytest.raises(ValueError, match="host, donor: expected two"):
        swap_part(host, donor[:, :21], "arms")
