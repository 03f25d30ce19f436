"""The processes a trainer runs in: a fresh accelerate state, the CPU-or-not choice, threads split between processes.

Every being-kit trainer creates its Accelerator inside the trained function (so the same call runs under
`notebook_launcher`, `debug_launcher` and `accelerate launch`), through `start_processes` and `make_accelerator`,
and hands it back with `release` at the end.
"""
from __future__ import annotations

import os

_TRUE = ("1", "true", "yes", "on")


def sharding_plugin() -> str | None:
    """"deepspeed" or "fsdp" when `accelerate launch` configured that plugin for this process (it says so in the
    environment: ACCELERATE_USE_DEEPSPEED / ACCELERATE_USE_FSDP), else None."""
    for name in ("deepspeed", "fsdp"):
        if os.environ.get(f"ACCELERATE_USE_{name.upper()}", "").strip().lower() in _TRUE:
            return name
    return None


def use_cpu() -> bool:
    """Whether the Accelerator is created with `cpu=True`.

    True where no GPU exists: without it, each CPU process that `notebook_launcher` starts silently trains alone
    (accelerate picks DistributedType.NO instead of MULTI_CPU over gloo). False under `accelerate launch` with a
    DeepSpeed or FSDP plugin configured (`sharding_plugin`): those recipes choose their devices themselves, and
    cpu=True would override the plugin. False on any machine with a GPU.
    """
    import torch

    return not torch.cuda.is_available() and sharding_plugin() is None


def start_processes():
    """The process group of this trainer (accelerate's PartialState), from the launcher's environment.

    A state left by an earlier Accelerator in this process (a run that raised, or one inherited through fork by a
    launcher's children) would make this one silently single-process, or pair its collectives wrongly: it is reset
    first. On CPU with several processes the cores are split between them; one thread per process on 2 cores also
    keeps a launcher's forked children out of the OpenMP pool a parent kernel used before forking, where they hang in
    conv forward.
    """
    import torch
    from accelerate.state import AcceleratorState, PartialState

    AcceleratorState._reset_state(reset_partial_state=True)
    procs = PartialState(cpu=use_cpu())
    if procs.num_processes > 1 and not torch.cuda.is_available():
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // procs.num_processes))
    return procs


def make_accelerator(cpu: bool | None = None, **kwargs):
    """`Accelerator(cpu=use_cpu(), **kwargs)` over the process group `start_processes` made (`cpu=True` also where a
    trainer was asked for the CPU on a GPU machine)."""
    from accelerate import Accelerator

    return Accelerator(cpu=use_cpu() if cpu is None else cpu, **kwargs)


def is_sharded(accelerator) -> bool:
    """Whether the prepared model may be split across processes (DeepSpeed, FSDP): full weights must be gathered
    (`accelerator.get_state_dict`, called on every process) before saving or merging."""
    from accelerate.utils import DistributedType

    return accelerator.distributed_type in (DistributedType.DEEPSPEED, DistributedType.FSDP)


def release(accelerator) -> None:
    """Free the trainer's memory; in a single process also forget the accelerate state, so a later
    `notebook_launcher` / `debug_launcher` in the same kernel does not fork children that inherit it and each train
    alone."""
    from accelerate.state import AcceleratorState

    accelerator.free_memory()
    if accelerator.num_processes == 1:
        AcceleratorState._reset_state(reset_partial_state=True)
