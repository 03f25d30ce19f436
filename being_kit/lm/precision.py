"""What `mixed_precision="auto"` means for `train_lm`: bf16 on GPUs that have it; on CPUs, bf16 for big models.

Measured on a 2-core Xeon with `avx512_bf16` (`python -m being_kit.bench lm`, the "CPU mixed precision" lines,
batch 8 x 256): bf16 autocast trained faster than fp32 at every size, 1.6x at 2.4M parameters, 3.0x at 27M and
2.4x at SmolLM2's size (the real SmolLM2-135M: 305 against 114 tokens/s). Matrix products alone run at 3.6x.
"auto" still keeps models under 50M parameters in fp32 on CPU: the small-model recipes (the `cpu` and `tiny`
profiles) were tuned and measured in fp32, while a pretrained base is impractically slow on CPU without bf16. Pass
"bf16" to use it for small models too. CPUs without native bf16 instructions emulate it, so they keep fp32.
"""
from __future__ import annotations

from pathlib import Path

# from this many parameters "auto" trains in bf16 on a native-bf16 CPU (below it: the fp32-measured recipes)
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
