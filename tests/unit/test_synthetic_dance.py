"""The dance family: steps on a beat with planted feet, turns that the params report, whole-body movement."""
import numpy as np
import pytest

from being_kit.data.synthetic import make_action
from being_kit.data.synthetic.body import clip_to_motion
from being_kit.data.synthetic.captions import describe
from being_kit.data.synthetic.dance import TEMPO, dance
from being_kit.motion.dynamics import motion_dynamics
from being_kit.motion.skeleton import JOINT_INDEX as J


def _dances(n: int, seed: int = 3):
    for i in range(n):
        clip = make_action("dance", np.random.default_rng([seed, i]))
        yield clip, clip_to_motion(clip)


def test_dance_feet_stay_planted_and_the_body_stays_on_the_spot():
    for clip, (joints, _, root) in _dances(10):
        d = motion_dynamics(joints)
        assert np.percentile(d["stance_foot_speed"], 95) < 0.1, clip.params
        assert joints[..., 1].min() > -0.02
        assert np.linalg.norm(root[-1, [0, 2]] - root[0, [0, 2]]) < 0.6  # danced on the spot, not travelled
        speed = np.linalg.norm(np.diff(joints, axis=0), axis=-1) * 20
        assert speed.max() < 12.0


def test_dance_moves_the_whole_body_on_a_beat():
    for clip, (joints, _, _) in _dances(6):
        for side in ("left", "right"):  # every foot steps: it leaves the floor several times
            ankle = joints[:, J[f"{side}_ankle"], 1]
            up = ankle > ankle.min() + 0.03
            assert np.count_nonzero(np.diff(up.astype(int)) == 1) >= 2, (side, clip.params)
        arms = np.degrees(np.abs(clip.aa[:, [J["left_shoulder"], J["right_shoulder"]]])).max()
        assert arms > 30  # the arms dance too
        pelvis = joints[:, 0, 1]
        assert np.ptp(pelvis[20:-20]) > 0.02  # the knees bounce


def test_dance_turns_as_its_params_say():
    turned, still = [], []
    for clip, (joints, _, _) in _dances(30):
        (turned if clip.params["turns"] else still).append(np.degrees(np.abs(clip.yaw[-1] - clip.yaw[0])))
        assert clip.params["side"] == "both" and clip.params["pace"] in ("slow", "normal", "fast")
    assert turned and still
    # small re-orientations on single steps stay well below a big turn of at least 90 degrees
    assert np.median(still) < 45 and np.median(turned) > 60


def test_dance_captions_say_dance_and_spin_only_when_it_turns():
    rng = np.random.default_rng(0)
    for clip, _ in _dances(12):
        texts, parts, _ = describe([("dance", clip.params)], [(0.0, clip.frames / 20)], rng, num_texts=4)
        assert all("danc" in t.lower() for t in texts)
        if not clip.params["turns"]:
            assert not any("spin" in t or "turning" in t for t in texts)
        assert "beat" in parts["left_leg"] and "music" in parts["right_arm"]


def test_dance_tempo_sets_the_pace_and_is_seeded():
    a = dance(np.random.default_rng(5), 120)
    b = dance(np.random.default_rng(5), 120)
    np.testing.assert_array_equal(a.aa, b.aa)
    np.testing.assert_array_equal(a.yaw, b.yaw)
    assert TEMPO[0] < TEMPO[1]
    paces = {dance(np.random.default_rng(s), 100).params["pace"] for s in range(40)}
    assert paces == {"slow", "normal", "fast"}


@pytest.mark.parametrize("frames", [20, 40])
def test_a_short_dance_still_makes_a_valid_clip(frames):
    clip = dance(np.random.default_rng(1), frames)
    joints, rot, _ = clip_to_motion(clip)
    assert np.isfinite(joints).all() and joints.shape == (frames, 22, 3)
