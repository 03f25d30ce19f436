"""`accelerate launch` entry point for `train_lm` on a node:

    accelerate launch --config_file configs/accelerate/ddp_8gpu.yaml -m being_kit.lm.launch --config lm.json

`lm.json` holds `LMConfig` fields (e.g. written by `LMConfig.save`); `--set key=value` overrides single fields, in
`being_kit.config`'s one `KEY=VALUE` grammar (VALUE a TOML literal or text), checked against LMConfig's fields.
"""
from __future__ import annotations

import json

from ..config import command_line_config
from .config import LMConfig


def parse_args(argv: list[str] | None = None) -> LMConfig:
    return command_line_config(LMConfig, argv, prog="python -m being_kit.lm.launch",
                               description=__doc__.splitlines()[0])


def main(argv: list[str] | None = None) -> None:
    from .train import train_lm

    result = train_lm(parse_args(argv))
    print(json.dumps({"steps": result.steps, "train_loss": result.train_loss, "val_loss": result.val_loss,
                      "num_processes": result.num_processes, "tokens_per_s": result.tokens_per_s}))


if __name__ == "__main__":
    main()
