"""A config.json holding a JSON list (or garbage) in any model folder: a clear error naming the file."""
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
    with pytest.raises(ValueError, match=r"t/config.json: corrupt tokenizer config .*JSON object, got a list"):
        MotionTokenizer.from_pretrained(tmp_path / "t")


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
