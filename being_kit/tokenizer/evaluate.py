"""Reconstruction quality of a motion tokenizer on a corpus split: MPJPE and acceleration error on joints recovered
from the features (`motion.convert.to_joints_torch` in the corpus's representation; recover_from_ric semantics for
HumanML3D's 263), codebook utilisation and perplexity.

Two MPJPEs. `mpjpe_mm` is the field's reconstruction figure (MoMask's `calculate_mpjpe`, which later papers reuse):
each frame's joints minus that frame's pelvis, so it measures the body pose. `mpjpe_global_mm` keeps the integrated
root trajectory, so drift of the root velocity over a whole clip counts too: a stricter, non-standard figure.
`mpjpe_mm` still counts a wrong heading (the pelvis-aligned body is not turned back), and the heading is what the
decoder integrates from the root's rotation velocity; `mpjpe_heading_aligned_mm` also turns each frame about the
vertical to its best match, and `heading_error_deg` is that turn: together they split the figure into pose and
heading (on the real clips, heading drift over long pieces is most of the gap to the synthetic figure).
`turn_rate_gain` says where a heading error comes from: the least-squares slope of the decoded root turning rate on
the true one (humanml263's first feature). Below 1 the decoder turns slower than the motion did, and a body that
turns a lot, as real people do, ends up facing short of where it went.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import torch

from .model import MotionTokenizer


@dataclass
class ReconstructionMetrics:
    mpjpe_mm: float  # mean per-joint position error, pelvis-aligned per frame (the papers' figure), millimetres
    mpjpe_global_mm: float  # the same without aligning: the integrated root trajectory's drift counts, millimetres
    mpjpe_heading_aligned_mm: float  # pelvis-aligned and turned about the vertical to match per frame: pose only
    heading_error_deg: float  # mean |that turn| per frame, degrees: how far the reconstruction faces off
    accel_error_mm: float  # mean |second difference of joints| error, millimetres per frame^2 (at the corpus fps)
    codebook_usage: float  # fraction of the codebook used by the split's codes, in [0, 1]
    perplexity: float  # exp(entropy) of the code histogram: the effective number of codes used
    feature_l1: float  # mean |recon - feats| in normalised units
    num_motions: int
    num_frames: int
    code_counts: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))  # uses per code
    turn_rate_gain: float = float("nan")  # slope of decoded on true root turning rate (1 = faithful); humanml263

    def to_dict(self) -> dict:
        """The scalar figures (no code_counts), JSON-ready."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "code_counts"}


def _batches(lengths: np.ndarray, batch_size: int):
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


@torch.no_grad()
def turn_to_match(joints: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Turn each frame of `joints` (..., j, 3), y up, about the vertical axis through the origin to the yaw that
    best matches `target` (least squares over the joints, closed form); returns (turned joints, yaw in radians)."""
    x, z, gx, gz = joints[..., 0], joints[..., 2], target[..., 0], target[..., 2]
    yaw = torch.atan2((gx * z - gz * x).sum(-1), (gx * x + gz * z).sum(-1))
    c, s = torch.cos(yaw)[..., None], torch.sin(yaw)[..., None]
    return torch.stack([c * x + s * z, joints[..., 1], c * z - s * x], dim=-1), yaw


def evaluate_reconstruction(tokenizer: MotionTokenizer, corpus, split: str | None = "test", *, batch_size: int = 32,
                            max_motions: int | None = None, lookup: bool = True) -> ReconstructionMetrics:
    """Encode + decode every motion of `corpus.split(split)` (all of `corpus` when split is None; at most
    `max_motions`, the first ones) and compare. The corpus holds raw features; the tokenizer's own normaliser applies;
    joints are read in the corpus's representation. lookup=False (vq only): decode the latent without the codebook
    lookup (`MotionTokenizer.reconstruct_without_lookup`; codebook usage and perplexity are then NaN).
    """
    from ..motion.convert import to_joints_torch

    if batch_size < 1:
        raise ValueError(f"batch_size: must be >= 1, got {batch_size}")
    subset = corpus if split is None else corpus.split(split)
    if max_motions is not None:
        subset = subset.select(np.arange(min(max_motions, len(subset))))
    if len(subset) == 0:
        raise ValueError(f"corpus split {split!r} is empty; nothing to evaluate")
    if corpus.feature_dim != tokenizer.config.feature_dim:
        raise ValueError(f"corpus: feature_dim {corpus.feature_dim} != tokenizer's {tokenizer.config.feature_dim}")
    device = tokenizer.mean.device
    ds, norm = tokenizer.downsample, tokenizer.normalizer()
    lengths = np.asarray(subset.lengths)
    hist = np.zeros(tokenizer.codebook_size, dtype=np.int64)
    err_sum = glob_sum = acc_sum = l1_sum = pose_sum = yaw_sum = turn_cross = turn_true = 0.0
    frames = acc_frames = motions = 0
    for idx in _batches(lengths, batch_size):
        raws = [subset.motion(int(i)) for i in idx]
        keep = [k for k, r in enumerate(raws) if len(r) >= ds]
        if not keep:
            continue
        raws = [raws[k] for k in keep]
        t = max(len(r) for r in raws)
        x = np.zeros((len(raws), t, tokenizer.config.feature_dim), np.float32)
        for k, r in enumerate(raws):
            x[k, : len(r)] = norm.normalize(r)
        lens = torch.as_tensor([len(r) for r in raws], device=device)
        feats = torch.as_tensor(x, device=device)
        if lookup:
            codes = tokenizer.encode(feats, lens)
            recon = tokenizer.decode(codes)
            valid = codes[..., 0] >= 0
            hist += np.bincount(codes[valid].reshape(-1).cpu().numpy(), minlength=tokenizer.codebook_size)
        else:
            recon = tokenizer.reconstruct_without_lookup(feats, lens)
        tn = recon.shape[1]
        mask = tokenizer.frame_mask(lens, len(raws), t, device)  # (b, tn)
        gt = feats[:, :tn]
        l1_sum += float(((recon - gt).abs().mean(-1) * mask).sum())
        raw_rec, raw_gt = norm.denormalize(recon), norm.denormalize(gt)
        j_rec = to_joints_torch(raw_rec, corpus.representation)
        j_gt = to_joints_torch(raw_gt, corpus.representation)
        if corpus.representation == "humanml263":  # feature 0: the root's turning rate, radians per frame
            turn_cross += float((raw_rec[..., 0] * raw_gt[..., 0] * mask).sum())
            turn_true += float((raw_gt[..., 0] ** 2 * mask).sum())
        glob = (j_rec - j_gt).norm(dim=-1).mean(-1)  # (b, tn)
        glob_sum += float((glob * mask).sum())
        centred_rec, centred_gt = j_rec - j_rec[..., :1, :], j_gt - j_gt[..., :1, :]
        aligned = (centred_rec - centred_gt).norm(dim=-1).mean(-1)
        err_sum += float((aligned * mask).sum())
        turned, yaw = turn_to_match(centred_rec, centred_gt)
        pose_sum += float(((turned - centred_gt).norm(dim=-1).mean(-1) * mask).sum())
        yaw_sum += float((yaw.abs() * mask).sum())
        frames += int(mask.sum())
        if tn >= 3:
            acc = lambda j: j[:, 2:] - 2 * j[:, 1:-1] + j[:, :-2]  # noqa: E731
            acc_mask = mask[:, 2:]
            a_err = (acc(j_rec) - acc(j_gt)).norm(dim=-1).mean(-1)
            acc_sum += float((a_err * acc_mask).sum())
            acc_frames += int(acc_mask.sum())
        motions += len(raws)
    if frames == 0:
        raise ValueError(f"split {split!r}: no motion has at least downsample = {ds} frames")
    p = hist / max(hist.sum(), 1)
    nz = p[p > 0]
    return ReconstructionMetrics(
        mpjpe_mm=1000.0 * err_sum / frames,
        mpjpe_global_mm=1000.0 * glob_sum / frames,
        mpjpe_heading_aligned_mm=1000.0 * pose_sum / frames,
        heading_error_deg=float(np.degrees(yaw_sum / frames)),
        accel_error_mm=1000.0 * acc_sum / max(acc_frames, 1),
        codebook_usage=float((hist > 0).sum() / tokenizer.codebook_size) if lookup else float("nan"),
        perplexity=float(np.exp(-(nz * np.log(nz)).sum())) if lookup else float("nan"),
        feature_l1=l1_sum / frames,
        num_motions=motions,
        num_frames=frames,
        code_counts=hist,
        turn_rate_gain=turn_cross / turn_true if turn_true > 0 else float("nan"),
    )
