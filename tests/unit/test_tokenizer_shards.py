"""Token shards: the whole corpus, one row per motion, tokens equal to tokenize(), the tokenizer identity enforced."""
import json

import numpy as np
import pytest
import torch

from _tokenizer_corpus import make_test_corpus
from being_kit.motion import Normalizer
from being_kit.tokenizer import MotionTokenizer, TokenizerConfig, load_token_shards, write_token_shards


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_test_corpus(tmp_path_factory.mktemp("shards") / "corpus", n=12)


@pytest.mark.parametrize("q", ["vq", "lfq2d"])
def test_write_and_load(corpus, tmp_path, q):
    norm = Normalizer.load(corpus.path)
    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(quantizer=q, width=16, depth=1, code_dim=8, codebook_size=16, lfq_bits=5),
                          norm.mean, norm.std).eval()
    write_token_shards(tok, corpus, tmp_path, batch_size=5, progress=False)
    shards = load_token_shards(tmp_path, expect_tokenizer_id=tok.tokenizer_id)
    info = json.loads((tmp_path / "tokens.json").read_text())
    assert info == shards.info and info["quantizer"] == q and info["token_vocab_size"] == tok.token_vocab_size
    assert info["tokens_per_step"] == tok.tokens_per_step and info["downsample"] == 4 and info["num_motions"] == 12
    assert len(shards) == len(corpus) and shards.index.tolist() == list(range(len(corpus)))
    assert shards.ids.tolist() == [str(i) for i in corpus.ids] and shards.splits.tolist() == [str(s) for s in corpus.splits]
    assert shards.num_frames.tolist() == corpus.lengths.tolist()
    for i in (0, 5, 11):  # batched + padded tokenization equals one motion alone
        np.testing.assert_array_equal(shards.tokens[i], tok.tokenize(corpus.motion(i)))
        assert shards.tokens[i].dtype == np.int32
        assert len(shards.tokens[i]) == (corpus.lengths[i] // 4) * tok.tokens_per_step
    assert set(shards.split("test")) == set(np.flatnonzero(corpus.splits == "test").tolist())


def test_tokens_from_another_tokenizer_are_refused(corpus, tmp_path):
    tok = MotionTokenizer(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4)).eval()
    write_token_shards(tok, corpus, tmp_path, progress=False)
    with pytest.raises(ValueError, match="re-tokenize"):
        load_token_shards(tmp_path, expect_tokenizer_id="lfq-0000000000000000")


def test_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="tokens.json"):
        load_token_shards(tmp_path)
    (tmp_path / "tokens.json").write_text("{}")
    with pytest.raises(FileNotFoundError, match="tokens.parquet"):
        load_token_shards(tmp_path)
    (tmp_path / "tokens.parquet").write_bytes(b"")
    with pytest.raises(ValueError, match="tokens.json"):
        load_token_shards(tmp_path)
