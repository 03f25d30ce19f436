"""Start a training function in several processes from a notebook or a script, on a free port.

accelerate's `notebook_launcher` defaults to port 29500, so two runs on one machine (two notebooks, a notebook and a
test) collide with EADDRINUSE. Every being-kit launch goes through `launch`, which asks the OS for a free port.
"""
from __future__ import annotations

import socket
from typing import Any, Callable


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _check_gpus_for(num_processes: int) -> None:
    """On a machine with GPUs, each process takes one: more processes than GPUs would end in CUDA's 'invalid device
    ordinal' from the first barrier of process #GPUs (measured on one H200 with the tiny profile's 2 processes).
    On CPU any count runs (gloo)."""
    import torch

    if not torch.cuda.is_available():
        return
    gpus = torch.cuda.device_count()
    if num_processes > gpus:
        raise ValueError(
            f"num_processes: {num_processes} processes need {num_processes} GPUs, this machine has {gpus} "
            f"(each DDP process takes one GPU). Use num_processes={gpus} (for a notebook: "
            f"--set <notebook>.num_processes={gpus}), or hide the GPUs (CUDA_VISIBLE_DEVICES=) to run "
            f"{num_processes} processes on CPU over gloo."
        )


def launch(fn: Callable[..., Any], args: tuple = (), num_processes: int = 1) -> Any:
    """Run `fn(*args)` here (num_processes 1) or under `notebook_launcher` in `num_processes` processes (DDP; gloo on
    CPU). The function must create its own Accelerator. Returns fn's result when run here, else None."""
    if num_processes < 1:
        raise ValueError(f"num_processes: must be >= 1, got {num_processes}")
    if num_processes == 1:
        return fn(*args)
    _check_gpus_for(num_processes)
    import os

    from accelerate import notebook_launcher

    # On CPU accelerate gives each process cores/processes threads and warns once per rank that OMP_NUM_THREADS was
    # unset; naming the same count here keeps its choice and drops the repeated warning from executed notebooks.
    added = "OMP_NUM_THREADS" not in os.environ
    if added:
        import psutil

        os.environ["OMP_NUM_THREADS"] = str(max(1, (psutil.cpu_count(logical=False) or 1) // num_processes))
    try:
        notebook_launcher(fn, args, num_processes=num_processes, use_port=str(free_port()))
    finally:
        if added:
            os.environ.pop("OMP_NUM_THREADS", None)
    return None
