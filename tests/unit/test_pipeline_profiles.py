"""Profiles: TOML shape, names checked against the notebooks' parameters cells, types against their defaults."""
from pathlib import Path

import pytest

from being_kit.pipeline.profiles import ProfileError, load_profile, profile_path, resolve_parameters

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {
    "01_data": {"run_dir": "'.'", "profile": "'lab'", "seed": "0", "num_sequences": "1000", "source": "'synthetic'"},
    "02_tokenizer": {"run_dir": "'.'", "profile": "'lab'", "seed": "0", "max_steps": "100", "lr": "0.001",
                     "use_ema": "True", "note": "None"},
}


def write(tmp_path, text, name="p"):
    (tmp_path / f"{name}.toml").write_text(text)
    return load_profile(name, tmp_path)


def test_common_and_per_notebook_parameters(tmp_path):
    prof = write(tmp_path, "[common]\nseed = 3\n[01_data]\nnum_sequences = 20\n[02_tokenizer]\nlr = 1\nnote = 'x'\n")
    got = resolve_parameters(prof, NOTEBOOKS)
    assert got == {"01_data": {"seed": 3, "num_sequences": 20}, "02_tokenizer": {"seed": 3, "lr": 1, "note": "x"}}


def test_per_notebook_overrides_common(tmp_path):
    prof = write(tmp_path, "[common]\nseed = 3\n[02_tokenizer]\nseed = 5\n")
    got = resolve_parameters(prof, NOTEBOOKS)
    assert got["01_data"]["seed"] == 3 and got["02_tokenizer"]["seed"] == 5


def test_unknown_names_are_errors_listed_together(tmp_path):
    prof = write(tmp_path, "[common]\nbatch_sise = 3\n[01_data]\nmax_steps = 20\n")
    with pytest.raises(ProfileError) as info:
        resolve_parameters(prof, NOTEBOOKS)
    msg = str(info.value)
    assert "[common] batch_sise" in msg and "[01_data] max_steps" in msg and "num_sequences" in msg


def test_common_name_used_by_only_one_notebook_is_fine(tmp_path):
    prof = write(tmp_path, "[common]\nmax_steps = 7\n")
    got = resolve_parameters(prof, NOTEBOOKS)
    assert got == {"01_data": {}, "02_tokenizer": {"max_steps": 7}}


@pytest.mark.parametrize("line", ["num_sequences = '20'", "num_sequences = 2.5", "num_sequences = true",
                                  "source = 3"])
def test_type_clash_with_the_notebook_default(tmp_path, line):
    prof = write(tmp_path, f"[01_data]\n{line}\n")
    with pytest.raises(ProfileError, match="default"):
        resolve_parameters(prof, NOTEBOOKS)


@pytest.mark.parametrize("line,why", [("max_steps = -5", r"max_steps = -5: must be >= 0"),
                                      ("lr = -1e-3", r"lr = -0.001: must be >= 0"), ("lr = nan", "finite")])
def test_negative_or_non_finite_numbers_are_rejected(tmp_path, line, why):
    prof = write(tmp_path, f"[02_tokenizer]\n{line}\n")
    with pytest.raises(ProfileError, match=why):
        resolve_parameters(prof, NOTEBOOKS)


def test_int_for_float_and_anything_for_none_default(tmp_path):
    prof = write(tmp_path, "[02_tokenizer]\nlr = 1\nnote = 2\nuse_ema = false\n")
    assert resolve_parameters(prof, NOTEBOOKS)["02_tokenizer"] == {"lr": 1, "note": 2, "use_ema": False}


def test_section_of_a_future_notebook_is_ignored_but_a_typo_is_not(tmp_path):
    prof = write(tmp_path, "[05_evaluate]\nrepeats = 3\n")
    assert resolve_parameters(prof, NOTEBOOKS) == {"01_data": {}, "02_tokenizer": {}}
    prof = write(tmp_path, "[02_tokeniser]\nmax_steps = 3\n")
    with pytest.raises(ProfileError, match="did you mean"):
        resolve_parameters(prof, NOTEBOOKS)


def test_notebook_without_run_dir_is_an_error(tmp_path):
    prof = write(tmp_path, "[common]\nseed = 1\n")
    with pytest.raises(ProfileError, match="run_dir"):
        resolve_parameters(prof, {"01_data": {"seed": "0", "profile": "''"}})


@pytest.mark.parametrize("text, word", [
    ("[common]\nrun_dir = 'x'\n", "set by the runner"),
    ("seed = 1\n", "must be a table"),
    ("[data]\nseed = 1\n", "notebook stem"),
    ("[common]\nseed = {a = 1}\n", "nested"),
    ("[common\nseed = 1\n", "TOML"),
])
def test_malformed_profiles(tmp_path, text, word):
    with pytest.raises(ProfileError, match=word):
        write(tmp_path, text)


def test_a_profile_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "latin.toml").write_bytes("[common]\n# caf\xe9\nseed = 1\n".encode("latin-1"))
    with pytest.raises(ProfileError, match="latin.toml: not UTF-8 text"):
        load_profile("latin", tmp_path)


def test_missing_profile_names_the_available_ones(tmp_path):
    (tmp_path / "tiny.toml").write_text("")
    with pytest.raises(ProfileError, match="tiny"):
        load_profile("huge", tmp_path)


def test_profile_path_name_or_file(tmp_path):
    assert profile_path("tiny", "profiles") == Path("profiles/tiny.toml")
    assert profile_path(str(tmp_path / "x.toml")) == tmp_path / "x.toml"


@pytest.mark.parametrize("name", ["tiny", "cpu", "gpu", "a800"])
def test_shipped_profiles_load_and_set_the_data_notebook(name):
    prof = load_profile(name, ROOT / "profiles")
    assert prof.common["seed"] == 0
    assert prof.notebooks["01_data"]["source"] == "synthetic"
    assert prof.notebooks["01_data"]["num_sequences"] >= 100


def test_override_values_read_as_toml_or_text():
    from being_kit.pipeline.profiles import Profile, apply_overrides

    base = Profile(name="p", path=Path("p.toml"), common={"seed": 0}, notebooks={"03_train_lm": {"lr": 2e-4}})
    got = apply_overrides(base, ["03.lr=1e-3", "03.stage_steps=700,110", "03_train_lm.base_model=smollm2",
                                 "common.progress=true", '04_generate.prompt="a b"'], ["03_train_lm", "04_generate"])
    assert got.notebooks["03_train_lm"] == {"lr": 1e-3, "stage_steps": "700,110", "base_model": "smollm2"}
    assert got.common == {"seed": 0, "progress": True} and got.notebooks["04_generate"] == {"prompt": "a b"}
    assert base.notebooks["03_train_lm"] == {"lr": 2e-4}  # the loaded profile itself is unchanged
    assert apply_overrides(base, ["03.text_condition="], ["03_train_lm"]).notebooks["03_train_lm"]["text_condition"] == ""
    for bad in ("03.lr", "lr=1", "03.model.width=2", ".lr=1"):
        with pytest.raises(ProfileError, match="expected SECTION.NAME=VALUE"):
            apply_overrides(base, [bad], ["03_train_lm"])


@pytest.mark.parametrize("name", ["tiny", "cpu", "gpu", "a800"])
def test_shipped_profiles_fit_the_notebooks_as_a_dry_run_checks(name):
    """What `--dry-run` checks: every name a parameter of its notebook, every value of the default's type and sign."""
    from being_kit.pipeline.runner import notebook_parameters

    defaults = {p.stem: notebook_parameters(p) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
    resolved = resolve_parameters(load_profile(name, ROOT / "profiles"), defaults)
    assert set(resolved) == set(defaults) and resolved["02_tokenizer"]["max_steps"] >= 0
