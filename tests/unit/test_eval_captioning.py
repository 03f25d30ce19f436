"""being_kit.eval.captioning: the M2T figures order right captions above wrong ones, BLEU-1 matches hand-worked
values, every reference counts, R-Precision runs through an evaluator, and bad inputs are named."""
import numpy as np
import pytest

from being_kit.eval.captioning import (TEXT_KEYS, caption_metrics, caption_rows, caption_tokens, draw_references,
                                       retrieval_metrics, text_metrics)

REFS = [["a person walks forward slowly", "someone walks ahead"],
        ["a man jumps up and down twice", "the person hops in place"],
        ["a person waves the right hand", "someone waves hello"],
        ["the figure kicks with the left leg", "a person kicks forward"]]
RIGHT = ["a person walks forward", "a man jumps up and down", "someone waves the right hand", "a person kicks forward"]
WRONG = ["the cat sleeps on a sofa", "stock prices fell sharply today", "a blue car drives by", "rain falls at night"]


class OneHotEvaluator:
    """Embeds "motion k" (a motion whose values are all k) and any caption naming the number k as the same one-hot
    vector: a perfect evaluator whose rankings are known."""

    name = "one-hot"

    def __init__(self, n: int):
        self.n = n

    def _hot(self, k: int) -> np.ndarray:
        v = np.zeros(self.n)
        v[k % self.n] = 1.0
        return v

    def embed_texts(self, texts):
        return np.stack([self._hot(int(t.split()[-1])) if t.split() and t.split()[-1].isdigit() else np.zeros(self.n)
                         for t in texts])

    def embed_motions(self, motions):
        return np.stack([self._hot(int(m[0, 0])) for m in motions])


@pytest.fixture(scope="module")
def scores():
    return text_metrics(RIGHT, REFS), text_metrics(WRONG, REFS)


def test_right_captions_beat_unrelated_ones_on_every_text_metric(scores):
    right, wrong = scores
    for key in TEXT_KEYS:
        assert right[key] > wrong[key], key
    for key in ("bleu1", "bleu4", "rouge_l", "bertscore_f1_minilm"):
        assert 0.0 <= wrong[key] < right[key] <= 1.0, key
    assert right["num_empty"] == wrong["num_empty"] == 0


def test_a_caption_equal_to_its_reference_scores_top_marks():
    refs = [[r[0]] for r in REFS]
    m = text_metrics([r[0] for r in REFS], refs)
    assert m["bleu1"] == pytest.approx(1.0) and m["bleu4"] == pytest.approx(1.0)
    assert m["rouge_l"] == pytest.approx(1.0) and m["bertscore_f1_minilm"] == pytest.approx(1.0, abs=1e-4)
    assert m["cider"] > 5.0   # CIDEr-D is x10; identical sentences over distinct references score high


def test_bleu1_hand_worked_values():
    # 5 of the 6 words match ("sat" does not), same length: 5/6
    assert text_metrics(["the cat sat on the mat"], [["the cat is on the mat"]],
                        bertscore_model="")["bleu1"] == pytest.approx(5 / 6, abs=1e-6)
    # all words match, 2 words against a 6-word reference: brevity penalty exp(1 - 6/2)
    assert text_metrics(["the cat"], [["the cat sat on the mat"]],
                        bertscore_model="")["bleu1"] == pytest.approx(np.exp(-2.0), abs=1e-6)


def test_every_reference_of_a_motion_counts():
    one = text_metrics(["a person walks"], [["a person runs"]], bertscore_model="")
    both = text_metrics(["a person walks"], [["a person runs", "someone walks"]], bertscore_model="")
    assert one["bleu1"] == pytest.approx(2 / 3, abs=1e-6) and both["bleu1"] == pytest.approx(1.0, abs=1e-6)


def test_tokens_are_lower_case_words_without_punctuation():
    assert caption_tokens("A Person, walking -- 2 steps!") == "a person walking 2 steps"
    assert text_metrics(["A person walks forward."], [["a person walks forward"]], bertscore_model="")["bleu1"] \
        == pytest.approx(1.0)


def test_empty_captions_are_counted_and_score_zero():
    m = text_metrics(["", "  ", "?!"] + RIGHT[3:], REFS)
    assert m["num_empty"] == 3
    full = text_metrics(RIGHT[3:], REFS[3:])
    assert 0.0 < m["bertscore_f1_minilm"] == pytest.approx(full["bertscore_f1_minilm"] / 4, abs=1e-6)
    assert all(np.isfinite(m[k]) for k in TEXT_KEYS)
    assert text_metrics([""] * 4, REFS)["bertscore_f1_minilm"] == 0.0


@pytest.mark.parametrize("gen, refs, error, word", [
    ([], [], ValueError, "no captions"),
    (["a"], [["a"], ["b"]], ValueError, "one list of reference"),
    ("a person walks", [["a person walks"]], TypeError, "single string"),
    (["a"], ["a person walks"], TypeError, r"references\[0\]"),
    (["a", "b"], [["a"], []], ValueError, r"references\[1\]"),
    (["a"], [["", "!!"]], ValueError, r"references\[0\]"),
    ([None], [["a"]], TypeError, r"generated\[0\]"),
])
def test_bad_inputs_name_the_argument(gen, refs, error, word):
    with pytest.raises(error, match=word):
        text_metrics(gen, refs, bertscore_model="")


def test_retrieval_through_an_evaluator():
    n = 32
    ev = OneHotEvaluator(n)
    motions = [np.full((5, 3), k, np.float32) for k in range(n)]
    right = retrieval_metrics([f"motion {k}" for k in range(n)], motions, ev)
    assert right["r_precision_top1"] == right["r_precision_top3"] == 1.0 and right["mm_dist"] == pytest.approx(0.0)
    # each caption names the next motion: its own is as far as every other but one (ties count against it)
    wrong = retrieval_metrics([f"motion {k + 1}" for k in range(n)], motions, ev)
    assert wrong["r_precision_top1"] == wrong["r_precision_top3"] == 0.0
    assert wrong["mm_dist"] == pytest.approx(np.sqrt(2))


def test_caption_metrics_combines_both_and_checks_its_arguments():
    n = 32
    refs = [[f"a person does motion {k}"] for k in range(n)]
    gen = [f"someone does motion {k}" for k in range(n - 1)] + [""]
    motions = [np.full((5, 3), k, np.float32) for k in range(n)]
    m = caption_metrics(gen, refs, OneHotEvaluator(n), motions, bertscore_model="")
    assert m["num_samples"] == n and m["num_empty"] == 1
    assert m["r_precision_top1"] == pytest.approx(31 / 32) and {"bleu1", "bleu4", "rouge_l", "cider"} <= set(m)
    with pytest.raises(ValueError, match="evaluator and motions"):
        caption_metrics(gen, refs, OneHotEvaluator(n), bertscore_model="")
    with pytest.raises(ValueError, match="one caption per motion"):
        caption_metrics(gen, refs, OneHotEvaluator(n), motions[:-1], bertscore_model="")
    with pytest.raises(ValueError, match="batches of 32"):
        caption_metrics(gen[:8], refs[:8], OneHotEvaluator(n), motions[:8], bertscore_model="")


def test_draw_references_and_rows():
    drawn = draw_references(REFS, seed=3)
    assert drawn == draw_references(REFS, seed=3) and all(d in r for d, r in zip(drawn, REFS))
    rows = caption_rows(["m0", "m1", "m2", "m3"], REFS, RIGHT, k=2)
    assert rows == [{"id": "m0", "ground_truth": REFS[0][0], "generated": RIGHT[0]},
                    {"id": "m1", "ground_truth": REFS[1][0], "generated": RIGHT[1]}]
    with pytest.raises(ValueError, match="align"):
        caption_rows(["m0"], REFS, RIGHT)
