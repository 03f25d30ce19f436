"""The training runtime every being-kit trainer (tokenizer, language model, evaluator B) runs on.

- `session`: the Accelerator's processes (fresh accelerate state, the launched engine, CPU or not, threads per
  process) and its release.
- `checkpoint`: one checkpoint format on `accelerator.save_state` / `load_state`, written atomically, resumed from
  the newest complete one with fallback to the one before it.
- `schedule`: one warmup + cosine learning-rate schedule (per stage for the LM).
- `log`: one train-log writer (JSON lines; a resumed run drops what it will log again).
- `being_kit.launcher.launch`: the one launcher (this process, or `notebook_launcher` on a free port).

Base layer: imports no being-kit component (test_layering checks it).
"""
from .checkpoint import CheckpointError, checkpoint_dirs, resume_checkpoint, save_checkpoint
from .log import LOG_FILE, TrainLog
from .schedule import staged, warmup_cosine
from .session import (FSDP_NEEDS_GPUS, is_sharded, launched_engine, make_accelerator, release, start_processes,
                      use_cpu)

__all__ = ["CheckpointError", "checkpoint_dirs", "resume_checkpoint", "save_checkpoint", "LOG_FILE", "TrainLog",
           "staged", "warmup_cosine", "FSDP_NEEDS_GPUS", "is_sharded", "launched_engine", "make_accelerator",
           "release", "start_processes", "use_cpu"]
