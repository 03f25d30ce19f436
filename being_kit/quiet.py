"""Keep library chatter out of dashboards and executed notebooks: transformers' and huggingface_hub's progress bars
and warnings, and vector-quantize-pytorch's log lines (loguru colours them for a terminal; `tokenizer.vq` quiets the
codebook's start with `quiet_loguru`). A root module, so every layer may use it.

Loading a model prints "Loading weights: 100%|...|" bars (transformers 5 draws one for every `from_pretrained`, the
language model's and the MiniLM sentence encoder's), a VQ codebook's first forward logs its k-means initialisation
(loguru), and a dashboard shows whatever its callbacks print right under its widgets. `quiet_libraries()` turns
those bars and transformers' warnings off for the duration of a block and puts the previous settings back
afterwards, so a user's own cells keep theirs. (The environment variable HF_HUB_DISABLE_PROGRESS_BARS does the same
for a whole process, but only when set before the libraries are imported: the pipeline sets it for its kernels,
`pipeline.runner.KERNEL_ENV`; a running kernel needs these calls.)
"""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import Iterator

LOGURU_PACKAGES = ("vector_quantize_pytorch",)  # libraries that log through loguru


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """No transformers / huggingface_hub progress bars, only transformers' errors, and no loguru lines from
    `LOGURU_PACKAGES` inside the block."""
    with ExitStack() as stack:
        stack.enter_context(_quiet_transformers())
        stack.enter_context(quiet_loguru())
        yield


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # no transformers: nothing draws those bars
        yield
        return
    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()  # transformers' own bars and huggingface_hub's
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@contextmanager
def quiet_loguru() -> Iterator[None]:
    """No loguru lines from `LOGURU_PACKAGES` inside the block (loguru colours them for a terminal, and a notebook
    keeps the escape codes)."""
    try:
        from loguru import logger
    except ImportError:
        yield
        return
    for name in LOGURU_PACKAGES:
        logger.disable(name)
    try:
        yield
    finally:
        for name in LOGURU_PACKAGES:
            logger.enable(name)
