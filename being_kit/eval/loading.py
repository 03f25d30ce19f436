"""One entry point for the notebook: evaluator "builtin" (B, trained once per run and reused) or "guo" (A, files)."""
from __future__ import annotations

from pathlib import Path

from .checkpoint import CONFIG_FILE
from .contrastive import ContrastiveEvaluator


def load_evaluator(kind: str, run_dir: str | Path | None = None, *, train_config=None, retrain: bool = False,
                   guo_checkpoint: str = "", guo_glove_dir: str = "", guo_mean: str = "", guo_std: str = ""):
    """kind "builtin": `<run_dir>/evaluator/` if it holds a trained model (and not `retrain`), else
    `train_evaluator(train_config)` (whose out_dir should be that folder). kind "guo": Guo et al.'s checkpoint files.
    Returns (evaluator, trained: bool)."""
    if kind == "guo":
        from .guo_evaluator import GuoEvaluator

        missing = [n for n, v in (("guo_checkpoint", guo_checkpoint), ("guo_glove_dir", guo_glove_dir),
                                  ("guo_mean", guo_mean), ("guo_std", guo_std)) if not v]
        if missing:
            raise ValueError(f"evaluator 'guo' needs the paths {missing} (checkpoint finest.tar, GloVe folder, mean/std)")
        return GuoEvaluator.from_checkpoint(guo_checkpoint, guo_glove_dir, guo_mean, guo_std), False
    if kind != "builtin":
        raise ValueError(f"evaluator must be 'builtin' or 'guo', got {kind!r}")
    folder = Path(train_config.out_dir) if train_config is not None else Path(run_dir or ".") / "evaluator"
    if not retrain and (folder / CONFIG_FILE).is_file():
        return ContrastiveEvaluator.from_pretrained(folder), False
    if train_config is None:
        raise ValueError(f"no trained evaluator in {folder} and no train_config given to train one")
    from .contrastive_train import train_evaluator

    return train_evaluator(train_config).model, True


def run_tokenizers(run_dir: str | Path) -> dict:
    """quantizer name -> MotionTokenizer for every `<run_dir>/tokenizer/<q>/` that 02_tokenizer saved (sorted)."""
    from ..tokenizer import MotionTokenizer

    root = Path(run_dir) / "tokenizer"
    if not root.is_dir():
        return {}
    return {d.name: MotionTokenizer.from_pretrained(d) for d in sorted(root.iterdir())
            if d.is_dir() and (d / "config.json").is_file()}
