"""Training of evaluator B (`ContrastiveEvaluator`) on a corpus's train split, validated by R-Precision on val.

The word encoder's vocabulary is built from the training captions; with a pretrained text model every distinct
caption is encoded once up front. Motions are held in memory (a subset of `max_train` motions keeps CPU runs short);
each step draws `batch_size` motions, one random caption each, a random
crop of at most `max_frames`, and takes one AdamW step on symmetric InfoNCE. Runs in one process on the shared
training runtime (`being_kit.training`): `<out_dir>/train_log.jsonl`, and with `checkpoint_every` > 0 checkpoints in
`<out_dir>/checkpoints/` that a rerun resumes from (the batch generator's state travels in trainer_state.json).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from ..config import Config, from_dict
from .contrastive import ContrastiveConfig, ContrastiveEvaluator, FrozenTextEncoder, build_vocab, info_nce
from .metrics import r_precision
from .motion_encoder import pad_batch


@dataclass
class EvaluatorTrainConfig(Config):
    """Everything train_evaluator needs; `model` is the architecture saved beside the weights."""

    corpus_path: str
    out_dir: str
    steps: int = 1500
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-4
    max_train: int = 0            # 0 = the whole train split; otherwise a random subset of this many motions
    max_val: int = 512            # val motions for the R-Precision check
    val_every: int = 250
    log_every: int = 25
    seed: int = 0
    num_threads: int = 0          # 0 leaves torch's default; 1 on shared CPU machines
    device: str = "auto"          # "auto": cuda when available, else cpu
    progress: bool = True
    checkpoint_every: int = 0     # steps between checkpoints in out_dir/checkpoints/ (0: none)
    resume: bool = True           # continue from the newest checkpoint in out_dir when there is one
    model: ContrastiveConfig = field(default_factory=ContrastiveConfig)

    def __post_init__(self) -> None:
        if isinstance(self.model, dict):
            self.model = from_dict(ContrastiveConfig, self.model, where="model")
        if self.checkpoint_every < 0:
            raise ValueError(f"checkpoint_every must be >= 0 (0: none), got {self.checkpoint_every}")
        for name in ("steps", "batch_size", "log_every", "val_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.batch_size < 2:
            raise ValueError(f"batch_size must be >= 2 for contrastive negatives, got {self.batch_size}")
        if self.max_train < 0 or self.max_val < 0:
            raise ValueError(f"max_train/max_val must be >= 0, got {self.max_train}, {self.max_val}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")


@dataclass
class EvaluatorTrainResult:
    model: ContrastiveEvaluator
    out_dir: Path
    steps: int
    final_loss: float
    val_r_precision: list[float]   # top-1/2/3 on val at the end (empty when the val split is too small)
    seconds: float


def _load_split(corpus, split: str, limit: int, rng: np.random.Generator) -> tuple[list[np.ndarray], list[list[str]]]:
    view = corpus.split(split)
    idx = np.arange(len(view))
    if limit and len(idx) > limit:
        idx = np.sort(rng.choice(len(idx), limit, replace=False))
    motions, texts = [], []
    for i in idx:
        rec = view[int(i)]
        motions.append(np.array(rec.motion, np.float32))
        texts.append(list(rec.texts))
    return motions, texts


def _normalizer(corpus, motions: list[np.ndarray]):
    from ..motion.normalize import Normalizer, compute_stats

    if corpus.path is not None and (Path(corpus.path) / "mean.npy").is_file():
        return Normalizer.load(corpus.path, dim=corpus.feature_dim)
    return compute_stats(motions, corpus.representation)


def validation_r_precision(model: ContrastiveEvaluator, motions: list[np.ndarray], texts: list[str]) -> list[float]:
    """Top-1/2/3 R-Precision (batches of 32) of `model` on paired motions and captions."""
    if len(motions) < 32:
        return []
    return r_precision(model.embed_texts(texts), model.embed_motions(motions)).tolist()


def train_evaluator(config: EvaluatorTrainConfig) -> EvaluatorTrainResult:
    """Train evaluator B on `config.corpus_path`'s train split; save it to `config.out_dir` (save_pretrained)."""
    from ..data.corpus import Corpus
    from ..training import (LOG_FILE, TrainLog, make_accelerator, release, resume_checkpoint, save_checkpoint,
                            start_processes, warmup_cosine)

    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    start = time.time()
    rng = np.random.default_rng(config.seed)
    torch.manual_seed(config.seed)
    corpus = Corpus.open(config.corpus_path)
    if corpus.feature_dim != config.model.feature_dim:
        config.model = ContrastiveConfig(**{**asdict(config.model), "feature_dim": corpus.feature_dim})
    motions, texts = _load_split(corpus, "train", config.max_train, rng)
    if len(motions) < config.batch_size:
        raise ValueError(f"corpus {config.corpus_path}: train split has {len(motions)} motions, fewer than "
                         f"batch_size {config.batch_size}")
    val_motions, val_texts = _load_split(corpus, "val", config.max_val, rng)
    val_texts = [t[0] for t in val_texts]
    norm = _normalizer(corpus, motions)

    flat = [t for ts in texts for t in ts]
    if config.model.word_dim and not config.model.vocab:
        config.model = ContrastiveConfig(**{**asdict(config.model), "vocab": build_vocab(flat)})
    text_encoder = FrozenTextEncoder(config.model.text_model) if config.model.text_model else None
    offsets = np.cumsum([0] + [len(ts) for ts in texts])
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if config.device == "auto" else config.device)
    start_processes()
    acc = make_accelerator(cpu=device.type == "cpu")
    model = ContrastiveEvaluator(config.model, norm.mean, norm.std, text_encoder=text_encoder).to(device)
    sent = model.sentence_features(flat)  # (captions, 384) once, or None without a pretrained text model
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    warmup = max(1, config.steps // 20)  # the runtime's one schedule: linear warmup over 5%, cosine to 0
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: warmup_cosine(step, warmup, config.steps))
    model, opt = acc.prepare(model, opt)
    acc.register_for_checkpointing(sched)

    out_dir = Path(config.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    resumed = resume_checkpoint(acc, out_dir) if config.resume else None
    first, val_r, loss_avg = 1, [], None
    if resumed is not None:
        first, val_r, loss_avg = int(resumed["step"]) + 1, list(resumed["val_r"]), resumed["loss_avg"]
        rng.bit_generator.state = resumed["rng"]
    log = TrainLog(out_dir / LOG_FILE).start(first - 1)
    bar = tqdm(range(first, config.steps + 1), desc="evaluator B", disable=not config.progress)
    for step in bar:
        model.train()
        batch = rng.choice(len(motions), config.batch_size, replace=False)
        cap = [int(offsets[i] + rng.integers(offsets[i + 1] - offsets[i])) for i in batch]
        x, lengths = pad_batch([motions[i] for i in batch], config.model.max_frames, rng, device)
        s = None if sent is None else sent[torch.tensor(cap, device=device)]
        captions = [flat[c] for c in cap]
        loss = info_nce(model.encode_motion_tensor(x, lengths), model.encode_text_tensor(s, captions),
                        config.model.temperature, s, config.model.dup_threshold, captions)
        opt.zero_grad(set_to_none=True)
        acc.backward(loss)
        acc.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        loss_avg = loss.item() if loss_avg is None else 0.9 * loss_avg + 0.1 * loss.item()
        if step % config.log_every == 0 or step == config.steps:
            log.write({"step": step, "loss": loss.item(), "lr": sched.get_last_lr()[0], "split": "train"})
            bar.set_postfix(loss=f"{loss_avg:.3f}")
        if step % config.val_every == 0 or step == config.steps:
            val_r = validation_r_precision(model, val_motions, val_texts)
            if val_r:
                log.write({"step": step, "r_precision_top1": val_r[0], "r_precision_top3": val_r[2], "split": "val"})
        if config.checkpoint_every and step % config.checkpoint_every == 0 and step < config.steps:
            save_checkpoint(acc, out_dir, step, {"rng": rng.bit_generator.state, "loss_avg": loss_avg, "val_r": val_r})
    model = acc.unwrap_model(model).eval()
    model.save_pretrained(out_dir)  # safetensors from any device; from_pretrained loads on CPU
    release(acc)
    return EvaluatorTrainResult(model, out_dir, config.steps, float(loss_avg), val_r, time.time() - start)
