"""being_kit.lm.vocab / templates / packing: motion vocabulary added to a causal LM, examples, packing and loss masks."""
import random

import numpy as np
import pytest
import torch

from being_kit.lm.base_models import build_default_model, default_learning_rate, DefaultModelSize
from being_kit.lm.packing import IGNORE_INDEX, pack_examples
from being_kit.lm.templates import PHRASINGS, TASKS, ExampleBuilder
from being_kit.lm.vocab import SPECIAL_TOKENS, MotionVocabulary, TokenizerMismatchError, add_motion_vocabulary

CAPTIONS = ["a person walks forward", "someone jumps up twice", "the man waves his right hand"] * 20
SMALL = DefaultModelSize(n_layer=1, n_embd=32, n_head=2, n_positions=128, text_vocab_size=300)


def _model(size=SMALL):
    return build_default_model(CAPTIONS, size)


@pytest.mark.parametrize("codes,per_step", [(1024, 1), (65536, 1), (512, 5)])  # VQ, LFQ 2^16, lfq2d layout
def test_add_motion_vocabulary_contiguous_ids_and_mean_init(codes, per_step, tmp_path):
    model, tok = _model()
    old = model.get_input_embeddings().weight.detach().clone()
    v = add_motion_vocabulary(model, tok, codes, tokenizer_id="vq-abc", tokens_per_step=per_step)
    assert tok.convert_tokens_to_ids(list(SPECIAL_TOKENS)) == [v.som_id, v.eom_id]
    assert tok.convert_tokens_to_ids(["<motion_0>", f"<motion_{codes - 1}>"]) == [v.first_motion_id, v.end_motion_id - 1]
    emb = model.get_input_embeddings().weight
    assert emb.shape[0] >= v.end_motion_id and emb.shape[0] % 64 == 0
    assert torch.equal(emb[: old.shape[0]], old)  # text rows untouched
    assert torch.allclose(emb[v.first_motion_id + 7], old.mean(0), atol=1e-6)
    # the motion tokens stay atomic in text and round-trip through LM ids
    assert tok("<motion_3><eom>", add_special_tokens=False)["input_ids"] == [v.first_motion_id + 3, v.eom_id]
    ids = v.to_lm_ids([0, 5, codes - 1])
    assert v.to_motion_tokens(ids).tolist() == [0, 5, codes - 1]
    with pytest.raises(ValueError, match=r"\[0, %d\)" % codes):
        v.to_lm_ids([codes])
    with pytest.raises(ValueError, match="not a motion token"):
        v.to_motion_tokens([v.som_id])
    v.save(tmp_path)
    assert MotionVocabulary.load(tmp_path) == v
    # forward works with the new ids
    out = model(input_ids=torch.as_tensor(ids)[None]).logits
    assert out.shape[-1] == emb.shape[0]


def test_vocabulary_refuses_other_tokenizer_and_double_add():
    model, tok = _model()
    v = add_motion_vocabulary(model, tok, 16, tokenizer_id="vq-1")
    v.check_tokenizer("vq-1")
    with pytest.raises(TokenizerMismatchError, match="vq-2"):
        v.check_tokenizer("vq-2")
    with pytest.raises(ValueError, match="already"):
        add_motion_vocabulary(model, tok, 16, tokenizer_id="vq-1")


def test_default_model_is_gpt2_with_paper_lr():
    model, tok = _model()
    assert model.config.model_type == "gpt2" and default_learning_rate(model) == 2e-4
    assert model.config.eos_token_id == tok.eos_token_id < len(tok)


def _builder(per_step=1):
    model, tok = _model()
    return ExampleBuilder(tok, add_motion_vocabulary(model, tok, 32, tokenizer_id="t", tokens_per_step=per_step))


def test_alignment_example_layout():
    b = _builder()
    ex = b.alignment("a person walks", [1, 2, 3])
    ids = ex.ids.tolist()
    v = b.vocab
    assert ids[-6:] == [v.som_id, v.first_motion_id + 1, v.first_motion_id + 2, v.first_motion_id + 3, v.eom_id, b.eos]
    assert ex.answer_mask[ids.index(v.som_id):].all() and not ex.answer_mask[: ids.index(v.som_id)].any()
    assert b.tok.decode(ids[: ids.index(v.som_id)]).strip() == "a person walks"


@pytest.mark.parametrize("task", TASKS)
def test_instruction_tasks_and_many_phrasings(task):
    b = _builder(per_step=2)
    rng = random.Random(0)
    v = b.vocab
    seen = set()
    for _ in range(40):
        ex = b.instruction(task, rng, ["a person walks"], list(range(16)), {"left_arm": "the left arm swings"})
        assert ex is not None and ex.ids[-1] == b.eos
        ans = ex.ids[ex.answer_mask]
        if task == "m2t":
            assert not v.is_motion(ans).any() and v.is_motion(ex.ids[~ex.answer_mask]).sum() == 16
        else:
            assert ans[0] == v.som_id and ans[-2] == v.eom_id
        if task == "continue":  # the two halves add up to the motion, cut on a step boundary
            n_head, n_tail = v.is_motion(ex.ids[~ex.answer_mask]).sum(), v.is_motion(ans).sum()
            assert n_head + n_tail == 16 and n_head % 2 == 0
        seen.add(b.tok.decode(ex.ids[~ex.answer_mask][:3]))
    assert len(PHRASINGS[task]) >= 5 and len(seen) >= 3
    assert b.instruction("part", rng, ["x"], [1, 2], {}) is None  # no part captions


@pytest.mark.parametrize("loss", ["all", "answer"])
def test_packing_rows_and_loss_masks(loss):
    b = _builder()
    exs = [b.alignment(c, list(range(i % 5 + 1))) for i, c in enumerate(CAPTIONS[:9])]
    packed = pack_examples(exs, 16, loss=loss)
    total = sum(len(e.ids) for e in exs)
    assert packed.input_ids.shape == (-(-total // 16), 16)
    flat_ids, flat_lab = packed.input_ids.reshape(-1)[:total], packed.labels.reshape(-1)
    assert np.array_equal(flat_ids, np.concatenate([e.ids for e in exs]))
    assert (flat_lab[total:] == IGNORE_INDEX).all()  # padding of the last row never carries loss
    mask = np.concatenate([e.answer_mask for e in exs])
    if loss == "all":
        assert np.array_equal(flat_lab[:total], flat_ids)
    else:
        assert (flat_lab[:total][~mask] == IGNORE_INDEX).all() and np.array_equal(flat_lab[:total][mask], flat_ids[mask])
    with pytest.raises(ValueError, match="loss"):
        pack_examples(exs, 16, loss="prompt")


def test_generation_prompt_is_the_stage1_prompt():
    """Generation's default prompt must be exactly what stage 1 trained (`caption \\n <som>`), token for token."""
    from being_kit.lm.generate import DEFAULT_T2M_TEMPLATE

    b = _builder()
    ids = b.alignment("a person walks", [1, 2]).ids.tolist()
    assert b.text_to_motion_prompt("a person walks", DEFAULT_T2M_TEMPLATE) == ids[: ids.index(b.vocab.som_id)]
    assert b.text_to_motion_prompt("a person walks") == ids[: ids.index(b.vocab.som_id)]
    uncond = b.alignment("", [1, 2]).ids.tolist()
    assert b.unconditional_motion_prompt() == uncond[: uncond.index(b.vocab.som_id)]


def test_caption_dropout_leaves_out_captions_at_its_rate():
    from being_kit.lm.data import TextInfo, stage_examples

    b = _builder()
    toks = [np.arange(4)] * 200
    texts = [TextInfo(["a person walks", "someone jumps up twice"], {}, ["walk"])] * 200
    uncond = b.unconditional_motion_prompt() + [b.vocab.som_id]

    def rate(p):
        ex = stage_examples(b, "align", toks, texts, tasks=TASKS, captions_per_motion=2, seed=0, caption_dropout=p)
        assert len(ex) == 400
        return np.mean([e.ids[: len(uncond)].tolist() == uncond for e in ex])

    assert rate(0.0) == 0.0 and 0.2 < rate(0.3) < 0.4
    with pytest.raises(ValueError, match="caption_dropout"):
        rate(1.0)


def test_float_token_ids_are_refused_not_truncated():
    v = MotionVocabulary(token_vocab_size=64, first_motion_id=300, som_id=298, eom_id=299, tokenizer_id="vq-1")
    with pytest.raises(ValueError, match=r"motion tokens must be integer ids, got dtype float64 \(e.g. 1.7\)"):
        v.to_lm_ids([1.7, 2.2])
    assert v.to_lm_ids(np.array([1, 2], np.int32)).tolist() == [301, 302] and v.to_lm_ids([]).tolist() == []
    with pytest.raises(ValueError, match=r"range \[9223372036854775813,"):  # not wrapped to a negative id
        v.to_lm_ids(np.array([2**63 + 5], np.uint64))


@pytest.mark.parametrize("content,match", [
    (b"[1, 2]", "expected a JSON object, got a JSON list"),
    (b'{"token_vocab_size": \xff}', "corrupt motion vocabulary .*UnicodeDecodeError"),
    (b"{not json", "corrupt motion vocabulary .*JSONDecodeError"),
    (b'{"first_motion_id": 300, "som_id": 298, "eom_id": 299, "tokenizer_id": "vq-1"}',
     "missing field 'token_vocab_size'"),
    (b'{"token_vocab_size": "64", "first_motion_id": 300, "som_id": 298, "eom_id": 299, "tokenizer_id": "vq-1"}',
     "token_vocab_size must be int, got str '64'"),
    (b'{"token_vocab_size": 0, "first_motion_id": 300, "som_id": 298, "eom_id": 299, "tokenizer_id": "vq-1"}',
     "token_vocab_size: expected >= 1, got 0"),
])
def test_a_malformed_motion_vocab_json_is_named(tmp_path, content, match):
    (tmp_path / "motion_vocab.json").write_bytes(content)
    with pytest.raises(ValueError, match=f"motion_vocab.json: {match}.*restore the file"):
        MotionVocabulary.load(tmp_path)


def test_save_is_atomic_and_round_trips(tmp_path):
    v = MotionVocabulary(token_vocab_size=64, first_motion_id=300, som_id=298, eom_id=299, tokenizer_id="vq-1",
                         duration_hint=True)
    v.save(tmp_path)
    assert MotionVocabulary.load(tmp_path) == v and [p.name for p in tmp_path.iterdir()] == ["motion_vocab.json"]
