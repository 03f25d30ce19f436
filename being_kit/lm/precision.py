"""What `mixed_precision="auto"` means for `train_lm`: bf16 where it is faster, fp32 where it is not.

On GPUs with bf16 it is always bf16. On CPUs it depends on the CPU and on the model's size, measured on a 2-core
Xeon with `avx512_bf16` (`python -m being_kit.bench lm`, the "CPU mixed precision" lines): bf16 autocast trains the
135M-parameter SmolLM2 about 2.7x faster than fp32. Its matrix products run at 3.6x the fp32 rate. On the
2M-parameter default model, small kernels and per-op casts dominate and fp32 is faster. CPUs without native bf16
instructions emulate it, so they keep fp32.
"""
from __future__ import annotations

from pathlib import Path

# below this many parameters bf16 autocast on CPU costs more in casts than it saves in matrix products
CPU_BF16_MIN_PARAMS = 50_000_000
NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_has_native_bf16(cpuinfo: str | Path = "/proc/cpuinfo") -> bool:
    """True when the CPU advertises bf16 dot-product instructions (AVX512-BF16 or AMX-BF16); False if unknown."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return any(f in flags for f in NATIVE_BF16_FLAGS)


def resolve_mixed_precision(requested: str, *, cuda: bool, cuda_bf16: bool, n_params: int,
                            cpu_bf16: bool) -> str:
    """The accelerate `mixed_precision` for a run: `requested` unless it is "auto" (see the module docstring)."""
    if requested != "auto":
        return requested
    if cuda:
        return "bf16" if cuda_bf16 else "no"
    return "bf16" if cpu_bf16 and n_params >= CPU_BF16_MIN_PARAMS else "no"
