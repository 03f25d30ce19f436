"""`python -m being_kit.bench tokenizer` runs and prints one line per quantizer with its ratio to vq."""
from being_kit.bench.tokenizer import main


def test_bench_prints_rates_per_quantizer(capsys):
    main(["--batch", "2", "--frames", "16", "--width", "16", "--lfq2d-width", "4", "--depth", "1", "--code-dim", "8",
          "--codebook", "16", "--bits", "4", "--repeats", "1"])
    out = capsys.readouterr().out.splitlines()
    assert "batch 2 x 16 frames" in out[0]
    rows = {line.split()[0]: line.split() for line in out[2:]}
    assert set(rows) == {"vq", "lfq", "lfq2d"}
    assert rows["vq"][4] == "1.00" and float(rows["lfq2d"][3].replace(",", "")) > 0
