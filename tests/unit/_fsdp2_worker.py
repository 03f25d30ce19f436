"""One of the two gloo processes of test_lm_recipes' FSDP2 test (run by torchrun):
`python -m torch.distributed.run --standalone --nproc_per_node 2 _fsdp2_worker.py ARCH TOKENS_DIR OUT_DIR`."""
import json
import os
import sys
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict, set_model_state_dict
from torch.distributed.fsdp import fully_shard

from being_kit.data import Corpus
from being_kit.lm import MotionLM, add_motion_vocabulary
from being_kit.lm.base_models import DefaultModelSize, build_default_model, train_text_tokenizer
from being_kit.lm.data import load_texts, rank_block, read_token_shards, stage_rows
from being_kit.lm.generate import generate_motion
from being_kit.lm.templates import ExampleBuilder

PROMPTS = ["a person walks forward", "a person jumps"]  # LMConfig.sample_prompts' default


def main(arch: str, tokens: str, out: str) -> None:
    """The MotionLM under FSDP2, trained on this process's rows, checkpointed with torch.distributed.checkpoint and
    reloaded, generating on both processes together, then saved whole by process 0 (as train_lm saves a sharded
    model: `MotionLM.save_pretrained(state_dict=gathered weights)`)."""
    dist.init_process_group("gloo")  # torchrun's environment: two processes on this machine
    rank, out = dist.get_rank(), Path(out)
    shards = read_token_shards(tokens)
    corpus = Corpus.open(shards.info["corpus_path"])
    texts = load_texts(corpus, shards.index)
    captions = [t for info in texts for t in info.texts]
    torch.manual_seed(0)
    if arch == "gpt2":
        model, tok = build_default_model(captions, DefaultModelSize(n_layer=2, n_embd=32, n_head=2, n_positions=256,
                                                                    text_vocab_size=300))
    else:
        from transformers import LlamaConfig, LlamaForCausalLM

        tok = train_text_tokenizer(captions, 300)
        model = LlamaForCausalLM(LlamaConfig(num_hidden_layers=2, hidden_size=32, intermediate_size=64,
                                             num_attention_heads=2, num_key_value_heads=2, vocab_size=len(tok),
                                             max_position_embeddings=256, bos_token_id=tok.bos_token_id,
                                             eos_token_id=tok.eos_token_id, tie_word_embeddings=False))
    vocab = add_motion_vocabulary(model, tok, shards.token_vocab_size, tokenizer_id=shards.tokenizer_id,
                                  tokens_per_step=int(shards.info["tokens_per_step"]),
                                  downsample=int(shards.info["downsample"]))
    full = sum(p.numel() for p in model.parameters())
    blocks = model.transformer.h if arch == "gpt2" else model.model.layers
    for block in blocks:
        fully_shard(block)
    fully_shard(model)
    local = sum(p.to_local().numel() for p in model.parameters())
    assert local < 0.6 * full, (local, full)  # each process holds about half of every parameter
    train = rank_block(np.flatnonzero(shards.splits == "train"), 2, rank)
    rows = stage_rows(ExampleBuilder(tok, vocab), "align", [shards.tokens[i] for i in train],
                      [texts[i] for i in train], seq_len=64, loss="all", tasks=("t2m",), captions_per_motion=3,
                      seed=rank)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for step in range(3):
        ids = torch.as_tensor(rows.input_ids[step * 4:(step + 1) * 4])
        loss = model(input_ids=ids, labels=torch.as_tensor(rows.labels[step * 4:(step + 1) * 4])).loss
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
    assert np.isfinite(float(norm.full_tensor()))  # the global norm over both processes' shards
    # sharded checkpoint: save, spoil the weights, load back
    dcp.save({"model": get_model_state_dict(model)}, checkpoint_id=str(out / "dcp"))
    before = {k: v.full_tensor().clone() for k, v in get_model_state_dict(model).items()}
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    loaded = {"model": get_model_state_dict(model)}
    dcp.load(loaded, checkpoint_id=str(out / "dcp"))
    set_model_state_dict(model, loaded["model"])
    after = get_model_state_dict(model)
    assert all(torch.equal(before[k], after[k].full_tensor()) for k in before)
    # every process generates together (a sharded forward needs them all); process 0 saves the gathered weights
    gen = generate_motion(MotionLM(model, tok, vocab), PROMPTS, durations=4.0, temperature=0.0, decode=False)
    whole = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if rank == 0:
        MotionLM(model, tok, vocab).save_pretrained(out / "lm", state_dict=whole)
        (out / "sampled.json").write_text(json.dumps([t.tolist() for t in gen.tokens]))
    dist.barrier()
    dist.destroy_process_group()
    # Everything is written and checked. Skip the interpreter's C++ teardown: on a loaded 2-core CI machine a
    # rank once died there with "terminate called without an active exception" (exit -6) after a clean run.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(*sys.argv[1:])
