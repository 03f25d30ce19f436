"""being_kit.lm.feed: the cached path gives exactly the rows of `data.stage_rows`; the EpochLoader gives the planned
epochs in order from background workers; the feed benchmark runs and says the rows are identical."""
import numpy as np
import pytest
import torch

from being_kit.bench.lm_feed import feed_corpus, feed_model, node_demand
from being_kit.lm.data import read_token_shards, stage_rows
from being_kit.lm.feed import CachedTextIds, EpochLoader, cached_builder, stage_rows_cached
from being_kit.lm.templates import TASKS, ExampleBuilder


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """Token shards of 120 synthetic motions (captions, parts and parameters from the generator) and the default
    text tokenizer and motion vocabulary trained on them."""
    folder, texts = feed_corpus(120, tmp_path_factory.mktemp("feed"))
    shards = read_token_shards(folder)
    tok, vocab = feed_model(texts, shards, text_vocab_size=400)
    return shards, texts, tok, vocab


def _same(a, b) -> bool:
    return a.input_ids.shape == b.input_ids.shape and np.array_equal(a.input_ids, b.input_ids) and \
        np.array_equal(a.labels, b.labels) and a.cond_texts == b.cond_texts and \
        (a.cond_index is None) == (b.cond_index is None) and (a.cond_index is None or
                                                              np.array_equal(a.cond_index, b.cond_index))


CASES = {
    "align": dict(stage="align"),
    "align-dropout-augment": dict(stage="align", caption_dropout=0.3, caption_augment=0.5, loss="answer"),
    "align-hint": dict(stage="align", duration_hint=0.5),
    "instruct": dict(stage="instruct"),
    "instruct-augment-hint": dict(stage="instruct", caption_augment=0.5, duration_hint=0.5, loss="answer"),
    "align-condition": dict(stage="align", word_dropout=0.3, caption_dropout=0.2),  # a text-conditioned model
    "instruct-condition": dict(stage="instruct", word_dropout=0.3),
}


def _condition(texts):
    """A sentence-vector condition (nothing loaded) that knows every other caption word: the rest become
    `<unk_word>`, and training drops words at `word_dropout`."""
    from being_kit.lm.conditioning import TextCondition, TextConditionConfig, word_vocabulary

    words = word_vocabulary([t for info in texts for t in info.texts])
    return TextCondition(TextConditionConfig(n_embd=8, num_slots=2, first_slot_id=10, unknown_word_id=12,
                                             vocabulary=words[::2]))


@pytest.mark.parametrize("case", list(CASES))
def test_cached_rows_are_exactly_stage_rows_over_epochs(feed, case):
    import dataclasses

    shards, texts, tok, vocab = feed
    kw = {"seq_len": 96, "loss": "all", "tasks": TASKS, "captions_per_motion": 3, **CASES[case]}
    stage, word_dropout = kw.pop("stage"), kw.pop("word_dropout", None)
    vocab = dataclasses.replace(vocab, duration_hint=bool(kw.get("duration_hint")))
    builder = ExampleBuilder(tok, vocab) if word_dropout is None else \
        ExampleBuilder(tok, vocab, condition=_condition(texts), word_dropout=word_dropout)
    cached = cached_builder(builder)
    for seed in (1, 2):  # the cache persists across epochs: later epochs reuse earlier strings
        base = stage_rows(builder, stage, shards.tokens, texts, seed=seed, **kw)
        fast = stage_rows_cached(cached, stage, shards.tokens, texts, seed=seed, **kw)
        assert len(base.input_ids) > 10 and _same(base, fast), (case, seed)
        assert bool(base.cond_texts) == (word_dropout is not None)  # conditioned rows index their sentences
    assert cached.tok.misses == 0  # the dry run foresaw every string


def test_unforeseen_and_uncached_strings_still_give_the_tokenizers_ids(feed):
    shards, texts, tok, vocab = feed
    kw = dict(seq_len=96, loss="all", tasks=TASKS, captions_per_motion=2, seed=3)
    builder = ExampleBuilder(tok, vocab)
    tiny = ExampleBuilder(CachedTextIds(tok, max_entries=5), vocab)  # almost nothing fits: tokenized on the spot
    assert _same(stage_rows(builder, "instruct", shards.tokens, texts, **kw),
                 stage_rows_cached(tiny, "instruct", shards.tokens, texts, **kw))
    assert len(tiny.tok.ids) == 5 and tiny.tok.misses > 0
    ids = CachedTextIds(tok)
    assert ids("a person walks", add_special_tokens=False)["input_ids"] == \
        tuple(tok("a person walks", add_special_tokens=False)["input_ids"])
    assert ids.eos_token_id == tok.eos_token_id and len(ids) == len(tok)  # everything else is the tokenizer's


@pytest.mark.parametrize("workers", [0, 2])
def test_epoch_loader_gives_the_planned_epochs_in_order(feed, workers):
    shards, texts, tok, vocab = feed
    builder = cached_builder(ExampleBuilder(tok, vocab))
    kw = dict(seq_len=96, loss="all", tasks=TASKS, captions_per_motion=3)

    def build(stage, epoch):
        return stage_rows_cached(builder, stage, shards.tokens, texts, seed=epoch + 1, **kw)

    keys = [("align", 0), ("align", 1), ("instruct", 0)]
    torch_rng = torch.random.get_rng_state()
    loader = EpochLoader(build, keys, num_workers=workers)
    assert torch.equal(torch.random.get_rng_state(), torch_rng)  # the trainer's dropout draws stay where they were
    for stage, epoch in keys:
        expected = stage_rows(ExampleBuilder(tok, vocab), stage, shards.tokens, texts, seed=epoch + 1, **kw)
        assert _same(loader.rows(stage, epoch), expected)
    expected = stage_rows(ExampleBuilder(tok, vocab), "instruct", shards.tokens, texts, seed=2, **kw)
    assert _same(loader.rows("instruct", 1), expected)  # past the plan: built on the spot
    loader = EpochLoader(build, keys, num_workers=workers)
    with pytest.raises(ValueError, match=r"asked for \('align', 1\), the next planned epoch is \('align', 0\)"):
        loader.rows("align", 1)


def test_epoch_loader_hands_out_rows_at_hand_and_starts_no_worker_for_nothing(feed):
    shards, texts, tok, vocab = feed
    builder = cached_builder(ExampleBuilder(tok, vocab))
    kw = dict(seq_len=96, loss="all", tasks=TASKS, captions_per_motion=3)
    asked = []

    def build(stage, epoch):
        asked.append((stage, epoch))
        return stage_rows_cached(builder, stage, shards.tokens, texts, seed=epoch + 1, **kw)

    first = build("align", 0)
    asked.clear()
    loader = EpochLoader(build, [("align", 0)], num_workers=1, built={("align", 0): first})
    assert loader._it is None and loader.rows("align", 0) is first and asked == []  # nothing to build: no worker
    loader = EpochLoader(build, [("align", 0), ("align", 1)], num_workers=0, built={("align", 0): first})
    assert loader.rows("align", 0) is first and asked == []
    assert _same(loader.rows("align", 1), stage_rows(ExampleBuilder(tok, vocab), "align", shards.tokens, texts,
                                                      seed=2, **kw)) and asked == [("align", 1)]


def test_node_demand_is_the_stated_arithmetic():
    assert node_demand() == pytest.approx(0.45 * 8 * 989e12 / (6 * 355e6))
    assert 1.6e6 < node_demand() < 1.7e6


def test_feed_benchmark_runs_and_finds_identical_rows(tmp_path, capsys):
    from being_kit.bench.lm import main

    main(["--feed", "--motions", "150", "--seq-len", "128", "--workers", "1", "--cache-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert out.count("identical rows: yes") == 4 and "identical rows: NO" not in out
    assert "loader worker(s) per GPU" in out and "1.67M tokens/s per node" in out
