"""The processes a trainer runs in: a fresh accelerate state, the engine the launcher asked for (DDP, DeepSpeed, FSDP),
the CPU-or-not choice, threads split between processes.

Every being-kit trainer creates its Accelerator inside the trained function (so the same call runs under
`notebook_launcher`, `debug_launcher` and `accelerate launch`), through `start_processes` and `make_accelerator`,
and hands it back with `release` at the end.
"""
from __future__ import annotations

import os

FSDP_NEEDS_GPUS = ("FSDP needs GPUs: accelerate enables it only for multi-GPU runs (accelerate/state.py, "
                   "AcceleratorState.__init__), so on CPU it would silently train plain DDP; use "
                   "configs/accelerate/ddp_8gpu.yaml with --cpu, or DeepSpeed")


def launched_engine() -> str:
    """"deepspeed", "fsdp" or "ddp": the engine `accelerate launch` configured for this process, read from the
    environment as accelerate itself reads it (ACCELERATE_USE_DEEPSPEED / ACCELERATE_USE_FSDP equal to "true",
    accelerate/state.py), so the two never disagree. "ddp" also stands for a single process."""
    for name in ("deepspeed", "fsdp"):
        if os.environ.get(f"ACCELERATE_USE_{name.upper()}", "false").lower() == "true":
            return name
    return "ddp"


def use_cpu() -> bool:
    """Whether the Accelerator is created with `cpu=True`.

    True where no GPU exists: without it, each CPU process that `notebook_launcher` starts silently trains alone
    (accelerate picks DistributedType.NO instead of MULTI_CPU over gloo). False under `accelerate launch` with a
    DeepSpeed or FSDP plugin configured (`launched_engine`): accelerate turns DeepSpeed on only with cpu=False
    (accelerate/state.py, PartialState and AcceleratorState), and FSDP on CPU is refused by `start_processes`.
    False on any machine with a GPU.
    """
    import torch

    return not torch.cuda.is_available() and launched_engine() == "ddp"


def start_processes():
    """The process group of this trainer (accelerate's PartialState), from the launcher's environment.

    A state left by an earlier Accelerator in this process (a run that raised, or one inherited through fork by a
    launcher's children) would make this one silently single-process, or pair its collectives wrongly: it is reset
    first. On CPU with several processes the cores are split between them; one thread per process on 2 cores also
    keeps a launcher's forked children out of the OpenMP pool a parent kernel used before forking, where they hang in
    conv forward. On CPU, FSDP is refused (`FSDP_NEEDS_GPUS`) and DeepSpeed runs on gloo.
    """
    import torch
    from accelerate.state import AcceleratorState, PartialState

    AcceleratorState._reset_state(reset_partial_state=True)
    engine, cuda = launched_engine(), torch.cuda.is_available()
    if engine == "fsdp" and not cuda:
        raise RuntimeError(FSDP_NEEDS_GPUS)
    if engine == "deepspeed" and not cuda:
        # cpu=False (DeepSpeed needs it) finds no backend on CPU and counts one process while DeepSpeed's group has
        # them all (accelerate/state.py, PartialState.__init__); gloo names the backend DeepSpeed's CPU
        # accelerator uses without oneccl (deepspeed/accelerator/cpu_accelerator.py)
        procs = PartialState(backend="gloo")
    else:
        procs = PartialState(cpu=use_cpu())
    if procs.num_processes > 1 and not torch.cuda.is_available():
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // procs.num_processes))
    return procs


def make_accelerator(cpu: bool | None = None, micro_batch_size: int | None = None, **kwargs):
    """`Accelerator(cpu=use_cpu(), **kwargs)` over the process group `start_processes` made (`cpu=True` also where a
    trainer was asked for the CPU on a GPU machine).

    Under DeepSpeed, `micro_batch_size` (rows per process per micro-batch) and `gradient_accumulation_steps` go into
    its config: a trainer that prepares no DataLoader must state the micro batch (accelerate/accelerator.py,
    `_prepare_deepspeed`), and the launcher's gradient_accumulation_steps would otherwise silently replace the
    trainer's (accelerate/utils/launch.py; accelerator.py keeps DeepSpeed's value)."""
    from accelerate import Accelerator
    from accelerate.utils import DistributedType

    acc = Accelerator(cpu=use_cpu() if cpu is None else cpu, **kwargs)
    if acc.distributed_type == DistributedType.DEEPSPEED:
        ds_config = acc.state.deepspeed_plugin.deepspeed_config
        if micro_batch_size is not None:
            ds_config["train_micro_batch_size_per_gpu"] = int(micro_batch_size)
        if "gradient_accumulation_steps" in kwargs:
            ds_config["gradient_accumulation_steps"] = int(kwargs["gradient_accumulation_steps"])
    return acc


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
