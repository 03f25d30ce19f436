"""`train_lm(config)`: two-stage training of a causal LM on motion tokens with accelerate (Being-M0 Sec. 4.2).

Stage 1 (align): `caption <som> motion <eom>` over the whole corpus. Stage 2 (instruct): the template library.
Each stage gets a fresh AdamW state and its own warmup + cosine schedule. The function creates its Accelerator
itself (`cpu=True` when there is no GPU), so the same call runs under `notebook_launcher` (CPU DDP on gloo),
`accelerate launch` (8-GPU DDP / FSDP / DeepSpeed, see `launch.py`) and `debug_launcher`; every process reads its
own block of the token shards. Mixed precision "auto" is bf16 on GPUs that support it, and on CPUs with native bf16
for models of 50M parameters or more; fp32 otherwise (`precision.py`).

Outputs in `out_dir`: the model folder (`MotionLM.save_pretrained`), `lm_config.json`, `train_log.jsonl` (one JSON
object per logged step, split "train"/"val"), `checkpoints/step_N/` (atomic: written as `.tmp`, then renamed;
`resume=True` continues from the newest), and `base/` (the untrained model with its vocabulary, so all processes
start from identical weights).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .base_models import default_learning_rate
from .config import LMConfig
from .data import augmented_captions, load_texts, rank_block, read_token_shards, stage_rows, train_texts
from .motion_lm import MotionLM
from .packing import IGNORE_INDEX
from .precision import cpu_has_native_bf16, resolve_mixed_precision
from .templates import ExampleBuilder

LOG_FILE, CONFIG_FILE, CKPT_DIR, STATE_FILE = "train_log.jsonl", "lm_config.json", "checkpoints", "trainer_state.json"


@dataclass
class LMTrainResult:
    out_dir: str
    steps: int  # optimizer steps over all stages
    train_loss: float  # mean over the last logging window (all processes)
    val_loss: float  # last validation loss (nan when there is no val split)
    num_processes: int
    tokens_seen: int  # training tokens over all processes
    wall_s: float
    tokens_per_s: float
    grad_norm: float  # last global gradient norm seen by this process (after all-reduce: equal on every rank)
    param_checksum: float  # sum of this process's parameters at the end (equal on every rank under DDP)
    mixed_precision: str = "no"  # what "auto" resolved to (see precision.py)


def _schedule(warmup: int, total: int, min_ratio: float):
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / (warmup + 1)
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    return factor


def _corpus_dir(cfg: LMConfig, info: dict) -> Path:
    path = Path(cfg.corpus_dir or info.get("corpus_path", ""))
    if not cfg.corpus_dir and not path.is_absolute():
        path = Path(cfg.tokens_dir) / path
    if not (path / "meta.json").is_file():
        raise FileNotFoundError(f"corpus_dir {path}: no corpus there (set LMConfig.corpus_dir or corpus_path in "
                                f"{cfg.tokens_dir}/tokens.json)")
    return path


def _build_base(cfg: LMConfig, shards, corpus, base_dir: Path) -> None:
    """Main process only: base model + text tokenizer + motion vocabulary, saved to `base_dir`."""
    from .base_models import DefaultModelSize, load_base_model
    from .vocab import add_motion_vocabulary

    captions = []
    train_info = train_texts(corpus, shards) if cfg.base_model == "default" or cfg.text_condition else []
    captions = [t for info in train_info for t in info.texts]
    if cfg.caption_augment > 0:  # the text tokenizer and word vocabulary also cover the paraphrases it will train on
        import random

        rng = random.Random(cfg.seed)
        captions += [t for info in train_info for t in augmented_captions(info, rng, 1)]
    longest = max((len(t) for t in shards.tokens), default=0)
    size = DefaultModelSize(n_layer=cfg.n_layer, n_embd=cfg.n_embd, n_head=cfg.n_head,
                            n_positions=max(cfg.seq_len, 2 * longest + 128), text_vocab_size=cfg.text_vocab_size)
    cache = cfg.cache_dir or str(Path(cfg.out_dir).parent / "cache")
    model, tok = load_base_model(cfg.base_model, captions=captions, size=size, seed=cfg.seed, cache_dir=cache)
    info = shards.info
    vocab = add_motion_vocabulary(model, tok, int(info["token_vocab_size"]), tokenizer_id=shards.tokenizer_id,
                                  tokens_per_step=int(info["tokens_per_step"]), downsample=int(info["downsample"]),
                                  quantizer=str(info.get("quantizer", "")))
    vocab = dataclasses.replace(vocab, duration_hint=cfg.duration_hint > 0)
    condition = None
    if cfg.text_condition:
        from .conditioning import TextCondition, TextConditionConfig, add_condition_tokens, word_vocabulary

        first, unknown = add_condition_tokens(model, tok, cfg.condition_slots)
        words = set(word_vocabulary(captions))
        if cfg.caption_augment > 0:
            from ..data.synthetic.paraphrase import generator_vocabulary

            words |= generator_vocabulary()
        condition = TextCondition(TextConditionConfig(
            text_model=cfg.text_condition, text_dim=_text_dim(cfg.text_condition), n_embd=model.config.hidden_size,
            num_slots=cfg.condition_slots, first_slot_id=first, unknown_word_id=unknown, vocabulary=sorted(words)))
    MotionLM(model, tok, vocab, condition=condition).save_pretrained(base_dir)


def _text_dim(text_model: str) -> int:
    """Hidden size of the frozen sentence encoder `text_model` (read from its config, nothing loaded)."""
    import json as _json

    from ..eval.contrastive import text_model_path

    return int(_json.loads((text_model_path(text_model) / "config.json").read_text())["hidden_size"])


def _apply_lora(model, cfg: LMConfig):
    from peft import LoraConfig, get_peft_model

    emb_in, emb_out = model.get_input_embeddings(), model.get_output_embeddings()
    names = [n for n, m in model.named_modules() if m is emb_in or m is emb_out]
    lcfg = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, target_modules="all-linear", task_type="CAUSAL_LM",
                      modules_to_save=[n.split(".")[-1] for n in names])  # new token rows must learn
    return get_peft_model(model, lcfg)


def _checkpoints(out: Path) -> list[Path]:
    """Complete checkpoints (renamed into place, with their state file), oldest first."""
    return sorted((p for p in (out / CKPT_DIR).glob("step_*") if p.is_dir() and not p.name.endswith(".tmp")
                   and (p / STATE_FILE).is_file()), key=lambda p: int(p.name.split("_")[1]))


def _resume(acc, out: Path) -> tuple[Path, dict] | None:
    """Load the newest checkpoint that reads into `acc`'s prepared objects: (its folder, its trainer state), or None
    when there is none. An unreadable one (truncated by a kill or a full disk) is reported and the one before it
    tried; a full load of the older one overwrites whatever the failed attempt loaded."""
    ckpts, bad = _checkpoints(out), []
    for ckpt in reversed(ckpts):
        try:
            state = json.loads((ckpt / STATE_FILE).read_text())
            acc.load_state(str(ckpt))
        except Exception as e:  # safetensors, torch.load and json each raise their own errors for a cut file
            bad.append(f"{ckpt}: {type(e).__name__}: {e}")
            acc.print(f"checkpoint {ckpt.name} is unreadable ({type(e).__name__}: {e}); trying the one before it")
            continue
        return ckpt, state
    if bad:
        raise ValueError("no checkpoint could be read: " + "; ".join(bad) +
                         " (delete them, or set resume=False, to start over)")
    return None


def _save_checkpoint(acc, out: Path, state: dict, keep: int = 2) -> None:
    """accelerate state (model, optimizer, scheduler, RNG per rank) into step_N.tmp, then renamed by the main process."""
    final = out / CKPT_DIR / f"step_{state['global_step']}"
    tmp = final.with_name(final.name + ".tmp")
    if acc.is_main_process and tmp.exists():
        shutil.rmtree(tmp)
    acc.wait_for_everyone()
    # GPT-2 ties lm_head to the token embedding; accelerate stores the tensor once and logs "Removed shared tensor"
    # at every save. Reloading re-ties it (the resume tests check the weights), so that line is noise here.
    tied = logging.getLogger("accelerate.utils.other")
    level, tied.level = tied.level, logging.ERROR
    try:
        acc.save_state(str(tmp))
    finally:
        tied.setLevel(level)
    acc.wait_for_everyone()
    if acc.is_main_process:
        (tmp / STATE_FILE).write_text(json.dumps(state))
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        old = sorted((p for p in (out / CKPT_DIR).glob("step_*") if not p.name.endswith(".tmp")),
                     key=lambda p: int(p.name.split("_")[1]))[:-keep]
        for p in old:
            shutil.rmtree(p, ignore_errors=True)
    acc.wait_for_everyone()


def _set_checkpointing(model, on: bool) -> None:
    """transformers 5 renamed gradient checkpointing to activation checkpointing (the old name warns); older versions
    have only the old name."""
    prefix = "activation" if hasattr(model, "activation_checkpointing_enable") else "gradient"
    getattr(model, f"{prefix}_checkpointing_{'enable' if on else 'disable'}")()


def _causal_lm(module):
    """The causal LM inside a training module (the module itself, or the LM of a `ConditionedCausalLM`)."""
    from .conditioning import ConditionedCausalLM

    return module.lm if isinstance(module, ConditionedCausalLM) else module


def _sample_during_training(model, lm: MotionLM, cfg: LMConfig, step: int, stage: str, out: Path, say) -> None:
    """Greedy text-to-motion for `cfg.sample_prompts` with the weights of this step (tokens only, no decoding);
    printed and appended to `samples.jsonl`, so a notebook shows how generations evolve while it trains."""
    from .generate import generate_motion

    was_training = lm.condition.training if lm.condition is not None else False
    gen = generate_motion(MotionLM(model, lm.tokenizer, lm.vocab, condition=lm.condition), list(cfg.sample_prompts),
                          durations=4.0, temperature=0.0, decode=False)
    model.train()
    if lm.condition is not None:
        lm.condition.train(was_training)
    with open(out / "samples.jsonl", "a") as f:
        for text, tokens, status in zip(gen.texts, gen.tokens, gen.status):
            f.write(json.dumps({"step": step, "stage": stage, "prompt": text, "status": status,
                                "tokens": tokens.tolist()}) + "\n")
            say(f"step {step} sample: {text!r} -> {len(tokens)} motion tokens ({status}) {tokens[:12].tolist()}...")


def train_lm(config: LMConfig | dict) -> LMTrainResult:
    """Train (or resume) the motion language model described by `config`; see the module docstring."""
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from tqdm import tqdm  # text bar: widget bars cannot be sent from forked notebook_launcher workers

    from ..data import Corpus

    cfg = config if isinstance(config, LMConfig) else LMConfig.from_dict(dict(config))
    cuda = torch.cuda.is_available()
    # a state left by an earlier Accelerator in this process (or inherited through fork by a launcher's children)
    # would make this one silently single-process: start from the launcher's environment each time
    from accelerate.state import AcceleratorState, PartialState

    AcceleratorState._reset_state(reset_partial_state=True)
    # the process group comes first; the Accelerator waits until the base model's size settles mixed_precision="auto"
    procs = PartialState(cpu=not cuda)
    set_seed(cfg.seed)
    if not cuda and procs.num_processes > 1:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // procs.num_processes))
    t_start = time.time()
    out = Path(cfg.out_dir)
    if procs.is_main_process:
        out.mkdir(parents=True, exist_ok=True)
        cfg.save(out / CONFIG_FILE)

    shards = read_token_shards(cfg.tokens_dir)
    corpus = Corpus.open(_corpus_dir(cfg, shards.info))
    base_dir = out / "base"
    if procs.is_main_process and not (base_dir / "motion_vocab.json").is_file():
        _build_base(cfg, shards, corpus, base_dir)
    procs.wait_for_everyone()
    lm = MotionLM.from_pretrained(base_dir)
    mp = resolve_mixed_precision(cfg.mixed_precision, cuda=cuda, cuda_bf16=cuda and torch.cuda.is_bf16_supported(),
                                 n_params=sum(p.numel() for p in lm.model.parameters()),
                                 cpu_bf16=cpu_has_native_bf16())
    acc = Accelerator(cpu=not cuda, mixed_precision=mp, gradient_accumulation_steps=cfg.grad_accum)
    acc.print(f"mixed precision: {mp} (requested {cfg.mixed_precision!r})")
    lm.vocab.check_tokenizer(shards.tokenizer_id, where=str(cfg.tokens_dir))
    builder = ExampleBuilder(lm.tokenizer, lm.vocab, condition=lm.condition, word_dropout=cfg.word_dropout)

    # this process's own block of the train and val rows
    train_rows = rank_block(np.flatnonzero(shards.splits == "train"), acc.num_processes, acc.process_index)
    val_rows = rank_block(np.flatnonzero(shards.splits == "val"), acc.num_processes, acc.process_index)
    if len(train_rows) == 0:
        raise ValueError(f"process {acc.process_index}: no training rows in {cfg.tokens_dir} for "
                         f"{acc.num_processes} processes")
    train_tok, val_tok = [shards.tokens[i] for i in train_rows], [shards.tokens[i] for i in val_rows]
    train_txt, val_txt = load_texts(corpus, shards.index[train_rows]), load_texts(corpus, shards.index[val_rows])

    def rows_for(stage: str, epoch: int, val: bool = False):
        return stage_rows(builder, stage, val_tok if val else train_tok, val_txt if val else train_txt,
                          seq_len=cfg.seq_len, loss=cfg.loss, tasks=cfg.tasks,
                          captions_per_motion=cfg.captions_per_motion, caption_dropout=cfg.caption_dropout,
                          caption_augment=0.0 if val else cfg.caption_augment, duration_hint=cfg.duration_hint,
                          seed=cfg.seed * 1000 + (0 if val else epoch + 1) + 7919 * acc.process_index)

    def agreed_min(n: int) -> int:
        return int(acc.gather(torch.tensor([n], device=acc.device)).min().item())

    # steps per stage, agreed across processes (each must run the same number of collective steps)
    plan = []
    for i, stage in enumerate(cfg.stages):
        batches = agreed_min(max(1, len(rows_for(stage, 0).input_ids) // cfg.batch_size))
        per_epoch = max(1, batches // cfg.grad_accum)
        steps = cfg.stage_steps[i] if cfg.stage_steps else cfg.max_steps or cfg.epochs * per_epoch
        plan.append((stage, steps, per_epoch))
    starts = np.cumsum([0] + [p[1] for p in plan])

    model = lm.model
    model.config.use_cache = False
    if cfg.gradient_checkpointing:
        _set_checkpointing(model, True)
    if cfg.lora:
        model = _apply_lora(model, cfg)
    if lm.condition is not None:
        from .conditioning import ConditionedCausalLM

        lm.condition.encoder  # load the frozen sentence encoder now, not inside the first step
        model = ConditionedCausalLM(model, lm.condition.train(), noise=cfg.condition_noise)
    lr = cfg.lr or default_learning_rate(lm.model)
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.95))
    factors = [_schedule(min(cfg.warmup_steps, max(0, total // 5)), total, cfg.min_lr_ratio) for _, total, _ in plan]

    def lr_factor(global_step: int) -> float:
        s = int(np.searchsorted(starts, global_step, side="right") - 1)
        s = min(s, len(plan) - 1)
        return factors[s](global_step - int(starts[s]))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    model, opt = acc.prepare(model, opt)
    acc.register_for_checkpointing(sched)

    state = {"global_step": 0, "stage": 0, "epoch": 0, "batch": 0, "tokens_seen": 0}
    resumed = _resume(acc, out) if cfg.resume else None
    ckpt = None
    if resumed is not None:
        ckpt, state = resumed
        acc.print(f"resumed from {ckpt} (step {state['global_step']})")
    wall_before = float(state.get("wall_s", 0.0))  # training time of earlier attempts: tokens/s stays honest

    def elapsed() -> float:
        return wall_before + time.time() - t_start

    log_path = out / LOG_FILE
    if acc.is_main_process and ckpt is None:
        for stale in (log_path, out / "samples.jsonl"):
            stale.unlink(missing_ok=True)

    def log(entry: dict) -> None:
        if acc.is_main_process:
            with open(log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")

    # sentence vectors of the cond_texts of the packed rows in use (train epoch or val); the rows object itself is
    # kept beside its table, because an id() of freed rows can come back for new ones
    text_tables: list[tuple[object, torch.Tensor]] = []

    def text_table(packed) -> torch.Tensor | None:
        if lm.condition is None or packed.cond_index is None:
            return None
        for rows, table in text_tables:
            if rows is packed:
                return table
        vectors = lm.condition.encode_texts(list(packed.cond_texts)) if packed.cond_texts else np.zeros((0, 1))
        text_tables[:] = text_tables[-1:] + [(packed, torch.as_tensor(vectors, dtype=torch.float32))]
        return text_tables[-1][1]

    def run_batch(packed, sl):
        inp = torch.as_tensor(packed.input_ids[sl], device=acc.device)
        lab = torch.as_tensor(packed.labels[sl], device=acc.device)
        kwargs = {}
        table = text_table(packed)
        if table is not None:
            index = packed.cond_index[sl]
            kwargs = {"text_vectors": table[index[index >= 0]].to(acc.device),
                      "where": torch.as_tensor(index >= 0, device=acc.device)}
        return model(input_ids=inp, attention_mask=torch.ones_like(inp), labels=lab, **kwargs).loss  # no padding

    @torch.no_grad()
    def val_loss(stage: str) -> float:
        packed = rows_for(stage, 0, val=True)
        n = agreed_min(min(len(packed.input_ids) // cfg.batch_size, cfg.eval_batches))
        if n == 0:
            return float("nan")
        model.eval()
        total = torch.zeros(2, device=acc.device)
        for b in range(n):
            sl = slice(b * cfg.batch_size, (b + 1) * cfg.batch_size)
            tokens = int((packed.labels[sl][:, 1:] != IGNORE_INDEX).sum())
            total += torch.tensor([run_batch(packed, sl).item() * tokens, tokens],
                                  device=acc.device)
        model.train()
        total = acc.reduce(total, reduction="sum")
        return float(total[0] / total[1].clamp(min=1))

    total_steps = int(starts[-1])
    bar = tqdm(total=total_steps, initial=state["global_step"], disable=not (cfg.progress and acc.is_local_main_process),
               desc="train_lm", dynamic_ncols=True)
    model.train()
    window, window_tokens, t_window = [], 0, time.time()
    last_train, last_val, grad_norm = float("nan"), float("nan"), float("nan")
    tokens_per_batch = cfg.batch_size * cfg.seq_len * acc.num_processes
    for s_idx in range(state["stage"], len(plan)):
        stage, stage_total, _ = plan[s_idx]
        if s_idx != state["stage"]:  # a fresh optimizer state for the new stage
            opt.optimizer.state.clear()
            state.update(stage=s_idx, epoch=0, batch=0)
        while state["global_step"] < starts[s_idx + 1]:
            packed = rows_for(stage, state["epoch"])
            n_batches = agreed_min(max(1, len(packed.input_ids) // cfg.batch_size))
            n_batches -= n_batches % cfg.grad_accum
            order = np.random.default_rng(cfg.seed + state["epoch"]).permutation(len(packed.input_ids))
            for b in range(state["batch"], max(n_batches, cfg.grad_accum)):
                sl = order[np.arange(b * cfg.batch_size, (b + 1) * cfg.batch_size) % len(order)]
                with acc.accumulate(model):
                    loss = run_batch(packed, sl)
                    acc.backward(loss)
                    if acc.sync_gradients:
                        grad_norm = float(acc.clip_grad_norm_(model.parameters(), cfg.max_grad_norm))
                    opt.step()
                    opt.zero_grad()
                window.append(loss.detach())
                state["batch"] = b + 1
                state["tokens_seen"] += tokens_per_batch
                window_tokens += tokens_per_batch
                if not acc.sync_gradients:
                    continue
                sched.step()
                state["global_step"] += 1
                bar.update(1)
                step = state["global_step"]
                done = step >= starts[s_idx + 1]
                if step % cfg.log_every == 0 or done:
                    last_train = float(acc.gather(torch.stack(window).mean()[None]).mean())
                    dt = time.time() - t_window
                    log({"step": step, "loss": last_train, "lr": sched.get_last_lr()[0], "stage": stage,
                         "epoch": state["epoch"], "split": "train", "tokens_per_s": window_tokens / max(dt, 1e-9)})
                    bar.set_postfix(loss=f"{last_train:.3f}", stage=stage)
                    window, window_tokens, t_window = [], 0, time.time()
                if cfg.sample_every and step % cfg.sample_every == 0 and acc.is_main_process:
                    _sample_during_training(_causal_lm(acc.unwrap_model(model)), lm, cfg, step, stage, out, acc.print)
                if cfg.checkpoint_every and step % cfg.checkpoint_every == 0 and not done:
                    _save_checkpoint(acc, out, dict(state, wall_s=elapsed()))
                if done:
                    break
            epoch_done = state["batch"] >= max(n_batches, cfg.grad_accum)
            if epoch_done or state["global_step"] >= starts[s_idx + 1]:
                last_val = val_loss(stage)
                if not math.isnan(last_val):
                    log({"step": state["global_step"], "loss": last_val, "stage": stage, "epoch": state["epoch"],
                         "split": "val"})
                    acc.print(f"[{stage}] epoch {state['epoch']} step {state['global_step']}: val loss {last_val:.4f}")
                state["epoch"] += 1
                state["batch"] = 0
                nxt = dict(state)
                if state["global_step"] >= starts[s_idx + 1] and s_idx + 1 < len(plan):
                    nxt.update(stage=s_idx + 1, epoch=0)
                    opt.optimizer.state.clear()
                    state.update(stage=s_idx + 1, epoch=0)
                _save_checkpoint(acc, out, dict(nxt, wall_s=elapsed()))
    bar.close()

    acc.wait_for_everyone()
    unwrapped = acc.unwrap_model(model)
    checksum = float(sum(p.detach().float().sum().item() for p in unwrapped.parameters()))
    full_state = acc.get_state_dict(model) if not cfg.lora else None
    if full_state is not None and lm.condition is not None:
        full_state, cond_state = unwrapped.split_state_dict(full_state)
        if acc.is_main_process:
            lm.condition.load_state_dict(cond_state)
    if acc.is_main_process:
        causal = _causal_lm(unwrapped)
        final = causal.merge_and_unload() if cfg.lora else causal
        final.config.use_cache = True
        if cfg.gradient_checkpointing:
            _set_checkpointing(final, False)
        if lm.condition is not None and cfg.condition_bank > 0:
            from .condition_bank import build_condition_bank

            bank = build_condition_bank(lm.condition, train_texts(corpus, shards), cfg.condition_bank, seed=cfg.seed,
                                        paraphrase=cfg.caption_augment > 0, neighbours=cfg.condition_neighbours,
                                        temperature=cfg.condition_neighbour_temperature)
            acc.print(f"neighbour bank: {len(bank)} training prompts, k={cfg.condition_neighbours}")
        MotionLM(final, lm.tokenizer, lm.vocab, condition=lm.condition).save_pretrained(out, state_dict=full_state)
        cfg.save(out / CONFIG_FILE)
    acc.wait_for_everyone()
    wall = elapsed()
    result = LMTrainResult(out_dir=str(out), steps=state["global_step"], train_loss=last_train, val_loss=last_val,
                           num_processes=acc.num_processes, tokens_seen=int(state["tokens_seen"]), wall_s=wall,
                           tokens_per_s=state["tokens_seen"] / max(wall, 1e-9), grad_norm=grad_norm,
                           param_checksum=checksum, mixed_precision=mp)
    if acc.is_main_process:
        (out / "train_result.json").write_text(json.dumps(asdict(result), indent=2))
    return result
