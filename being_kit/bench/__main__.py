"""`python -m being_kit.bench <name> [args]`: run one benchmark module, `being_kit/bench/<name>.py`."""
from __future__ import annotations

import importlib
import pkgutil
import sys

import being_kit.bench as _pkg


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(_pkg.__path__) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    names = available()
    if not argv or argv[0] not in names:
        raise SystemExit(f"usage: python -m being_kit.bench {{{','.join(names)}}} [args]")
    importlib.import_module(f"being_kit.bench.{argv[0]}").main(argv[1:])


if __name__ == "__main__":
    main()
