"""train_tokenizer on a corpus whose shard bytes changed after writing: it stops before training, naming the shard
(a flipped byte inside a motion buffer is otherwise read as a value; `Corpus.open` does not hash)."""
import pytest

from _tokenizer_corpus import make_test_corpus
from being_kit.data import Corpus
from being_kit.tokenizer import TokenizerConfig
from being_kit.tokenizer.train import TrainConfig, train_tokenizer


def test_a_flipped_byte_in_a_shard_stops_training_with_the_shard_named(tmp_path):
    corpus = make_test_corpus(tmp_path / "corpus", n=12)
    shard = corpus.path / corpus.info["shards"][0]["file"]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the motion buffer: Arrow opens it and serves the wrong value
    shard.write_bytes(bytes(data))
    assert len(Corpus.open(corpus.path)) == 12  # opening does not notice
    model = TokenizerConfig(quantizer="vq", width=16, depth=1, code_dim=8, codebook_size=32)
    cfg = TrainConfig(corpus_path=str(corpus.path), out_dir=str(tmp_path / "out"), model=model, max_steps=2,
                      batch_size=4, window=32, warmup_steps=1, log_every=1, val_every=2, val_max_motions=2,
                      checkpoint_every=2, progress=False)
    with pytest.raises(ValueError, match=rf"corpus shard .*{shard.name}: its bytes changed since it was written.*"
                                         "re-import or restore it"):
        train_tokenizer(cfg)
    assert not (tmp_path / "out" / "model.safetensors").exists()
