"""An action classifier trained on real motions: checks that a generated motion performs the prompted action.

Labels come from synthetic records' `meta["actions"]` (the action families performed, in order). A record with one
action gives that label; compositions (several actions) are skipped by default or labelled by their first action.
The classifier is `MotionConvEncoder` + a linear head over features normalised with the training set's statistics,
so `classify` takes raw (t, d) features as `generate_motion` returns them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ..config import Config
from .checkpoint import read_checkpoint, register_stats, save_checkpoint
from .motion_encoder import MotionConvEncoder, pad_batch


@dataclass
class ActionClassifierConfig(Config):
    hidden: int = 128
    steps: int = 400
    batch_size: int = 64
    lr: float = 2e-3
    max_frames: int = 196
    dropout: float = 0.1
    compositions: str = "skip"   # "skip" records with several actions, or label them by their "first" action
    smooth_frames: int = 0       # training augmentation: moving average over up to this many frames (0/1 = off)
    noise: float = 0.0           # training augmentation: Gaussian noise, in units of each feature's std
    seed: int = 0
    num_threads: int = 0         # 0 leaves torch's default
    device: str = "auto"         # "auto": cuda when available, else cpu
    progress: bool = True

    def __post_init__(self) -> None:
        if self.compositions not in ("skip", "first"):
            raise ValueError(f"compositions must be 'skip' or 'first', got {self.compositions!r}")
        for name in ("hidden", "steps", "batch_size", "max_frames"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.smooth_frames < 0 or self.noise < 0:
            raise ValueError(f"smooth_frames and noise must be >= 0, got {self.smooth_frames} and {self.noise}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")


def action_label(meta: dict, compositions: str = "skip") -> str | None:
    """The label of one record's meta: its single action, the first of a composition ("first"), or None."""
    actions = meta.get("actions")
    if actions is None and "action" in meta:
        actions = [meta["action"]]
    if not actions:
        return None
    if len(actions) > 1 and compositions == "skip":
        return None
    return str(actions[0])


def labelled_motions(corpus, split: str | None = "train", compositions: str = "skip", limit: int = 0,
                     seed: int = 0) -> tuple[list[np.ndarray], list[str]]:
    """(motions, labels) of a corpus split's records that carry an action label (at most `limit`, 0 = all)."""
    view = corpus.split(split) if split else corpus
    order = np.random.default_rng(seed).permutation(len(view)) if limit else np.arange(len(view))
    motions, labels = [], []
    for i in order:
        rec = view[int(i)]
        label = action_label(rec.meta, compositions)
        if label is not None:
            motions.append(np.array(rec.motion, np.float32))
            labels.append(label)
            if limit and len(labels) >= limit:
                break
    return motions, labels


class ActionClassifier(nn.Module):
    """Raw (t, d) features -> one of `labels`."""

    def __init__(self, feature_dim: int, labels: Sequence[str], config: ActionClassifierConfig,
                 mean: np.ndarray | None = None, std: np.ndarray | None = None):
        super().__init__()
        self.config, self.labels, self.feature_dim = config, list(labels), feature_dim
        self.encoder = MotionConvEncoder(feature_dim, config.hidden, config.hidden, config.dropout)
        self.head = nn.Linear(config.hidden, len(self.labels))
        register_stats(self, feature_dim, mean, std)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(b, t, d) raw padded features -> (b, classes) logits."""
        return self.head(F.gelu(self.encoder((x - self.mean) / self.std, lengths)))

    @torch.no_grad()
    def classify(self, motions: list[np.ndarray], batch_size: int = 128) -> tuple[list[str], np.ndarray]:
        """list of raw (t_i, d) features -> (predicted labels, (n, classes) probabilities)."""
        self.eval()
        if not motions:
            return [], np.zeros((0, len(self.labels)), np.float32)
        probs = np.concatenate([F.softmax(self(*pad_batch(motions[s: s + batch_size], self.config.max_frames,
                                                          device=self.mean.device)), -1).cpu().numpy()
                                for s in range(0, len(motions), batch_size)])
        return [self.labels[i] for i in probs.argmax(1)], probs

    def accuracy(self, motions: list[np.ndarray], labels: Sequence[str]) -> float:
        """Fraction of motions classified as their label (labels unknown to the classifier count as wrong)."""
        if len(motions) != len(labels) or not motions:
            raise ValueError(f"accuracy: need equally many motions and labels (> 0), got {len(motions)} and {len(labels)}")
        predicted, _ = self.classify(motions)
        return float(np.mean([p == t for p, t in zip(predicted, labels)]))

    def save_pretrained(self, directory: str | Path) -> Path:
        return save_checkpoint(self, directory, {"kind": "action_classifier", "feature_dim": self.feature_dim,
                                                 "labels": self.labels, "config": asdict(self.config)})

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> "ActionClassifier":
        raw, state = read_checkpoint(directory, "action classifier")
        known = {f.name for f in fields(ActionClassifierConfig)}
        config = ActionClassifierConfig(**{k: v for k, v in raw["config"].items() if k in known})
        model = cls(raw["feature_dim"], raw["labels"], config)
        model.load_state_dict(state)
        return model.eval()


def _blur_time(x: torch.Tensor, valid: torch.Tensor, k: int) -> torch.Tensor:
    """Moving average of (b, t, d) over `k` frames, using only each motion's valid frames ((b, t, 1) 0/1 mask)."""
    b, t, d = x.shape

    def box(v: torch.Tensor) -> torch.Tensor:
        v = F.pad(v.permute(0, 2, 1).reshape(-1, 1, t), (k // 2, (k - 1) // 2), mode="replicate")
        return F.conv1d(v, torch.ones(1, 1, k, device=x.device) / k).reshape(b, -1, t).permute(0, 2, 1)

    return box(x * valid) / box(valid).clamp(min=1e-6) * valid


def _augment(x: torch.Tensor, lengths: torch.Tensor, std: torch.Tensor, config: ActionClassifierConfig,
             rng: np.random.Generator) -> torch.Tensor:
    """Blur and jitter a padded raw training batch (b, t, d), so the classifier judges the action rather than fine
    detail that a motion tokenizer's decoder smooths away (generated motions are decoded that way)."""
    k = int(rng.integers(1, config.smooth_frames + 1)) if config.smooth_frames > 1 else 1
    if k > 1:
        valid = (torch.arange(x.shape[1], device=x.device)[None] < lengths[:, None].to(x.device)).float()[..., None]
        x = _blur_time(x, valid, k)
    if config.noise > 0:
        x = x + torch.randn_like(x) * std * config.noise
    return x


def train_action_classifier(data, config: ActionClassifierConfig | None = None, labels: Sequence[str] | None = None,
                            out_dir: str | Path | None = None) -> ActionClassifier:
    """Train on `data`: a Corpus (its train split's labelled records) or a list of raw (t, d) features with `labels`.

    Normalisation statistics are computed from the training motions. Saved to `out_dir` when given.
    """
    config = config or ActionClassifierConfig()
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    if labels is None:
        if not hasattr(data, "split"):
            raise TypeError("data: pass a Corpus, or a list of (t, d) features together with labels=")
        motions, labels = labelled_motions(data, "train", config.compositions)
    else:
        motions = [np.asarray(m, np.float32) for m in data]
    if len(motions) != len(labels) or len(motions) < 2:
        raise ValueError(f"need >= 2 motions with one label each, got {len(motions)} motions and {len(labels)} labels")
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError(f"labels: need at least 2 distinct actions, got {classes}")
    cat = np.concatenate(motions)
    # seeded before the weights are drawn: they must not depend on what used torch's generator before (in 04 the
    # LM's generations did, so the classifier's accuracy on real motions moved whenever the LM changed)
    torch.manual_seed(config.seed)
    model = ActionClassifier(motions[0].shape[1], classes, config, cat.mean(0), np.maximum(cat.std(0), 1e-3))
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if config.device == "auto" else config.device)
    model = model.to(device)
    y = torch.tensor([classes.index(label) for label in labels], device=device)
    rng = np.random.default_rng(config.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    from ..training import warmup_cosine

    warmup = max(1, config.steps // 10)  # the runtime's one schedule: linear warmup over 10%, cosine to 0
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: warmup_cosine(step, warmup, config.steps))
    batch_size = min(config.batch_size, len(motions))
    bar = tqdm(range(config.steps), desc="action classifier", disable=not config.progress)
    for _ in bar:
        model.train()
        idx = rng.choice(len(motions), batch_size, replace=False)
        x, lengths = pad_batch([motions[i] for i in idx], config.max_frames, rng, device)
        x = _augment(x, lengths, model.std, config, rng)
        loss = F.cross_entropy(model(x, lengths), y[torch.as_tensor(idx, device=device)])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    model.eval()
    if out_dir is not None:
        model.save_pretrained(out_dir)
    return model


def accuracy_on_eval_set(classifier: ActionClassifier, eval_set, samples: list[dict] | None = None,
                         compositions: str = "skip") -> tuple[float, int]:
    """(accuracy, motions scored) of `classifier` on an EvalSet's labelled real motions, or on `samples` (dicts with
    "id" and "motion", e.g. `EvalResult.samples` of generated motions), each labelled by its test record's action."""
    labels = {i: action_label(m, compositions) for i, m in zip(eval_set.ids, eval_set.meta)}
    pairs = ([(s["motion"], labels.get(s["id"])) for s in samples] if samples is not None
             else [(m, labels[i]) for m, i in zip(eval_set.motions, eval_set.ids)])
    pairs = [(m, label) for m, label in pairs if label is not None]
    if not pairs:
        return float("nan"), 0
    return classifier.accuracy([m for m, _ in pairs], [label for _, label in pairs]), len(pairs)
