"""`MotionLM`: a causal LM, its text tokenizer and its motion vocabulary, saved and loaded as one folder.

The folder (`<run_dir>/lm/`) holds `save_pretrained` output of the model and the text tokenizer, `motion_vocab.json`
(ids of the motion tokens and the motion tokenizer's `tokenizer_id`), `lm_config.json` (how it was trained) and, for
text-conditioned models, `text_condition.json` + `.safetensors` (`conditioning.TextCondition`).
A LoRA model is merged before saving, so the folder always loads with plain `AutoModelForCausalLM`.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .vocab import MotionVocabulary


@dataclass
class MotionLM:
    model: Any  # transformers PreTrainedModel (causal LM)
    tokenizer: Any  # transformers text tokenizer with the motion tokens added
    vocab: MotionVocabulary
    path: Path | None = None
    condition: Any = None  # conditioning.TextCondition of a text-conditioned model, else None

    @classmethod
    def from_pretrained(cls, directory: str | os.PathLike, dtype=None) -> "MotionLM":
        from transformers import AutoModelForCausalLM, AutoTokenizer

        directory = Path(directory)
        if not (directory / "config.json").is_file():
            raise FileNotFoundError(f"{directory}: no config.json; expected a folder written by train_lm "
                                    "(MotionLM.save_pretrained)")
        try:
            config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ValueError(f"{directory / 'config.json'}: corrupt model config ({type(e).__name__}: {e})") from None
        if not isinstance(config, dict) or "model_type" not in config:
            raise ValueError(f"{directory / 'config.json'}: not a transformers model config (expected a JSON object "
                             "with 'model_type'); retrain or restore the folder")
        vocab = MotionVocabulary.load(directory)
        tok = AutoTokenizer.from_pretrained(directory)
        kwargs = {"dtype": dtype} if dtype is not None else {}
        try:
            model = AutoModelForCausalLM.from_pretrained(directory, **kwargs)
        except Exception as e:  # safetensors raises its own error type (no file named) for a cut or foreign file
            if "safetensor" not in f"{type(e).__module__} {type(e).__name__} {e}".lower():
                raise
            weights = sorted(p.name for p in directory.glob("*.safetensors") if not p.name.startswith("text_condition"))
            raise ValueError(f"{directory}: unreadable model weights {weights} ({type(e).__name__}: {str(e)[:200]}); "
                             "restore the folder or retrain") from None
        model.loss_type = model.loss_type or "ForCausalLM"  # GPT2LMHeadModel's name maps to no loss: warned per rank
        model.eval()
        from .conditioning import TextCondition

        return cls(model, tok, vocab, directory, TextCondition.load(directory))

    def save_pretrained(self, directory: str | os.PathLike, state_dict: dict | None = None) -> Path:
        """Write model, tokenizer and vocabulary into a temporary folder that then replaces `directory` as a whole
        (`atomic_dirs.write_folder_atomic`: a kill mid-save leaves the previous model whole; the folder's other
        entries, e.g. a trainer's checkpoints/ and logs, stay). `state_dict`: the full weights when the model in
        memory is sharded (FSDP / ZeRO-3 gather them first)."""
        from ..atomic_dirs import write_folder_atomic

        model = self.model
        if hasattr(model, "merge_and_unload"):  # peft LoRA: save a plain model
            model = model.merge_and_unload()

        def write(tmp: Path) -> None:
            model.save_pretrained(tmp, **({"state_dict": state_dict} if state_dict is not None else {}))
            self.tokenizer.save_pretrained(tmp)
            self.vocab.save(tmp)
            if self.condition is not None:
                self.condition.save(tmp)

        directory = write_folder_atomic(Path(directory), write)
        self.path = directory
        return directory
