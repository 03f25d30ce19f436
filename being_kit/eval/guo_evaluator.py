"""Evaluator A: the text-motion matching model of Guo et al., "Generating Diverse and Natural 3D Human Motions from
Text" (CVPR 2022), which T2M-GPT, MotionGPT, MoMask and Being-M0 all use to report HumanML3D figures.

Module and parameter names and shapes follow the public `text_mot_match` checkpoint, so a HumanML3D user's files load:
    checkpoints/t2m/text_mot_match/model/finest.tar  keys movement_encoder, text_encoder, motion_encoder
    glove/our_vab_data.npy, our_vab_words.pkl, our_vab_idx.pkl  (GloVe 300-d vectors of the HumanML3D vocabulary)
    mean.npy / std.npy of the evaluator's training data (e.g. checkpoints/t2m/Comp_v6_KLD005/meta/)
Motions enter as features[..., :-4] (foot contacts dropped) normalised with the evaluator's own statistics, cut to a
multiple of unit_length 4 frames and at most 196 frames. Texts enter as "word/POS" tokens (HumanML3D's texts/*.txt carry
spaCy tokens; for plain captions `tokenize_caption` is a rule-based stand-in, so such figures are close, not identical).
"""
from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

POS_ENUMERATOR = {"VERB": 0, "NOUN": 1, "DET": 2, "ADP": 3, "NUM": 4, "AUX": 5, "PRON": 6, "ADJ": 7, "ADV": 8,
                  "Loc_VIP": 9, "Body_VIP": 10, "Obj_VIP": 11, "Act_VIP": 12, "Desc_VIP": 13, "OTHER": 14}
VIP_WORDS = {  # words whose POS the evaluator replaces by a motion-specific category (checked in this order)
    "Loc_VIP": ("left", "right", "clockwise", "counterclockwise", "anticlockwise", "forward", "back", "backward",
                "up", "down", "straight", "curve"),
    "Body_VIP": ("arm", "chin", "foot", "feet", "face", "hand", "mouth", "leg", "waist", "eye", "knee", "shoulder", "thigh"),
    "Obj_VIP": ("stair", "dumbbell", "chair", "window", "floor", "car", "ball", "handrail", "baseball", "basketball"),
    "Act_VIP": ("walk", "run", "swing", "pick", "bring", "kick", "put", "squat", "throw", "hop", "dance", "jump", "turn",
                "stumble", "dance", "stop", "sit", "lift", "lower", "raise", "wash", "stand", "kneel", "stroll", "rub",
                "bend", "balance", "flap", "jog", "shuffle", "lean", "rotate", "spin", "spread", "climb"),
    "Desc_VIP": ("slowly", "carefully", "fast", "careful", "slow", "quickly", "happy", "angry", "sad", "happily",
                 "angrily", "sadly"),
}
GLOVE_FILES = ("our_vab_data.npy", "our_vab_words.pkl", "our_vab_idx.pkl")
CHECKPOINT_KEYS = ("movement_encoder", "text_encoder", "motion_encoder")


@dataclass
class GuoConfig:
    """The evaluator's fixed sizes (t2m_eval_wrapper / opt.txt of text_mot_match)."""

    dim_pose: int = 263           # 251 for KIT-ML
    dim_word: int = 300
    dim_pos_ohot: int = len(POS_ENUMERATOR)
    dim_text_hidden: int = 512
    dim_motion_hidden: int = 1024
    dim_coemb_hidden: int = 512
    dim_movement_enc_hidden: int = 512
    dim_movement_latent: int = 512
    unit_length: int = 4
    max_motion_length: int = 196
    max_text_len: int = 20

    def __post_init__(self) -> None:
        if self.dim_pose <= 4:
            raise ValueError(f"dim_pose must exceed the 4 foot-contact dims, got {self.dim_pose}")
        if self.unit_length < 1 or self.max_motion_length < self.unit_length:
            raise ValueError(f"need 1 <= unit_length <= max_motion_length, got {self.unit_length}, {self.max_motion_length}")


def _init_weight(m: nn.Module) -> None:
    if isinstance(m, (nn.Conv1d, nn.Linear, nn.ConvTranspose1d)):
        nn.init.xavier_normal_(m.weight)
        if m.bias is not None:
            nn.init.constant_(m.bias, 0)


class MovementConvEncoder(nn.Module):
    """(b, t, d_pose - 4) -> (b, t / 4, latent): two stride-2 convolutions, then a per-step linear layer."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv1d(input_size, hidden_size, 4, 2, 1), nn.Dropout(0.2, inplace=True), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv1d(hidden_size, output_size, 4, 2, 1), nn.Dropout(0.2, inplace=True), nn.LeakyReLU(0.2, inplace=True),
        )
        self.out_net = nn.Linear(output_size, output_size)
        self.main.apply(_init_weight)
        self.out_net.apply(_init_weight)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.out_net(self.main(inputs.permute(0, 2, 1)).permute(0, 2, 1))


def _co_head(hidden_size: int, output_size: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(hidden_size * 2, hidden_size), nn.LayerNorm(hidden_size),
                         nn.LeakyReLU(0.2, inplace=True), nn.Linear(hidden_size, output_size))


class TextEncoderBiGRUCo(nn.Module):
    """(b, words, 300) GloVe + (b, words, 15) POS one-hots, caption lengths -> (b, output) co-embedding."""

    def __init__(self, word_size: int, pos_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.pos_emb = nn.Linear(pos_size, word_size)
        self.input_emb = nn.Linear(word_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True, bidirectional=True)
        self.output_net = _co_head(hidden_size, output_size)
        self.input_emb.apply(_init_weight)
        self.pos_emb.apply(_init_weight)
        self.output_net.apply(_init_weight)
        self.hidden = nn.Parameter(torch.randn((2, 1, hidden_size)))

    def forward(self, word_embs: torch.Tensor, pos_onehot: torch.Tensor, cap_lens: torch.Tensor) -> torch.Tensor:
        x = self.input_emb(word_embs + self.pos_emb(pos_onehot))
        packed = pack_padded_sequence(x, cap_lens.cpu(), batch_first=True, enforce_sorted=False)
        _, last = self.gru(packed, self.hidden.repeat(1, x.shape[0], 1))
        return self.output_net(torch.cat([last[0], last[1]], dim=-1))


class MotionEncoderBiGRUCo(nn.Module):
    """(b, t / 4, latent) movement codes, lengths in units -> (b, output) co-embedding."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        self.input_emb = nn.Linear(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True, bidirectional=True)
        self.output_net = _co_head(hidden_size, output_size)
        self.input_emb.apply(_init_weight)
        self.output_net.apply(_init_weight)
        self.hidden = nn.Parameter(torch.randn((2, 1, hidden_size)))

    def forward(self, inputs: torch.Tensor, m_lens: torch.Tensor) -> torch.Tensor:
        x = self.input_emb(inputs)
        packed = pack_padded_sequence(x, m_lens.cpu(), batch_first=True, enforce_sorted=False)
        _, last = self.gru(packed, self.hidden.repeat(1, x.shape[0], 1))
        return self.output_net(torch.cat([last[0], last[1]], dim=-1))


def build_modules(cfg: GuoConfig) -> dict[str, nn.Module]:
    """The three networks under the checkpoint's key names."""
    return {
        "movement_encoder": MovementConvEncoder(cfg.dim_pose - 4, cfg.dim_movement_enc_hidden, cfg.dim_movement_latent),
        "text_encoder": TextEncoderBiGRUCo(cfg.dim_word, cfg.dim_pos_ohot, cfg.dim_text_hidden, cfg.dim_coemb_hidden),
        "motion_encoder": MotionEncoderBiGRUCo(cfg.dim_movement_latent, cfg.dim_motion_hidden, cfg.dim_coemb_hidden),
    }


def _require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{what}: file {str(path)!r} not found (HumanML3D users have it from the evaluator "
                                f"download of Guo et al.'s text-to-motion repository)")
    return path


class WordVectorizer:
    """'word/POS' -> (300-d GloVe vector, 15-d POS one-hot), from the three our_vab_* files in `glove_dir`."""

    def __init__(self, glove_dir: str | Path, prefix: str = "our_vab"):
        d = Path(glove_dir)
        vectors = np.load(_require(d / f"{prefix}_data.npy", "GloVe vectors"))
        with open(_require(d / f"{prefix}_words.pkl", "GloVe word list"), "rb") as f:
            words = pickle.load(f)
        with open(_require(d / f"{prefix}_idx.pkl", "GloVe word index"), "rb") as f:
            word2idx = pickle.load(f)
        self.word2vec = {w: np.asarray(vectors[word2idx[w]], dtype=np.float32) for w in words}
        if "unk" not in self.word2vec:
            raise ValueError(f"{d}: the GloVe vocabulary has no 'unk' entry, which unknown words map to")
        self.dim = int(vectors.shape[1])

    @staticmethod
    def pos_onehot(pos: str) -> np.ndarray:
        v = np.zeros(len(POS_ENUMERATOR), dtype=np.float32)
        v[POS_ENUMERATOR.get(pos, POS_ENUMERATOR["OTHER"])] = 1.0
        return v

    def __getitem__(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        word, _, pos = token.partition("/")
        if word not in self.word2vec:
            return self.word2vec["unk"], self.pos_onehot("OTHER")
        vip = next((k for k, words in VIP_WORDS.items() if word in words), None)
        return self.word2vec[word], self.pos_onehot(vip or pos)


_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "each", "every", "some", "another"}
_ADPOSITIONS = {"in", "on", "at", "to", "from", "with", "into", "onto", "over", "under", "of", "by", "for", "around",
                "across", "through", "towards", "toward", "behind", "above", "below", "along", "about", "while", "then",
                "after", "before", "as", "like", "between", "off"}
_PRONOUNS = {"he", "she", "it", "they", "his", "her", "their", "its", "him", "them", "someone", "person", "himself",
             "herself", "themselves", "something"}
_AUX = {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "does", "do", "did"}
_NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twice", "once"}


def _lemma(word: str) -> str:
    """Crude lemmatiser for plain captions: 'walks' -> 'walk', 'waving' -> 'wave', 'jumped' -> 'jump'."""
    acts = VIP_WORDS["Act_VIP"]
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            if stem in acts or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in acts):
                return stem if stem in acts else stem[:-1]
    return word


def tokenize_caption(caption: str) -> list[str]:
    """Plain caption -> 'word/POS' tokens with a rule-based tagger (HumanML3D uses spaCy; install it for exactness).

    Already tokenised input ('a/DET man/NOUN ...') is passed through unchanged.
    """
    parts = caption.split()
    if parts and all("/" in p for p in parts):
        return parts
    out = []
    for word in re.findall(r"[a-z]+", caption.lower().replace("-", "")):
        lemma = _lemma(word)
        if word in _DETERMINERS:
            pos = "DET"
        elif word in _ADPOSITIONS:
            pos = "ADP"
        elif word in _PRONOUNS:
            pos = "PRON"
        elif word in _AUX:
            pos = "AUX"
        elif word in _NUMBERS:
            pos = "NUM"
        elif word.endswith("ly"):
            pos = "ADV"
        elif lemma != word or word in VIP_WORDS["Act_VIP"]:
            pos = "VERB"
        else:
            pos = "NOUN"
        out.append(f"{lemma}/{pos}")
    return out


class GuoEvaluator:
    """Embeds texts and motions in the co-embedding space of the public checkpoint (common evaluator interface).

    embed_texts(list[str]) -> (n, 512); embed_motions(list of (t, 263) raw features) -> (n, 512), numpy float32.
    """

    name = "guo"

    def __init__(self, modules: dict[str, nn.Module], word_vectorizer: WordVectorizer, mean: np.ndarray,
                 std: np.ndarray, config: GuoConfig | None = None, device: str = "cpu"):
        self.config = config or GuoConfig()
        self.modules = {k: m.to(device).eval() for k, m in modules.items()}
        self.words = word_vectorizer
        self.mean = np.asarray(mean, np.float32)
        self.std = np.asarray(std, np.float32)
        if self.mean.shape != (self.config.dim_pose,) or self.std.shape != (self.config.dim_pose,):
            raise ValueError(f"mean/std: expected ({self.config.dim_pose},) vectors, got {self.mean.shape}, {self.std.shape}")
        self.device = device

    @classmethod
    def from_checkpoint(cls, checkpoint: str | Path, glove_dir: str | Path, mean: str | Path, std: str | Path,
                        config: GuoConfig | None = None, device: str = "cpu") -> "GuoEvaluator":
        """Load finest.tar (or the checkpoints/ root containing t2m/text_mot_match/model/finest.tar), GloVe, mean/std."""
        config = config or GuoConfig()
        path = Path(checkpoint)
        if path.is_dir():
            path = path / "t2m" / "text_mot_match" / "model" / "finest.tar"
        for p, what in ((path, "evaluator checkpoint"), (Path(mean), "evaluator mean"), (Path(std), "evaluator std"),
                        *((Path(glove_dir) / f, "GloVe file") for f in GLOVE_FILES)):
            _require(p, what)  # every file checked before anything heavy is loaded
        state = torch.load(path, map_location="cpu", weights_only=False)
        missing = [k for k in CHECKPOINT_KEYS if k not in state]
        if missing:
            raise KeyError(f"{path}: checkpoint lacks {missing}; expected keys {list(CHECKPOINT_KEYS)}")
        modules = build_modules(config)
        for key, module in modules.items():
            module.load_state_dict(state[key])
        return cls(modules, WordVectorizer(glove_dir), np.load(mean), np.load(std), config, device)

    @torch.no_grad()
    def embed_texts(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        cfg, out = self.config, []
        for s in range(0, len(texts), batch_size):
            words, poses, lens = [], [], []
            for text in texts[s: s + batch_size]:
                tokens = ["sos/OTHER"] + tokenize_caption(text)[: cfg.max_text_len] + ["eos/OTHER"]
                lens.append(len(tokens))
                tokens += ["unk/OTHER"] * (cfg.max_text_len + 2 - len(tokens))
                vecs = [self.words[t] for t in tokens]
                words.append(np.stack([v[0] for v in vecs]))
                poses.append(np.stack([v[1] for v in vecs]))
            emb = self.modules["text_encoder"](torch.from_numpy(np.stack(words)).to(self.device),
                                               torch.from_numpy(np.stack(poses)).to(self.device), torch.tensor(lens))
            out.append(emb.cpu().numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, cfg.dim_coemb_hidden), np.float32)

    @torch.no_grad()
    def embed_motions(self, motions: list[np.ndarray], batch_size: int = 64) -> np.ndarray:
        cfg, out = self.config, []
        for s in range(0, len(motions), batch_size):
            chunk = [np.asarray(m, np.float32) for m in motions[s: s + batch_size]]
            lens = [max(cfg.unit_length, min(len(m), cfg.max_motion_length) // cfg.unit_length * cfg.unit_length)
                    for m in chunk]
            # padded to max_motion_length as the reference loader does: the movement convolutions see the padding
            x = np.zeros((len(chunk), cfg.max_motion_length, cfg.dim_pose), np.float32)
            for i, (m, n) in enumerate(zip(chunk, lens)):
                if m.ndim != 2 or m.shape[1] != cfg.dim_pose:
                    raise ValueError(f"motions[{s + i}]: expected (t, {cfg.dim_pose}) features, got {m.shape}")
                m = (m[:n] - self.mean) / self.std
                x[i, : len(m)] = m
            x_t = torch.from_numpy(x[..., :-4]).to(self.device)
            movements = self.modules["movement_encoder"](x_t)
            m_lens = torch.tensor(lens) // cfg.unit_length
            out.append(self.modules["motion_encoder"](movements, m_lens).cpu().numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, cfg.dim_coemb_hidden), np.float32)
