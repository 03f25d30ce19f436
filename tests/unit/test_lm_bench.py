"""`python -m being_kit.bench lm` runs on a tiny model and prints every CPU figure it promises."""
import re

import pytest

from being_kit.bench.lm import main


def test_bench_prints_training_generation_and_precision_figures(capsys):
    main(["--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--codes", "16", "--batch", "2", "--seq", "32",
          "--steps", "1", "--gen-batch", "2", "--gen-tokens", "3", "--precision-sizes", "default",
          "--precision-steps", "1"])
    out = capsys.readouterr().out
    assert re.search(r"training \(fp32 AdamW, CPU\) batch 2x32: [\d,]+ tokens/s", out)
    assert re.search(r"KV cache [\d,]+ tokens/s, no cache [\d,]+ tokens/s, ratio [\d.]+x", out)
    row = re.search(r"default \(([\d.]+)M params, 1 x 32\) batch 2x32: fp32 ([\d,]+) tokens/s, "
                    r"bf16 autocast ([\d,]+) tokens/s, ratio ([\d.]+)x", out)
    assert row and float(row[2].replace(",", "")) > 0 and float(row[3].replace(",", "")) > 0
    assert "native bf16 instructions" in out


def test_unknown_precision_size_is_named(capsys):
    with pytest.raises(SystemExit):
        main(["--precision-sizes", "default,huge"])
    assert "--precision-sizes: unknown size 'huge'" in capsys.readouterr().err


def test_mfu_arithmetic_and_peaks():
    from being_kit.bench.lm import model_flops_utilisation, peak_bf16_tflops

    assert peak_bf16_tflops("NVIDIA H200") == 989.0 and peak_bf16_tflops("NVIDIA A800-SXM4-80GB") == 312.0
    assert peak_bf16_tflops("Tesla T4") is None and model_flops_utilisation(1, 1.0, None) is None
    # gpt2-medium (355M) at 100k tokens/s on an A800: 6 * 355e6 * 1e5 = 213 TFLOP/s of 312
    assert model_flops_utilisation(355_000_000, 100_000, 312.0) == pytest.approx(0.6827, abs=1e-4)


def test_gpu_section_runs_its_path_small_on_cpu():
    """The GPU benchmark's code path (bf16 autocast, FLOPs, MFU line) on a 1-layer model on CPU."""
    from being_kit.bench.lm import gpu_section

    line = gpu_section(batch=2, seq=16, steps=1, device="cpu", n_layer=1, n_embd=32, n_head=2)
    assert re.match(r"GPU cpu \(test\): gpt2-medium-size \(\d+M params, 1 x 32\) bf16 batch 2x16: [\d,]+ tokens/s, "
                    r"[\d.]+ TFLOP/s, MFU unknown peak$", line)


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="no GPU")
def test_gpu_section_on_a_gpu():
    from being_kit.bench.lm import gpu_section

    line = gpu_section(batch=2, seq=128, steps=2, n_layer=2, n_embd=256, n_head=4)
    assert "tokens/s" in line and "MFU" in line
