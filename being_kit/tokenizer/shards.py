"""Token shards: a whole corpus encoded by one tokenizer, the hand-over from `02_tokenizer` to the language model.

`<dir>/tokens.parquet`: columns `index` (int64 corpus position), `id`, `split`, `tokens` (list<int32> LM motion-token
ids, `MotionTokenizer.codes_to_tokens`), `num_frames` (int32 frames of the source motion).
`<dir>/tokens.json`: `tokenizer_id`, `quantizer`, `token_vocab_size`, `tokens_per_step`, `downsample`, `corpus_path`,
`num_motions`. A consumer passes the `tokenizer_id` it expects and is refused tokens made by another tokenizer.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .model import MotionTokenizer

TOKENS_FILE = "tokens.parquet"
INFO_FILE = "tokens.json"


@torch.no_grad()
def write_token_shards(tokenizer: MotionTokenizer, corpus, out_dir: str | os.PathLike, *, batch_size: int = 64,
                       progress: bool = True) -> Path:
    """Encode every motion of `corpus` (raw features; the tokenizer normalises) and write the shards atomically.
    Motions shorter than `downsample` frames get an empty token list."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from tqdm.auto import tqdm

    if corpus.feature_dim != tokenizer.config.feature_dim:
        raise ValueError(f"corpus: feature_dim {corpus.feature_dim} != tokenizer's {tokenizer.config.feature_dim}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    norm, device, ds = tokenizer.normalizer(), tokenizer.mean.device, tokenizer.downsample
    lengths = np.asarray(corpus.lengths)
    tokens: list[np.ndarray] = [np.zeros(0, np.int32)] * len(corpus)
    order = np.argsort(lengths, kind="stable")
    batches = [order[a : a + batch_size] for a in range(0, len(order), batch_size)]
    for idx in tqdm(batches, desc=f"tokens {tokenizer.quantizer}", disable=not progress):
        idx = [int(i) for i in idx if lengths[i] >= ds]
        if not idx:
            continue
        t = int(lengths[idx].max())
        x = np.zeros((len(idx), t, corpus.feature_dim), np.float32)
        for k, i in enumerate(idx):
            x[k, : lengths[i]] = norm.normalize(corpus.motion(i))
        codes = tokenizer.encode(torch.as_tensor(x, device=device), torch.as_tensor(lengths[idx], device=device)).cpu()
        for k, i in enumerate(idx):
            tokens[i] = tokenizer.codes_to_tokens(codes[k, : lengths[i] // ds]).numpy().astype(np.int32)
    table = pa.table({
        "index": pa.array(np.arange(len(corpus), dtype=np.int64)),
        "id": pa.array([str(v) for v in corpus.ids]),
        "split": pa.array([str(v) for v in corpus.splits]),
        "tokens": pa.array(tokens, type=pa.list_(pa.int32())),
        "num_frames": pa.array(lengths.astype(np.int32)),
    })
    info = {"tokenizer_id": tokenizer.tokenizer_id, "quantizer": tokenizer.quantizer,
            "token_vocab_size": tokenizer.token_vocab_size, "tokens_per_step": tokenizer.tokens_per_step,
            "downsample": tokenizer.downsample, "corpus_path": str(corpus.path) if corpus.path else None,
            "num_motions": len(corpus)}
    tmp = out_dir / f".{TOKENS_FILE}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, out_dir / TOKENS_FILE)
    tmp = out_dir / f".{INFO_FILE}.tmp"
    tmp.write_text(json.dumps(info, indent=1))
    os.replace(tmp, out_dir / INFO_FILE)
    return out_dir


@dataclass
class TokenShards:
    info: dict
    index: np.ndarray  # (n,) int64 corpus positions
    ids: np.ndarray  # (n,) str
    splits: np.ndarray  # (n,) str
    tokens: list[np.ndarray]  # n int32 arrays of LM motion-token ids
    num_frames: np.ndarray  # (n,) int32

    @property
    def tokenizer_id(self) -> str:
        return self.info["tokenizer_id"]

    @property
    def token_vocab_size(self) -> int:
        return int(self.info["token_vocab_size"])

    def __len__(self) -> int:
        return len(self.tokens)

    def split(self, name: str) -> list[int]:
        """Row numbers of one split."""
        return np.flatnonzero(self.splits == name).tolist()


def load_token_shards(directory: str | os.PathLike, expect_tokenizer_id: str | None = None) -> TokenShards:
    """Read `tokens.parquet` + `tokens.json`; with `expect_tokenizer_id`, refuse tokens from another tokenizer."""
    import pyarrow.parquet as pq

    directory = Path(directory)
    info_path, table_path = directory / INFO_FILE, directory / TOKENS_FILE
    for p in (info_path, table_path):
        if not p.is_file():
            raise FileNotFoundError(f"{p}: missing; token shards hold {TOKENS_FILE} and {INFO_FILE} (write_token_shards)")
    try:
        info = json.loads(info_path.read_text())
        info["tokenizer_id"], info["token_vocab_size"]
    except (ValueError, KeyError) as e:
        raise ValueError(f"{info_path}: corrupt token-shard info ({type(e).__name__}: {e})") from None
    if expect_tokenizer_id is not None and info["tokenizer_id"] != expect_tokenizer_id:
        raise ValueError(f"{directory}: tokens were made by tokenizer {info['tokenizer_id']!r}, expected "
                         f"{expect_tokenizer_id!r}; re-tokenize the corpus with the tokenizer the model uses")
    table = pq.read_table(table_path)
    tokens_col = table.column("tokens").combine_chunks()
    offsets = tokens_col.offsets.to_numpy()
    flat = tokens_col.values.to_numpy(zero_copy_only=False).astype(np.int32)
    tokens = [flat[offsets[i] : offsets[i + 1]] for i in range(len(table))]
    return TokenShards(info, table.column("index").to_numpy(), np.asarray(table.column("id").to_pylist(), dtype=object),
                       np.asarray(table.column("split").to_pylist(), dtype=object), tokens,
                       table.column("num_frames").to_numpy())
