"""`python -m being_kit.bench lm`: language-model speed.

- training tokens/s of the default model (GPT-2 from config + 1024 motion tokens; fp32 AdamW on CPU), one process;
- generation motion-tokens/s of a batch with the KV cache and without it (the ratio is the cache's gain);
- CPU mixed precision: training tokens/s in fp32 and under bf16 autocast at a few model sizes, the figures behind
  `mixed_precision="auto"` on CPU (`being_kit/lm/precision.py`);
- with CUDA: tokens/s and model FLOPs utilisation (MFU, 6 N tokens/s over the GPU's bf16 dense peak) of a
  gpt2-medium-sized config (24 x 1024, 355M parameters) in bf16.
Random token ids: the figures are about speed, not quality. `--feed`: the data feed instead (`lm_feed.py`).
"""
from __future__ import annotations

import argparse
import time

# the text tokenizer's training captions: a few sentences suffice, the figures are about speed
_CAPTIONS = ("a person walks forward", "someone walks ahead slowly", "the man walks", "a person jumps up",
             "someone jumps in place", "the man jumps twice", "a person waves a hand", "someone waves hello",
             "the man waves his arm", "a person kicks forward", "someone kicks a ball", "the man kicks with the right leg")
BF16_PEAK_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0, "A800": 312.0, "L40": 181.0, "A10": 125.0}


def _default_model(n_layer: int, n_embd: int, n_head: int, codes: int):
    from ..lm.base_models import DefaultModelSize, build_default_model
    from ..lm.vocab import add_motion_vocabulary

    captions = list(_CAPTIONS) * 50
    model, tok = build_default_model(captions, DefaultModelSize(n_layer=n_layer, n_embd=n_embd, n_head=n_head,
                                                                n_positions=1024, text_vocab_size=2048))
    vocab = add_motion_vocabulary(model, tok, codes, tokenizer_id="bench")
    return model, tok, vocab


def train_tokens_per_s(model, batch: int, seq: int, steps: int, device: str = "cpu", bf16: bool = False) -> float:
    import torch

    model.to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    vocab = model.get_input_embeddings().weight.shape[0]
    ids = torch.randint(0, vocab, (batch, seq), device=device)

    def step():
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    step()  # warm-up
    if device == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    return batch * seq * steps / (time.perf_counter() - t)


def generate_tokens_per_s(model, tok, vocab, batch: int, motion_tokens: int, use_cache: bool) -> float:
    from ..lm.generate import MotionSpanConstraint, _sample
    from ..lm.motion_lm import MotionLM
    from ..lm.templates import ExampleBuilder

    lm = MotionLM(model.eval(), tok, vocab)
    b = ExampleBuilder(tok, vocab)
    prompts = [b.text_to_motion_prompt("a person walks forward and waves") + [vocab.som_id]] * batch
    width = len(prompts[0])
    # min_tokens = max: every row writes exactly `motion_tokens` tokens, so both runs do the same work
    proc = MotionSpanConstraint(vocab, width, [motion_tokens] * batch, tok.eos_token_id, min_tokens=motion_tokens)
    t = time.perf_counter()
    out = _sample(lm, prompts, proc, motion_tokens, temperature=1.0, top_k=0, top_p=1.0, seed=0,
                  use_cache=use_cache, eos_id=tok.eos_token_id)
    dt = time.perf_counter() - t
    return out.shape[0] * out.shape[1] / dt


# (label, n_layer, n_embd, n_head, text vocabulary): the default model's shape comes from the command line
CPU_PRECISION_SIZES = {"27M": (8, 512, 8, 2048), "smollm2": (30, 576, 9, 49152)}


def cpu_precision_section(sizes: list[tuple[str, int, int, int, int]], batch: int, seq: int, steps: int) -> None:
    """fp32 against bf16 autocast, same model, same batch, one after the other: the ratio is the figure to read."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from ..lm.precision import CPU_BF16_MIN_PARAMS, cpu_has_native_bf16

    print(f"CPU mixed precision (native bf16 instructions: {'yes' if cpu_has_native_bf16() else 'no'}; "
          f"mixed_precision='auto' uses bf16 on such CPUs from {CPU_BF16_MIN_PARAMS / 1e6:.0f}M parameters):")
    for label, n_layer, n_embd, n_head, text_vocab in sizes:
        torch.manual_seed(0)
        model = GPT2LMHeadModel(GPT2Config(n_layer=n_layer, n_embd=n_embd, n_head=n_head, n_positions=seq,
                                           vocab_size=text_vocab + 1026, bos_token_id=0, eos_token_id=0))
        n = sum(p.numel() for p in model.parameters())
        fp32 = train_tokens_per_s(model, batch, seq, steps)
        bf16 = train_tokens_per_s(model, batch, seq, steps, bf16=True)
        print(f"  {label} ({n / 1e6:.1f}M params, {n_layer} x {n_embd}) batch {batch}x{seq}: "
              f"fp32 {fp32:,.0f} tokens/s, bf16 autocast {bf16:,.0f} tokens/s, ratio {bf16 / fp32:.2f}x")


def peak_bf16_tflops(device_name: str) -> float | None:
    """Dense bf16 peak of a GPU from its name (`BF16_PEAK_TFLOPS`), None for one not listed."""
    return next((v for k, v in BF16_PEAK_TFLOPS.items() if k in device_name), None)


def model_flops_utilisation(n_params: int, tokens_per_s: float, peak_tflops: float | None) -> float | None:
    """MFU as in PaLM (Chowdhery et al. 2022, App. B) without the attention term: 6 N tokens/s over the peak."""
    return 6 * n_params * tokens_per_s / (peak_tflops * 1e12) if peak_tflops else None


def gpu_section(batch: int, seq: int, steps: int, device: str = "cuda", n_layer: int = 24, n_embd: int = 1024,
                n_head: int = 16) -> str:
    """bf16 training tokens/s and MFU of a gpt2-medium-sized model (50,257 text + 1,026 motion tokens); the
    printed line is returned. The size arguments and `device` exist so that the path runs small on CPU in tests."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    name = torch.cuda.get_device_name(0) if device == "cuda" else f"{device} (test)"
    cfg = GPT2Config(n_layer=n_layer, n_embd=n_embd, n_head=n_head, n_positions=seq, vocab_size=50257 + 1026)
    model = GPT2LMHeadModel(cfg)
    n = sum(p.numel() for p in model.parameters())
    tps = train_tokens_per_s(model, batch, seq, steps, device=device, bf16=True)
    mfu = model_flops_utilisation(n, tps, peak_bf16_tflops(name))
    line = (f"GPU {name}: gpt2-medium-size ({n / 1e6:.0f}M params, {n_layer} x {n_embd}) bf16 batch {batch}x{seq}: "
            f"{tps:,.0f} tokens/s, {6 * n * tps / 1e12:.1f} TFLOP/s, "
            f"MFU {'unknown peak' if mfu is None else f'{mfu:.1%}'}")
    print(line)
    return line


def main(argv: list[str] | None = None) -> None:
    if argv and "--feed" in argv:  # the data feed's figures: being_kit/bench/lm_feed.py
        from .lm_feed import main as feed_main

        return feed_main([a for a in argv if a != "--feed"])
    p = argparse.ArgumentParser(prog="python -m being_kit.bench lm", description=__doc__.splitlines()[0])
    p.add_argument("--n-layer", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=256)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--codes", type=int, default=1024, help="motion tokens added to the vocabulary")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--gen-batch", type=int, default=8)
    p.add_argument("--gen-tokens", type=int, default=50, help="motion tokens per sample (50 = 10 s at 4 frames/token)")
    p.add_argument("--precision-sizes", default="default,27M,smollm2",
                   help=f"CPU fp32/bf16 comparison: comma-separated of default, {', '.join(CPU_PRECISION_SIZES)} "
                        "('' skips it; smollm2 costs about a minute)")
    p.add_argument("--precision-steps", type=int, default=2)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: leave default)")
    args = p.parse_args(argv)
    sizes = []
    for name in filter(None, (x.strip() for x in args.precision_sizes.split(","))):
        if name == "default":
            sizes.append(("default", args.n_layer, args.n_embd, args.n_head, 2048))
        elif name in CPU_PRECISION_SIZES:
            sizes.append((name, *CPU_PRECISION_SIZES[name]))
        else:
            p.error(f"--precision-sizes: unknown size {name!r}; expected default or one of {list(CPU_PRECISION_SIZES)}")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, tok, vocab = _default_model(args.n_layer, args.n_embd, args.n_head, args.codes)
    n = sum(q.numel() for q in model.parameters())
    print(f"default model: {n / 1e6:.1f}M parameters ({args.n_layer} x {args.n_embd}), {len(tok)} tokens "
          f"({args.codes} motion), torch threads {torch.get_num_threads()}")
    tps = train_tokens_per_s(model, args.batch, args.seq, args.steps)
    print(f"training (fp32 AdamW, CPU) batch {args.batch}x{args.seq}: {tps:,.0f} tokens/s")
    with_cache = generate_tokens_per_s(model, tok, vocab, args.gen_batch, args.gen_tokens, use_cache=True)
    without = generate_tokens_per_s(model, tok, vocab, args.gen_batch, args.gen_tokens, use_cache=False)
    print(f"generation batch {args.gen_batch} x {args.gen_tokens} motion tokens: KV cache {with_cache:,.0f} tokens/s, "
          f"no cache {without:,.0f} tokens/s, ratio {with_cache / without:.2f}x")
    if sizes:
        cpu_precision_section(sizes, args.batch, args.seq, args.precision_steps)
    if torch.cuda.is_available():
        gpu_section(batch=8, seq=1024, steps=10)
    else:
        print("GPU section skipped: CUDA not available")


if __name__ == "__main__":
    main()
