"""being_kit.lm.reworded: prompts the synthetic captions never word that way, and their accuracy bookkeeping."""
import numpy as np
import pytest

from being_kit.data.synthetic import FAMILY_NAMES, make_action
from being_kit.data.synthetic.captions import JOINERS, SUBJECTS, _phrases, part_captions
from _lm_fakes import make_fake_run
from being_kit.lm.reworded import (REWORDED, caption_vocabulary, novel_words, reworded_accuracy, reworded_prompts,
                                   words)

from _tiny_lm import train_tiny_lm


def _synthetic_caption_words(draws: int = 12) -> set[str]:
    """Every word the synthetic caption writer can use: its phrases for many random instances of each family (both
    sides), part captions, subjects and joiners."""
    rng = np.random.default_rng(0)
    vocab = set().union(*map(words, SUBJECTS + JOINERS + ("A person",)))
    for family in FAMILY_NAMES:
        for k in range(draws):
            clip = make_action(family, rng, side=("left", "right")[k % 2])
            for phrase in _phrases(family, clip.params, rng):
                vocab |= words(phrase)
            for text in part_captions(family, clip.params).values():
                vocab |= words(text)
    return vocab


def test_every_family_has_prompts_with_words_no_caption_uses():
    vocab = _synthetic_caption_words()
    assert set(REWORDED) == set(FAMILY_NAMES)
    for action, prompts in REWORDED.items():
        assert len(prompts) >= 2, action
        for p in prompts:
            assert novel_words(p, vocab), f"{action}: {p!r} uses only caption words"


def test_vocabulary_of_a_corpus_and_prompt_selection(tmp_path):
    make_fake_run(tmp_path, n=16)
    from being_kit.data import Corpus

    vocab = caption_vocabulary(Corpus.open(tmp_path / "corpus"))
    assert {"person", "walks", "kicks", "leg"} <= vocab and "ambles" not in vocab
    assert novel_words("A person ambles, then kicks!", vocab) == ["ambles", "then"]
    prompts, labels = reworded_prompts(["walk", "kick", "not-an-action"])
    assert set(labels) == {"walk", "kick"} and len(prompts) == len(REWORDED["walk"]) + len(REWORDED["kick"])


class _AlwaysWalk:
    """A stand-in classifier that calls every motion a walk."""
    labels = ("walk", "jump", "wave", "kick")

    def classify(self, motions):
        return ["walk"] * len(motions), np.ones((len(motions), 4)) / 4


def test_accuracy_counts_matches_per_prompt(tmp_path):
    lm = train_tiny_lm(tmp_path)
    figures, rows = reworded_accuracy(lm, _AlwaysWalk(), vocabulary={"a", "the", "person"}, seed=0)
    n_walk = len(REWORDED["walk"])
    assert figures["reworded_num_prompts"] == len(rows) == sum(len(REWORDED[a]) for a in _AlwaysWalk.labels)
    assert all(r["predicted"] in ("walk", "(no motion)") for r in rows)
    hits = sum(r["predicted"] == r["action"] for r in rows)
    assert figures["action_acc_reworded"] == pytest.approx(hits / len(rows)) and hits <= n_walk
    assert 0.5 < figures["reworded_novel_word_rate"] < 1.0
    assert all("ambles" in r["novel_words"] for r in rows if r["prompt"].startswith("an adult ambles"))
    with pytest.raises(ValueError, match="no action"):
        reworded_accuracy(lm, type("C", (), {"labels": ("dab",)})())


def test_guidance_sweep_on_a_run(tmp_path, capsys):
    from being_kit.lm.guidance_sweep import main, sweep

    tokens = make_fake_run(tmp_path, n=48)
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "lm")):
        sweep(tmp_path, [1.0])
    train_tiny_lm(tmp_path, tokens=tokens, caption_dropout=0.3)
    with pytest.raises(ValueError, match="scales"):
        sweep(tmp_path, [0.0])
    table = sweep(tmp_path, [1.0, 2.0], prompts=4, classifier_steps=5, progress=False)
    assert list(table.index) == [1.0, 2.0] and (table.num_prompts == 4).all()
    for column in ("action_acc_generated", "action_acc_reworded", "action_acc_real"):
        assert table[column].between(0, 1).all(), column
    main([str(tmp_path), "--scales", "1,3", "--prompts", "2"])
    out = capsys.readouterr().out
    assert "guidance_scale" in out and "action_acc_reworded" in out
