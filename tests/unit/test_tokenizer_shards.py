"""Token shards: the whole corpus, one row per motion, tokens equal to tokenize(), the tokenizer identity enforced."""
import json
from pathlib import Path

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


@pytest.fixture(scope="module")
def written(corpus, tmp_path_factory):
    """One set of shards written by a small VQ tokenizer, copied by each test that edits it."""
    out = tmp_path_factory.mktemp("written") / "vq"
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", width=8, depth=1, code_dim=8, codebook_size=16)).eval()
    write_token_shards(tok, corpus, out, progress=False)
    return out


def _copy(written, tmp_path):
    import shutil

    return Path(shutil.copytree(written, tmp_path / "vq"))


def _rewrite_tokens(folder, column):
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "tokens.parquet")
    table = table.set_column(table.schema.get_field_index("tokens"), "tokens", column(table.column("tokens").to_pylist()))
    pq.write_table(table, folder / "tokens.parquet")
    info = json.loads((folder / "tokens.json").read_text())
    info.pop("tokens_blake2b")  # as a hand-made or older shard set: the content checks alone must catch it
    (folder / "tokens.json").write_text(json.dumps(info))


def test_the_pair_lands_together_and_the_digest_ties_them(written, tmp_path):
    info = json.loads((written / "tokens.json").read_text())
    from being_kit.data.corpus import file_digest

    assert info["tokens_blake2b"] == file_digest(written / "tokens.parquet")
    folder = _copy(written, tmp_path)
    other = _copy(written, tmp_path / "other")
    import pyarrow.parquet as pq

    table = pq.read_table(other / "tokens.parquet")
    pq.write_table(table.slice(0, 11), folder / "tokens.parquet")  # tokens of another write under this tokens.json
    with pytest.raises(ValueError, match="tokens.parquet: its bytes differ from the digest .*tokens.json recorded"):
        load_token_shards(folder)


def test_an_interrupted_write_keeps_the_previous_shards_whole(corpus, written, tmp_path, monkeypatch):
    import being_kit.tokenizer.shards as shards

    folder = _copy(written, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    tok = MotionTokenizer(TokenizerConfig(quantizer="lfq", width=8, depth=1, lfq_bits=4)).eval()

    def killed(new, path):
        raise KeyboardInterrupt  # stopped after both files were written, before they were swapped in

    monkeypatch.setattr(shards, "replace_folder", killed)
    with pytest.raises(KeyboardInterrupt):
        write_token_shards(tok, corpus, folder, progress=False)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # old pair, nothing of the new one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vq"]  # no temporary left beside it
    monkeypatch.undo()
    write_token_shards(tok, corpus, folder, progress=False)
    assert load_token_shards(folder, expect_tokenizer_id=tok.tokenizer_id).info["quantizer"] == "lfq"


def test_out_dir_must_be_the_shards_own_folder(corpus, tmp_path):
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", width=8, depth=1, code_dim=8, codebook_size=16)).eval()
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.md").write_text("precious")
    with pytest.raises(FileExistsError, match=r"holds other files \(\['notes.md'\]\).*their own"):
        write_token_shards(tok, corpus, tmp_path / "run", progress=False)
    assert (tmp_path / "run" / "notes.md").read_text() == "precious"
    (tmp_path / "afile").write_text("x")
    with pytest.raises(FileExistsError, match="afile is a file"):
        write_token_shards(tok, corpus, tmp_path / "afile", progress=False)


def test_a_corrupt_corpus_is_refused_before_tokenizing(corpus, tmp_path):
    import shutil

    from being_kit.data import Corpus

    copy = Path(shutil.copytree(corpus.path, tmp_path / "corpus"))
    shard = copy / "shard-00000.arrow"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", width=8, depth=1, code_dim=8, codebook_size=16)).eval()
    with pytest.raises(ValueError, match="shard-00000.arrow: its bytes changed since it was written"):
        write_token_shards(tok, Corpus.open(copy), tmp_path / "tokens", progress=False)
    assert not (tmp_path / "tokens").exists()


@pytest.mark.parametrize("text,match", [
    ("[1]", "expected a JSON object, got a JSON list"),
    (b'{"tokenizer_id": "\xff"}', "corrupt token-shard info"),
    ('{"tokenizer_id": 5, "token_vocab_size": 16}', "tokenizer_id must be a non-empty string, got 5"),
    ('{"tokenizer_id": "vq-1", "token_vocab_size": "16"}', "token_vocab_size must be a whole number >= 1, got '16'"),
    ('{"tokenizer_id": "vq-1", "token_vocab_size": 16, "downsample": 0}', "downsample must be a whole number"),
])
def test_a_malformed_tokens_json_is_named(written, tmp_path, text, match):
    folder = _copy(written, tmp_path)
    (folder / "tokens.json").write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ValueError, match=f"tokens.json: {match}.*write the token shards again"):
        load_token_shards(folder)


def test_float_negative_or_too_large_token_ids_are_named_with_their_row(written, tmp_path):
    import pyarrow as pa

    folder = _copy(written, tmp_path)
    _rewrite_tokens(folder, lambda rows: pa.array([[t + 0.7 for t in r] for r in rows], pa.list_(pa.float64())))
    with pytest.raises(ValueError, match="column 'tokens' must hold lists of integer token ids, got list<.*double>"):
        load_token_shards(folder)
    for bad, shown in ((-5, "-5"), (16, "16")):
        folder = _copy(written, tmp_path / str(bad))
        _rewrite_tokens(folder, lambda rows: pa.array([r if i != 3 else [bad] + r[1:] for i, r in enumerate(rows)],
                                                      pa.list_(pa.int32())))
        with pytest.raises(ValueError, match=rf"tokens.parquet: row 3 \(id '.*'\) holds token id {shown}, outside "
                                             r"\[0, 16\)"):
            load_token_shards(folder)


def test_a_truncated_or_incomplete_table_is_named(written, tmp_path):
    import pyarrow.parquet as pq

    folder = _copy(written, tmp_path)
    table_bytes = (folder / "tokens.parquet").read_bytes()
    info = json.loads((folder / "tokens.json").read_text())
    info.pop("tokens_blake2b")
    (folder / "tokens.json").write_text(json.dumps(info))
    (folder / "tokens.parquet").write_bytes(table_bytes[:200])
    with pytest.raises(ValueError, match="tokens.parquet: corrupt or truncated"):
        load_token_shards(folder)
    table = pq.read_table(written / "tokens.parquet")
    pq.write_table(table.drop_columns(["num_frames"]), folder / "tokens.parquet")
    with pytest.raises(ValueError, match=r"missing columns \['num_frames'\]"):
        load_token_shards(folder)
    pq.write_table(table.slice(0, 5), folder / "tokens.parquet")
    with pytest.raises(ValueError, match="tokens.parquet: 5 rows, .*tokens.json says 12"):
        load_token_shards(folder)


def test_a_view_keeps_the_stored_corpus_positions_the_lm_looks_captions_up_by(corpus, tmp_path):
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", width=8, depth=1, code_dim=8, codebook_size=16)).eval()
    view = corpus.select([9, 2, 5])
    write_token_shards(tok, view, tmp_path / "vq", progress=False)
    shards = load_token_shards(tmp_path / "vq")
    assert shards.index.tolist() == [9, 2, 5] and shards.ids.tolist() == [str(corpus.ids[i]) for i in (9, 2, 5)]
    for row, i in enumerate((9, 2, 5)):
        np.testing.assert_array_equal(shards.tokens[row], tok.tokenize(corpus.motion(i)))


def test_a_bad_index_column_is_named(written, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _copy(written, tmp_path)
    table = pq.read_table(folder / "tokens.parquet")
    table = table.set_column(0, "index", pa.array([0] * len(table), pa.int64()))
    pq.write_table(table, folder / "tokens.parquet")
    info = json.loads((folder / "tokens.json").read_text())
    info.pop("tokens_blake2b")
    (folder / "tokens.json").write_text(json.dumps(info))
    with pytest.raises(ValueError, match="column 'index' must hold distinct corpus positions"):
        load_token_shards(folder)
