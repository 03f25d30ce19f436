"""`train_tokenizer(config)`: train a MotionTokenizer on a corpus with accelerate.

The same function runs directly (one process, CPU or one GPU), under `accelerate.notebook_launcher` /
`debug_launcher` with several processes, and under `accelerate launch -m being_kit.tokenizer.train --config c.json`
on a node. The Accelerator is created inside (cpu=True where no GPU exists: without it each CPU process silently
trains alone). Each process reads its own shard of the train split (`Corpus.shard`); the batch of step s on rank r
is drawn from a generator seeded with (seed, r, s), so the data position is the step number and a resumed run sees
exactly the batches it would have seen.

Losses: smooth L1 on normalised features + `vel_weight` x smooth L1 on their frame differences + `joint_weight` x
smooth L1 on joints recovered from the features (in units of `JOINT_SCALE_M`) + the quantizer's own terms.
Checkpoints (`<out_dir>/checkpoints/step_NNNNNNN/`: model, optimizer, scheduler, step, each rank's torch RNG) are
written into a temporary folder and renamed into place; a run finding one resumes from the newest.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .config import TokenizerConfig
from .model import MotionTokenizer

JOINT_SCALE_M = 0.1  # joint-position loss measured in decimetres, so its size is comparable to the feature loss
LOG_FILE = "train_log.jsonl"


@dataclass
class TrainConfig:
    corpus_path: str  # a being-kit corpus folder with mean.npy/std.npy beside it
    out_dir: str  # train_log.jsonl, checkpoints/, and the final save_pretrained output
    model: TokenizerConfig = field(default_factory=TokenizerConfig)
    seed: int = 0
    max_steps: int = 300_000  # paper: 300K iterations
    batch_size: int = 256  # global (summed over processes); paper: 256
    window: int = 64  # frames per training crop (T2M-GPT: 64); shorter motions are padded and masked
    lr: float = 1e-4  # AdamW; paper: 1e-4
    weight_decay: float = 0.0
    warmup_steps: int = 1000
    min_lr_ratio: float = 0.1  # cosine decay from lr to lr * min_lr_ratio at max_steps
    grad_clip: float = 1.0
    vel_weight: float = 0.5
    joint_weight: float = 0.5
    joint_space: str = "pelvis"  # joint loss on "pelvis"-aligned joints (the pose, as MPJPE scores it) or "global" ones
    root_weight: float = 0.0  # x smooth L1 on the integrated root trajectory over the crop (drift of the root velocity)
    log_every: int = 10
    val_every: int = 1000  # also at the end
    val_max_motions: int = 256
    checkpoint_every: int = 1000  # also at the end
    keep_checkpoints: int = 2
    resume: bool = True  # continue from the newest checkpoint in out_dir when there is one
    stop_at: int = 0  # > 0: checkpoint and return at this step (a time-boxed session; rerun to continue); 0: max_steps
    progress: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.model, dict):
            self.model = TokenizerConfig.from_dict(self.model)
        for name in ("max_steps", "batch_size", "log_every", "val_every", "checkpoint_every", "keep_checkpoints"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if self.window < self.model.downsample or self.window % self.model.downsample:
            raise ValueError(f"window: must be a positive multiple of downsample {self.model.downsample}, got {self.window}")
        if not 0 <= self.stop_at <= self.max_steps:
            raise ValueError(f"stop_at: expected 0 (off) or a step <= max_steps {self.max_steps}, got {self.stop_at}")
        if self.joint_space not in ("pelvis", "global"):
            raise ValueError(f"joint_space: expected 'pelvis' or 'global', got {self.joint_space!r}")
        if not self.lr > 0:
            raise ValueError(f"lr: must be positive, got {self.lr}")
        if not 0 <= self.min_lr_ratio <= 1:
            raise ValueError(f"min_lr_ratio: expected in [0, 1], got {self.min_lr_ratio}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"train config: unknown keys {unknown}; known: {sorted(known)}")
        return cls(**d)


@dataclass
class TrainResult:
    out_dir: str
    steps: int
    tokenizer_id: str
    final_train: dict  # last logged train figures
    final_val: dict  # last validation figures (evaluate_reconstruction on the val split)
    train_time_s: float
    resumed_from: int  # step of the checkpoint the run started from (0: fresh)


def lr_factor(step: int, cfg: TrainConfig) -> float:
    """Linear warmup then cosine decay to min_lr_ratio (multiplies cfg.lr)."""
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    span = max(cfg.max_steps - cfg.warmup_steps, 1)
    progress = min((step - cfg.warmup_steps) / span, 1.0)
    return cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def sample_batch(shard, normalizer, step: int, rank: int, cfg: TrainConfig, per_process: int) -> tuple[np.ndarray, np.ndarray]:
    """The batch of `step` on `rank`: (per_process, window, d) normalised crops and their lengths, deterministic."""
    rng = np.random.default_rng([cfg.seed, rank, step])
    lengths = np.asarray(shard.lengths)
    picks = rng.integers(0, len(shard), per_process)
    x = np.zeros((per_process, cfg.window, shard.feature_dim), np.float32)
    lens = np.zeros(per_process, np.int64)
    for k, i in enumerate(picks):
        n = int(lengths[i])
        start = int(rng.integers(0, n - cfg.window + 1)) if n > cfg.window else 0
        crop = shard.motion(int(i))[start : start + cfg.window]
        x[k, : len(crop)] = normalizer.normalize(crop)
        lens[k] = len(crop)
    return x, lens


def tokenizer_losses(model, feats: torch.Tensor, lengths: torch.Tensor, cfg: TrainConfig, mean: torch.Tensor,
                     std: torch.Tensor) -> dict[str, torch.Tensor]:
    """Forward + every loss term; "loss" is the weighted total. feats (b, t, d) normalised, lengths (b,)."""
    from ..motion.features import joints_from_features

    out = model(feats, lengths)
    m = out.mask[..., None].to(feats.dtype)
    gt = feats[:, : out.recon.shape[1]]
    denom = m.sum().clamp(min=1) * feats.shape[-1]
    recon = (F.smooth_l1_loss(out.recon, gt, reduction="none") * m).sum() / denom
    mv = m[:, 1:] * m[:, :-1]
    vel = (F.smooth_l1_loss(out.recon.diff(dim=1), gt.diff(dim=1), reduction="none") * mv).sum() / (
        mv.sum().clamp(min=1) * feats.shape[-1])
    losses = {"recon": recon, "vel": vel, "quant": out.quant_loss}
    total = recon + cfg.vel_weight * vel + out.quant_loss
    if cfg.joint_weight > 0 and feats.shape[-1] == 263:
        j_rec = joints_from_features(out.recon * std + mean) / JOINT_SCALE_M
        j_gt = joints_from_features(gt * std + mean) / JOINT_SCALE_M
        frames = m[..., 0]
        per_frame = lambda a, b: F.smooth_l1_loss(a, b, reduction="none").flatten(2).mean(-1)  # noqa: E731
        if cfg.root_weight > 0:
            root = (per_frame(j_rec[..., 0, :], j_gt[..., 0, :]) * frames).sum() / frames.sum().clamp(min=1)
            losses["root"] = root
            total = total + cfg.root_weight * root
        if cfg.joint_space == "pelvis":
            j_rec, j_gt = j_rec - j_rec[..., :1, :], j_gt - j_gt[..., :1, :]
        joint = (per_frame(j_rec, j_gt) * frames).sum() / frames.sum().clamp(min=1)
        losses["joint"] = joint
        total = total + cfg.joint_weight * joint
    losses["loss"] = total
    codes = out.codes[out.codes >= 0]
    losses["batch_perplexity"] = _perplexity(codes, model_codebook_size(model))
    return losses


def model_codebook_size(model) -> int:
    return getattr(model, "module", model).codebook_size


def _perplexity(codes: torch.Tensor, size: int) -> torch.Tensor:
    if codes.numel() == 0:
        return torch.tensor(0.0)
    p = torch.bincount(codes.reshape(-1), minlength=size).float() / codes.numel()
    p = p[p > 0]
    return torch.exp(-(p * p.log()).sum()).detach()


# ---- checkpoints ----------------------------------------------------------------------------------------------
def checkpoint_dirs(out_dir: str | Path) -> list[Path]:
    """Complete checkpoints (renamed into place), oldest first."""
    root = Path(out_dir) / "checkpoints"
    return sorted(p for p in root.glob("step_*") if p.is_dir() and (p / "state.pt").is_file()) if root.is_dir() else []


def _save_checkpoint(accelerator, model, optimizer, scheduler, step: int, cfg: TrainConfig) -> None:
    root = Path(cfg.out_dir) / "checkpoints"
    tmp = root / f".tmp_step_{step:07d}"
    final = root / f"step_{step:07d}"
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    accelerator.wait_for_everyone()
    torch.save({"torch": torch.get_rng_state(), "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []},
               tmp / f"rng_{accelerator.process_index}.pt")
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        state = {"model": accelerator.unwrap_model(model).state_dict(), "optimizer": optimizer.state_dict(),
                 "scheduler": scheduler.state_dict(), "step": step, "num_processes": accelerator.num_processes,
                 "config": cfg.to_dict()}
        torch.save(state, tmp / "state.pt")
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        for old in checkpoint_dirs(cfg.out_dir)[: -cfg.keep_checkpoints]:
            shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


class UnreadableCheckpoint(ValueError):
    """A checkpoint file that does not load (truncated by a kill or a full disk)."""


def _read(file: Path, **kwargs):
    try:
        return torch.load(file, weights_only=False, **kwargs)
    except Exception as e:  # torch raises RuntimeError, EOFError, UnpicklingError, ... for a truncated file
        raise UnreadableCheckpoint(f"{file}: unreadable ({type(e).__name__}: {e})") from None


def resume_checkpoint(ckpts: list[Path], accelerator, model, optimizer, scheduler) -> int:
    """Load the newest of `ckpts` that reads and return its step; an unreadable one is reported and the one before
    it tried. Raises when none reads (delete them, or set resume=False, to start over)."""
    bad = []
    for path in reversed(ckpts):
        try:
            step = _load_checkpoint(path, accelerator, model, optimizer, scheduler)
        except UnreadableCheckpoint as e:
            bad.append(str(e))
            accelerator.print(f"checkpoint {path.name} is unreadable, trying the one before it: {e}")
            continue
        if bad:
            accelerator.print(f"resumed from {path} (step {step}) after {len(bad)} unreadable checkpoint(s)")
        return step
    raise ValueError("no checkpoint could be read: " + "; ".join(bad) + " (delete them or set resume=False)")


def _load_checkpoint(path: Path, accelerator, model, optimizer, scheduler) -> int:
    state = _read(path / "state.pt", map_location="cpu")
    if not isinstance(state, dict) or not {"num_processes", "model", "optimizer", "scheduler", "step"} <= set(state):
        raise UnreadableCheckpoint(f"{path / 'state.pt'}: not a being-kit tokenizer checkpoint")
    rng = _read(path / f"rng_{accelerator.process_index}.pt")
    if state["num_processes"] != accelerator.num_processes:
        raise ValueError(f"{path}: written by {state['num_processes']} processes, resuming with "
                         f"{accelerator.num_processes}; the batches would differ (start a new out_dir)")
    accelerator.unwrap_model(model).load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(rng["torch"])
    if rng["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(rng["cuda"])
    return int(state["step"])


def _truncate_log(path: Path, step: int) -> None:
    """Drop log records past `step` (written after the checkpoint a resumed run starts from)."""
    if not path.is_file():
        return
    keep = []
    for line in path.read_text().splitlines():
        try:
            if json.loads(line)["step"] <= step:
                keep.append(line)
        except (ValueError, KeyError):
            continue
    path.write_text("".join(f"{ln}\n" for ln in keep))


# ---- the training function --------------------------------------------------------------------------------------
def train_tokenizer(config: TrainConfig) -> TrainResult:
    """Train (or resume) per `config`; saves the tokenizer with `save_pretrained(config.out_dir)` at the end."""
    from accelerate import Accelerator
    from tqdm.auto import tqdm

    from ..data import Corpus
    from ..motion.normalize import Normalizer
    from .evaluate import evaluate_reconstruction

    from accelerate.state import AcceleratorState

    cfg = config
    # a state left by an earlier Accelerator in this process (a run that raised, or one inherited through fork by a
    # launcher's children) would make this one silently single-process, or pair its collectives wrongly: start from
    # the launcher's environment each time (as train_lm does)
    AcceleratorState._reset_state(reset_partial_state=True)
    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    n_proc, rank = accelerator.num_processes, accelerator.process_index
    if n_proc > 1 and not torch.cuda.is_available():
        # the cores split between the processes (as train_lm does); one thread per process on 2 cores also keeps a
        # launcher's forked children out of the OpenMP pool a parent kernel used before forking, where they hang
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // n_proc))
    if cfg.batch_size % n_proc:
        raise ValueError(f"batch_size: {cfg.batch_size} must be divisible by the {n_proc} processes")
    per_process = cfg.batch_size // n_proc
    out_dir = Path(cfg.out_dir)
    corpus = Corpus.open(cfg.corpus_path)
    if accelerator.is_main_process:
        corpus.verify()  # shard bytes against meta.json's digests: a flipped byte would train on garbage silently
    if corpus.feature_dim != cfg.model.feature_dim:
        raise ValueError(f"corpus {cfg.corpus_path}: feature_dim {corpus.feature_dim} != model.feature_dim {cfg.model.feature_dim}")
    normalizer = Normalizer.load(cfg.corpus_path, dim=corpus.feature_dim)
    train_split = corpus.split("train")
    if len(train_split) < n_proc:
        raise ValueError(f"corpus {cfg.corpus_path}: {len(train_split)} train motions for {n_proc} processes")
    shard = train_split.shard(n_proc, rank)
    val = corpus.split("val")
    if len(val) == 0:
        val = train_split
    torch.manual_seed(cfg.seed)  # same initial weights on every rank (DDP also broadcasts them)
    model = MotionTokenizer(cfg.model, normalizer.mean, normalizer.std)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.99))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, cfg))
    model, optimizer = accelerator.prepare(model, optimizer)  # scheduler stepped by hand: once per optimiser step
    torch.manual_seed(cfg.seed + 1000 * rank)  # ranks draw different dead-code resets / entropy samples
    log_path = out_dir / LOG_FILE
    start = 0
    ckpts = checkpoint_dirs(out_dir) if cfg.resume else []
    if ckpts:
        start = resume_checkpoint(ckpts, accelerator, model, optimizer, scheduler)
    if accelerator.is_main_process:
        out_dir.mkdir(parents=True, exist_ok=True)
        if start:
            _truncate_log(log_path, start)
        elif log_path.exists():
            log_path.unlink()
        (out_dir / "train_config.json").write_text(json.dumps(cfg.to_dict(), indent=1))
    accelerator.wait_for_everyone()
    unwrapped = accelerator.unwrap_model(model)
    mean, std = unwrapped.mean, unwrapped.std
    t0 = time.time()
    final_train: dict = {}
    final_val: dict = {}
    bar = tqdm(total=cfg.max_steps, initial=start, desc=f"tokenizer {cfg.model.quantizer}",
               disable=not (cfg.progress and accelerator.is_main_process))
    model.train()
    stop = cfg.stop_at or cfg.max_steps
    for step in range(start, stop):
        x, lens = sample_batch(shard, normalizer, step, rank, cfg, per_process)
        feats = torch.as_tensor(x, device=accelerator.device)
        lengths = torch.as_tensor(lens, device=accelerator.device)
        losses = tokenizer_losses(model, feats, lengths, cfg, mean, std)
        optimizer.zero_grad(set_to_none=True)
        accelerator.backward(losses["loss"])
        if cfg.grad_clip > 0:
            accelerator.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        scheduler.step()
        done = step + 1
        bar.update(1)
        if done % cfg.log_every == 0 or done == cfg.max_steps:
            figures = {k: float(accelerator.reduce(v.detach().to(accelerator.device).float(), "mean")) for k, v in losses.items()}
            final_train = {"step": done, "split": "train", **figures, "lr": scheduler.get_last_lr()[0]}
            bar.set_postfix(loss=f"{figures['loss']:.4f}")
            if accelerator.is_main_process:
                with log_path.open("a") as f:
                    f.write(json.dumps(final_train) + "\n")
        if done % cfg.val_every == 0 or done == cfg.max_steps:
            # every rank evaluates the same motions: a quantizer may issue collectives even in eval mode
            m = evaluate_reconstruction(unwrapped, val, split=None, max_motions=cfg.val_max_motions)
            final_val = {"step": done, "split": "val", "feature_l1": m.feature_l1, "mpjpe_mm": m.mpjpe_mm,
                         "mpjpe_global_mm": m.mpjpe_global_mm, "codebook_usage": m.codebook_usage, "perplexity": m.perplexity}
            if accelerator.is_main_process:
                with log_path.open("a") as f:
                    f.write(json.dumps(final_val) + "\n")
            model.train()
        if done % cfg.checkpoint_every == 0 or done in (cfg.max_steps, stop):
            _save_checkpoint(accelerator, model, optimizer, scheduler, done, cfg)
    bar.close()
    if accelerator.is_main_process:
        if stop == cfg.max_steps:
            unwrapped.save_pretrained(out_dir)
        result = TrainResult(str(out_dir), max(stop, start), unwrapped.tokenizer_id, final_train, final_val,
                             time.time() - t0, start)
        (out_dir / "train_result.json").write_text(json.dumps(asdict(result), indent=1))
    accelerator.wait_for_everyone()
    result = json.loads((out_dir / "train_result.json").read_text())
    accelerator.free_memory()
    if n_proc == 1:
        # forget this process's (non-distributed) accelerate state, so a later notebook_launcher / debug_launcher
        # in the same kernel does not fork children that inherit it and each train alone
        from accelerate.state import AcceleratorState

        AcceleratorState._reset_state(reset_partial_state=True)
    return TrainResult(**result)


def with_overrides(config: dict, items: list[str]) -> dict:
    """A TrainConfig dict with `KEY=VALUE` items applied (VALUE parsed as JSON when it parses; `model.x` sets a
    TokenizerConfig field). Unknown keys are left for `TrainConfig.from_dict` to name."""
    d = json.loads(json.dumps(config))
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"override {item!r}: expected KEY=VALUE, e.g. lr=5e-4 or model.width=256")
        try:
            value = json.loads(value)
        except ValueError:
            pass
        target = d.setdefault("model", {}) if key.startswith("model.") else d
        target[key.removeprefix("model.")] = value
    return d


def per_quantizer_overrides(text: str, quantizers: list[str]) -> dict[str, list[str]]:
    """Parse a notebook's `overrides` string, "lfq.lr=5e-4 lfq2d.max_steps=4000 vq.model.width=384", into
    {quantizer: ["lr=5e-4", ...]} (profiles hold flat values only, so per-quantizer settings travel as one string)."""
    out: dict[str, list[str]] = {q: [] for q in quantizers}
    for item in text.replace(",", " ").split():
        q, sep, rest = item.partition(".")
        if not sep or q not in out:
            raise ValueError(f"overrides: {item!r} must start with one of the trained quantizers {quantizers} "
                             f"and a dot, e.g. {quantizers[0]}.lr=5e-4")
        out[q].append(rest)
    return out


def launch_training(config: TrainConfig, num_processes: int = 1) -> TrainResult:
    """Run `train_tokenizer` in this process (num_processes 1) or under `notebook_launcher` with several processes
    (DDP; on CPU over gloo); returns the result the main process wrote."""
    from ..launcher import launch

    result = launch(train_tokenizer, (config,), num_processes)
    if result is not None:
        return result
    return TrainResult(**json.loads((Path(config.out_dir) / "train_result.json").read_text()))


def main(argv: list[str] | None = None) -> None:
    """`accelerate launch -m being_kit.tokenizer.train --config train.json [--set max_steps=100 ...]`."""
    parser = argparse.ArgumentParser(prog="being_kit.tokenizer.train", description=main.__doc__)
    parser.add_argument("--config", required=True, help="JSON of TrainConfig fields (model: TokenizerConfig fields)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override fields; model.x for the model")
    args = parser.parse_args(argv)
    d = with_overrides(json.loads(Path(args.config).read_text()), args.set)
    result = train_tokenizer(TrainConfig.from_dict(d))
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
