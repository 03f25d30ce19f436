"""being_kit.lm.freeform: the hand-written prompt set, the side check on real motions, window scoring; and
being_kit.lm.evaluate.duration_within."""
from collections import defaultdict

import numpy as np
import pytest

from being_kit.data.synthetic import FAMILIES, make_corpus
from being_kit.lm.evaluate import duration_within
from being_kit.lm.freeform import (FREEFORM, MAX_SECONDS, SIDE_CHECKED, freeform_accuracy, freeform_prompts,
                                   motion_side, requested_seconds, window_predictions, windows)
from being_kit.lm.reworded import REWORDED, natural_seconds
from being_kit.motion import joints_from_features, mirror_joints

SIDE_WORDS = {"left": ("left", "counterclockwise"), "right": ("right", "clockwise"), "both": ("both",)}


def test_the_prompt_set_is_well_formed():
    assert len(FREEFORM) >= 100 and len({p.text for p in FREEFORM}) == len(FREEFORM)
    counts = defaultdict(int)
    for p in FREEFORM:
        assert p.actions and set(p.actions) <= set(FAMILIES), p.text
        assert len(p.sides) == len(p.actions) and all(s in (None, "left", "right", "both") for s in p.sides), p.text
        assert "both" not in [s for a, s in zip(p.actions, p.sides) if a != "wave"], p.text
        assert 0 < p.seconds <= MAX_SECONDS and p.seconds == requested_seconds(p.actions), p.text
        assert p.seconds == pytest.approx(min(sum(np.mean(FAMILIES[a].seconds) for a in p.actions), 10.0))
        for side in filter(None, p.sides):  # a stated side is in the words of the prompt
            assert any(w in p.text for w in SIDE_WORDS[side]), p.text
        for a in p.actions:
            counts[a] += 1
    assert all(counts[f] >= 3 for f in FAMILIES), {f: counts[f] for f in FAMILIES if counts[f] < 3}
    compositions = [p for p in FREEFORM if len(p.actions) > 1]
    assert len(compositions) >= 25 and sum(len(p.actions) == 3 for p in compositions) >= 3
    assert all(a != b for p in compositions for a, b in zip(p.actions, p.actions[1:]))  # as the corpus composes
    stated = {(a, s) for p in FREEFORM for a, s in zip(p.actions, p.sides)}
    for family in SIDE_CHECKED:  # every checked family is asked for on both sides
        assert {(family, "left"), (family, "right")} <= stated, family
    reworded = {p for prompts in REWORDED.values() for p in prompts}
    assert not any(r in p.text for p in FREEFORM for r in reworded)


@pytest.fixture(scope="module")
def sided_motions():
    """(family, side, joints) of every sided action in 400 synthetic records: whole single-action records, and
    each action of a composition cut at its true segment."""
    corpus = make_corpus(400, seed=11, progress=False)
    out = []
    for i in range(len(corpus)):
        rec = corpus[i]
        joints = joints_from_features(rec.motion)
        actions, params = rec.meta["actions"], rec.meta["params"]
        for k, (family, p) in enumerate(zip(actions, params)):
            side = p.get("side", p.get("direction"))
            if side in ("left", "right"):
                seg = rec.segments[k]
                part = joints if len(actions) == 1 else joints[int(seg.start * rec.fps): int(seg.end * rec.fps)]
                out.append((family, side, part))
    return out


def test_the_side_check_is_right_on_real_motions_of_known_side(sided_motions):
    right, total = defaultdict(int), defaultdict(int)
    for family, side, joints in sided_motions:
        if family in SIDE_CHECKED:
            total[family] += 1
            right[family] += motion_side(family, joints) == side
    assert set(total) == set(SIDE_CHECKED)
    accuracy = {f: right[f] / total[f] for f in total}
    assert min(total.values()) >= 10, total
    assert all(a >= 0.95 for a in accuracy.values()), accuracy


def test_the_side_check_follows_a_mirror_and_skips_what_it_cannot_check(sided_motions):
    flip = {"left": "right", "right": "left"}
    for family, side, joints in sided_motions[::5]:
        assert motion_side(family, mirror_joints(joints)) == flip[motion_side(family, joints)], family
    joints = sided_motions[0][2]
    assert motion_side("clap", joints) is None and motion_side("turn", joints[:1]) is None


class _ByLevel:
    """A stand-in classifier: a motion's label is `labels[round(mean of feature 0)]`."""
    labels = ("walk", "jump", "wave", "kick")

    def __init__(self):
        self.seen = []

    def classify(self, motions):
        self.seen += [len(m) for m in motions]
        return [self.labels[int(round(float(np.mean(m[:, 0]))))] for m in motions], None


def _motion(*levels, frames=20):
    return np.concatenate([np.full((frames, 5), float(v), np.float32) for v in levels])


def test_windows_split_a_motion_equally_and_each_is_classified():
    assert windows(10, 3) == [slice(0, 3), slice(3, 7), slice(7, 10)] and windows(7, 1) == [slice(0, 7)]
    clf = _ByLevel()
    features = [_motion(0, 1), _motion(1, 0, 2), _motion(3), None, _motion(0, frames=6)]
    predicted = window_predictions(clf, features, [2, 3, 1, 2, 2])
    assert predicted == [["walk", "jump"], ["jump", "walk", "wave"], ["kick"], [None, None], [None, None]]
    assert min(clf.seen) >= 4  # windows under 4 frames are never shown to the classifier


class _Always:
    """A stand-in classifier that gives every motion one label (and implements `accuracy` for action_accuracy)."""

    def __init__(self, label):
        self.label, self.labels = label, ("walk", "jump", "wave", "kick")

    def classify(self, motions):
        return [self.label] * len(motions), np.ones((len(motions), 4)) / 4

    def accuracy(self, motions, labels):
        return float(np.mean([self.label == x for x in labels]))


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory):
    from _tiny_lm import train_tiny_lm

    root = tmp_path_factory.mktemp("freeform")
    return train_tiny_lm(root), root


def test_freeform_accuracy_scores_windows_in_order(tiny_lm):
    lm, _ = tiny_lm
    expected = freeform_prompts(_Always("walk").labels)
    assert expected and all(set(p.actions) <= {"walk", "jump", "wave", "kick"} for p in expected)
    figures, rows, motions, seconds = freeform_accuracy(lm, _Always("walk"), vocabulary={"a", "the", "person"},
                                                        return_generations=True)
    assert figures["freeform_num_prompts"] == len(rows) == len(expected) == len(motions) == len(seconds)
    assert seconds == [p.seconds for p in expected] and [r["prompt"] for r in rows] == [p.text for p in expected]
    for r in rows:
        assert len(r["predicted"]) == len(r["actions"]) and set(r["predicted"]) <= {"walk", "(no motion)"}
        assert r["recognised"] == (r["predicted"] == r["actions"])
        assert r["recognised"] <= (r["actions"] == ["walk"])  # compositions of walk with another action never pass
    assert figures["action_acc_freeform"] == pytest.approx(np.mean([r["recognised"] for r in rows]))
    windows_hit = sum(a == x for r in rows for a, x in zip(r["actions"], r["predicted"]))
    assert figures["freeform_action_hit_rate"] == pytest.approx(windows_hit / sum(len(r["actions"]) for r in rows))
    assert figures["freeform_side_checked"] == 0 and "freeform_side_acc" not in figures  # walks have no side
    assert 0.5 < figures["freeform_novel_word_rate"] < 1.0 and all(r["novel_words"] for r in rows)

    figures, rows = freeform_accuracy(lm, _Always("kick"))
    kicks = [(e, f) for r in rows for a, x, e, f in zip(r["actions"], r["predicted"], r["side_expected"],
                                                         r["side_found"]) if a == x == "kick"]
    assert figures["freeform_side_checked"] == len(kicks) > 0 and all(f in ("left", "right") for _, f in kicks)
    assert figures["freeform_side_acc"] == pytest.approx(np.mean([e == f for e, f in kicks]))
    assert "freeform_novel_word_rate" not in figures and rows[0]["novel_words"] is None
    with pytest.raises(ValueError, match="no FREEFORM prompt"):
        freeform_accuracy(lm, type("C", (), {"labels": ("dab",)})())


def test_reworded_and_held_out_return_their_generations_without_changing_their_figures(tiny_lm):
    from being_kit.data import Corpus
    from being_kit.lm.evaluate import action_accuracy
    from being_kit.lm.reworded import reworded_accuracy, reworded_prompts

    lm, root = tiny_lm
    clf = _Always("jump")
    figures, rows = reworded_accuracy(lm, clf, seed=1)
    again, rows_again, motions, seconds = reworded_accuracy(lm, clf, seed=1, return_generations=True)
    assert again == figures and rows_again == rows and len(motions) == len(rows)
    assert seconds == [natural_seconds(a) for a in reworded_prompts(clf.labels)[1]]
    corpus = Corpus.open(root / "corpus")
    quality = action_accuracy(lm, corpus, classifier=clf, limit=3)
    again, motions, seconds = action_accuracy(lm, corpus, classifier=clf, limit=3, return_generations=True)
    assert again == quality and len(motions) == len(seconds) == quality["num_prompts"]
    assert duration_within(motions, seconds)["duration_ratio_mean"] > 0


def test_duration_within_counts_lengths_near_the_request():
    f = lambda seconds: np.zeros((int(seconds * 20), 263), np.float32)  # noqa: E731
    got = duration_within([f(4.0), f(5.0), f(3.0), f(2.0), None], [4.0, 4.0, 4.0, 4.0, 4.0])
    assert got == {"duration_within_25pct": pytest.approx(3 / 5),  # 4, 5 (+25%) and 3 (-25%) s; 2 s and failed: out
                   "duration_ratio_mean": pytest.approx((1 + 1.25 + 0.75 + 0.5) / 4)}
    assert duration_within([f(2.0), f(6.0)], 4.0, tolerance=0.5) == {"duration_within_50pct": 1.0,
                                                                      "duration_ratio_mean": 1.0}
    assert duration_within([None], 3.0) == {"duration_within_25pct": 0.0, "duration_ratio_mean": 0.0}

    class Gen:
        features = [f(3.0), f(10.0)]

    assert duration_within(Gen(), [3.0, 6.0])["duration_within_25pct"] == 0.5
    with pytest.raises(ValueError, match="requested_s"):
        duration_within([f(1.0)], [1.0, 2.0])
    with pytest.raises(ValueError, match="requested_s"):
        duration_within([f(1.0)], 0.0)
    with pytest.raises(ValueError, match="gen"):
        duration_within([], 1.0)
