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
