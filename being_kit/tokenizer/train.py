"""`train_tokenizer(config)`: train a MotionTokenizer on a corpus with accelerate.

The same function runs directly (one process, CPU or one GPU), under `accelerate.notebook_launcher` /
`debug_launcher` with several processes, and under `accelerate launch -m being_kit.tokenizer.train --config c.json`
on a node. The Accelerator is created inside, on the shared training runtime (`being_kit.training`: processes,
checkpoints, schedule, log). Each process reads its own shard of the train split (`Corpus.shard`); the batch of step s
on rank r is drawn from a generator seeded with (seed, r, s), so the data position is the step number and a resumed
run sees exactly the batches it would have seen.

Losses: smooth L1 on normalised features + `vel_weight` x smooth L1 on their frame differences + `joint_weight` x
smooth L1 on joints recovered from the features (in units of `JOINT_SCALE_M`) + the quantizer's own terms;
off by default, `root_weight` (the integrated root trajectory) and `heading_weight` (the integrated heading).
`tempo_range` > 1 plays each crop at a random speed (`motion.tempo`), so the codes learn cadences the corpus lacks;
`turn_augment` > 0 turns each crop at a random rate (`motion.turning`), so they code turning in any pose;
`part_mix` > 0 gives that share of crops another motion's upper body or arms (`motion.part_mix`), so they code parts
that combine as real bodies' do; `pose_augment` > 0 bends the trunk and moves the arms of that share of crops at
random (`motion.pose_augment`), so they code poses the synthetic families never make.
Checkpoints (`<out_dir>/checkpoints/step_NNNNNNN/`: model, optimizer, scheduler, step, each rank's RNG) are the
runtime's (`being_kit.training.checkpoint`); a run finding one resumes from the newest that reads.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..config import Config, apply_overrides, command_line_config, parse_overrides, write_json
from ..training import (LOG_FILE, TrainLog, make_accelerator, release, resume_checkpoint, save_checkpoint,
                        start_processes, warmup_cosine)
from .config import TokenizerConfig
from .model import MotionTokenizer

JOINT_SCALE_M = 0.1  # joint-position loss measured in decimetres, so its size is comparable to the feature loss
TURN_AUGMENT_HZ = (0.1, 0.5)  # how often the added turning rate changes (real travelling mocap: turns over seconds)
RESULT_FILE = "train_result.json"
NOISE_STREAM = 1  # fourth word of the input noise's rng seed, [seed, rank, step, NOISE_STREAM]
MIX_STREAM = 2  # fourth word of the part mixing's rng seed: the crops themselves are drawn as without mixing
POSE_STREAM = 3  # fourth word of the pose augmentation's rng seed, likewise


@dataclass
class TrainConfig(Config):
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
    heading_weight: float = 0.0  # x smooth L1 on the integrated heading (radians) over the crop; humanml263 only
    heading_from_step: int = 0  # the heading term starts at this step: the pose first, then the turn it integrates to
    root_feature_weight: float = 1.0  # the root's feature dimensions (turning rate, travel, height) count this many times
    tempo_range: float = 1.0  # > 1: each crop plays at a random speed in [1/r, r] (log-uniform; `motion.tempo`); 1: off
    turn_augment: float = 0.0  # > 0: each crop also turns at a random rate of RMS up to this, degrees per second
    #                            (`motion.turning`; slowly varying, `TURN_AUGMENT_HZ`); humanml263 only; 0: off
    input_noise: float = 0.0  # > 0: Gaussian noise of this std (normalised units) on the encoder's input only, the
    #                           losses against the clean crop (a denoising tokenizer; `noisy_inputs`); 0: off
    part_mix: float = 0.0  # this share of crops carry another crop's `part_mix_part` (`motion.part_mix`); 0: off
    part_mix_part: str = "upper"  # "upper" (all above the pelvis) or "arms" (collars outwards); humanml263 only
    pose_augment: float = 0.0  # this share of crops with the trunk bent and arms moved at random (`motion.pose_augment`)
    #                            humanml263 only; 0: off
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
        for name in ("vel_weight", "joint_weight", "root_weight", "heading_weight", "root_feature_weight"):
            if not float(getattr(self, name)) >= 0:
                raise ValueError(f"{name}: must be >= 0 (0 turns the term off), got {getattr(self, name)}")
        if not 0 <= int(self.heading_from_step) <= self.max_steps:
            raise ValueError(f"heading_from_step: expected 0 .. max_steps {self.max_steps}, got {self.heading_from_step}")
        if not float(self.turn_augment) >= 0:
            raise ValueError(f"turn_augment: expected >= 0 degrees per second (0 turns it off), got {self.turn_augment}")
        if self.turn_augment > 0 and self.model.representation != "humanml263":
            raise ValueError(f"turn_augment: needs humanml263 features (turning rate first), got "
                             f"{self.model.representation!r}")
        if not float(self.input_noise) >= 0:
            raise ValueError(f"input_noise: expected a std >= 0 in normalised units (0 turns it off), got {self.input_noise}")
        if not 0 <= float(self.part_mix) <= 1:
            raise ValueError(f"part_mix: expected a share of crops in [0, 1] (0 turns it off), got {self.part_mix}")
        if self.part_mix > 0:
            from ..motion.part_mix import PARTS

            if self.part_mix_part not in PARTS:
                raise ValueError(f"part_mix_part: expected one of {sorted(PARTS)}, got {self.part_mix_part!r}")
            if self.model.representation != "humanml263":
                raise ValueError(f"part_mix: needs humanml263 features (joints are swapped), got "
                                 f"{self.model.representation!r}")
        if not 0 <= float(self.pose_augment) <= 1:
            raise ValueError(f"pose_augment: expected a share of crops in [0, 1] (0 turns it off), got {self.pose_augment}")
        if self.pose_augment > 0 and self.model.representation != "humanml263":
            raise ValueError(f"pose_augment: needs humanml263 features (joints are moved), got "
                             f"{self.model.representation!r}")
        if not float(self.tempo_range) >= 1:
            raise ValueError(f"tempo_range: expected >= 1 (1 turns retiming off), got {self.tempo_range}")
        if not 0 <= self.min_lr_ratio <= 1:
            raise ValueError(f"min_lr_ratio: expected in [0, 1], got {self.min_lr_ratio}")


@dataclass
class TrainResult:
    out_dir: str
    steps: int
    tokenizer_id: str
    final_train: dict  # last logged train figures
    final_val: dict  # last validation figures (evaluate_reconstruction on the val split)
    train_time_s: float
    resumed_from: int  # step of the checkpoint the run started from (0: fresh)


def sample_batch(shard, normalizer, step: int, rank: int, cfg: TrainConfig, per_process: int) -> tuple[np.ndarray, np.ndarray]:
    """The batch of `step` on `rank`: (per_process, window, d) normalised crops and their lengths, deterministic."""
    rng = np.random.default_rng([cfg.seed, rank, step])
    lengths = np.asarray(shard.lengths)
    picks = rng.integers(0, len(shard), per_process)
    x = np.zeros((per_process, cfg.window, shard.feature_dim), np.float32)
    lens = np.zeros(per_process, np.int64)
    frames = cfg.window + 2 if cfg.turn_augment > 0 else cfg.window  # turning drops two rows (`add_turning`)
    mixer = np.random.default_rng([cfg.seed, rank, step, MIX_STREAM]) if cfg.part_mix > 0 else None
    poser = np.random.default_rng([cfg.seed, rank, step, POSE_STREAM]) if cfg.pose_augment > 0 else None
    for k, i in enumerate(picks):
        n = int(lengths[i])
        if cfg.tempo_range > 1:
            crop = _retimed_crop(shard.motion(int(i)), rng, cfg, shard.representation, frames)
        else:
            start = int(rng.integers(0, n - frames + 1)) if n > frames else 0
            crop = shard.motion(int(i))[start : start + frames]
        if mixer is not None and mixer.random() < cfg.part_mix:
            crop = _mixed(crop, shard, mixer, cfg.part_mix_part)
        if poser is not None and poser.random() < cfg.pose_augment and len(crop) >= 2:
            from ..motion.pose_augment import vary_pose

            varied = vary_pose(crop, poser)
            crop = crop if varied is None else varied
        if cfg.turn_augment > 0 and len(crop) >= 3:
            crop = _turned(crop, rng, cfg.turn_augment)
        x[k, : len(crop)] = normalizer.normalize(crop)
        lens[k] = len(crop)
    return x, lens


def noisy_inputs(x: np.ndarray, lengths: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """`x` (b, t, d) normalised crops plus Gaussian noise of `std` on their valid frames (padding stays zero): the
    encoder's input when `TrainConfig.input_noise` is on. Real motion lands off the synthetic corpus's feature
    manifold; an encoder that has only seen clean corpus features maps it to far-off codes."""
    noise = rng.standard_normal(x.shape, dtype=np.float32) * np.float32(std)
    noise *= (np.arange(x.shape[1])[None, :] < np.asarray(lengths)[:, None])[..., None]
    return x + noise


def _mixed(crop: np.ndarray, shard, rng: np.random.Generator, part: str) -> np.ndarray:
    """`crop` (t, 263) carrying the `part` of a crop of another random motion of the shard (`motion.part_mix`):
    (t - 1, 263), a row fewer, as features made afresh from joints are; `crop` itself where the swap would move the
    floor or the crop is too short."""
    from ..motion.part_mix import mix_parts

    donor = shard.motion(int(rng.integers(0, len(shard))))
    n = min(len(crop), len(donor))
    if n < 3:
        return crop
    start = int(rng.integers(0, len(donor) - n + 1))
    mixed = mix_parts(crop[:n], donor[start : start + n], part)
    return crop if mixed is None else mixed


def _retimed_crop(motion: np.ndarray, rng: np.random.Generator, cfg: TrainConfig, representation: str,
                  frames: int) -> np.ndarray:
    """A crop of at most `frames` frames of `motion` played at a random speed in [1/tempo_range, tempo_range]:
    the synthetic corpus steps and gestures at the generator's few cadences, real people at many."""
    from ..motion.tempo import retime, retimed_length

    factor = float(np.exp(rng.uniform(-np.log(cfg.tempo_range), np.log(cfg.tempo_range))))
    need = int(np.ceil((frames - 1) * factor)) + 1  # source frames that play as one crop
    start = int(rng.integers(0, len(motion) - need + 1)) if len(motion) > need else 0
    source = motion[start : start + need]
    return retime(source, factor, representation, frames=min(frames, retimed_length(len(source), factor)))


def _turned(crop: np.ndarray, rng: np.random.Generator, max_rms_deg_s: float) -> np.ndarray:
    """`crop` (t, 263) turning more at a slowly varying random rate of RMS uniform in [0, max_rms_deg_s] degrees per
    second: (t - 2, 263). The corpus turns in a few families and poses, real people in any."""
    from ..motion.signals import band_limited
    from ..motion.skeleton import FPS
    from ..motion.turning import add_turning

    t = np.arange(len(crop)) / FPS
    rate = np.radians(rng.uniform(0, max_rms_deg_s)) * band_limited(rng, t, 1, TURN_AUGMENT_HZ)[:, 0]
    return add_turning(crop, np.cumsum(rate) / FPS)


def tokenizer_losses(model, feats: torch.Tensor, lengths: torch.Tensor, cfg: TrainConfig, mean: torch.Tensor,
                     std: torch.Tensor, *, representation: str, inputs: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Forward + every loss term; "loss" is the weighted total. feats (b, t, d) normalised, lengths (b,);
    `representation` is the corpus's (how joints are read from the features for the joint terms). inputs: what the
    encoder reads instead of `feats` (`noisy_inputs`); every loss still compares with `feats`."""
    from ..motion.convert import to_joints_torch

    out = model(feats if inputs is None else inputs, lengths)
    m = out.mask[..., None].to(feats.dtype)
    w = m if cfg.root_feature_weight == 1.0 else m * _dim_weights(feats, cfg.root_feature_weight, representation)
    gt = feats[:, : out.recon.shape[1]]
    denom = m.sum().clamp(min=1) * feats.shape[-1]
    recon = (F.smooth_l1_loss(out.recon, gt, reduction="none") * w).sum() / denom
    mv = m[:, 1:] * m[:, :-1]
    vel = (F.smooth_l1_loss(out.recon.diff(dim=1), gt.diff(dim=1), reduction="none") * w[:, 1:] * m[:, :-1]).sum() / (
        mv.sum().clamp(min=1) * feats.shape[-1])
    losses = {"recon": recon, "vel": vel, "quant": out.quant_loss}
    total = recon + cfg.vel_weight * vel + out.quant_loss
    if cfg.heading_weight > 0:
        losses["heading"] = _heading_drift(out.recon, gt, m[..., 0], mean, std, representation)
        total = total + cfg.heading_weight * losses["heading"]
    if cfg.joint_weight > 0:
        j_rec = to_joints_torch(out.recon * std + mean, representation) / JOINT_SCALE_M
        j_gt = to_joints_torch(gt * std + mean, representation) / JOINT_SCALE_M
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


def _dim_weights(feats: torch.Tensor, root_weight: float, representation: str) -> torch.Tensor:
    """(d,) loss weight per feature dimension: `root_weight` on the root's (`normalize.root_dims`), 1 elsewhere.
    The root's turning rate is 1 dimension of 263; weighed as one, the decoder turns about 0.7x as fast as the motion
    it reconstructs (measured on real and synthetic motion alike), and over a piece the heading drifts. T2M's
    `feat_bias` weighs the root up (5x) through the std; here it is the loss alone, so the features keep one scale."""
    from ..motion.normalize import root_dims

    w = torch.ones(feats.shape[-1], dtype=feats.dtype, device=feats.device)
    w[torch.as_tensor(root_dims(representation), device=feats.device)] = root_weight
    return w


def _heading_drift(recon: torch.Tensor, gt: torch.Tensor, frames: torch.Tensor, mean: torch.Tensor,
                   std: torch.Tensor, representation: str) -> torch.Tensor:
    """Smooth L1 between the headings (radians) that the reconstructed and true rotation velocities integrate to over
    each crop: a small per-frame bias is cheap in the feature loss but turns a long motion round."""
    if representation != "humanml263":
        raise ValueError(f"heading_weight: needs humanml263 features (rotation velocity first), got {representation!r}")
    rot = lambda x: (x[..., 0] * std[0] + mean[0]) * frames  # noqa: E731
    drift = rot(recon).cumsum(1) - rot(gt).cumsum(1)
    return (F.smooth_l1_loss(drift, torch.zeros_like(drift), reduction="none") * frames).sum() / frames.sum().clamp(min=1)


def model_codebook_size(model) -> int:
    return getattr(model, "module", model).codebook_size


def _perplexity(codes: torch.Tensor, size: int) -> torch.Tensor:
    if codes.numel() == 0:
        return torch.tensor(0.0)
    p = torch.bincount(codes.reshape(-1), minlength=size).float() / codes.numel()
    p = p[p > 0]
    return torch.exp(-(p * p.log()).sum()).detach()


# ---- the training function --------------------------------------------------------------------------------------
def train_tokenizer(config: TrainConfig) -> TrainResult:
    """Train (or resume) per `config`; saves the tokenizer with `save_pretrained(config.out_dir)` at the end."""
    from tqdm.auto import tqdm

    from ..data import Corpus
    from ..motion.normalize import Normalizer
    from .evaluate import evaluate_reconstruction

    cfg = config
    start_processes()
    accelerator = make_accelerator()
    n_proc, rank = accelerator.num_processes, accelerator.process_index
    if cfg.batch_size % n_proc:
        raise ValueError(f"batch_size: {cfg.batch_size} must be divisible by the {n_proc} processes")
    per_process = cfg.batch_size // n_proc
    out_dir = Path(cfg.out_dir)
    corpus = Corpus.open(cfg.corpus_path)
    if accelerator.is_main_process:
        corpus.verify()  # shard bytes against meta.json's digests: a flipped byte would train on garbage silently
    if corpus.feature_dim != cfg.model.feature_dim or corpus.representation != cfg.model.representation:
        raise ValueError(f"corpus {cfg.corpus_path}: {corpus.representation} ({corpus.feature_dim} values per frame), "
                         f"but model is {cfg.model.representation!r} (feature_dim {cfg.model.feature_dim})")
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
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: warmup_cosine(s, cfg.warmup_steps, cfg.max_steps, cfg.min_lr_ratio))
    model, optimizer = accelerator.prepare(model, optimizer)  # scheduler stepped by hand: once per optimiser step
    accelerator.register_for_checkpointing(scheduler)
    torch.manual_seed(cfg.seed + 1000 * rank)  # ranks draw different dead-code resets / entropy samples
    resumed = resume_checkpoint(accelerator, out_dir) if cfg.resume else None
    start = int(resumed["step"]) if resumed else 0
    log = TrainLog(out_dir / LOG_FILE, enabled=accelerator.is_main_process)
    if accelerator.is_main_process:
        out_dir.mkdir(parents=True, exist_ok=True)
        log.start(start)
        cfg.save(out_dir / "train_config.json")
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
    before_heading = replace(cfg, heading_weight=0.0)
    for step in range(start, stop):
        x, lens = sample_batch(shard, normalizer, step, rank, cfg, per_process)
        feats = torch.as_tensor(x, device=accelerator.device)
        lengths = torch.as_tensor(lens, device=accelerator.device)
        inputs = None
        if cfg.input_noise > 0:
            noisy = noisy_inputs(x, lens, cfg.input_noise, np.random.default_rng([cfg.seed, rank, step, NOISE_STREAM]))
            inputs = torch.as_tensor(noisy, device=accelerator.device)
        step_cfg = cfg if step >= cfg.heading_from_step else before_heading
        losses = tokenizer_losses(model, feats, lengths, step_cfg, mean, std, representation=corpus.representation,
                                  inputs=inputs)
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
            log.write(final_train)
        if done % cfg.val_every == 0 or done == cfg.max_steps:
            # every rank evaluates the same motions: a quantizer may issue collectives even in eval mode
            m = evaluate_reconstruction(unwrapped, val, split=None, max_motions=cfg.val_max_motions)
            final_val = {"step": done, "split": "val", "feature_l1": m.feature_l1, "mpjpe_mm": m.mpjpe_mm,
                         "mpjpe_global_mm": m.mpjpe_global_mm, "codebook_usage": m.codebook_usage, "perplexity": m.perplexity}
            log.write(final_val)
            model.train()
        if done % cfg.checkpoint_every == 0 or done in (cfg.max_steps, stop):
            save_checkpoint(accelerator, out_dir, done, keep=cfg.keep_checkpoints)
    bar.close()
    full = accelerator.get_state_dict(model) if stop == cfg.max_steps else None  # every process: gathers shards
    if accelerator.is_main_process:
        if full is not None:
            unwrapped.save_pretrained(out_dir, state_dict=full)
        result = TrainResult(str(out_dir), max(stop, start), unwrapped.tokenizer_id, final_train, final_val,
                             time.time() - t0, start)
        write_json(out_dir / RESULT_FILE, asdict(result), indent=1)
    accelerator.wait_for_everyone()
    result = json.loads((out_dir / RESULT_FILE).read_text())
    release(accelerator)
    return TrainResult(**result)


def with_overrides(config: dict, items: list[str]) -> dict:
    """A TrainConfig dict with `KEY=VALUE` items applied (`being_kit.config.apply_overrides`: `model.x` sets a
    TokenizerConfig field). Names and types are checked by `TrainConfig.from_dict`."""
    return apply_overrides(config, items)


def per_quantizer_overrides(text: str, quantizers: list[str]) -> dict[str, list[str]]:
    """Parse a notebook's `overrides` string, "lfq.lr=5e-4 lfq2d.max_steps=4000 vq.model.width=384", into
    {quantizer: ["lr=5e-4", ...]} (profiles hold flat values only, so per-quantizer settings travel as one string).
    Each item is in `being_kit.config`'s one `KEY=VALUE` grammar, its key led by a quantizer. Items for a known
    quantizer that is not trained this time are left out (a profile's settings hold when `quantizers` is narrowed,
    e.g. `--set 02.quantizers=vq`); an unknown name is an error, so a typo is not lost."""
    from .config import QUANTIZERS

    out: dict[str, list[str]] = {q: [] for q in quantizers}
    items = text.replace(",", " ").split()
    for item, (path, _) in zip(items, parse_overrides(items, "overrides")):
        if len(path) < 2 or path[0] not in set(out) | set(QUANTIZERS):
            raise ValueError(f"overrides: {item!r} must start with a quantizer ({', '.join(QUANTIZERS)}) and a dot, "
                             f"e.g. {quantizers[0]}.lr=5e-4")
        if path[0] in out:
            out[path[0]].append(item.split(".", 1)[1])
    return out


def launch_training(config: TrainConfig, num_processes: int = 1) -> TrainResult:
    """Run `train_tokenizer` in this process (num_processes 1) or under `notebook_launcher` with several processes
    (DDP; on CPU over gloo); returns the result the main process wrote."""
    from ..launcher import launch

    result = launch(train_tokenizer, (config,), num_processes)
    if result is not None:
        return result
    return TrainResult(**json.loads((Path(config.out_dir) / RESULT_FILE).read_text()))


def main(argv: list[str] | None = None) -> None:
    """`accelerate launch -m being_kit.tokenizer.train --config train.json [--set max_steps=100 model.width=256]`."""
    config = command_line_config(TrainConfig, argv, prog="being_kit.tokenizer.train", description=main.__doc__)
    print(json.dumps(asdict(train_tokenizer(config))))


if __name__ == "__main__":
    main()
