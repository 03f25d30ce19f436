"""`python -m being_kit.bench tokenizer`: encode+decode frames/s and training steps/s of each quantizer, one thread.

Random normalised features (the speed does not depend on the values) of `--batch` motions x `--frames` frames, with
the sizes of the `cpu` profile by default (`--width`, `--lfq2d-width`, `--depth`, `--code-dim`, `--codebook`,
`--bits`). A training
step is forward + every loss (features, velocity, joints, quantizer) + backward + AdamW. vq is the baseline: each
line prints its ratio to vq. `--paper` adds LFQ at the paper's 2^16 codes to show what the entropy term costs.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402


def _time(fn, repeats: int) -> float:
    fn()  # warm-up (and vq's k-means init)
    t = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - t) / repeats


def measure(quantizer: str, args) -> dict:
    from ..tokenizer import MotionTokenizer, TokenizerConfig
    from ..tokenizer.train import TrainConfig, tokenizer_losses

    bits = args.paper_bits if quantizer == "lfq@paper" else args.bits
    q = "lfq" if quantizer == "lfq@paper" else quantizer
    width = args.lfq2d_width if q == "lfq2d" else args.width
    cfg = TokenizerConfig(quantizer=q, width=width, depth=args.depth, code_dim=args.code_dim,
                          codebook_size=args.codebook, lfq_bits=bits)
    torch.manual_seed(0)
    model = MotionTokenizer(cfg)
    feats = torch.randn(args.batch, args.frames, 263)
    lengths = torch.full((args.batch,), args.frames)
    model.eval()
    codec = _time(lambda: model.decode(model.encode(feats, lengths)), args.repeats)
    tcfg = TrainConfig(corpus_path="-", out_dir="-", model=cfg, window=args.frames)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.train()

    def step():
        loss = tokenizer_losses(model, feats, lengths, tcfg, model.mean, model.std,
                                representation=cfg.representation)["loss"]
        opt.zero_grad()
        loss.backward()
        opt.step()

    train = _time(step, args.repeats)
    params = sum(p.numel() for p in model.parameters())
    return {"quantizer": quantizer, "params": params, "codes": model.codebook_size,
            "codec_fps": args.batch * args.frames / codec, "train_steps_s": 1.0 / train}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m being_kit.bench tokenizer", description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--frames", type=int, default=64)
    parser.add_argument("--width", type=int, default=256, help="channels of the 1D tokenizers (vq, lfq)")
    parser.add_argument("--lfq2d-width", type=int, default=32, help="lfq2d: channels per joint of the 2D map")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--code-dim", type=int, default=256)
    parser.add_argument("--codebook", type=int, default=512)
    parser.add_argument("--bits", type=int, default=10)
    parser.add_argument("--paper-bits", type=int, default=16)
    parser.add_argument("--paper", action="store_true", help="also LFQ at 2^16 codes")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"tokenizer benchmark: batch {args.batch} x {args.frames} frames x 263 dims, width {args.width} "
          f"(lfq2d {args.lfq2d_width} per joint), depth {args.depth}, 1 thread, torch {torch.__version__}")
    rows = [measure(q, args) for q in ("vq", "lfq", "lfq2d") + (("lfq@paper",) if args.paper else ())]
    base = rows[0]
    print(f"{'quantizer':<10} {'params':>9} {'codes':>7} {'enc+dec frames/s':>17} {'x vq':>6} {'train steps/s':>14} {'x vq':>6}")
    for r in rows:
        print(f"{r['quantizer']:<10} {r['params']:>9,} {r['codes']:>7} {r['codec_fps']:>17,.0f} "
              f"{r['codec_fps'] / base['codec_fps']:>6.2f} {r['train_steps_s']:>14.2f} "
              f"{r['train_steps_s'] / base['train_steps_s']:>6.2f}")


if __name__ == "__main__":
    main()
