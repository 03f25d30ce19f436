"""being_kit.config: one from_dict (unknown keys, types, nested configs), one KEY=VALUE grammar, from_params."""
import json
from dataclasses import dataclass, field

import pytest

from being_kit.config import (Config, apply_overrides, command_line_config, from_dict, parse_overrides, parse_value)


@dataclass
class Inner(Config):
    width: int = 8
    rate: float = 0.5


@dataclass
class Outer(Config):
    name: str
    steps: int = 10
    lr: float = 1e-3
    flag: bool = False
    stages: tuple[str, ...] = ("a", "b")
    maybe: str | None = None
    inner: Inner = field(default_factory=Inner)

    def __post_init__(self):
        if self.steps < 1:
            raise ValueError(f"steps: must be >= 1, got {self.steps}")


def test_from_dict_reads_nested_objects_and_takes_ints_for_floats():
    cfg = Outer.from_dict({"name": "x", "lr": 1, "inner": {"width": 3}, "stages": ["c"], "maybe": None})
    assert cfg.lr == 1.0 and isinstance(cfg.lr, float) and cfg.inner == Inner(width=3) and cfg.stages == ("c",)
    assert Outer.from_dict(cfg.to_dict()) == Outer("x", lr=1.0, inner=Inner(3), stages=("c",))
    assert cfg.to_dict()["stages"] == ["c"] and cfg.to_dict()["inner"] == {"width": 3, "rate": 0.5}
    assert Outer.from_dict({"name": "x", "stages": "a,b"}).stages == "a,b"  # notebooks' comma strings pass through


@pytest.mark.parametrize("d, message", [
    ([1, 2], r"cfg.json: expected a JSON object of Outer fields, got a list"),
    ({"name": "x", "lr": "fast"}, r"cfg.json: lr: expected float, got 'fast' \(str\)"),
    ({"name": "x", "steps": True}, r"steps: expected int, got True"),
    ({"name": "x", "flag": "yes"}, r"flag: expected bool"),
    ({"name": "x", "stages": ["a", 3]}, r"stages\[1\]: expected str, got 3"),
    ({"name": "x", "inner": {"width": "wide"}}, r"inner: width: expected int"),
    ({"name": "x", "inner": {"depth": 2}}, r"inner: unknown keys \['depth'\]"),
    ({"name": "x", "step": 3}, r"unknown keys \['step'\]; known: \["),
    ({"steps": 3}, r"missing required Outer fields \['name'\]"),
    ({"name": "x", "steps": 0}, r"cfg.json: steps: must be >= 1"),
])
def test_from_dict_names_where_and_the_field(d, message):
    with pytest.raises(ValueError, match=message):
        from_dict(Outer, d, where="cfg.json")


def test_one_override_grammar():
    assert parse_value("5e-4") == 5e-4 and parse_value("true") is True and parse_value("[1, 2]") == [1, 2]
    assert parse_value('"a b"') == "a b" and parse_value("smollm2") == "smollm2" and parse_value("") == ""
    assert parse_value("2024-01-01") == "2024-01-01"  # a folder name, not a TOML date
    assert parse_value("1000,200") == "1000,200"
    assert parse_overrides(["lr=5e-4", "inner.width = 24", "03_train_lm.seed=1"]) == [
        (("lr",), 5e-4), (("inner", "width"), 24), (("03_train_lm", "seed"), 1)]
    with pytest.raises(ValueError, match="expected KEY=VALUE"):
        parse_overrides(["lr"])
    with pytest.raises(ValueError, match="expected KEY=VALUE"):
        parse_overrides(["inner.=3"])
    base = Outer("x").to_dict()
    d = apply_overrides(base, ["inner.width=24", "lr=1"])
    assert d["inner"]["width"] == 24 and base["inner"]["width"] == 8  # a copy
    with pytest.raises(ValueError, match="'name' is not a nested config"):
        apply_overrides(base, ["name.x=1"])


def test_with_overrides_checks_names_and_types():
    cfg = Outer("x").with_overrides(["inner.rate=0.25", "stages=[\"z\"]", "flag=true"])
    assert cfg.inner.rate == 0.25 and cfg.stages == ("z",) and cfg.flag is True
    with pytest.raises(ValueError, match="unknown keys"):
        Outer("x").with_overrides(["learning_rate=1"])
    with pytest.raises(ValueError, match="lr: expected float, got 'fast'"):
        Outer("x").with_overrides(["lr=fast"])


def test_from_params_takes_fields_by_name_and_prefix():
    params = {"name": "run", "steps": 5, "temperature": 1.0, "unrelated": object(), "ev_steps": 7, "ev_lr": 0.1}
    assert Outer.from_params(params) == Outer("run", steps=5)
    assert Outer.from_params(params, prefix="ev_", name="e") == Outer("e", steps=7, lr=0.1)
    with pytest.raises(ValueError, match="from the notebook's parameters: steps: expected int"):
        Outer.from_params({"name": "x", "steps": "many"})


def test_save_is_atomic_json_and_load_names_the_file(tmp_path):
    path = Outer("x", steps=3).save(tmp_path / "c.json")
    assert json.loads(path.read_text())["steps"] == 3 and Outer.load(path) == Outer("x", steps=3)
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"c.json: expected a JSON object of Outer fields, got a list"):
        Outer.load(path)
    path.write_text("{cut")
    with pytest.raises(ValueError, match=r"c.json: corrupt Outer file, not JSON"):
        Outer.load(path)
    with pytest.raises(FileNotFoundError, match="no such Outer file"):
        Outer.load(tmp_path / "missing.json")


def test_command_line_config_lays_set_items_over_the_file(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"name": "x", "inner": {"width": 2}}))
    cfg = command_line_config(Outer, ["--config", str(tmp_path / "c.json"), "--set", "steps=4", "inner.width=5",
                                      "--set", "lr=2e-3"], prog="test")
    assert (cfg.steps, cfg.inner.width, cfg.lr) == (4, 5, 2e-3)
    with pytest.raises(ValueError, match="c.json with --set: lr: expected float"):
        command_line_config(Outer, ["--config", str(tmp_path / "c.json"), "--set", "lr=fast"], prog="test")
