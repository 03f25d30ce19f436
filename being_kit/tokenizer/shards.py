"""Token shards: a whole corpus encoded by one tokenizer, the hand-over from `02_tokenizer` to the language model.

`<dir>/tokens.parquet`: columns `index` (int64 corpus position), `id`, `split`, `tokens` (list<int32> LM motion-token
ids, `MotionTokenizer.codes_to_tokens`), `num_frames` (int32 frames of the source motion).
`<dir>/tokens.json`: `tokenizer_id`, `quantizer`, `token_vocab_size`, `tokens_per_step`, `downsample`, `corpus_path`,
`num_motions`, `tokens_blake2b` (digest of tokens.parquet). A consumer passes the `tokenizer_id` it expects and is
refused tokens made by another tokenizer.

The two files land together: they are written into a hidden sibling folder that replaces `<dir>` whole, so a kill
never leaves new tokens under the old `tokens.json` (whose `tokenizer_id` would vouch for them); the digest catches a
`tokens.parquet` changed or swapped afterwards. `<dir>` is therefore the token shards' own folder.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..atomic_dirs import clear_stale_temporaries, replace_folder, temporary_sibling
from ..data.corpus import file_digest
from .model import MotionTokenizer

TOKENS_FILE = "tokens.parquet"
INFO_FILE = "tokens.json"
_COLUMNS = ("index", "id", "split", "tokens", "num_frames")


@torch.no_grad()
def write_token_shards(tokenizer: MotionTokenizer, corpus, out_dir: str | os.PathLike, *, batch_size: int = 64,
                       progress: bool = True) -> Path:
    """Encode every motion of `corpus` (raw features; the tokenizer normalises) and write the shards atomically
    into `out_dir` (replaced whole; it holds nothing else). Motions shorter than `downsample` frames get an empty
    token list. The corpus shards are checked against their digests first (`Corpus.verify`): a flipped byte would
    otherwise be tokenized as a motion value."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from tqdm.auto import tqdm

    if corpus.feature_dim != tokenizer.config.feature_dim:
        raise ValueError(f"corpus: feature_dim {corpus.feature_dim} != tokenizer's {tokenizer.config.feature_dim}")
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(f"out_dir: {out_dir} is a file; token shards are a folder (e.g. run/tokens/vq)")
        other = sorted(p.name for p in out_dir.iterdir() if p.name not in (TOKENS_FILE, INFO_FILE))
        if other:
            raise FileExistsError(f"out_dir: {out_dir} holds other files ({other[:5]}); token shards replace their "
                                  "folder whole, so give them their own (e.g. run/tokens/<quantizer>)")
    corpus.verify()  # hashes the shards it reads (~1.3 s CPU per GiB, see Corpus.verify): small next to encoding
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
        # positions in the stored corpus at corpus_path, where the LM looks up captions: for a view (a split, a
        # selection) these are not 0..n-1
        "index": pa.array(np.asarray(corpus.indices, dtype=np.int64)),
        "id": pa.array([str(v) for v in corpus.ids]),
        "split": pa.array([str(v) for v in corpus.splits]),
        "tokens": pa.array(tokens, type=pa.list_(pa.int32())),
        "num_frames": pa.array(lengths.astype(np.int32)),
    })
    info = {"tokenizer_id": tokenizer.tokenizer_id, "quantizer": tokenizer.quantizer,
            "token_vocab_size": tokenizer.token_vocab_size, "tokens_per_step": tokenizer.tokens_per_step,
            "downsample": tokenizer.downsample, "corpus_path": str(corpus.path) if corpus.path else None,
            "num_motions": len(corpus)}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_temporaries(out_dir)
    tmp = temporary_sibling(out_dir)
    tmp.mkdir()
    try:
        pq.write_table(table, tmp / TOKENS_FILE)
        info["tokens_blake2b"] = file_digest(tmp / TOKENS_FILE)
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=1))
        replace_folder(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
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
    """Read `tokens.parquet` + `tokens.json`; with `expect_tokenizer_id`, refuse tokens from another tokenizer.
    Every field is checked (types, token ids in [0, token_vocab_size)), so a bad file is named here, not by a
    training step later."""
    directory = Path(directory)
    info_path, table_path = directory / INFO_FILE, directory / TOKENS_FILE
    for p in (info_path, table_path):
        if not p.is_file():
            raise FileNotFoundError(f"{p}: missing; token shards hold {TOKENS_FILE} and {INFO_FILE} (write_token_shards)")
    info = _read_info(info_path)
    if expect_tokenizer_id is not None and info["tokenizer_id"] != expect_tokenizer_id:
        raise ValueError(f"{directory}: tokens were made by tokenizer {info['tokenizer_id']!r}, expected "
                         f"{expect_tokenizer_id!r}; re-tokenize the corpus with the tokenizer the model uses")
    want = info.get("tokens_blake2b")
    if want is not None and file_digest(table_path) != want:
        raise ValueError(f"{table_path}: its bytes differ from the digest {info_path} recorded (changed, damaged or "
                         "from another run); write the token shards again (write_token_shards)")
    return _read_table(table_path, info)


def _read_info(path: Path) -> dict:
    redo = "write the token shards again (write_token_shards)"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
        raise ValueError(f"{path}: corrupt token-shard info ({type(e).__name__}: {e}); {redo}") from None
    if not isinstance(info, dict):
        raise ValueError(f"{path}: expected a JSON object, got a JSON {type(info).__name__}; {redo}")
    tid = info.get("tokenizer_id")
    if not isinstance(tid, str) or not tid:
        raise ValueError(f"{path}: tokenizer_id must be a non-empty string, got {tid!r}; {redo}")
    for key in ("token_vocab_size", "tokens_per_step", "downsample", "num_motions"):  # only the first is required
        v = info.get(key, 1 if key != "token_vocab_size" else None)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{path}: {key} must be a whole number >= 1, got {v!r}; {redo}")
    return info


def _read_table(path: Path, info: dict) -> TokenShards:
    import pyarrow as pa
    import pyarrow.parquet as pq

    redo = "write the token shards again (write_token_shards)"
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as e:
        raise ValueError(f"{path}: corrupt or truncated ({type(e).__name__}: {e}); {redo}") from None
    missing = [c for c in _COLUMNS if c not in table.column_names]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; expected {list(_COLUMNS)}; {redo}")
    tokens_type = table.schema.field("tokens").type
    if not (pa.types.is_list(tokens_type) or pa.types.is_large_list(tokens_type)) \
            or not pa.types.is_integer(tokens_type.value_type):
        raise ValueError(f"{path}: column 'tokens' must hold lists of integer token ids, got {tokens_type}; {redo}")
    if "num_motions" in info and len(table) != info["num_motions"]:
        raise ValueError(f"{path}: {len(table)} rows, {path.parent / INFO_FILE} says {info['num_motions']}; {redo}")
    tokens_col = table.column("tokens").combine_chunks()
    offsets = tokens_col.offsets.to_numpy()
    flat = tokens_col.values.to_numpy(zero_copy_only=False)
    vocab = int(info["token_vocab_size"])
    bad = np.flatnonzero((flat < 0) | (flat >= vocab))
    if bad.size:
        row = int(np.searchsorted(offsets, bad[0], side="right")) - 1
        raise ValueError(f"{path}: row {row} (id {table.column('id')[row].as_py()!r}) holds token id "
                         f"{int(flat[bad[0]])}, outside [0, {vocab}) of token_vocab_size; {redo}")
    index = table.column("index").to_numpy()
    if index.dtype.kind not in "iu" or (index.size and index.min() < 0) or len(np.unique(index)) != len(index):
        raise ValueError(f"{path}: column 'index' must hold distinct corpus positions >= 0, got {index.dtype} "
                         f"{index[:5].tolist()}...; {redo}")
    flat = flat.astype(np.int32)
    tokens = [flat[offsets[i] : offsets[i + 1]] for i in range(len(table))]
    return TokenShards(info, index, np.asarray(table.column("id").to_pylist(), dtype=object),
                       np.asarray(table.column("split").to_pylist(), dtype=object), tokens,
                       table.column("num_frames").to_numpy())
