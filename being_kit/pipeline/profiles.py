"""Profiles: one small TOML file of notebook parameters per machine class (`profiles/<name>.toml`).

    [common]              # every notebook whose `parameters` cell defines the name gets it
    seed = 0
    [01_data]             # one notebook, by its file stem
    num_sequences = 200

The runner injects `run_dir` and `profile` itself. Papermill only warns about a parameter the notebook does not
define; here a name that no notebook (for `[common]`) or not that notebook (for `[NN_name]`) defines is an error,
raised before anything runs, as is a value whose type contradicts the notebook's default. `apply_overrides` lays
command-line `--set SECTION.NAME=VALUE` items over a profile (an ablation without a new file); they are checked
like the file's own values.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import parse_overrides
from .metrics import NOTEBOOK_NAME

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

INJECTED = ("run_dir", "profile")  # set by the runner for every notebook; a profile may not set them
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ProfileError(ValueError):
    """A profile that cannot be applied to the notebooks (unknown names, wrong types, bad file)."""


@dataclass(frozen=True)
class Profile:
    """Parameters of one profile: `common` for every notebook that has the name, `notebooks[stem]` for one."""

    name: str
    path: Path
    common: dict[str, Any] = field(default_factory=dict)
    notebooks: dict[str, dict[str, Any]] = field(default_factory=dict)


def profile_path(profile: str, profiles_dir: str | os.PathLike = "profiles") -> Path:
    """`profile` is a name (`tiny` -> `<profiles_dir>/tiny.toml`) or a path to a `.toml` file."""
    if profile.endswith(".toml") or os.sep in profile or "/" in profile:
        return Path(profile)
    if not _PROFILE_NAME.match(profile):
        raise ProfileError(f"profile {profile!r}: expected a name like 'tiny' or a path to a .toml file")
    return Path(profiles_dir) / f"{profile}.toml"


def _check_value(where: str, value: Any) -> None:
    if isinstance(value, dict):
        raise ProfileError(f"{where}: nested tables are not parameters; use flat names (got a table)")
    if isinstance(value, list):
        for v in value:
            _check_value(where, v)
    elif not isinstance(value, (str, int, float, bool)):
        raise ProfileError(f"{where}: unsupported value type {type(value).__name__} (use strings, numbers, booleans, lists)")


def load_profile(profile: str, profiles_dir: str | os.PathLike = "profiles") -> Profile:
    """Read and check the shape of a profile file (names are checked against notebooks by `resolve_parameters`)."""
    path = profile_path(profile, profiles_dir)
    if not path.is_file():
        have = sorted(p.stem for p in Path(profiles_dir).glob("*.toml")) if Path(profiles_dir).is_dir() else []
        raise ProfileError(f"profile file {str(path)!r} not found (profiles in {str(profiles_dir)!r}: {have})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"{path}: not valid TOML: {e}") from e
    except UnicodeDecodeError as e:
        raise ProfileError(f"{path}: not UTF-8 text (byte {e.start}: {e.reason}); save it as UTF-8") from None
    common: dict[str, Any] = {}
    notebooks: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ProfileError(f"{path}: top-level key {section!r} must be a table ([common] or [NN_name]), got a value")
        if section != "common" and not NOTEBOOK_NAME.match(section):
            raise ProfileError(f"{path}: section [{section}] must be [common] or a notebook stem such as [01_data]")
        for key, value in table.items():
            where = f"{path} [{section}] {key}"
            if key in INJECTED:
                raise ProfileError(f"{where}: {key!r} is set by the runner and cannot come from a profile")
            _check_value(where, value)
        (common if section == "common" else notebooks.setdefault(section, {})).update(table)
    return Profile(name=path.stem, path=path, common=common, notebooks=notebooks)


def apply_overrides(profile: Profile, items: list[str] | tuple[str, ...], stems: list[str] | tuple[str, ...] = ()
                    ) -> Profile:
    """`profile` with `SECTION.NAME=VALUE` items laid over it; SECTION is `common`, a notebook stem or its number.

    The items are read by `being_kit.config.parse_overrides`, the one `KEY=VALUE` grammar (VALUE a TOML literal,
    `1e-3`, `true`, `"a b"`, `[1, 2]`, else the text itself). stems: the notebooks that exist, so `03.lr=1e-3` means
    `[03_train_lm] lr`. Names and types are checked later by `resolve_parameters`, exactly like values from the file.
    """
    common = dict(profile.common)
    notebooks = {k: dict(v) for k, v in profile.notebooks.items()}
    for item in items:
        try:
            ((path, value),) = parse_overrides([item], "--set")
        except ValueError:
            path, value = (), None
        if len(path) != 2:
            raise ProfileError(f"--set {item!r}: expected SECTION.NAME=VALUE, e.g. 03_train_lm.base_model=smollm2 "
                               "or common.seed=1")
        section, name = path
        if name in INJECTED:
            raise ProfileError(f"--set {item!r}: {name!r} is set by the runner")
        if section != "common" and not NOTEBOOK_NAME.match(section):
            match = [s for s in stems if s[:2] == section]
            if len(match) != 1:
                raise ProfileError(f"--set {item!r}: section {section!r} is not 'common', a notebook stem or the "
                                   f"number of one (notebooks: {list(stems)})")
            section = match[0]
        _check_value(f"--set {item!r}", value)
        (common if section == "common" else notebooks.setdefault(section, {}))[name] = value
    return replace(profile, common=common, notebooks=notebooks)


def _literal(source: str | None) -> Any:
    """The default value from a parameters cell's source text, or Ellipsis when it is not a plain literal."""
    if source is None:
        return ...
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return ...


def _type_clash(value: Any, default: Any) -> str | None:
    """Why `value` cannot replace `default`, or None when the types agree (None/unknown defaults take anything)."""
    if default is ... or default is None:
        return None
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(default, bool) and isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float))
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, list)
    else:
        ok = True
    if not ok:
        return f"the notebook's default is {default!r} ({type(default).__name__})"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and not isinstance(default, bool) and isinstance(default, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return "must be a finite number"
        if value < 0 <= default:  # every numeric parameter is a count, size, rate or scale: none takes a sign
            return f"must be >= 0 (the notebook's default is {default!r})"
    return None


def resolve_parameters(
    profile: Profile, notebook_defaults: dict[str, dict[str, str | None]]
) -> dict[str, dict[str, Any]]:
    """Parameters for each notebook (without the injected ones), checking every name and type first.

    notebook_defaults: stem -> {parameter name -> default source text} for every notebook that exists (all of
    them, not only the selected ones, so `[common]` names used by a later notebook are accepted). A `[NN_name]`
    section for a number with no notebook yet is ignored (later notebooks add their sections before they exist);
    one whose number exists under another name is an error (a typo).
    Raises ProfileError listing every problem at once.
    """
    problems: list[str] = []
    numbers = {stem[:2]: stem for stem in notebook_defaults}
    all_names = set().union(*notebook_defaults.values()) if notebook_defaults else set()
    for key in profile.common:
        if key not in all_names:
            problems.append(f"[common] {key}: no notebook's parameters cell defines it")
    for stem, table in profile.notebooks.items():
        if stem not in notebook_defaults:
            if stem[:2] in numbers:
                problems.append(f"[{stem}]: no such notebook; did you mean [{numbers[stem[:2]]}]?")
            continue
        for key in table:
            if key not in notebook_defaults[stem]:
                have = ", ".join(sorted(notebook_defaults[stem])) or "none"
                problems.append(f"[{stem}] {key}: not a parameter of {stem} (it has: {have})")
    resolved: dict[str, dict[str, Any]] = {}
    for stem, defaults in notebook_defaults.items():
        missing = [name for name in INJECTED if name not in defaults]
        if missing:
            problems.append(f"{stem}: its parameters cell must define {missing} (the runner injects them)")
        params = {k: v for k, v in profile.common.items() if k in defaults}
        params.update(profile.notebooks.get(stem, {}))
        for key, value in params.items():
            clash = _type_clash(value, _literal(defaults.get(key)))
            if clash and key in defaults:
                section = stem if key in profile.notebooks.get(stem, {}) else "common"
                problems.append(f"[{section}] {key} = {value!r}: {clash}")
        resolved[stem] = params
    if problems:
        raise ProfileError(f"profile {str(profile.path)!r} does not fit the notebooks:\n  " + "\n  ".join(problems))
    return resolved
