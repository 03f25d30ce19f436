"""Motion tokens as extra vocabulary of a causal language model (Being-M0): vocabulary, base models, templates,
packing, two-stage training on accelerate, constrained generation. Importing it loads neither torch nor transformers
beyond what the submodules you touch need."""
from .config import LMConfig
from .motion_lm import MotionLM
from .vocab import SPECIAL_TOKENS, MotionVocabulary, TokenizerMismatchError, add_motion_vocabulary


def __getattr__(name: str):
    if name in ("train_lm", "LMTrainResult"):
        from . import train

        return getattr(train, name)
    if name in ("generate_motion", "caption_motion", "GeneratedMotions"):
        from . import generate

        return getattr(generate, name)
    if name in ("LMGenerator", "run_language_model"):
        from . import eval_generator

        return getattr(eval_generator, name)
    raise AttributeError(f"module 'being_kit.lm' has no attribute {name!r}")


__all__ = ["LMConfig", "MotionLM", "MotionVocabulary", "SPECIAL_TOKENS", "TokenizerMismatchError",
           "add_motion_vocabulary", "train_lm", "LMTrainResult", "generate_motion", "caption_motion",
           "GeneratedMotions", "LMGenerator", "run_language_model"]
