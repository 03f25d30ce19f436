"""The synthetic MotionLib-style corpus: physical plausibility, determinism, caption faithfulness, corpus building."""
from __future__ import annotations

import numpy as np
import pytest

from being_kit.data.schema import SPLITS
from being_kit.data.synthetic import FAMILY_NAMES, generate_joints, generate_record, make_action, make_corpus, split_of
from being_kit.data.synthetic.body import clip_rotations, clip_to_motion
from being_kit.motion.skeleton import BONE_LENGTHS, JOINT_INDEX, MIRROR_PERMUTATION, PARENTS, PART_NAMES

J = JOINT_INDEX
N_MOTIONS = 120  # about 0.6 s of generation


@pytest.fixture(scope="module")
def motions():
    return [generate_joints(i, seed=7) for i in range(N_MOTIONS)]


def _stance_speeds(joints: np.ndarray) -> np.ndarray:
    """Horizontal speed (m/s) of ankle and toe joints on frames where that foot is on the floor (toe within 2 cm,
    ankle within 7.5 cm: the standing ankle is 6 cm up) in both frames of the step."""
    out = []
    for ankle, toe in ((J["left_ankle"], J["left_foot"]), (J["right_ankle"], J["right_foot"])):
        down = (joints[:, toe, 1] < 0.02) & (joints[:, ankle, 1] < 0.075)
        both = down[1:] & down[:-1]
        for j in (ankle, toe):
            v = np.linalg.norm(np.diff(joints[:, j][:, [0, 2]], axis=0), axis=-1) * 20
            out.append(v[both])
    return np.concatenate(out)


def test_every_family_generates_both_sides():
    assert len(FAMILY_NAMES) >= 24
    for k, name in enumerate(FAMILY_NAMES):
        for side in ("left", "right"):
            clip = make_action(name, np.random.default_rng(k), side=side)
            joints, rot, root = clip_to_motion(clip)
            assert joints.shape == (clip.frames, 22, 3) and rot.shape == (clip.frames, 22, 3, 3), name
            assert np.isfinite(joints).all() and np.isfinite(rot).all(), name
            assert clip.family == name


def test_bone_lengths_are_exact(motions):
    for g in motions:
        bones = np.linalg.norm(g.joints[:, 1:] - g.joints[:, list(PARENTS[1:])], axis=-1)
        np.testing.assert_allclose(bones, np.broadcast_to(BONE_LENGTHS[1:], bones.shape), atol=1e-4)


def test_rotations_are_rotations(motions):
    rot = motions[0].local_rotations.astype(np.float64)
    np.testing.assert_allclose(rot @ np.swapaxes(rot, -1, -2), np.broadcast_to(np.eye(3), rot.shape), atol=1e-5)
    np.testing.assert_allclose(np.linalg.det(rot), 1.0, atol=1e-5)


def test_on_the_floor_and_no_penetration(motions):
    for g in motions:
        lowest = g.joints[..., 1].min(axis=1)
        assert lowest.min() > -0.02, g.description["actions"]
        # something touches the floor on most frames (only jumps and hops leave it)
        assert (np.abs(lowest) < 0.02).mean() > 0.5, g.description["actions"]


def test_joint_speeds_are_bounded(motions):
    for g in motions:
        speed = np.linalg.norm(np.diff(g.joints, axis=0), axis=-1) * 20
        assert speed.max() < 12.0, (g.description["actions"], float(speed.max()))


def test_feet_stay_still_during_stance(motions):
    speeds = np.concatenate([_stance_speeds(g.joints.astype(np.float64)) for g in motions])
    assert speeds.size > 10_000
    assert np.median(speeds) < 0.01
    assert np.percentile(speeds, 95) < 0.35, np.percentile(speeds, 95)


def test_no_foot_sliding_and_no_frozen_frames():
    """Spins pivot on the planted foot (they used to twist it over the floor at ~1 m/s), and idle life means no
    frame is perfectly still, across seeds and families."""
    from being_kit.motion.dynamics import motion_dynamics

    for seed in range(4):
        for side in ("left", "right"):
            for name in ("spin", "walk_circle", "jumping_jacks"):
                j, _, _ = clip_to_motion(make_action(name, np.random.default_rng(seed), side=side))
                stance = motion_dynamics(j)["stance_foot_speed"]
                assert np.percentile(stance, 95) < 0.1, (name, side, seed, np.percentile(stance, 95))
    for seed in range(3):
        for i in range(12):
            d = motion_dynamics(generate_joints(i, seed=seed).joints)
            assert d["joint_speed"].min() > 1e-3, (i, seed)  # m/s: breathing and sway never stop
            assert np.percentile(d["stance_foot_speed"], 50) < 0.01


def test_idle_life_is_subtle_and_seeded():
    from being_kit.data.synthetic.compose import compose
    from being_kit.data.synthetic.life import add_idle_life

    plain = compose([make_action("wave", np.random.default_rng(0))]).clip
    alive = add_idle_life(compose([make_action("wave", np.random.default_rng(0))]).clip, np.random.default_rng(1))
    again = add_idle_life(compose([make_action("wave", np.random.default_rng(0))]).clip, np.random.default_rng(1))
    np.testing.assert_array_equal(alive.aa, again.aa)
    extra = np.degrees(np.abs(alive.aa - plain.aa))
    assert 0.2 < extra.max() < 20 and np.median(extra[extra > 0]) < 3  # a few degrees, mostly the relaxed elbows
    life = alive.aa - plain.aa
    jumps = np.abs(np.diff(life, axis=0)).max()
    assert jumps < 0.3 * np.abs(life - life.mean(axis=0)).max()  # band-limited: white noise would jump ~2x its size


def test_idle_life_shifts_weight_over_planted_feet():
    """Standing still, the pelvis travels sideways over the feet and turns against them, as real standing does
    (the real standing take: hips and shoulders turned 10-30 degrees against its feet), while the toes stay put."""
    from being_kit.data.synthetic.compose import compose
    from being_kit.data.synthetic.life import add_idle_life

    clip = add_idle_life(compose([make_action("clap", np.random.default_rng(0), seconds=8.0)]).clip,
                         np.random.default_rng(3))
    j, _, _ = clip_to_motion(clip)
    j = j.astype(np.float64)
    feet = 0.5 * (j[:, J["left_foot"]] + j[:, J["right_foot"]])
    across = j[0, J["left_foot"]] - j[0, J["right_foot"]]
    across /= np.linalg.norm(across)
    sideways = (j[:, 0] - feet) @ across
    assert np.ptp(sideways) > 0.02  # centimetres of weight shift
    shoulders = j[:, J["left_shoulder"]] - j[:, J["right_shoulder"]]
    toes = j[:, J["left_foot"]] - j[:, J["right_foot"]]
    turn = np.degrees(np.arctan2(shoulders[:, 2], shoulders[:, 0]) - np.arctan2(toes[:, 2], toes[:, 0]))
    assert np.ptp(turn) > 6  # the old sway alone turned them about 3 degrees
    for side in ("left", "right"):
        toe = j[:, J[f"{side}_foot"], [0, 2]]
        assert np.linalg.norm(toe - toe[0], axis=-1).max() < 0.005, side


def test_walking_arms_swing_with_bent_elbows_in_each_walkers_own_way():
    """Every walk swings bent arms; how bent and how far differ from walk to walk (real walkers span 20-100 degrees
    of elbow bend; one fixed gait taught the tokenizer one gait)."""
    bends, swings = [], []
    for seed in range(12):
        j, _, _ = clip_to_motion(make_action("walk", np.random.default_rng(seed)))
        j = j[len(j) // 4: -len(j) // 4].astype(np.float64)  # steady walking
        for side in ("left", "right"):
            u = j[:, J[f"{side}_shoulder"]] - j[:, J[f"{side}_elbow"]]
            v = j[:, J[f"{side}_wrist"]] - j[:, J[f"{side}_elbow"]]
            cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
            bend = 180 - np.degrees(np.arccos(np.clip(cos, -1, 1)))  # 0 = straight arm
            assert 10 < bend.min() and bend.max() < 135 and np.ptp(bend) > 2, (seed, side, bend.min(), bend.max())
            bends.append(np.median(bend))
        down = j[:, J["left_wrist"]] - j[:, J["left_shoulder"]]
        swings.append(np.ptp(np.degrees(np.arctan2(down[:, 2], -down[:, 1]))))
    assert np.ptp(bends) > 20 and np.ptp(swings) > 10, (np.ptp(bends), np.ptp(swings))


def test_some_walkers_hold_their_arms_up_and_bent_as_real_travelling_mocap_does():
    """Real travelling mocap carries the upper arms 40 degrees from hanging and the elbows bent 86 (medians); the
    corpus's walks hung them at 20 and 52. Walks with `arms` "held" raise the upper arms forward and bend the
    elbows; "swinging" walks do not."""
    seen = {}
    for seed in range(16):
        clip = make_action("walk", np.random.default_rng(seed))
        j, _, _ = clip_to_motion(clip)
        j = j[len(j) // 4: -len(j) // 4].astype(np.float64)
        across = j[:, J["left_hip"]] - j[:, J["right_hip"]]
        forward = np.cross(across, [0.0, 1.0, 0.0])  # the body's facing on the ground (y up)
        forward /= np.linalg.norm(forward, axis=-1, keepdims=True)
        upper = j[:, J["left_elbow"]] - j[:, J["left_shoulder"]]
        raised = np.degrees(np.arccos(np.clip(-upper[:, 1] / np.linalg.norm(upper, axis=-1), -1, 1)))
        ahead = (upper * forward).sum(-1)
        seen.setdefault(clip.params["arms"], []).append((np.median(raised), np.median(ahead)))
    assert set(seen) == {"held", "swinging"}
    held, swinging = np.array(seen["held"]), np.array(seen["swinging"])
    assert held[:, 0].min() > 15 and held[:, 1].min() > 0.03, held  # raised and in front of the shoulder
    assert swinging[:, 0].max() < 15, swinging


def test_walking_feet_roll_over_the_toes_and_the_swing_knee_bends():
    """Real walking (LaFAN1's takes, `bench real`'s gait table: 1 s windows, median): the knee bends over about 60
    degrees and the foot pitch spans about 60 (heel strike toes-up .. toe-off); the old gait bent 33 and rolled 10."""
    j, _, _ = clip_to_motion(make_action("walk", np.random.default_rng(5)))
    j = j[len(j) // 4: -len(j) // 4].astype(np.float64)
    knee = 180 - np.degrees(np.arccos(np.clip(
        ((j[:, J["left_hip"]] - j[:, J["left_knee"]]) * (j[:, J["left_ankle"]] - j[:, J["left_knee"]])).sum(-1)
        / (np.linalg.norm(j[:, J["left_hip"]] - j[:, J["left_knee"]], axis=-1)
           * np.linalg.norm(j[:, J["left_ankle"]] - j[:, J["left_knee"]], axis=-1)), -1, 1)))
    foot = j[:, J["left_foot"]] - j[:, J["left_ankle"]]
    pitch = np.degrees(np.arctan2(-foot[:, 1], np.hypot(foot[:, 0], foot[:, 2])))
    assert 50 < np.ptp(knee) < 80 and knee.min() < 25, (np.ptp(knee), knee.min())
    assert 45 < np.ptp(pitch) < 80 and pitch.min() < 15, (np.ptp(pitch), pitch.min())


def test_walkers_step_in_their_own_way_as_real_walkers_do():
    """Real walking spans shuffles to high steps and 1.5 to 2.7 steps per second (`locomotion.WALK_*`); one fixed
    gait gave every synthetic walker the same 0.16 m ankle lift (p10-p90 0.15-0.17) and 2.2 steps/s."""
    from being_kit.motion.gait import gait_kinematics

    lifts, pitches, cadences = [], [], []
    for s in range(16):
        clip = make_action("walk", np.random.default_rng(100 + s))
        g = gait_kinematics(clip_to_motion(clip)[0])
        if g["ankle_lift"].size:
            lifts.append(np.median(g["ankle_lift"]))
            pitches.append(np.median(g["foot_pitch_range"]))
        cadences.append(clip.params["cadence"])
    assert len(lifts) >= 10
    assert np.ptp(lifts) > 0.08 and np.ptp(pitches) > 20, (lifts, pitches)
    assert min(cadences) < 1.6 and max(cadences) > 2.0, cadences
    # the walk still bends the knee and rolls the foot like a walk, and no foot slides (test_no_foot_sliding_...)
    assert 45 < np.median(pitches) < 80 and 0.1 < np.median(lifts) < 0.25


def _ankles_ahead_of_pelvis(joints: np.ndarray) -> np.ndarray:
    """(t, 2) metres each ankle sits ahead of the pelvis along the body's facing (hips' left-right line turned)."""
    across = joints[:, J["left_hip"]] - joints[:, J["right_hip"]]
    facing = np.stack([-across[:, 2], np.zeros(len(across)), across[:, 0]], -1)
    facing /= np.linalg.norm(facing, axis=-1, keepdims=True)
    rel = joints[:, [J["left_ankle"], J["right_ankle"]]] - joints[:, None, J["pelvis"]]
    return np.einsum("tjc,tc->tj", rel, facing)


def test_a_body_stands_and_walks_with_its_ankles_behind_the_pelvis_as_real_bodies_do():
    """The weight sits over the middle of the feet: HumanML3D's Mean.npy puts the ankles 4.5 cm behind the pelvis
    joint, real standing takes 6-9 cm, real walkers' ankles sweep from about 25 cm behind to 20 ahead (p10 / p90;
    median 3-5 behind). Legs hanging straight from the hips put them 1 cm behind and the walk swept 20 behind to 29
    ahead (median 1 ahead)."""
    rest = _ankles_ahead_of_pelvis(clip_to_motion(make_action("wave", np.random.default_rng(0)))[0][:1])
    assert np.all((-0.08 < rest) & (rest < -0.035)), rest
    sweep = []
    for s in range(8):
        joints = clip_to_motion(make_action("walk", np.random.default_rng(200 + s)))[0]
        speed = np.linalg.norm(np.diff(joints[:, J["pelvis"], [0, 2]], axis=0), axis=-1) * 20
        sweep.append(_ankles_ahead_of_pelvis(joints)[1:][speed > 0.6].ravel())
    p10, p50, p90 = np.percentile(np.concatenate(sweep), [10, 50, 90])
    assert -0.06 < p50 < -0.01 and p90 < -p10, (p10, p50, p90)  # reaching further behind than ahead


def test_lengths_and_record_schema(motions):
    for i in range(40):
        rec = generate_record(i, seed=7)
        rec.validate()
        assert rec.id == f"syn_{i:06d}" and rec.source == "synthetic" and rec.fps == 20
        assert 2.0 <= (rec.num_frames + 1) / 20 <= 10.05
        assert len(set(rec.texts)) >= 3
        assert set(rec.parts) == set(PART_NAMES) and all(rec.parts.values())
        assert len(rec.segments) == len(rec.meta["actions"]) == len(rec.meta["params"])
        assert all(s.start < s.end for s in rec.segments)
        assert rec.segments[-1].end <= rec.duration + 0.1
        assert all(a in FAMILY_NAMES for a in rec.meta["actions"])
        assert rec.split in SPLITS


def test_deterministic_by_seed():
    a, b = generate_record(11, seed=3), generate_record(11, seed=3)
    np.testing.assert_array_equal(a.motion, b.motion)
    assert a.texts == b.texts and a.parts == b.parts and a.meta == b.meta
    c = generate_record(11, seed=4)
    assert c.motion.shape != a.motion.shape or not np.array_equal(c.motion, a.motion)


def test_split_proportions():
    splits = np.array([split_of(f"syn_{i:06d}") for i in range(5000)])
    frac = {s: (splits == s).mean() for s in SPLITS}
    assert abs(frac["train"] - 0.85) < 0.03 and abs(frac["val"] - 0.05) < 0.02 and abs(frac["test"] - 0.10) < 0.02


def test_right_variant_is_the_exact_mirror_of_the_left():
    m = np.diag([-1.0, 1.0, 1.0])
    for name in ("wave", "punch", "kick", "hop", "side_step", "turn", "lunge"):
        left = make_action(name, np.random.default_rng(5), side="left")
        right = make_action(name, np.random.default_rng(5), side="right")
        assert left.params.get("side", left.params.get("direction")) in ("left", "both")
        rl, rr = clip_rotations(left), clip_rotations(right)
        np.testing.assert_allclose(rr, m @ rl[:, list(MIRROR_PERMUTATION)] @ m, atol=1e-6, err_msg=name)


def _path(joints: np.ndarray, j: int) -> float:
    return float(np.linalg.norm(np.diff(joints[:, j], axis=0), axis=-1).sum())


def _body_frame(joints: np.ndarray) -> np.ndarray:
    """Joints relative to the pelvis, rotated so the first frame faces +z (left = +x)."""
    across = joints[0, J["left_hip"]] - joints[0, J["right_hip"]]
    yaw = np.arctan2(-across[2], across[0])  # angle that brings the hip axis onto +x
    c, s = np.cos(yaw), np.sin(yaw)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return (joints - joints[0, 0]) @ rot.T


@pytest.mark.parametrize("side", ["left", "right"])
def test_left_right_faithful_motion(side):
    other = "right" if side == "left" else "left"
    rng = lambda: np.random.default_rng(2)  # noqa: E731
    seed = next(k for k in range(50) if make_action("wave", np.random.default_rng(k), side=side).params["side"] == side)
    j, _, _ = clip_to_motion(make_action("wave", np.random.default_rng(seed), side=side))
    assert _path(j, J[f"{side}_wrist"]) > 3 * _path(j, J[f"{other}_wrist"])
    body = _body_frame(clip_to_motion(make_action("punch", rng(), side=side))[0])
    assert body[:, J[f"{side}_wrist"], 2].max() > body[:, J[f"{other}_wrist"], 2].max() + 0.12  # reaches forward
    j, _, _ = clip_to_motion(make_action("kick", rng(), side=side))
    assert _path(j, J[f"{side}_ankle"]) > 3 * _path(j, J[f"{other}_ankle"])
    j, _, _ = clip_to_motion(make_action("hop", rng(), side=side))
    assert j[:, J[f"{other}_foot"], 1].mean() > j[:, J[f"{side}_foot"], 1].mean() + 0.1  # the other foot is held up
    j, _, _ = clip_to_motion(make_action("kneel", rng(), side=side))
    low = j[:, :, 1].min(axis=0)
    assert low[J[f"{side}_knee"]] < 0.08 < low[J[f"{other}_knee"]]
    sign = 1.0 if side == "left" else -1.0
    j, _, _ = clip_to_motion(make_action("side_step", rng(), side=side))
    assert sign * _body_frame(j)[-1, 0, 0] > 0.15  # travelled towards the body's own left (+x) or right
    j, _, _ = clip_to_motion(make_action("stretch", rng(), side=side))
    mid = len(j) * 6 // 10
    assert sign * (_body_frame(j)[mid, J["head"], 0]) > 0.05  # leans towards the named side
    for name in ("turn", "walk_circle", "spin"):
        clip = make_action(name, rng(), side=side)
        assert sign * clip.yaw[-1] > np.pi / 4, name  # + yaw turns from +z towards +x: the body's left


def _names_side(text: str, side: str) -> bool:
    """'left' / 'counterclockwise' (a left turn seen from above) for left; 'right' / 'clockwise' for right."""
    text = text.lower()
    if side == "left":
        return "left" in text or "counterclockwise" in text
    return "right" in text or "clockwise" in text.replace("counterclockwise", "")


def test_captions_name_the_side_that_moves():
    for i in range(300):
        g = generate_joints(i, seed=1)
        d = g.description
        if len(d["actions"]) != 1:
            continue
        side = d["params"][0].get("side", d["params"][0].get("direction"))
        if side in ("left", "right"):
            assert all(_names_side(t, side) for t in d["texts"]), d["texts"]
            assert all(_names_side(s[2], side) for s in d["segments"])


def test_captions_are_varied():
    texts = [t for i in range(60) for t in generate_record(i, seed=2).texts]
    assert len(set(texts)) > 0.9 * len(texts)
    first_words = {t.split()[0] + " " + t.split()[1] for t in texts}
    assert len(first_words) >= 6


@pytest.mark.parametrize("representation,dim", [("humanml263", 263), ("smpl_d135", 135)])
def test_make_corpus_in_memory(representation, dim):
    corpus = make_corpus(6, seed=0, representation=representation, progress=False)
    assert len(corpus) == 6 and corpus.representation == representation and corpus.feature_dim == dim
    rec = corpus[2]
    ref = generate_record(2, seed=0, representation=representation)
    np.testing.assert_allclose(rec.motion, ref.motion, atol=1e-6)
    assert rec.texts == ref.texts and rec.meta["actions"] == ref.meta["actions"]


def test_make_corpus_on_disk_with_workers_matches_single_process(tmp_path):
    two = make_corpus(10, seed=5, path=tmp_path / "two", num_workers=2, progress=False)
    one = make_corpus(10, seed=5, path=None, progress=False)
    assert len(two) == 10 and (tmp_path / "two" / "mean.npy").is_file()
    for i in range(10):
        np.testing.assert_array_equal(two.motion(i), one.motion(i))
        assert two[i].id == one[i].id and two[i].split == one[i].split


def test_d135_decodes_to_the_generated_joints():
    from being_kit.motion.d135 import joints_from_d135

    g = generate_joints(3, seed=0)
    rec = generate_record(3, seed=0, representation="smpl_d135")
    back = joints_from_d135(rec.motion)
    ref = g.joints - g.joints[:1, :1] * np.array([1, 0, 1])
    # D135 canonicalises the first frame's heading; compare rotation-invariant pelvis-relative distances
    d_back = np.linalg.norm(back - back[:, :1], axis=-1)
    d_ref = np.linalg.norm(ref - ref[:, :1], axis=-1)
    np.testing.assert_allclose(d_back, d_ref, atol=1e-4)
    np.testing.assert_allclose(back[:, 0, 1], g.joints[:, 0, 1], atol=1e-4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="representation"):
        generate_record(0, representation="bvh")
    with pytest.raises(ValueError, match="family"):
        make_action("moonwalk", np.random.default_rng(0))
    with pytest.raises(ValueError, match="n:"):
        make_corpus(0)


def test_idle_life_switch_changes_the_motion_not_the_captions():
    """make_corpus(idle_life=False) is the ablation of the livelier corpus: same records and captions, still bodies."""
    from being_kit.data.synthetic import make_corpus
    from being_kit.motion.dynamics import motion_dynamics

    on, off = make_corpus(6, seed=1, idle_life=True), make_corpus(6, seed=1, idle_life=False)
    assert [r.texts for r in on] == [r.texts for r in off]
    assert any(not np.allclose(a.motion, b.motion) for a, b in zip(on, off))
    still = [motion_dynamics(generate_joints(i, 1, idle_life=False).joints)["joint_speed"].min() for i in range(6)]
    alive = [motion_dynamics(generate_joints(i, 1).joints)["joint_speed"].min() for i in range(6)]
    assert min(alive) > 1e-3 and min(still) < 1e-6


def test_body_style_varies_posture_not_captions():
    """make_corpus(body_style=False) is the ablation of the varied postures: same captions; with it, standing bodies
    differ (shoulder height among others) from record to record, and each one's offsets hold for the whole motion."""
    from being_kit.data.synthetic import make_corpus
    from being_kit.data.synthetic.pose import Clip
    from being_kit.data.synthetic.style import add_body_style
    from being_kit.motion.skeleton import JOINT_INDEX as J

    on, off = make_corpus(8, seed=2, body_style=True), make_corpus(8, seed=2, body_style=False)
    assert [r.texts for r in on] == [r.texts for r in off]

    def first_frame(style):
        return np.stack([generate_joints(i, 2, body_style=style).joints[0] for i in range(24)])

    def spread(joints, joint):  # height of a joint over the pelvis, across records, in metres
        return np.std(joints[:, J[joint], 1] - joints[:, J["pelvis"], 1])

    styled, plain = first_frame(True), first_frame(False)
    assert spread(styled, "left_shoulder") > 2 * spread(plain, "left_shoulder")
    clip = Clip.empty("still", 30)
    drawn = add_body_style(clip, np.random.default_rng(0))
    assert np.allclose(clip.aa, clip.aa[:1]) and np.abs(clip.aa).max() < np.radians(20)
    assert drawn == add_body_style(Clip.empty("still", 30), np.random.default_rng(0))


def test_both_feet_touch_the_floor_when_planted():
    """The rest skeleton's left hip sits 1 cm above the right one and the right foot is 6 mm longer: IK from one
    hip height used to leave the left toe ~1.3 cm in the air through every squat, lunge and kneel."""
    clip = make_action("squat", np.random.default_rng(4))
    j, _, _ = clip_to_motion(clip)
    toes = j[:, [J["left_foot"], J["right_foot"]], 1]
    assert not clip.params.get("crouch")
    assert np.abs(toes).max() < 2e-3, np.abs(toes).max(axis=0)


def test_the_crouch_can_kneel_with_its_rear_shin_raised():
    """The real squat take ends leaning ~65 degrees with the rear knee on the floor (0.12 m) and the shin rising
    behind it, foot off the floor. A crouch drawn that way rests the knee at KNEE_ON_FLOOR, lifts the ankle, keeps
    its front toe planted, and no joint goes through the floor."""
    from being_kit.data.synthetic.postures import KNEE_ON_FLOOR

    seen = 0
    for seed in range(300):
        clip = make_action("squat", np.random.default_rng(seed))
        if clip.params.get("shin_lift_deg") is None:
            continue
        seen += 1
        j, _, _ = clip_to_motion(clip)
        low = j[:, :, 1].min(axis=0)
        rear, front = ("right", "left") if low[J["right_knee"]] < low[J["left_knee"]] else ("left", "right")
        mid = len(j) // 2  # held at the bottom
        assert abs(j[mid, J[f"{rear}_knee"], 1] - KNEE_ON_FLOOR) < 0.03
        assert j[mid, J[f"{rear}_ankle"], 1] > j[mid, J[f"{rear}_knee"], 1] + 0.05  # the shin rises behind
        assert j[mid, J[f"{rear}_foot"], 1] > 0.01  # the foot is off the floor
        toe = j[:, J[f"{front}_foot"]]
        assert np.abs(toe[:, 1]).max() < 2e-3
        assert np.linalg.norm(toe[:, [0, 2]] - toe[0, [0, 2]], axis=-1).max() < 2e-3
        assert j[:, :, 1].min() > -2e-3
        if seen == 3:
            break
    assert seen == 3


def test_the_crouch_steps_back_turns_and_keeps_the_toes_planted():
    """Real squats are often a low crouch: one foot stepped back, its knee near the floor, the torso leant forward,
    the body turning as the foot steps. The front toe must not move at all, and the turn happens only while the
    stepping foot is in the air."""
    seen = 0
    for seed in range(200):
        clip = make_action("squat", np.random.default_rng(seed))
        if not (clip.params.get("crouch") and clip.params.get("turn_deg")):
            continue
        seen += 1
        j, _, _ = clip_to_motion(clip)
        low = j[:, :, 1].min(axis=0)
        knees = sorted([low[J["left_knee"]], low[J["right_knee"]]])
        assert knees[0] < 0.2 < knees[1], knees  # one knee sinks near the floor, the front one stays high
        front = "left" if low[J["left_knee"]] > low[J["right_knee"]] else "right"
        toe = j[:, J[f"{front}_foot"]]
        assert np.abs(toe[:, 1]).max() < 2e-3
        assert np.linalg.norm(toe[:, [0, 2]] - toe[0, [0, 2]], axis=-1).max() < 2e-3  # pivots, never slides
        assert abs(clip.yaw.max() - clip.yaw.min()) > 10 * np.pi / 180
        if seen == 3:
            break
    assert seen == 3


def test_winding_walks_bend_left_and_right_on_planted_feet_and_are_not_called_straight():
    """Real travelling mocap turns its facing at a median 32 degrees per second; the corpus's walks went dead straight.
    A winding walk turns only in single support (planted feet do not twist) and its captions never say 'straight'."""
    from being_kit.data.synthetic.captions import _phrases
    from being_kit.data.synthetic.paraphrase import paraphrase
    from being_kit.motion.dynamics import motion_dynamics

    paths = {}
    for seed in range(10):
        clip = make_action("walk", np.random.default_rng(seed))
        paths.setdefault(clip.params["path"], []).append(clip)
    assert set(paths) == {"winding", "straight"}
    assert all(np.abs(c.yaw).max() == 0 for c in paths["straight"])
    for clip in paths["winding"]:
        d = motion_dynamics(clip_to_motion(clip)[0])
        assert np.median(d["turn_speed"]) > 5, np.median(d["turn_speed"])
        assert np.percentile(d["stance_foot_speed"], 95) < 0.1
        texts = _phrases("walk", clip.params, np.random.default_rng(0))
        texts += [t for k in range(10) for t in paraphrase([("walk", clip.params)], np.random.default_rng(k), 5)]
        assert not any("straight" in t for t in texts), texts


def test_bent_knee_walks_lower_the_pelvis_on_planted_feet_and_are_off_by_default():
    """Real travelling mocap carries the pelvis below 0.93 m in 57% of its frames (the corpus: 30%). With
    `bent_knees` a share of walks goes bent-kneed: the pelvis rides lower, the knees stay bent through stance, the
    feet stay planted and the captions are a walk's. At 0 nothing is drawn for it, so the corpus is unchanged."""
    from being_kit.motion.dynamics import motion_dynamics

    knee = lambda j, side: np.degrees(np.arccos(np.clip(np.einsum(  # noqa: E731
        "ti,ti->t", *(v / np.linalg.norm(v, axis=-1, keepdims=True) for v in (
            j[:, J[f"{side}_knee"]] - j[:, J[f"{side}_hip"]], j[:, J[f"{side}_ankle"]] - j[:, J[f"{side}_knee"]]))),
        -1, 1)))
    seen = {}
    for seed in range(12):
        clip = make_action("walk", np.random.default_rng(seed), 4.0, bent_knees=0.5)
        j, _, _ = clip_to_motion(clip)
        mid = j[len(j) // 4: -len(j) // 4].astype(np.float64)
        seen.setdefault(clip.params.get("knees", "straight"), []).append(
            (np.median(mid[:, 0, 1]), min(knee(mid, "left").min(), knee(mid, "right").min())))
        assert np.percentile(motion_dynamics(j)["stance_foot_speed"], 95) < 0.1, seed
    assert set(seen) == {"bent", "straight"}
    bent, straight = np.array(seen["bent"]), np.array(seen["straight"])
    assert bent[:, 0].max() < straight[:, 0].min(), (bent, straight)  # pelvis lower than any upright walker's
    assert bent[:, 1].min() > straight[:, 1].min() + 5, (bent, straight)  # never straightens the knee as far
    circle = make_action("walk_circle", np.random.default_rng(0), 5.0, bent_knees=1.0)
    assert circle.params["knees"] == "bent"
    for i in range(6):  # off by default: the records are the default corpus's
        assert np.array_equal(generate_record(i, 2, bent_knees=0.0).motion, generate_record(i, 2).motion)
    assert any(not np.array_equal(generate_record(i, 2, bent_knees=1.0).motion, generate_record(i, 2).motion)
               for i in range(6))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="bent_knees"):
            make_action("walk", np.random.default_rng(0), bent_knees=bad)
        with pytest.raises(ValueError, match="bent_knees"):
            make_corpus(2, bent_knees=bad)


def test_travel_weight_draws_the_travelling_families_more_often_and_is_off_by_default():
    """Real mocap travels for about half its time, the corpus drawn with every family alike for about a quarter.
    `travel_weight` makes each travelling family that many times as likely as any other; the share of seconds whose
    motion travels (median pelvis ground speed 0.3 m/s or more, `bench real`'s rule) rises with it. At 1, the
    default, the draw is the old unweighted one, record for record."""
    from being_kit.data.synthetic.generator import TRAVEL_FAMILIES, TRAVEL_WEIGHT, family_weights
    from being_kit.motion.dynamics import TRAVEL_SPEED, motion_dynamics

    assert set(TRAVEL_FAMILIES) <= set(FAMILY_NAMES) and TRAVEL_WEIGHT == 1
    p = family_weights(3.0)
    travel = np.isin(FAMILY_NAMES, TRAVEL_FAMILIES)
    assert np.isclose(p.sum(), 1) and np.allclose(p[~travel], p[~travel][0])
    assert np.allclose(p[travel], 3 * p[~travel][0])
    assert family_weights(1.0) is None  # numpy's unweighted choice, as before the weight existed

    def travelling_share(weight: float, n: int = 80) -> float:
        seconds = moving = 0.0
        for i in range(n):
            j = generate_joints(i, 5, travel_weight=weight).joints
            seconds += len(j)
            moving += len(j) * (np.median(motion_dynamics(j)["root_speed"]) >= TRAVEL_SPEED)
        return moving / seconds

    old, weighted = travelling_share(1.0), travelling_share(3.0)
    assert old < 0.3 and weighted > 0.35 and weighted > 1.5 * old, (old, weighted)
    for i in range(6):  # off by default: the records are the default corpus's
        assert np.array_equal(generate_record(i, 2, travel_weight=1.0).motion, generate_record(i, 2).motion)
    assert any(not np.array_equal(generate_record(i, 2, travel_weight=3.0).motion, generate_record(i, 2).motion)
               for i in range(6))
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="travel_weight"):
            make_corpus(2, travel_weight=bad)
