"""`train_lm(config)`: two-stage training of a causal LM on motion tokens with accelerate (Being-M0 Sec. 4.2).

Stage 1 (align): `caption <som> motion <eom>` over the whole corpus. Stage 2 (instruct): the template library.
Each stage gets a fresh AdamW state and its own warmup + cosine schedule. The function creates its Accelerator
itself (`being_kit.training.session`), so the same call runs under `notebook_launcher` (CPU DDP on gloo),
`accelerate launch` (8-GPU DDP / FSDP / DeepSpeed, see `launch.py`) and `debug_launcher`; every process reads its
own block of the token shards. Mixed precision "auto" is bf16 on GPUs that support it, and on CPUs with native bf16
for models of 50M parameters or more; fp32 otherwise (`precision.py`).

`train_lm` is a sequence of named stages, each callable (and tested) on its own: `start_run` (processes, base model,
Accelerator, this process's rows), `plan_stages` (optimizer steps per stage, agreed across processes),
`build_model_and_optimizer`, `resume_or_start`, `train_loop` (which calls `validate` at each epoch's end) and
`finalize` (full weights gathered, merged and saved).

Outputs in `out_dir`: the model folder (`MotionLM.save_pretrained`), `lm_config.json`, `train_log.jsonl` (one JSON
object per logged step, split "train"/"val"), `samples.jsonl`, `checkpoints/step_NNNNNNN/` (the training runtime's
format; `resume=True` continues from the newest) and `base/` (the untrained model with its vocabulary, so all
processes start from identical weights).
"""
from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import write_json
from ..training import (LOG_FILE, TrainLog, is_sharded, make_accelerator, release, resume_checkpoint, save_checkpoint,
                        staged, start_processes)
from .base_models import default_learning_rate
from .config import CONFIG_FILE, LMConfig
from .data import augmented_captions, load_texts, rank_block, read_token_shards, train_texts
from .feed import EpochLoader, cached_builder, stage_rows_cached
from .motion_lm import MotionLM
from .packing import IGNORE_INDEX
from .precision import cpu_has_native_bf16, resolve_mixed_precision
from .templates import ExampleBuilder

SAMPLES_FILE, RESULT_FILE = "samples.jsonl", "train_result.json"
TRAINER_KEYS = ("global_step", "stage", "epoch", "batch", "tokens_seen", "wall_s")  # what a checkpoint carries


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
    from ..eval.contrastive import text_model_path

    return int(json.loads((text_model_path(text_model) / "config.json").read_text())["hidden_size"])


def _apply_lora(model, cfg: LMConfig):
    from peft import LoraConfig, get_peft_model

    emb_in, emb_out = model.get_input_embeddings(), model.get_output_embeddings()
    names = [n for n, m in model.named_modules() if m is emb_in or m is emb_out]
    lcfg = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, target_modules="all-linear", task_type="CAUSAL_LM",
                      modules_to_save=[n.split(".")[-1] for n in names])  # new token rows must learn
    return get_peft_model(model, lcfg)


def _set_checkpointing(model, on: bool) -> None:
    """transformers 5 renamed gradient checkpointing to activation checkpointing (the old name warns); older versions
    have only the old name."""
    prefix = "activation" if hasattr(model, "activation_checkpointing_enable") else "gradient"
    getattr(model, f"{prefix}_checkpointing_{'enable' if on else 'disable'}")()


def _causal_lm(module):
    """The causal LM inside a training module (the module itself, or the LM of a `ConditionedCausalLM`)."""
    from .conditioning import ConditionedCausalLM

    return module.lm if isinstance(module, ConditionedCausalLM) else module


def _sample_during_training(model, run: LMRun, step: int, stage: str) -> None:
    """Greedy text-to-motion for `cfg.sample_prompts` with the weights of this step (tokens only, no decoding);
    printed and appended to `samples.jsonl`, so a notebook shows how generations evolve while it trains."""
    from .generate import generate_motion

    lm, cfg = run.lm, run.cfg
    was_training = lm.condition.training if lm.condition is not None else False
    gen = generate_motion(MotionLM(model, lm.tokenizer, lm.vocab, condition=lm.condition), list(cfg.sample_prompts),
                          durations=4.0, temperature=0.0, decode=False)
    model.train()
    if lm.condition is not None:
        lm.condition.train(was_training)
    for text, tokens, status in zip(gen.texts, gen.tokens, gen.status):
        run.samples.write({"step": step, "stage": stage, "prompt": text, "status": status, "tokens": tokens.tolist()})
        run.acc.print(f"step {step} sample: {text!r} -> {len(tokens)} motion tokens ({status}) "
                      f"{tokens[:12].tolist()}...")


@dataclass
class Stage:
    """One training stage of the plan: its name, optimizer steps, steps per epoch and first global step."""

    name: str
    steps: int
    per_epoch: int
    start: int

    @property
    def end(self) -> int:
        return self.start + self.steps


@dataclass
class LMRun:
    """What the stages of one `train_lm` call share: the config, the Accelerator, the model folder of the base and
    its vocabulary, this process's rows, and (once built) the prepared model, optimizer and schedule."""

    cfg: LMConfig
    acc: Any
    lm: MotionLM
    out: Path
    shards: Any
    corpus: Any
    builder: ExampleBuilder
    train_tok: list
    val_tok: list
    train_txt: list
    val_txt: list
    mixed_precision: str
    t_start: float
    plan: list[Stage] = field(default_factory=list)
    model: Any = None
    opt: Any = None
    sched: Any = None
    log: TrainLog | None = None
    samples: TrainLog | None = None
    wall_before: float = 0.0  # training time of earlier attempts: tokens/s stays honest on resume
    # sentence vectors of the cond_texts of the packed rows in use (train epoch or val); the rows object itself is
    # kept beside its table, because an id() of freed rows can come back for new ones
    _tables: list = field(default_factory=list)
    _val_rows: dict = field(default_factory=dict)  # per stage: the validation rows (fixed seed) are built once
    _first_rows: dict = field(default_factory=dict)  # per stage: epoch 0's rows, built by the plan, kept for the loop

    def rows(self, stage: str, epoch: int, val: bool = False):
        """This process's packed rows of `stage` for `epoch` (val: the validation rows, no augmentation, built
        once). `data.stage_rows`'s rows, built through `feed.stage_rows_cached` (the builder's text tokenizer keeps
        its ids per string: the same rows, faster)."""
        cfg, acc = self.cfg, self.acc
        if val and stage in self._val_rows:
            return self._val_rows[stage]
        packed = stage_rows_cached(self.builder, stage, self.val_tok if val else self.train_tok,
                                   self.val_txt if val else self.train_txt, seq_len=cfg.seq_len, loss=cfg.loss,
                                   tasks=cfg.tasks, captions_per_motion=cfg.captions_per_motion,
                                   caption_dropout=cfg.caption_dropout,
                                   caption_augment=0.0 if val else cfg.caption_augment,
                                   duration_hint=cfg.duration_hint,
                                   seed=cfg.seed * 1000 + (0 if val else epoch + 1) + 7919 * acc.process_index)
        if val:
            self._val_rows[stage] = packed
        return packed

    def epoch_loader(self, stage: Stage, state: dict) -> EpochLoader:
        """The train rows of the epochs of `stage` still to run from `state`, built ahead by `loader_workers`
        background processes (so an epoch boundary does not stall training); epoch 0 is the plan's. As many epochs
        as the plan's steps per epoch need; an epoch that turns out shorter (augmentation changes the row count)
        leaves one more to build on the spot. Planning more would build an unused epoch at every stage's end."""
        for passed in self.plan[: self.plan.index(stage)]:  # a resumed run's earlier stages need theirs no more
            self._first_rows.pop(passed.name, None)
        first = self._first_rows.pop(stage.name, None)
        built = {(stage.name, 0): first} if first is not None else {}
        left = stage.end - state["global_step"]
        if left <= 0:
            keys = []
        else:
            in_first = max(1, stage.per_epoch - state["batch"] // self.cfg.grad_accum)  # a resumed epoch's rest
            keys = [(stage.name, state["epoch"] + e) for e in range(1 + math.ceil(max(0, left - in_first) /
                                                                                   stage.per_epoch))]
        return EpochLoader(self.rows, keys, num_workers=self.cfg.loader_workers, built=built)

    def agreed_min(self, n: int) -> int:
        """The smallest `n` over all processes (each must run the same number of collective steps)."""
        import torch

        return int(self.acc.gather(torch.tensor([n], device=self.acc.device)).min().item())

    def elapsed(self) -> float:
        return self.wall_before + time.time() - self.t_start

    def text_table(self, packed):
        """The sentence vectors of `packed`'s cond_texts (computed once per rows object), or None."""
        import torch

        lm = self.lm
        if lm.condition is None or packed.cond_index is None:
            return None
        for rows, table in self._tables:
            if rows is packed:
                return table
        vectors = lm.condition.encode_texts(list(packed.cond_texts)) if packed.cond_texts else np.zeros((0, 1))
        self._tables[:] = self._tables[-1:] + [(packed, torch.as_tensor(vectors, dtype=torch.float32))]
        return self._tables[-1][1]

    def batch_loss(self, packed, sl):
        """The model's loss on rows `sl` of `packed` (no padding: every row is full)."""
        import torch

        acc = self.acc
        inp = torch.as_tensor(packed.input_ids[sl], device=acc.device)
        lab = torch.as_tensor(packed.labels[sl], device=acc.device)
        kwargs = {}
        table = self.text_table(packed)
        if table is not None:
            index = packed.cond_index[sl]
            kwargs = {"text_vectors": table[index[index >= 0]].to(acc.device),
                      "where": torch.as_tensor(index >= 0, device=acc.device)}
        return self.model(input_ids=inp, attention_mask=torch.ones_like(inp), labels=lab, **kwargs).loss


def start_run(cfg: LMConfig) -> LMRun:
    """The processes, the run folder with its config, the base model (built once by the main process into
    `out/base/`), the Accelerator at the precision the base model's size settles, and this process's rows."""
    import torch
    from accelerate.utils import set_seed

    from ..data import Corpus

    cuda = torch.cuda.is_available()
    procs = start_processes()  # the process group comes first; the Accelerator waits for mixed_precision="auto"
    set_seed(cfg.seed)
    t_start = time.time()
    out = Path(cfg.out_dir)
    if procs.is_main_process:
        out.mkdir(parents=True, exist_ok=True)
        cfg.save(out / CONFIG_FILE)
    shards = read_token_shards(cfg.tokens_dir)
    corpus = Corpus.open(cfg.corpus_path(shards.info))
    base_dir = out / "base"
    if procs.is_main_process and not (base_dir / "motion_vocab.json").is_file():
        _build_base(cfg, shards, corpus, base_dir)
    procs.wait_for_everyone()
    lm = MotionLM.from_pretrained(base_dir)
    mp = resolve_mixed_precision(cfg.mixed_precision, cuda=cuda, cuda_bf16=cuda and torch.cuda.is_bf16_supported(),
                                 n_params=sum(p.numel() for p in lm.model.parameters()),
                                 cpu_bf16=cpu_has_native_bf16())
    acc = make_accelerator(mixed_precision=mp, gradient_accumulation_steps=cfg.grad_accum,
                           micro_batch_size=cfg.batch_size)
    acc.print(f"engine: {acc.distributed_type.value} on {acc.num_processes} processes")  # test_lm_recipes reads it
    acc.print(f"mixed precision: {mp} (requested {cfg.mixed_precision!r})")
    lm.vocab.check_tokenizer(shards.tokenizer_id, where=str(cfg.tokens_dir))
    builder = cached_builder(ExampleBuilder(lm.tokenizer, lm.vocab, condition=lm.condition,
                                            word_dropout=cfg.word_dropout))
    # this process's own block of the train and val rows
    train_rows = rank_block(np.flatnonzero(shards.splits == "train"), acc.num_processes, acc.process_index)
    val_rows = rank_block(np.flatnonzero(shards.splits == "val"), acc.num_processes, acc.process_index)
    if len(train_rows) == 0:
        raise ValueError(f"process {acc.process_index}: no training rows in {cfg.tokens_dir} for "
                         f"{acc.num_processes} processes")
    return LMRun(cfg=cfg, acc=acc, lm=lm, out=out, shards=shards, corpus=corpus, builder=builder,
                 train_tok=[shards.tokens[i] for i in train_rows], val_tok=[shards.tokens[i] for i in val_rows],
                 train_txt=load_texts(corpus, shards.index[train_rows]),
                 val_txt=load_texts(corpus, shards.index[val_rows]), mixed_precision=mp, t_start=t_start)


def plan_stages(run: LMRun) -> list[Stage]:
    """Optimizer steps of each stage: `stage_steps`, else `max_steps`, else `epochs` x the steps of one epoch (the
    fewest batches any process has, agreed across processes)."""
    cfg, plan, start = run.cfg, [], 0
    for i, stage in enumerate(cfg.stages):
        run._first_rows[stage] = first = run.rows(stage, 0)  # the loop's first epoch (`LMRun.epoch_loader`)
        batches = run.agreed_min(max(1, len(first.input_ids) // cfg.batch_size))
        per_epoch = max(1, batches // cfg.grad_accum)
        steps = cfg.stage_steps[i] if cfg.stage_steps else cfg.max_steps or cfg.epochs * per_epoch
        plan.append(Stage(stage, steps, per_epoch, start))
        start += steps
    return plan


def build_model_and_optimizer(run: LMRun) -> None:
    """The trained module (LoRA adapters, the text condition's wrapper), AdamW (no weight decay on biases and norms)
    and the per-stage warmup + cosine schedule (warmup at most a fifth of a stage), prepared by the Accelerator."""
    import torch

    cfg, lm = run.cfg, run.lm
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
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    # only non-empty groups: DeepSpeed drops empty ones (deepspeed/runtime/engine.py), and a LambdaLR built on two
    # groups then fails (LoRA has no trainable 1-d parameters: "zip() argument 2 is longer than argument 1")
    opt = torch.optim.AdamW([g for g in groups if g["params"]], lr=lr, betas=(0.9, 0.95))
    factor = staged([(min(cfg.warmup_steps, max(0, s.steps // 5)), s.steps) for s in run.plan], cfg.min_lr_ratio)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    run.model, run.opt = run.acc.prepare(model, opt)
    run.sched = sched
    run.acc.register_for_checkpointing(sched)


def resume_or_start(run: LMRun) -> dict:
    """The trainer state to start from: the newest readable checkpoint's (`resume=True`), else step 0. The logs
    keep only the lines up to that step."""
    cfg, acc = run.cfg, run.acc
    state = {"global_step": 0, "stage": 0, "epoch": 0, "batch": 0, "tokens_seen": 0}
    resumed = resume_checkpoint(acc, run.out) if cfg.resume else None
    if resumed is not None:
        state = {k: resumed[k] for k in TRAINER_KEYS if k in resumed}
        acc.print(f"resumed from {resumed['path']} (step {state['global_step']})")
    run.wall_before = float(state.pop("wall_s", 0.0))
    run.log = TrainLog(run.out / LOG_FILE, enabled=acc.is_main_process).start(state["global_step"])
    run.samples = TrainLog(run.out / SAMPLES_FILE, enabled=acc.is_main_process).start(state["global_step"])
    return state


def validate(run: LMRun, stage: str) -> float:
    """Mean token loss of `stage` on the val rows (at most `eval_batches` batches per process, summed over all
    processes); nan when there are none."""
    import torch

    cfg, acc = run.cfg, run.acc
    with torch.no_grad():
        packed = run.rows(stage, 0, val=True)
        n = run.agreed_min(min(len(packed.input_ids) // cfg.batch_size, cfg.eval_batches))
        if n == 0:
            return float("nan")
        run.model.eval()
        total = torch.zeros(2, device=acc.device)
        for b in range(n):
            sl = slice(b * cfg.batch_size, (b + 1) * cfg.batch_size)
            tokens = int((packed.labels[sl][:, 1:] != IGNORE_INDEX).sum())
            total += torch.tensor([run.batch_loss(packed, sl).item() * tokens, tokens], device=acc.device)
        run.model.train()
        total = acc.reduce(total, reduction="sum")
        return float(total[0] / total[1].clamp(min=1))


@dataclass
class LoopFigures:
    train_loss: float = float("nan")  # mean over the last logging window (all processes)
    val_loss: float = float("nan")
    grad_norm: float = float("nan")


def train_loop(run: LMRun, state: dict) -> LoopFigures:
    """Every remaining optimizer step of every stage from `state` (updated in place): logs, samples, checkpoints at
    `checkpoint_every` and at each epoch's end, validation at each epoch's end. Each stage's epochs come from its
    `epoch_loader`."""
    import torch
    from tqdm import tqdm  # text bar: widget bars cannot be sent from forked notebook_launcher workers

    cfg, acc, model, opt, sched, plan = run.cfg, run.acc, run.model, run.opt, run.sched, run.plan
    figures = LoopFigures()
    bar = tqdm(total=plan[-1].end, initial=state["global_step"], disable=not (cfg.progress and acc.is_local_main_process),
               desc="train_lm", dynamic_ncols=True)
    model.train()
    window, window_tokens, t_window = [], 0, time.time()
    tokens_per_batch = cfg.batch_size * cfg.seq_len * acc.num_processes
    sharded = is_sharded(acc)
    for s_idx in range(state["stage"], len(plan)):
        stage = plan[s_idx]
        if s_idx != state["stage"]:  # a fresh optimizer state for the new stage
            opt.optimizer.state.clear()
            state.update(stage=s_idx, epoch=0, batch=0)
        loader = run.epoch_loader(stage, state)
        while state["global_step"] < stage.end:
            packed = loader.rows(stage.name, state["epoch"])
            n_batches = run.agreed_min(max(1, len(packed.input_ids) // cfg.batch_size))
            n_batches -= n_batches % cfg.grad_accum
            order = np.random.default_rng(cfg.seed + state["epoch"]).permutation(len(packed.input_ids))
            for b in range(state["batch"], max(n_batches, cfg.grad_accum)):
                sl = order[np.arange(b * cfg.batch_size, (b + 1) * cfg.batch_size) % len(order)]
                with acc.accumulate(model):
                    loss = run.batch_loss(packed, sl)
                    acc.backward(loss)
                    if acc.sync_gradients:  # None under DeepSpeed before its first step (it clips itself)
                        norm = acc.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
                        figures.grad_norm = float("nan") if norm is None else float(norm)
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
                done = step >= stage.end
                if step % cfg.log_every == 0 or done:
                    figures.train_loss = float(acc.gather(torch.stack(window).mean()[None]).mean())
                    dt = time.time() - t_window
                    run.log.write({"step": step, "loss": figures.train_loss, "lr": sched.get_last_lr()[0],
                                   "stage": stage.name, "epoch": state["epoch"], "split": "train",
                                   "tokens_per_s": window_tokens / max(dt, 1e-9)})
                    bar.set_postfix(loss=f"{figures.train_loss:.3f}", stage=stage.name)
                    window, window_tokens, t_window = [], 0, time.time()
                # sharded weights: every process takes part in the forwards (the main one writes), else ZeRO-3
                # aborts or hangs in the gather of the next layer's parameters
                if cfg.sample_every and step % cfg.sample_every == 0 and (acc.is_main_process or sharded):
                    _sample_during_training(_causal_lm(acc.unwrap_model(model)), run, step, stage.name)
                if cfg.checkpoint_every and step % cfg.checkpoint_every == 0 and not done:
                    save_checkpoint(acc, run.out, step, dict(state, wall_s=run.elapsed()))
                if done:
                    break
            epoch_done = state["batch"] >= max(n_batches, cfg.grad_accum)
            if epoch_done or state["global_step"] >= stage.end:
                figures.val_loss = validate(run, stage.name)
                if not math.isnan(figures.val_loss):
                    run.log.write({"step": state["global_step"], "loss": figures.val_loss, "stage": stage.name,
                                   "epoch": state["epoch"], "split": "val"})
                    acc.print(f"[{stage.name}] epoch {state['epoch']} step {state['global_step']}: val loss "
                              f"{figures.val_loss:.4f}")
                state["epoch"] += 1
                state["batch"] = 0
                nxt = dict(state)
                if state["global_step"] >= stage.end and s_idx + 1 < len(plan):
                    nxt.update(stage=s_idx + 1, epoch=0)
                    opt.optimizer.state.clear()
                    state.update(stage=s_idx + 1, epoch=0)
                save_checkpoint(acc, run.out, state["global_step"], dict(nxt, wall_s=run.elapsed()))
        loader.close()
    bar.close()
    return figures


def _whole_model(run: LMRun, lm_state: dict):
    """The trained causal LM of the main process with its full weights, ready to merge or save: the unwrapped model
    where it is whole (one process, DDP); under FSDP / DeepSpeed, where it holds only shards, a CPU copy of the same
    class and config (with its LoRA adapters) loaded with the gathered weights `lm_state`. LoRA's merge_and_unload
    must only ever see such a whole model (merging shards writes a model that does not load, with exit code 0).

    The copy is built with the plain constructor: `from_pretrained` and `_from_config` enter `deepspeed.zero.Init`
    under ZeRO-3 (transformers modeling_utils, `get_init_context`), a collective that hangs when only the main
    process builds a model."""
    trained = _causal_lm(run.acc.unwrap_model(run.model))
    if not is_sharded(run.acc):
        return trained
    base = trained.get_base_model() if run.cfg.lora else trained
    model = type(base)(base.config)
    if run.cfg.lora:
        model = _apply_lora(model, run.cfg)
    model.load_state_dict(lm_state)
    return model


def finalize(run: LMRun, state: dict, figures: LoopFigures) -> LMTrainResult:
    """Gather the full weights (every process), then on the main process merge LoRA, build the neighbour bank and
    save the model folder and `train_result.json`; returns this process's result."""
    cfg, acc, lm, out = run.cfg, run.acc, run.lm, run.out
    acc.wait_for_everyone()
    unwrapped = acc.unwrap_model(run.model)
    checksum = float(sum(p.detach().float().sum().item() for p in unwrapped.parameters()))
    full_state = acc.get_state_dict(run.model)  # every process: a collective under FSDP / ZeRO-3
    if lm.condition is not None:
        full_state, cond_state = unwrapped.split_state_dict(full_state)
        if acc.is_main_process:
            lm.condition.load_state_dict(cond_state)
    if acc.is_main_process:
        whole = _whole_model(run, full_state)
        final = whole.merge_and_unload() if cfg.lora else whole
        final.config.use_cache = True
        if cfg.gradient_checkpointing:
            _set_checkpointing(final, False)
        if lm.condition is not None and cfg.condition_bank > 0:
            from .condition_bank import build_condition_bank

            bank = build_condition_bank(lm.condition, train_texts(run.corpus, run.shards), cfg.condition_bank,
                                        seed=cfg.seed, paraphrase=cfg.caption_augment > 0,
                                        neighbours=cfg.condition_neighbours,
                                        temperature=cfg.condition_neighbour_temperature)
            acc.print(f"neighbour bank: {len(bank)} training prompts, k={cfg.condition_neighbours}")
        MotionLM(final, lm.tokenizer, lm.vocab, condition=lm.condition).save_pretrained(
            out, state_dict=None if cfg.lora else full_state)
        cfg.save(out / CONFIG_FILE)
    acc.wait_for_everyone()
    wall = run.elapsed()
    result = LMTrainResult(out_dir=str(out), steps=state["global_step"], train_loss=figures.train_loss,
                           val_loss=figures.val_loss, num_processes=acc.num_processes,
                           tokens_seen=int(state["tokens_seen"]), wall_s=wall,
                           tokens_per_s=state["tokens_seen"] / max(wall, 1e-9), grad_norm=figures.grad_norm,
                           param_checksum=checksum, mixed_precision=run.mixed_precision)
    if acc.is_main_process:
        write_json(out / RESULT_FILE, asdict(result))
    return result


def train_lm(config: LMConfig | dict) -> LMTrainResult:
    """Train (or resume) the motion language model described by `config`; see the module docstring."""
    cfg = config if isinstance(config, LMConfig) else LMConfig.from_dict(dict(config))
    run = start_run(cfg)
    run.plan = plan_stages(run)
    build_model_and_optimizer(run)
    state = resume_or_start(run)
    figures = train_loop(run, state)
    result = finalize(run, state, figures)
    release(run.acc)
    return result
