"""Motion tokenizers: VQ, LFQ and the 2D-LFQ MotionBook behind one interface (`MotionTokenizer`), their training on
accelerate (`train_tokenizer`), reconstruction metrics (`evaluate_reconstruction`) and token shards for the LM."""
from .config import QUANTIZERS, TokenizerConfig
from .model import MotionTokenizer

_LAZY = {
    "TrainConfig": "being_kit.tokenizer.train",
    "TrainResult": "being_kit.tokenizer.train",
    "train_tokenizer": "being_kit.tokenizer.train",
    "evaluate_reconstruction": "being_kit.tokenizer.evaluate",
    "write_token_shards": "being_kit.tokenizer.shards",
    "load_token_shards": "being_kit.tokenizer.shards",
}

__all__ = ["QUANTIZERS", "TokenizerConfig", "MotionTokenizer", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'being_kit.tokenizer' has no attribute {name!r}")
