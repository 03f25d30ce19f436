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


def run_language_model(run_dir: str | Path):
    """The MotionLM that 03_train_lm saved in `<run_dir>/lm/`, or None when there is none."""
    folder = Path(run_dir) / "lm"
    if not (folder / "config.json").is_file():
        return None
    from ..lm import MotionLM

    return MotionLM.from_pretrained(folder)


class LMGenerator:
    """A GenerateFn over `being_kit.lm.generate_motion`: one motion per text, at most the requested length.

    A prompt whose generation fails (no motion span, decoder error) yields a 4-frame motion of zeros, which the
    metrics penalise; `failures` counts them, `calls` counts the texts generated.
    """

    def __init__(self, model, motion_tokenizer=None, *, fps: float = 20.0, temperature: float = 1.0, top_k: int = 0,
                 top_p: float = 1.0, batch_size: int = 32, guidance_scale: float = 1.0):
        self.model, self.motion_tokenizer, self.fps = model, motion_tokenizer, fps
        self.kwargs = dict(temperature=temperature, top_k=top_k, top_p=top_p, batch_size=batch_size,
                           guidance_scale=guidance_scale)
        self.failures = self.calls = 0
        self._dim: int | None = None

    def __call__(self, texts: list[str], lengths: list[int], seed: int) -> list:
        import numpy as np

        from ..lm import generate_motion

        out = generate_motion(self.model, texts, motion_tokenizer=self.motion_tokenizer,
                              durations=[max(n, 4) / self.fps for n in lengths], seed=seed, **self.kwargs)
        dim = next((f.shape[1] for f in out.features if f is not None), self._dim)
        if dim is None:
            raise RuntimeError(f"generate_motion produced no motion for any of {len(texts)} prompts: {set(out.status)}")
        self._dim = dim
        self.calls += len(texts)
        motions = []
        for f in out.features:
            if f is None or len(f) == 0:
                self.failures += 1
                f = np.zeros((4, dim), np.float32)
            motions.append(f)
        return motions
