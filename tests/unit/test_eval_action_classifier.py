"""Action classifier: labels from meta, training on a small labelled corpus, save/load."""
import numpy as np
import pytest
import torch

from _eval_fakes import ACTIONS, fake_corpus
from being_kit.eval.action_classifier import (ActionClassifier, ActionClassifierConfig, action_label,
                                              labelled_motions, train_action_classifier)


def test_action_label_rules():
    assert action_label({"actions": ["walk"]}) == "walk"
    assert action_label({"actions": ["walk", "wave"]}) is None
    assert action_label({"actions": ["walk", "wave"]}, "first") == "walk"
    assert action_label({"action": "kick"}) == "kick"
    assert action_label({}) is None
    with pytest.raises(ValueError, match="compositions"):
        ActionClassifierConfig(compositions="all")


def test_train_classify_save_load(tmp_path):
    torch.set_num_threads(1)
    corpus = fake_corpus(tmp_path / "corpus", 240)
    cfg = ActionClassifierConfig(hidden=32, steps=80, batch_size=32, progress=False)
    model = train_action_classifier(corpus, cfg, out_dir=tmp_path / "clf")
    assert sorted(model.labels) == sorted(ACTIONS)
    motions, labels = labelled_motions(corpus, "test")
    acc = model.accuracy(motions, labels)
    assert acc > 0.8
    predicted, probs = model.classify(motions[:5])
    assert probs.shape == (5, len(ACTIONS)) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    loaded = ActionClassifier.from_pretrained(tmp_path / "clf")
    assert loaded.classify(motions[:5])[0] == predicted
    # shuffled labels are not learned from features: accuracy on true labels of a wrongly labelled model is low
    assert model.accuracy(motions, [labels[(i + 1) % len(labels)] for i in range(len(labels))]) < 0.5


def test_needs_two_classes():
    m = [np.zeros((10, 263), np.float32)] * 3
    with pytest.raises(ValueError, match="2 distinct"):
        train_action_classifier(m, labels=["a", "a", "a"])


def test_blur_averages_valid_frames_only():
    """Moving average over 3 frames of [1, 2, 3, 4, 5] padded to 8 frames, by hand: the padding never leaks in."""
    from being_kit.eval.action_classifier import _blur_time

    x = torch.tensor([1.0, 2, 3, 4, 5, 0, 0, 0]).reshape(1, 8, 1)
    valid = (torch.arange(8) < 5).float().reshape(1, 8, 1)
    out = _blur_time(x, valid, 3)[0, :, 0]
    assert torch.allclose(out, torch.tensor([4 / 3, 2, 3, 4, 4.5, 0, 0, 0]), atol=1e-6)
    assert torch.equal(_blur_time(x, valid, 1), x * valid)


def test_augmentation_noise_scale_and_validation():
    from being_kit.eval.action_classifier import _augment

    cfg = ActionClassifierConfig(noise=0.5)
    x, std = torch.zeros(64, 50, 4), torch.tensor([1.0, 2.0, 4.0, 8.0])
    out = _augment(x, torch.full((64,), 50), std, cfg, np.random.default_rng(0))
    measured = out.reshape(-1, 4).std(0)
    assert torch.allclose(measured, 0.5 * std, rtol=0.05)  # noise in units of each feature's std
    off = _augment(x + 1, torch.full((64,), 50), std, ActionClassifierConfig(), np.random.default_rng(0))
    assert torch.equal(off, x + 1)  # both augmentations off by default
    with pytest.raises(ValueError, match="smooth_frames and noise"):
        ActionClassifierConfig(noise=-0.1)


def test_augmented_training_still_learns(tmp_path):
    torch.set_num_threads(1)
    corpus = fake_corpus(tmp_path / "corpus", 240)
    cfg = ActionClassifierConfig(hidden=32, steps=80, batch_size=32, progress=False, smooth_frames=5, noise=0.1)
    model = train_action_classifier(corpus, cfg)
    motions, labels = labelled_motions(corpus, "test")
    assert model.accuracy(motions, labels) > 0.8


def test_training_does_not_depend_on_what_used_the_random_generator_before(tmp_path):
    """04 trains its classifier after the LM generated: the weights (and so action_acc_real) must not follow the
    random draws the generations happened to make."""
    corpus = fake_corpus(tmp_path / "corpus", 60)
    cfg = ActionClassifierConfig(hidden=16, steps=5, batch_size=8, progress=False)
    torch.manual_seed(123)
    a = train_action_classifier(corpus, cfg).state_dict()
    torch.rand(1000)  # other work in between
    b = train_action_classifier(corpus, cfg).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
