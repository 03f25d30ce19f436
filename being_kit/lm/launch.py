"""`accelerate launch` entry point for `train_lm` on a node:

    accelerate launch --config_file configs/accelerate/ddp_8gpu.yaml -m being_kit.lm.launch --config lm.json

`lm.json` holds `LMConfig` fields (e.g. written by `LMConfig.save`); `--set key=value` overrides single fields.
"""
from __future__ import annotations

import argparse
import json

from .config import LMConfig


def parse_args(argv: list[str] | None = None) -> LMConfig:
    p = argparse.ArgumentParser(prog="python -m being_kit.lm.launch", description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="JSON file of LMConfig fields")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override one field; VALUE is parsed as JSON when it can be (e.g. --set max_steps=1000)")
    args = p.parse_args(argv)
    with open(args.config) as f:
        d = json.load(f)
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            p.error(f"--set {item!r}: expected KEY=VALUE")
        try:
            d[key] = json.loads(value)
        except json.JSONDecodeError:
            d[key] = value
    return LMConfig.from_dict(d)


def main(argv: list[str] | None = None) -> None:
    from .train import train_lm

    result = train_lm(parse_args(argv))
    print(json.dumps({"steps": result.steps, "train_loss": result.train_loss, "val_loss": result.val_loss,
                      "num_processes": result.num_processes, "tokens_per_s": result.tokens_per_s}))


if __name__ == "__main__":
    main()
