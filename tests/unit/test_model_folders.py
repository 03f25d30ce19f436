"""Bad model folders (a config.json holding a JSON list or garbage, cut or flipped weights) and config files: a clear
error naming the file; saves replace a folder as a whole."""
import json

import pytest
import torch

from being_kit.eval.action_classifier import ActionClassifier, ActionClassifierConfig
from being_kit.lm.motion_lm import MotionLM
from being_kit.tokenizer import MotionTokenizer, TokenizerConfig


def test_tokenizer_config_as_list(tmp_path):
    tok = MotionTokenizer(TokenizerConfig(width=16, depth=1, code_dim=16, codebook_size=16))
    tok.save_pretrained(tmp_path / "t")
    (tmp_path / "t" / "config.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"t/config.json: not a tokenizer config .*JSON object, got a list"):
        MotionTokenizer.from_pretrained(tmp_path / "t")


def test_tokenizer_weights_with_a_flipped_byte_are_corrupt(tmp_path):
    tok = MotionTokenizer(TokenizerConfig(width=16, depth=1, code_dim=16, codebook_size=16))
    tok.save_pretrained(tmp_path / "t")
    weights = bytearray((tmp_path / "t" / "model.safetensors").read_bytes())
    weights[-5] ^= 0x10  # inside the last tensor's bytes: the file still parses
    (tmp_path / "t" / "model.safetensors").write_bytes(bytes(weights))
    with pytest.raises(ValueError, match=r"t/model.safetensors: corrupt weights: they hash to vq-\w+, but config.json "
                                         r"records " + tok.tokenizer_id):
        MotionTokenizer.from_pretrained(tmp_path / "t")


def test_tokenizer_statistics_are_stored_once_and_older_folders_still_load(tmp_path):
    import numpy as np

    mean, std = np.arange(263, dtype=np.float32), np.full(263, 2.0, np.float32)
    tok = MotionTokenizer(TokenizerConfig(width=16, depth=1, code_dim=16, codebook_size=16), mean, std)
    tok.save_pretrained(tmp_path / "t")
    meta = json.loads((tmp_path / "t" / "config.json").read_text())
    assert "mean" not in meta and "std" not in meta  # the weights file holds them as buffers
    (tmp_path / "t" / "config.json").write_text(json.dumps({**meta, "mean": [0.0] * 263, "std": [1.0] * 263}))
    back = MotionTokenizer.from_pretrained(tmp_path / "t")  # a folder written before: its buffers win
    assert np.array_equal(back.mean.numpy(), mean) and back.tokenizer_id == tok.tokenizer_id


def test_a_model_save_replaces_the_folder_whole_and_keeps_a_trainers_files(tmp_path):
    folder = tmp_path / "t"
    (folder / "checkpoints" / "step_0000001").mkdir(parents=True)
    (folder / "train_log.jsonl").write_text("{}\n")
    first = MotionTokenizer(TokenizerConfig(width=16, depth=1, code_dim=16, codebook_size=16))
    first.save_pretrained(folder)
    torch.manual_seed(1)
    second = MotionTokenizer(TokenizerConfig(width=16, depth=1, code_dim=16, codebook_size=16))
    second.save_pretrained(folder)
    assert MotionTokenizer.from_pretrained(folder).tokenizer_id == second.tokenizer_id != first.tokenizer_id
    assert sorted(p.name for p in folder.iterdir()) == ["checkpoints", "config.json", "model.safetensors",
                                                         "train_log.jsonl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]


def test_eval_checkpoint_config_as_list_and_truncated_weights(tmp_path):
    clf = ActionClassifier(263, ["walk", "run"], ActionClassifierConfig(hidden=8))
    clf.save_pretrained(tmp_path / "c")
    weights = (tmp_path / "c" / "model.safetensors").read_bytes()
    (tmp_path / "c" / "model.safetensors").write_bytes(weights[: len(weights) // 2])
    with pytest.raises(ValueError, match=r"c/model.safetensors: unreadable action classifier weights"):
        ActionClassifier.from_pretrained(tmp_path / "c")
    (tmp_path / "c" / "config.json").write_text(json.dumps(["kind"]))
    with pytest.raises(ValueError, match=r"c/config.json: not a action classifier config"):
        ActionClassifier.from_pretrained(tmp_path / "c")


def test_lm_config_as_list(tmp_path):
    (tmp_path / "lm").mkdir()
    (tmp_path / "lm" / "config.json").write_text("[]")
    with pytest.raises(ValueError, match=r"lm/config.json: not a transformers model config"):
        MotionLM.from_pretrained(tmp_path / "lm")
    (tmp_path / "lm" / "config.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(ValueError, match=r"lm/config.json: corrupt model config"):
        MotionLM.from_pretrained(tmp_path / "lm")


def test_lm_weights_cut_short_name_the_file(tmp_path):
    from _tiny_lm import train_tiny_lm

    folder = train_tiny_lm(tmp_path, n=16, max_steps=1).path
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ValueError, match=r"lm: unreadable model weights \['model.safetensors'\] \(SafetensorError"):
        MotionLM.from_pretrained(folder)


def test_lm_config_file_errors_name_the_file_and_the_field(tmp_path):
    from being_kit.lm import LMConfig

    path = tmp_path / "lm_config.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"lm_config.json: expected a JSON object of LMConfig fields, got a list"):
        LMConfig.load(path)
    path.write_text(json.dumps({"tokens_dir": "t", "out_dir": "o", "lr": "fast"}))
    with pytest.raises(ValueError, match=r"lm_config.json: lr: expected float, got 'fast'"):
        LMConfig.load(path)
    LMConfig(tokens_dir="t", out_dir="o", lr=1e-3).save(path)
    assert LMConfig.load(path).lr == 1e-3 and [p.name for p in tmp_path.iterdir()] == ["lm_config.json"]
