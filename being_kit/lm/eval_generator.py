"""The language model as the evaluation protocol sees it: the run's saved model, and a `GenerateFn` over it.

`being_kit.eval.protocol` scores any callable (texts, lengths, seed) -> motions; this adapter lives with the
language model (the layer above eval), so eval never imports lm.
"""
from __future__ import annotations

from pathlib import Path


def run_language_model(run_dir: str | Path):
    """The MotionLM that 03_train_lm saved in `<run_dir>/lm/`, or None when there is none."""
    folder = Path(run_dir) / "lm"
    if not (folder / "config.json").is_file():
        return None
    from .motion_lm import MotionLM

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

        from .generate import generate_motion

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
