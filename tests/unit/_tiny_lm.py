"""The smallest trainable motion LM on a fake run (`tests/unit/_lm_fakes.py`): one place for the tests that need one."""
from pathlib import Path

from being_kit.lm import LMConfig, MotionLM, train_lm
from _lm_fakes import make_fake_run

TINY = dict(n_layer=1, n_embd=32, n_head=2, text_vocab_size=300, seq_len=64, batch_size=4, warmup_steps=1, log_every=1)


def train_tiny_lm(root: Path, *, n: int = 32, max_steps: int = 2, tokens: Path | None = None, **overrides) -> MotionLM:
    """Train `root/lm` for `max_steps` per stage on `tokens` (default: a fake run of `n` motions written under
    `root`) and load it."""
    tokens = tokens or make_fake_run(root, n=n)
    train_lm(LMConfig(tokens_dir=str(tokens), out_dir=str(root / "lm"), max_steps=max_steps, **{**TINY, **overrides}))
    return MotionLM.from_pretrained(root / "lm")
