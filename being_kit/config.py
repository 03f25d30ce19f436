"""One way into every dataclass config: `from_dict` (unknown keys and wrong types named), one `KEY=VALUE` override
grammar, and `from_params` for notebooks.

- `from_dict(cls, d, where)`: a config from a JSON object; a key that is not a field, a value whose type contradicts
  the field's annotation (`lr="fast"` for a float) and a missing required field are ValueErrors naming `where` (a file,
  a command-line flag) and the field. Nested dataclass fields (TrainConfig.model) are read from nested objects.
- `parse_overrides(items)`: `KEY=VALUE` items, KEY a dotted path (`lr`, `model.width`, `03_train_lm.seed`), VALUE a
  TOML literal (`5e-4`, `true`, `"a b"`, `[1, 2]`) or else the text itself. The pipeline's `--set`, the
  tokenizer's and the LM's command lines and 02's `overrides` parameter all read their items with it.
- `from_params(cls, params, prefix)`: the fields of `cls` taken by name from a notebook's parameters (`globals()`),
  so a notebook does not retype two dozen keyword arguments; values are type-checked like `from_dict`'s.
- `Config`: the mixin that gives a dataclass these as methods, plus `to_dict`, atomic `save` and `load`.

Standard library only: the base layer, imported by every component's config.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import types
import typing
from pathlib import Path
from typing import Any, Iterable, Mapping

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .atomic_dirs import write_file_atomic


def parse_value(text: str) -> Any:
    """A value as written on a command line: a TOML literal (`1e-3`, `true`, `"a b"`, `[1, 2]`), else the text."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    if isinstance(value, (datetime.date, datetime.time)):  # `2024-01-01` is a folder name here, not a date
        return text
    return value


def parse_overrides(items: Iterable[str], where: str = "override") -> list[tuple[tuple[str, ...], Any]]:
    """`KEY=VALUE` items -> [(path, value)]: KEY split at dots, VALUE by `parse_value`."""
    out = []
    for item in items:
        key, sep, text = str(item).partition("=")
        path = tuple(p.strip() for p in key.strip().split("."))
        if not sep or not all(path):
            raise ValueError(f"{where} {item!r}: expected KEY=VALUE, e.g. lr=5e-4 or model.width=256")
        out.append((path, parse_value(text.strip())))
    return out


def apply_overrides(d: Mapping[str, Any], items: Iterable[str], where: str = "override") -> dict[str, Any]:
    """A deep copy of the JSON-like `d` with `KEY=VALUE` items set (`model.width=24` sets d["model"]["width"]).
    Names and types are checked by `from_dict` afterwards."""
    out = json.loads(json.dumps(d))
    for path, value in parse_overrides(items, where):
        target = out
        for part in path[:-1]:
            nxt = target.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ValueError(f"{where} {'.'.join(path)}: {part!r} is not a nested config")
            target = nxt
        target[path[-1]] = value
    return out


# ---- type checks -----------------------------------------------------------------------------------------------
def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def check_type(hint: Any, value: Any, where: str) -> Any:
    """`value` as the field annotated `hint` takes it (an int for a float becomes a float; a dict for a nested config
    becomes that config); ValueError naming `where` when the types disagree."""
    if hint is Any or hint is object:
        return value
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for member in args:
            try:
                return check_type(member, value, where)
            except ValueError:
                continue
        raise ValueError(f"{where}: expected {' or '.join(_type_name(a) for a in args)}, got {value!r}")
    if hint is type(None):
        if value is None:
            return value
    elif dataclasses.is_dataclass(hint):
        if isinstance(value, hint):
            return value
        if isinstance(value, Mapping):
            return from_dict(hint, value, where)
    elif hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint is Path or hint is os.PathLike:
        if isinstance(value, (str, os.PathLike)):
            return value
    elif origin in (tuple, list) or hint in (tuple, list):
        if isinstance(value, str) and (origin or hint) is tuple:
            return value  # a comma-separated list, as notebook parameters pass them; the config splits it
        if isinstance(value, (list, tuple)):
            elem = args[0] if args else Any
            return (origin or hint)(check_type(elem, v, f"{where}[{i}]") for i, v in enumerate(value))
    elif origin is dict or hint is dict:
        if isinstance(value, Mapping):
            return value
    elif origin is typing.Literal:
        if value in args:
            return value
        raise ValueError(f"{where}: expected one of {list(args)}, got {value!r}")
    elif isinstance(hint, type):
        if isinstance(value, hint):
            return value
    else:
        return value  # an annotation this check does not read: the config's own __post_init__ decides
    raise ValueError(f"{where}: expected {_type_name(hint)}, got {value!r} ({type(value).__name__})")


def from_dict(cls: type, d: Any, where: str | None = None):
    """`cls(**d)` after checking that `d` is an object of `cls`'s fields, with the types they are annotated with."""
    where = where or cls.__name__
    if not isinstance(d, Mapping):
        raise ValueError(f"{where}: expected a JSON object of {cls.__name__} fields, got a {type(d).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(repr(k) if not isinstance(k, str) else k for k in d if k not in fields)
    if unknown:
        raise ValueError(f"{where}: unknown keys {unknown}; known: {sorted(fields)}")
    missing = [name for name, f in fields.items() if name not in d and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ValueError(f"{where}: missing required {cls.__name__} fields {missing}")
    hints = typing.get_type_hints(cls)
    values = {k: check_type(hints.get(k, Any), v, f"{where}: {k}") for k, v in d.items()}
    try:
        return cls(**values)
    except ValueError as e:  # the config's own checks (__post_init__) name the field; say where it came from
        raise ValueError(f"{where}: {e}") from None


def from_params(cls: type, params: Mapping[str, Any], prefix: str = "", **given: Any):
    """A `cls` from a notebook's parameters: each field `f` not in `given` is taken from `params[prefix + f]` when
    that name exists (pass `globals()`); `given` sets the rest. Types are checked as in `from_dict`."""
    values = dict(given)
    for f in dataclasses.fields(cls):
        if f.init and f.name not in values and prefix + f.name in params:
            values[f.name] = params[prefix + f.name]
    return from_dict(cls, values, f"{cls.__name__} from the notebook's parameters")


def plain(value: Any) -> Any:
    """A config value as JSON holds it: dataclasses as dicts, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def write_json(path: str | os.PathLike, obj: Any, indent: int = 2) -> Path:
    """`obj` as JSON at `path`, written atomically (readers see the old file or the whole new one)."""
    text = json.dumps(obj, indent=indent)
    return write_file_atomic(Path(path), lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))


def read_json(path: str | os.PathLike, what: str = "file") -> Any:
    """The JSON in `path`; errors name the file and what it should have been."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such {what}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: corrupt {what}, not JSON ({type(e).__name__}: {e})") from None


class Config:
    """Methods every being-kit dataclass config shares (mix in: `class XConfig(Config)` under `@dataclass`)."""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str | None = None):
        return from_dict(cls, d, where)

    @classmethod
    def from_params(cls, params: Mapping[str, Any], prefix: str = "", **given: Any):
        return from_params(cls, params, prefix, **given)

    def with_overrides(self, items: Iterable[str], where: str = "override"):
        """A copy with `KEY=VALUE` items applied (`parse_overrides`), checked like `from_dict`."""
        return type(self).from_dict(apply_overrides(self.to_dict(), items, where), where=f"{type(self).__name__} {where}")

    def save(self, path: str | os.PathLike) -> Path:
        return write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: str | os.PathLike):
        return cls.from_dict(read_json(path, f"{cls.__name__} file"), where=str(path))


def command_line_config(cls: type, argv: list[str] | None, prog: str, description: str | None = None):
    """`--config FILE.json [--set KEY=VALUE ...]` -> a `cls`: the JSON file's fields with the overrides laid over
    them (`parse_overrides`; `--set a=1 b=2` and `--set a=1 --set b=2` alike), checked by `from_dict`."""
    import argparse

    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--config", required=True, help=f"JSON file of {cls.__name__} fields")
    p.add_argument("--set", dest="overrides", action="extend", nargs="+", default=[], metavar="KEY=VALUE",
                   help="override a field (repeatable; model.x for a nested config's field; VALUE is a TOML literal "
                        "or text, e.g. lr=5e-4 model.width=256)")
    args = p.parse_args(argv)
    d = read_json(args.config, f"{cls.__name__} file")
    d = apply_overrides(d, args.overrides, "--set") if isinstance(d, Mapping) else d  # from_dict names a non-object
    return from_dict(cls, d, where=f"{args.config}" + (" with --set" if args.overrides else ""))
