"""Text -> motion and motion -> text with a trained `MotionLM`.

`generate_motion` samples a batch of prompts at once with the KV cache and constrained decoding
(`MotionSpanConstraint`): after `<som>` only motion tokens or `<eom>` may follow, `<eom>` only on whole time steps,
and each motion ends by its requested duration. Every sample is parsed on its own (`parse_motion_span`): a sample
with no end marker, an empty span or an out-of-range id gets a status instead of crashing the batch.
Codes are decoded to features by the `MotionTokenizer` that made the training tokens (its `tokenizer_id` must match)
and to joints with `being_kit.motion`.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ..motion.skeleton import FPS
from .motion_lm import MotionLM
from .templates import M2T, ExampleBuilder
from .vocab import MotionVocabulary, TokenizerMismatchError

DEFAULT_T2M_TEMPLATE = "{text}"  # the stage-1 alignment format `caption \n <som>`: the t2m wording trained most
STATUSES = ("ok", "no_end", "empty", "out_of_range", "decode_error")


def _logits_processor_base():
    from transformers import LogitsProcessor

    return LogitsProcessor


class MotionSpanConstraint(_logits_processor_base()):
    """Masks logits so rows that started with `<som>` (the prompt's last token) write a valid motion span.

    max_tokens: (b,) motion tokens allowed per row (from the requested durations); min_tokens: at least this many
    before `<eom>` (one number or one per row; `generate_motion` asks for `min_duration_ratio` of the request). After `<eom>` only eos may follow (so finished rows idle until the batch ends)."""

    def __init__(self, vocab: MotionVocabulary, prompt_len: int, max_tokens: Sequence[int], eos_id: int,
                 min_tokens: int | None = None):
        import torch

        self.v = vocab
        self.prompt_len = prompt_len
        self.max_tokens = torch.as_tensor(list(max_tokens), dtype=torch.long)
        low = vocab.tokens_per_step if min_tokens is None else min_tokens
        self.min_tokens = torch.as_tensor([low] * len(self.max_tokens) if np.isscalar(low) else list(low),
                                          dtype=torch.long).clamp(min=vocab.tokens_per_step)
        self.eos_id = eos_id

    def __call__(self, input_ids, scores):
        import torch

        gen = input_ids[:, self.prompt_len:]
        n = gen.shape[1]
        v = self.v
        finished = (gen == v.eom_id).any(dim=1) if n else torch.zeros(len(gen), dtype=torch.bool, device=gen.device)
        allowed = torch.zeros_like(scores, dtype=torch.bool)
        allowed[:, v.first_motion_id: v.end_motion_id] = True
        max_tokens = self.max_tokens.to(scores.device)
        at_step_end = n % v.tokens_per_step == 0
        can_end = (n >= self.min_tokens.to(scores.device)) & at_step_end
        must_end = n >= max_tokens
        allowed[:, v.eom_id] = can_end
        allowed[must_end] = False
        allowed[must_end, v.eom_id] = True
        allowed[finished] = False
        allowed[finished, self.eos_id] = True
        return scores.masked_fill(~allowed, float("-inf"))


class NoConstraint(_logits_processor_base()):
    """Unconstrained sampling (to study malformed outputs)."""

    def __call__(self, input_ids, scores):
        return scores


class TextOnlyConstraint(_logits_processor_base()):
    """For captioning: forbid motion tokens and the markers, so the answer is text."""

    def __init__(self, vocab: MotionVocabulary):
        self.v = vocab

    def __call__(self, input_ids, scores):
        scores = scores.clone()
        scores[:, self.v.first_motion_id: self.v.end_motion_id] = float("-inf")
        scores[:, [self.v.som_id, self.v.eom_id]] = float("-inf")
        if scores.shape[1] > self.v.end_motion_id:  # padded embedding rows
            scores[:, self.v.end_motion_id:] = float("-inf")
        return scores


def parse_motion_span(generated: Sequence[int], vocab: MotionVocabulary) -> tuple[np.ndarray, str]:
    """Generated LM ids after `<som>` -> (motion token ids, status). Never raises.

    status: "ok"; "no_end" (no `<eom>`: the tokens so far are kept); "empty"; "out_of_range" (a non-motion id inside
    the span: the span is cut there)."""
    ids = np.asarray(list(generated), dtype=np.int64)
    end = np.flatnonzero(ids == vocab.eom_id)
    status = "ok"
    if end.size:
        ids = ids[: end[0]]
    else:
        status = "no_end"
    bad = np.flatnonzero(~vocab.is_motion(ids))
    if bad.size:
        ids, status = ids[: bad[0]], "out_of_range"
    tokens = ids - vocab.first_motion_id
    n = (len(tokens) // vocab.tokens_per_step) * vocab.tokens_per_step
    tokens = tokens[:n]
    if n == 0:
        status = "empty"
    return tokens.astype(np.int64), status


@dataclass
class GeneratedMotions:
    """One entry per prompt. tokens: (n,) motion token ids; codes: (s, tokens_per_step); features: (t, d) raw
    (unnormalised) features; joints: (t, 22, 3) metres. Entries are None where `status` is not "ok"/"no_end"."""

    texts: list[str]
    tokens: list[np.ndarray]
    status: list[str]
    codes: list[np.ndarray | None] = field(default_factory=list)
    features: list[np.ndarray | None] = field(default_factory=list)
    joints: list[np.ndarray | None] = field(default_factory=list)
    new_tokens: int = 0  # LM tokens sampled in total (for throughput figures)
    requested_s: list[float] = field(default_factory=list)  # the duration asked for, per prompt
    ended_early: list[str] = field(default_factory=list)  # why a motion is over 25% shorter than requested ("" if not)
    representation: str = "humanml263"  # what `features` are: the motion tokenizer's representation

    def seconds(self) -> list[float | None]:
        """Length of each generated motion in seconds (None where there is none)."""
        return [None if f is None else len(f) / FPS for f in self.features]

    def __len__(self) -> int:
        return len(self.texts)


def _as_lm(model) -> MotionLM:
    if isinstance(model, MotionLM):
        return model
    if isinstance(model, (str, os.PathLike)):
        return MotionLM.from_pretrained(model)
    raise TypeError(f"model: expected a MotionLM or the folder of one, got {type(model).__name__}")


def load_motion_tokenizer(lm: MotionLM, motion_tokenizer=None):
    """The MotionTokenizer that decodes `lm`'s tokens: given, a folder, or `<run_dir>/tokenizer/<quantizer>/` beside
    the LM folder. Raises TokenizerMismatchError if its tokenizer_id is not the one the LM was trained on."""
    from ..tokenizer import MotionTokenizer

    if motion_tokenizer is None:
        if lm.path is None or not lm.vocab.quantizer:
            raise ValueError("motion_tokenizer: pass a MotionTokenizer or its folder (the LM has no run directory)")
        motion_tokenizer = Path(lm.path).parent / "tokenizer" / lm.vocab.quantizer
    if isinstance(motion_tokenizer, (str, os.PathLike)):
        motion_tokenizer = MotionTokenizer.from_pretrained(motion_tokenizer)
    lm.vocab.check_tokenizer(motion_tokenizer.tokenizer_id, where="motion_tokenizer")
    return motion_tokenizer


def _joints(features: np.ndarray, representation: str) -> np.ndarray:
    from ..motion.convert import to_joints

    return to_joints(features, representation, name="generated features")


def _left_pad(rows: list[list[int]], pad_id: int):
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, width - len(r):] = torch.as_tensor(r)
        att[i, width - len(r):] = 1
    return ids, att


def _guidance(lm: MotionLM, unconditional: list[list[int]], scale: float, use_cache: bool, pad_id: int):
    """Classifier-free guidance (as in MoMask / T2M-GPT-style decoders): log p_uncond + scale * (log p_cond -
    log p_uncond), the unconditional branch prompted with `unconditional` (the same answer marker without the
    caption) and run beside the batch with its own KV cache."""
    from transformers.generation.logits_process import UnbatchedClassifierFreeGuidanceLogitsProcessor

    ids, att = _left_pad(unconditional, pad_id)
    device = next(lm.model.parameters()).device
    return UnbatchedClassifierFreeGuidanceLogitsProcessor(scale, lm.model, ids.to(device), att.to(device),
                                                          use_cache=use_cache)


def _sample(lm: MotionLM, prompts: list[list[int]], processor, max_new_tokens: int, *, temperature: float,
            top_k: int, top_p: float, seed: int, use_cache: bool, eos_id: int, guidance=None,
            texts: list[str] | None = None, text_neighbours: int | None = None):
    """Sample continuations of `prompts`; texts: the prompts' texts, whose sentence vectors (projected onto
    `text_neighbours` bank neighbours, `TextCondition.project`) fill the `<cond_k>` placeholders of a
    text-conditioned model (`lm.condition`)."""
    import torch
    from transformers import LogitsProcessorList

    model = lm.model
    device = next(model.parameters()).device
    ids, att = _left_pad(prompts, lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else eos_id)
    extra = {}
    if lm.condition is not None and texts is not None:
        cond = lm.condition.to(device).eval()
        where = cond.is_slot(ids)
        rows = torch.nonzero(where, as_tuple=True)[0]
        vectors = torch.as_tensor(cond.prompt_vectors(texts, text_neighbours), dtype=torch.float32)[rows]
        with torch.no_grad():
            extra["inputs_embeds"] = cond.inputs_embeds(model.get_input_embeddings(), ids.to(device), vectors.to(device),
                                                        where.to(device))
    max_pos = getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None)
    if max_pos:
        if ids.shape[1] >= max_pos:
            raise ValueError(f"prompt of {ids.shape[1]} tokens does not fit the model's {max_pos} positions; shorten it")
        max_new_tokens = min(max_new_tokens, max_pos - ids.shape[1])
    greedy = temperature <= 0
    processors = ([guidance] if guidance is not None else []) + [processor]  # guide first, then mask
    kwargs = dict(do_sample=not greedy, max_new_tokens=max_new_tokens, use_cache=use_cache,
                  logits_processor=LogitsProcessorList(processors), eos_token_id=eos_id, pad_token_id=eos_id)
    if not greedy:
        kwargs.update(temperature=temperature, top_k=top_k or None, top_p=top_p)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []), torch.no_grad():
        torch.manual_seed(seed)
        was_training = model.training
        model.eval()
        out = model.generate(input_ids=ids.to(device), attention_mask=att.to(device), **extra, **kwargs)
        model.train(was_training)
    return out[:, ids.shape[1]:].cpu().numpy()


def generate_motion(model, texts: Sequence[str], *, motion_tokenizer=None, durations: float | Sequence[float] = 6.0,
                    temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0, seed: int = 0,
                    use_cache: bool = True, constrained: bool = True, template: str = DEFAULT_T2M_TEMPLATE,
                    batch_size: int = 32, decode: bool = True, guidance_scale: float = 1.0,
                    min_duration_ratio: float = 0.75, text_neighbours: int | None = None) -> GeneratedMotions:
    """Motions for `texts` (a list of prompts), batched. durations: seconds, one for all or one per prompt: the
    length asked for (the prompt says it to models trained with length hints) and the upper bound of each motion;
    `<eom>` is allowed only after `min_duration_ratio` of it (0: whenever the model likes). A motion still over 25%
    shorter than requested is explained in `ended_early` (the model's context ran out, no end marker, ...).
    temperature <= 0 is greedy. decode=False skips features/joints (tokens only). template: how a prompt is worded
    ("{text}" = the stage-1 format). guidance_scale > 1: classifier-free guidance against the caption-less prompt
    (1 = off; models trained with `LMConfig.caption_dropout` > 0 have seen that prompt). text_neighbours: for a
    sentence-vector model, how many training-prompt vectors each prompt's vector is projected onto (None: the
    model's own setting, `LMConfig.condition_neighbours`; 0: the raw vector)."""
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts:
        raise ValueError("texts: expected at least one prompt")
    for i, t in enumerate(texts):
        if not isinstance(t, str) or not t.strip():
            raise ValueError(f"texts[{i}]: prompts must be non-empty strings, got {t!r}")
    lm = _as_lm(model)
    v = lm.vocab
    def _seconds(d) -> float:
        # True is 1 and "6" converts to 6.0 in float(): neither is a duration anyone meant to pass
        if isinstance(d, (bool, np.bool_, str, bytes)):
            raise ValueError(f"durations: expected seconds as numbers, got {d!r} ({type(d).__name__})")
        return float(d)

    scalar = np.isscalar(durations) or isinstance(durations, (str, bytes))
    durs = [_seconds(durations)] * len(texts) if scalar else [_seconds(d) for d in durations]
    if len(durs) != len(texts) or not all(math.isfinite(d) and d > 0 for d in durs):
        raise ValueError(f"durations: expected one positive number or {len(texts)} of them, got {durations!r}")
    if not guidance_scale > 0:
        raise ValueError(f"guidance_scale: expected > 0 (1 = no guidance), got {guidance_scale}")
    if not 0 <= min_duration_ratio <= 1:
        raise ValueError(f"min_duration_ratio: expected a fraction in [0, 1], got {min_duration_ratio}")
    if text_neighbours is not None and int(text_neighbours) < 0:
        raise ValueError(f"text_neighbours: expected >= 0 (0 = raw sentence vectors) or None, got {text_neighbours}")
    mt = load_motion_tokenizer(lm, motion_tokenizer) if decode else None
    builder = ExampleBuilder(lm.tokenizer, v, condition=lm.condition)
    eos = lm.tokenizer.eos_token_id
    step_s = v.downsample / FPS
    max_tok = [max(1, int(d * FPS) // v.downsample) * v.tokens_per_step for d in durs]
    # the floor rounds up to whole steps (rounding down put motions of a 6.3 s request at 73% of it)
    min_tok = [min(m, math.ceil(min_duration_ratio * d * FPS / v.downsample - 1e-9) * v.tokens_per_step)
               for m, d in zip(max_tok, durs)]
    result = GeneratedMotions(texts=texts, tokens=[], status=[], requested_s=durs)
    if mt is not None:
        result.representation = mt.config.representation
    room: list[int] = []  # motion tokens each prompt's context can hold
    for a in range(0, len(texts), batch_size):
        chunk = list(range(a, min(a + batch_size, len(texts))))
        prompts = [builder.text_to_motion_prompt(texts[i], template, seconds=durs[i]) + [v.som_id] for i in chunk]
        width = max(len(p) for p in prompts)
        limit = max(max_tok[i] for i in chunk) + 1
        if constrained:
            proc = MotionSpanConstraint(v, width, [max_tok[i] for i in chunk], eos, min_tokens=[min_tok[i] for i in chunk])
        else:
            proc = NoConstraint()
        guide = None
        if guidance_scale != 1.0:
            guide = _guidance(lm, [builder.unconditional_motion_prompt(seconds=durs[i]) + [v.som_id] for i in chunk],
                              guidance_scale, use_cache, eos)
        gen = _sample(lm, prompts, proc, limit, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed + a,
                      use_cache=use_cache, eos_id=eos, guidance=guide, texts=[texts[i] for i in chunk],
                      text_neighbours=text_neighbours)
        max_pos = getattr(lm.model.config, "max_position_embeddings", None) or getattr(lm.model.config, "n_positions",
                                                                                        None) or 10 ** 9
        room += [max_pos - width - 1] * len(chunk)
        result.new_tokens += int(gen.size)
        for row in gen:
            tokens, status = parse_motion_span(row, v)
            result.tokens.append(tokens)
            result.status.append(status)
    for tokens, status in zip(result.tokens, result.status):
        codes = feats = joints = None
        if status in ("ok", "no_end") and len(tokens):
            codes = tokens.reshape(-1, v.tokens_per_step)
            if mt is not None:
                try:
                    feats = mt.detokenize(tokens)
                    joints = _joints(feats, result.representation).astype(np.float32)
                except Exception:  # a decoder failure on one sample must not lose the batch
                    feats = joints = None
        result.codes.append(codes)
        result.features.append(feats)
        result.joints.append(joints)
    for i, (st, f) in enumerate(zip(result.status, result.features)):
        if st in ("ok", "no_end") and decode and f is None and result.codes[i] is not None:
            result.status[i] = "decode_error"
    for i, tokens in enumerate(result.tokens):
        got = len(tokens) // v.tokens_per_step * step_s
        why = ""
        if got < 0.75 * durs[i] or result.status[i] not in ("ok", "no_end"):
            if result.status[i] not in ("ok", "no_end"):
                why = f"no motion: {result.status[i]}"
            elif room[i] < max_tok[i]:
                why = (f"the model's context holds {room[i] // v.tokens_per_step * step_s:.1f} s after this prompt "
                       f"({durs[i]:.1f} s requested)")
            elif result.status[i] == "no_end":
                why = "no end marker: the span was cut"
            else:
                why = f"the model ended the motion at {got:.1f} s (min_duration_ratio={min_duration_ratio})"
        result.ended_early.append(why)
    return result


def caption_motion(model, motions: Sequence, *, motion_tokenizer=None, template: str = M2T[0],
                   max_new_tokens: int = 40, temperature: float = 0.0, seed: int = 0, batch_size: int = 32) -> list[str]:
    """Captions for `motions`: each either motion token ids (1-d ints) or raw features (t, d) floats, which are
    tokenized with the LM's motion tokenizer. Greedy by default."""
    lm = _as_lm(model)
    v = lm.vocab
    motions = list(motions)
    if not motions:
        raise ValueError("motions: expected at least one motion")
    mt = None
    token_lists = []
    for i, m in enumerate(motions):
        arr = np.asarray(m)
        if arr.ndim == 2 and np.issubdtype(arr.dtype, np.floating):
            mt = mt or load_motion_tokenizer(lm, motion_tokenizer)
            arr = mt.tokenize(arr)
        elif arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"motions[{i}]: expected 1-d motion token ids or (t, d) features, got {arr.dtype} "
                             f"{arr.shape}")
        if arr.size == 0:
            raise ValueError(f"motions[{i}]: empty motion")
        try:
            v.to_lm_ids(arr)
        except ValueError as e:
            raise ValueError(f"motions[{i}]: {e} (tokens of another motion tokenizer?)") from None
        token_lists.append(arr)
    builder = ExampleBuilder(lm.tokenizer, v)
    eos = lm.tokenizer.eos_token_id
    captions: list[str] = []
    for a in range(0, len(token_lists), batch_size):
        prompts = [builder.render(template, motion=t) + builder.text_ids("\n") for t in token_lists[a:a + batch_size]]
        gen = _sample(lm, prompts, TextOnlyConstraint(v), max_new_tokens, temperature=temperature, top_k=0,
                      top_p=1.0, seed=seed + a, use_cache=True, eos_id=eos)
        for row in gen:
            row = row.tolist()
            row = row[: row.index(eos)] if eos in row else row
            captions.append(lm.tokenizer.decode(row, skip_special_tokens=True).strip())
    return captions


def export_generations(gen: GeneratedMotions, folder: str | os.PathLike) -> Path:
    """Write each generated motion as `NN.features.npy`, `NN.joints.npy` and `NN.bvh` (via `being_kit.motion.export`)
    into `folder`, plus `index.json` (prompt, status, frames, files) for every prompt, failed ones included."""
    from ..config import write_json
    from ..motion.export import export_motion

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    index = []
    for i, (text, status, feats) in enumerate(zip(gen.texts, gen.status, gen.features)):
        entry = {"prompt": text, "status": status, "num_tokens": int(len(gen.tokens[i])), "files": {}}
        if feats is not None:
            files = export_motion(feats, folder, name=f"{i:02d}", representation=gen.representation)
            entry.update(num_frames=int(len(feats)), files={k: Path(v).name for k, v in files.items()})
        index.append(entry)
    write_json(folder / "index.json", index)
    return folder


__all__ = ["export_generations", "generate_motion", "caption_motion", "parse_motion_span", "MotionSpanConstraint", "GeneratedMotions",
           "load_motion_tokenizer", "TokenizerMismatchError", "STATUSES"]
