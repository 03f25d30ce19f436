"""being_kit.lm.precision: what mixed_precision="auto" resolves to, and how the CPU's bf16 support is read."""
import pytest

from being_kit.lm.precision import CPU_BF16_MIN_PARAMS, cpu_has_native_bf16, resolve_mixed_precision

BIG, SMALL = CPU_BF16_MIN_PARAMS, CPU_BF16_MIN_PARAMS - 1


@pytest.mark.parametrize("cuda, cuda_bf16, n_params, cpu_bf16, expected", [
    (True, True, SMALL, False, "bf16"),  # bf16 GPUs: always bf16
    (True, False, BIG, True, "no"),  # a GPU without bf16 (e.g. V100): fp32, whatever the host CPU has
    (False, False, BIG, True, "bf16"),  # native-bf16 CPU, SmolLM2-sized model: 2.7x faster in bf16 here
    (False, False, SMALL, True, "no"),  # small models keep fp32, the precision their recipes were measured in
    (False, False, BIG, False, "no"),  # emulated bf16: fp32
])
def test_auto(cuda, cuda_bf16, n_params, cpu_bf16, expected):
    assert resolve_mixed_precision("auto", cuda=cuda, cuda_bf16=cuda_bf16, n_params=n_params,
                                   cpu_bf16=cpu_bf16) == expected


@pytest.mark.parametrize("requested", ["no", "bf16", "fp16"])
def test_an_explicit_choice_is_kept(requested):
    assert resolve_mixed_precision(requested, cuda=False, cuda_bf16=False, n_params=1, cpu_bf16=False) == requested


def test_cpuinfo_flags(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\nbogomips\t: 4000\n")
    assert not cpu_has_native_bf16(info)
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    assert cpu_has_native_bf16(info)
    info.write_text("processor\t: 0\nflags\t\t: fpu amx_tile amx_bf16\n")
    assert cpu_has_native_bf16(info)
    assert not cpu_has_native_bf16(tmp_path / "missing")  # no /proc (macOS, Windows): fp32
