"""The logic behind the `widgets/` dashboards: explorer, tokenizer inspector, generation playground.

Each `build_*` returns an object whose `.widget` is displayed by the notebook and whose methods (`search`, `select`,
`set_code`, `generate`, ...) are what the buttons call, so tests drive the dashboards without a browser. Every action
also refreshes a static picture (`.picture_png`), which `show_static()` displays for papermill-executed copies.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..motion.skeleton import FPS
from ..quiet import quiet_libraries


# ---- data ---------------------------------------------------------------------------------------------------------
def demo_corpus(n: int = 12, seed: int = 0, path: str | Path | None = None):
    """A tiny synthetic corpus for dashboards run without a run directory (`being_kit.data.synthetic.make_corpus`)."""
    try:
        from ..data.synthetic import make_corpus
    except ImportError:  # a checkout without the synthetic generator: a few swinging skeletons instead
        return _swing_corpus(n, seed)
    return make_corpus(n, seed=seed, path=path)


def _swing_corpus(n: int, seed: int):
    from ..data.corpus import Corpus
    from ..data.schema import MotionRecord
    from ..motion.features import features_from_joints
    from ..motion.kinematics import forward_kinematics
    from ..motion.rotations import axis_angle_to_matrix

    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        t = int(rng.integers(40, 81))
        swing = np.sin(np.linspace(0, 2 * np.pi * rng.uniform(1, 3), t))
        aa = np.zeros((t, 22, 3))
        aa[:, 16, 2], aa[:, 17, 2] = rng.uniform(0.3, 1.2) * swing, -rng.uniform(0.3, 1.2) * swing
        aa[:, 1, 0], aa[:, 2, 0] = 0.5 * swing, -0.5 * swing
        root = np.stack([np.zeros(t), np.full(t, 0.95), np.linspace(0, rng.uniform(0, 2), t)], -1)
        joints = forward_kinematics(root, axis_angle_to_matrix(aa)).astype(np.float32)
        records.append(MotionRecord(id=f"swing{i:03d}", source="swing", fps=FPS, representation="humanml263",
                                    motion=features_from_joints(joints), texts=[f"a person swings arms {i}"],
                                    split=("train", "val", "test")[i % 3]))
    return Corpus.from_records(records)


def open_corpus(run_dir: str | Path | None, n_demo: int = 12, seed: int = 0):
    """`<run_dir>/corpus` when given, else `demo_corpus`. Errors name the missing folder."""
    if not run_dir:
        return demo_corpus(n_demo, seed)
    from ..data.corpus import Corpus

    folder = Path(run_dir) / "corpus"
    if not folder.is_dir():
        raise FileNotFoundError(f"run_dir: {folder} does not exist (run notebooks/01_data first, or leave run_dir empty)")
    return Corpus.open(folder)


def corpus_captions(corpus) -> list[list[str]]:
    """Every record's whole-body captions (one pass over the corpus)."""
    return [list(corpus[i].texts) for i in range(len(corpus))]


def search_corpus(corpus, query: str = "", *, min_frames: int = 0, max_frames: int | None = None,
                  source: str | None = None, split: str | None = None,
                  captions: Sequence[Sequence[str]] | None = None) -> np.ndarray:
    """Positions of records whose captions contain every word of `query` (case-insensitive), whose length is in
    [min_frames, max_frames] and whose source / split match (None or "all" = any)."""
    lengths = np.asarray(corpus.lengths)
    keep = lengths >= min_frames
    if max_frames is not None:
        keep &= lengths <= max_frames
    if source not in (None, "", "all"):
        keep &= np.asarray(corpus.sources) == source
    if split not in (None, "", "all"):
        keep &= np.asarray(corpus.splits) == split
    words = [w for w in query.lower().split() if w]
    if words:
        caps = captions if captions is not None else corpus_captions(corpus)
        text_ok = np.array([all(any(w in c.lower() for c in cs) for w in words) for cs in caps], dtype=bool)
        keep &= text_ok
    return np.flatnonzero(keep)


def highlight(text: str, query: str = "") -> str:
    """`text` HTML-escaped, with every occurrence of each query word wrapped in <mark> (case-insensitive)."""
    words = sorted({w for w in query.lower().split() if w}, key=len, reverse=True)
    if not words:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [html.escape(text[last:m.start()]), f"<mark>{html.escape(m.group())}</mark>"]
        last = m.end()
    return "".join(out + [html.escape(text[last:])])


def matching_caption(captions: Sequence[str], query: str = "") -> str:
    """The first caption holding every query word (else the one holding most of them; the first when no query)."""
    words = [w for w in query.lower().split() if w]
    if not words or not captions:
        return captions[0] if captions else ""
    return max(captions, key=lambda c: (sum(w in c.lower() for w in words), -captions.index(c)))


def caption_html(record, query: str = "") -> str:
    """Hierarchical captions of a record: whole-body captions (query words highlighted), per-part captions,
    time-stamped segments, actions."""
    e = html.escape
    rows = [f"<b>{e(str(record.id))}</b> <small>{e(record.source)} / {e(record.split)}, {record.num_frames} frames "
            f"({record.duration:.1f} s)</small>", "<br><u>whole body</u><ul>"]
    rows += [f"<li>{highlight(t, query)}</li>" for t in record.texts] + ["</ul>"]
    parts = {k: v for k, v in (record.parts or {}).items() if v}
    if parts:
        rows += ["<u>body parts</u><ul>"] + [f"<li><i>{e(k)}</i>: {e(v)}</li>" for k, v in parts.items()] + ["</ul>"]
    if record.segments:
        rows += ["<u>segments</u><ul>"] + [f"<li>{s.start:.1f}-{s.end:.1f} s: {e(s.text)}</li>" for s in record.segments]
        rows += ["</ul>"]
    actions = (record.meta or {}).get("actions")
    if actions:
        rows.append(f"<u>actions</u>: {e(', '.join(map(str, actions)))}")
    return "".join(rows)


class _Dashboard:
    _picture: tuple | None = None

    def _set_picture(self, motions, captions, layout: str = "side_by_side") -> None:
        self._picture = (motions, captions, layout)  # drawn on demand: matplotlib costs ~0.5 s a picture

    @property
    def picture_png(self) -> bytes | None:
        """PNG of what the dashboard currently plays (None before anything is shown)."""
        if self._picture is None:
            return None
        from .static import render_motion_png

        motions, captions, layout = self._picture
        return render_motion_png(motions, captions=captions, layout=layout)

    def show_static(self) -> None:
        """Display the current static picture (what executed notebooks keep)."""
        from IPython.display import Image, display

        png = self.picture_png
        if png is not None:
            display(Image(data=png))


# ---- explorer -----------------------------------------------------------------------------------------------------
class Explorer(_Dashboard):
    """Search a corpus by caption text, filter by length, source and split, pick a result to play it beside its
    hierarchical captions."""

    def __init__(self, corpus, max_results: int = 200) -> None:
        import ipywidgets as w

        self.corpus = corpus
        self.max_results = max_results
        self.captions = corpus_captions(corpus)
        lengths = np.asarray(corpus.lengths)
        lo, hi = int(lengths.min()), int(lengths.max())
        self.query = w.Text(placeholder="caption words, e.g. 'walk forward'", description="search")
        self.length = w.IntRangeSlider(value=(lo, hi), min=lo, max=max(hi, lo + 1), description="frames")
        self.source = w.Dropdown(options=["all", *sorted(set(map(str, corpus.sources)))], description="source")
        self.split = w.Dropdown(options=["all", *sorted(set(map(str, corpus.splits)))], description="split")
        self.results = w.Select(options=[], rows=12, layout=w.Layout(width="100%"))
        self.count = w.HTML()
        self.caption_box = w.HTML(layout=w.Layout(width="100%"))
        self.player_box = w.VBox()
        for control in (self.query, self.length, self.source, self.split):
            control.observe(lambda _: self.search(), names="value")
        self.results.observe(self._on_pick, names="value")
        self.player = None
        self.widget = w.VBox([
            w.HBox([self.query, self.length]), w.HBox([self.source, self.split, self.count]),
            w.HBox([w.VBox([self.results, self.caption_box], layout=w.Layout(width="430px")), self.player_box],
                   layout=w.Layout(flex_flow="row wrap")),  # the player moves under the list in a narrow notebook
        ])
        self.search()

    def search(self) -> np.ndarray:
        """Apply the current filters; fills the result list and returns the matching positions."""
        lo, hi = self.length.value
        hits = search_corpus(self.corpus, self.query.value, min_frames=lo, max_frames=hi, source=self.source.value,
                             split=self.split.value, captions=self.captions)
        self.hits = hits
        shown = hits[: self.max_results]
        ids, query = self.corpus.ids, self.query.value
        self.results.options = [(f"{ids[i]}: {matching_caption(self.captions[i], query)[:48]}", int(i)) for i in shown]
        if not len(hits):  # nothing matches: say so, and stop playing the motion of an earlier search
            self.count.value = f"<small><b>no matches</b> among {len(self.corpus)} motions</small>"
            self.player, self.player_box.children, self.caption_box.value = None, [], ""
            self._picture = None
            return hits
        self.count.value = f"<small>{len(hits)} of {len(self.corpus)} motions"
        self.count.value += f" (first {self.max_results} listed)</small>" if len(hits) > len(shown) else "</small>"
        if self.results.value != int(shown[0]):
            self.results.value = int(shown[0])  # the first hit plays (through _on_pick)
        else:
            self.select(int(shown[0]))
        return hits

    def _on_pick(self, change: dict) -> None:
        if change["new"] is not None:
            self.select(int(change["new"]))

    def select(self, index: int):
        """Play record `index` (a corpus position) and show its captions; returns the MotionPlayer."""
        from .player import MotionPlayer

        record = self.corpus[index]
        caption = matching_caption(list(record.texts), self.query.value)
        self.player = MotionPlayer(record, captions=[caption], fps=record.fps)
        self.caption_box.value = f'<div style="line-height:1.35">{caption_html(record, self.query.value)}</div>'
        self.player_box.children = [self.player.widget]
        self._set_picture([self.player.joints[0]], [caption])
        return self.player


def build_explorer(corpus, max_results: int = 200) -> Explorer:
    return Explorer(corpus, max_results=max_results)


# ---- tokenizer inspector ------------------------------------------------------------------------------------------
def encode_motion(tokenizer, features: np.ndarray) -> np.ndarray:
    """Raw features (t, d) -> codes (t // downsample, tokens_per_step) int64."""
    import torch

    x = torch.as_tensor(tokenizer.normalizer().normalize(np.asarray(features, np.float32)), dtype=torch.float32)
    with torch.no_grad():
        return tokenizer.encode(x[None])[0].cpu().numpy().astype(np.int64)


def decode_codes(tokenizer, codes: np.ndarray) -> np.ndarray:
    """Codes (s, tokens_per_step), -1 = masked -> raw features (s * downsample, d) float32."""
    import torch

    with torch.no_grad():
        feats = tokenizer.decode(torch.as_tensor(np.asarray(codes), dtype=torch.long)[None])[0].cpu().numpy()
    return np.asarray(tokenizer.normalizer().denormalize(feats), dtype=np.float32)


class TokenizerInspector(_Dashboard):
    """A motion, its reconstruction and its codes; edit or mask codes and see the decoded motion change."""

    def __init__(self, tokenizer, corpus) -> None:
        import ipywidgets as w

        self.tokenizer = tokenizer
        self.corpus = corpus
        ids = list(map(str, corpus.ids))
        self.pick = w.Dropdown(options=[(f"{i}: {ids[i]}", i) for i in range(len(corpus))], description="motion")
        self.step = w.IntText(value=0, description="step", layout=w.Layout(width="160px"))
        self.slot = w.IntText(value=0, description="token", layout=w.Layout(width="160px"))
        self.value = w.IntText(value=0, description="code", layout=w.Layout(width="160px"))
        self.set_button = w.Button(description="set code")
        self.mask_button = w.Button(description="mask step")
        self.reset_button = w.Button(description="reset")
        self.status = w.HTML()
        self.player_box = w.VBox()
        self.pick.observe(lambda ch: self.load(int(ch["new"])), names="value")
        self.set_button.on_click(lambda _: self._try(self.set_code, self.step.value, self.slot.value, self.value.value))
        self.mask_button.on_click(lambda _: self._try(self.mask_step, self.step.value))
        self.reset_button.on_click(lambda _: self._try(self.reset))
        self.widget = w.VBox([self.pick, self.player_box,
                              w.HBox([self.step, self.slot, self.value, self.set_button, self.mask_button,
                                      self.reset_button]), self.status])
        self.load(0)

    def _try(self, action, *args) -> None:
        """A button's action; a bad step, token or code is said in the status line instead of raised into the void
        (a widget callback's exception only reaches the browser's log)."""
        try:
            action(*args)
        except ValueError as err:
            self.status.value = f"<small><b>not applied</b>: {html.escape(str(err))}</small>"

    def _select_token(self, step: int, slot: int) -> None:
        """A token clicked in a timeline fills the step and token fields (and the code field with its code)."""
        self.step.value, self.slot.value = int(step), int(slot)
        self.value.value = max(int(self.edited_codes[step, slot]), 0)

    def load(self, index: int) -> None:
        record = self.corpus[index]
        self.record = record
        self.features = np.asarray(record.motion, np.float32)
        with quiet_libraries():  # nothing a library logs goes under the widgets (a fresh VQ codebook starts quietly)
            self.codes = encode_motion(self.tokenizer, self.features)
            self.recon = decode_codes(self.tokenizer, self.codes)
        self.edited_codes = self.codes.copy()
        self.edited = self.recon
        self.refresh()

    def set_code(self, step: int, slot: int, code: int) -> None:
        s, k = self.edited_codes.shape
        if not (0 <= step < s and 0 <= slot < k):
            raise ValueError(f"step/token: expected 0 <= step < {s} and 0 <= token < {k}, got {step}, {slot}")
        if not 0 <= code < self.tokenizer.token_vocab_size:
            raise ValueError(f"code: expected 0..{self.tokenizer.token_vocab_size - 1} (use mask_step for -1), got {code}")
        self.edited_codes[step, slot] = int(code)
        self._decode_edit()

    def mask_step(self, step: int) -> None:
        if not 0 <= step < len(self.edited_codes):
            raise ValueError(f"step: expected 0..{len(self.edited_codes) - 1}, got {step}")
        self.edited_codes[step] = -1
        self._decode_edit()

    def reset(self) -> None:
        self.edited_codes = self.codes.copy()
        self._decode_edit()

    def _decode_edit(self) -> None:
        self.edited = decode_codes(self.tokenizer, self.edited_codes)
        self.refresh()

    def change(self) -> float:
        """Mean joint distance (metres) between the reconstruction and the edited decode."""
        from .inputs import as_joints

        a, b = as_joints(self.recon), as_joints(self.edited)
        n = min(len(a), len(b))
        return float(np.linalg.norm(a[:n] - b[:n], axis=-1).mean())

    def refresh(self) -> None:
        from .player import MotionPlayer

        motions = [self.features, self.recon, self.edited]
        caps = [f"original: {self.record.texts[0]}", "reconstruction", "edited codes"]
        self.player = MotionPlayer(motions, captions=caps, fps=self.record.fps, labels=["original", "reconstruction",
                                                                                           "edited"],
                                   tokens=[self.codes, self.codes, self.edited_codes])
        for timeline in self.player.timelines:
            timeline.on_select(self._select_token)
        self.player_box.children = [self.player.widget]
        n_edit = int((self.edited_codes != self.codes).sum())
        self.status.value = (f"<small>{self.codes.shape[0]} steps x {self.codes.shape[1]} tokens; {n_edit} codes "
                             f"edited; edited vs reconstruction: {self.change() * 100:.1f} cm mean joint change</small>")
        self._set_picture(motions, caps)


def build_tokenizer_inspector(tokenizer, corpus) -> TokenizerInspector:
    """`tokenizer`: a MotionTokenizer or the folder of one (`MotionTokenizer.from_pretrained`)."""
    if isinstance(tokenizer, (str, Path)):
        from ..tokenizer import MotionTokenizer

        tokenizer = MotionTokenizer.from_pretrained(tokenizer)
    tokenizer.eval()
    return TokenizerInspector(tokenizer, corpus)


# ---- generation playground ----------------------------------------------------------------------------------------
class Playground(_Dashboard):
    """Type a prompt, pick sampling settings, generate several samples, play and compare them, export them."""

    def __init__(self, model, motion_tokenizer=None, out_dir: str | Path = "playground_exports") -> None:
        import ipywidgets as w

        self.model = model
        self.motion_tokenizer = motion_tokenizer
        self.out_dir = Path(out_dir)
        named = {"style": {"description_width": "95px"}}  # room for "temperature": no cut-off names
        self.prompt = w.Text(value="a person walks forward and waves", description="prompt",
                             layout=w.Layout(width="60%"), **named)
        self.samples = w.IntSlider(value=2, min=1, max=4, description="samples", **named)
        self.temperature = w.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.05, description="temperature", **named)
        self.top_k = w.IntSlider(value=0, min=0, max=200, description="top k", **named)
        self.top_p = w.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05, description="top p", **named)
        self.duration = w.FloatSlider(value=4.0, min=1.0, max=10.0, step=0.5, description="seconds", **named)
        self.guidance = w.FloatSlider(value=1.0, min=1.0, max=5.0, step=0.25, description="guidance",
                                      tooltip="classifier-free guidance scale (1: off; for models trained with "
                                              "caption_dropout > 0)", **named)
        self.seed = w.IntText(value=0, description="seed", layout=w.Layout(width="200px"), **named)
        self.go = w.Button(description="generate", button_style="primary")
        self.export_button = w.Button(description="export")
        self.status = w.HTML()
        self.player_box = w.VBox()
        self.go.on_click(lambda _: self.generate())
        self.export_button.on_click(lambda _: self.export())
        self.result = None
        self.widget = w.VBox([w.HBox([self.prompt, self.go]),
                              w.HBox([self.samples, self.duration, self.seed]),
                              w.HBox([self.temperature, self.top_k, self.top_p]),
                              self.guidance, self.player_box, w.HBox([self.export_button, self.status])])

    def generate(self, prompt: str | None = None):
        """Sample `samples` motions for the prompt; plays them side by side with their codes. Returns the result."""
        from ..lm.generate import generate_motion
        from .player import MotionPlayer

        text = prompt if prompt is not None else self.prompt.value
        n, seed = int(self.samples.value), int(self.seed.value)
        self.go.disabled, self.go.description = True, "generating..."  # busy: the old samples keep playing
        self.status.value = f"<small>generating {n} sample(s) for {html.escape(repr(text))}...</small>"
        try:
            with quiet_libraries():  # the first prompt loads the sentence encoder: no weight bars under the widgets
                result = generate_motion(self.model, [text] * n, motion_tokenizer=self.motion_tokenizer,
                                         durations=float(self.duration.value),
                                         temperature=float(self.temperature.value), top_k=int(self.top_k.value),
                                         top_p=float(self.top_p.value), seed=seed,
                                         guidance_scale=float(self.guidance.value))
        except Exception as err:  # a bad prompt or setting: say it, keep what was playing
            self.status.value = f"<small><b>not generated</b>: {html.escape(str(err))}</small>"
            return self.result
        finally:
            self.go.disabled, self.go.description = False, "generate"
        self.result = result
        ok = [i for i, j in enumerate(result.joints) if j is not None and len(j) > 1]
        self.status.value = "<small>" + ", ".join(f"sample {i}: {s}" for i, s in enumerate(result.status)) + "</small>"
        if ok:
            motions = [result.joints[i] for i in ok]
            caps = [f"{text[:60]} (seed {seed}, row {i})" for i in ok]
            self.player = MotionPlayer(motions, captions=caps, fps=FPS, tokens=[result.codes[i] for i in ok],
                                       labels=[f"sample {i}" for i in ok])
            self.player_box.children = [self.player.widget]  # replaced only once the new players exist
            self._set_picture(motions, caps)
        else:
            self.player_box.children = []
        return self.result

    def export(self) -> list[dict[str, Path]]:
        """Write every generated sample as joints/features .npy and BVH under `out_dir`."""
        from ..motion.export import export_motion

        if self.result is None:
            raise RuntimeError("export: generate something first")
        written = []
        for i, (feats, joints) in enumerate(zip(self.result.features, self.result.joints)):
            if joints is None:
                continue
            motion = feats if feats is not None else joints
            written.append(export_motion(motion, self.out_dir, f"sample{i}"))
        self.status.value = f"<small>exported {len(written)} samples to {html.escape(str(self.out_dir))}</small>"
        return written


def build_playground(model, motion_tokenizer=None, out_dir: str | Path = "playground_exports") -> Playground:
    """`model`: a MotionLM or its folder (`<run_dir>/lm`)."""
    if isinstance(model, (str, Path)):
        from ..lm import MotionLM

        with quiet_libraries():
            model = MotionLM.from_pretrained(model)
    return Playground(model, motion_tokenizer, out_dir)


def has_files(*paths: Any) -> bool:
    """Whether every path exists (notebooks use it to skip parts that need a trained model)."""
    return all(p and Path(p).exists() for p in paths)


# ---- notebook entry points: what to show for a run directory (or without one) ------------------------------------
def inspector_for_run(run_dir: str | Path | None, corpus, quantizer: str = "vq") -> tuple[TokenizerInspector, str]:
    """The inspector on `<run_dir>/tokenizer/<quantizer>/`; without one, on an *untrained* tiny tokenizer (so the
    dashboard can be tried) with a message saying so. Returns (inspector, message)."""
    folder = Path(run_dir) / "tokenizer" / quantizer if run_dir else None
    if folder is not None and (folder / "config.json").is_file():
        return build_tokenizer_inspector(folder, corpus), f"tokenizer: {folder}"
    from ..tokenizer import MotionTokenizer, TokenizerConfig

    import torch

    torch.manual_seed(0)
    tok = MotionTokenizer(TokenizerConfig(quantizer="vq", feature_dim=corpus.feature_dim, width=32, depth=1,
                                          codebook_size=64, code_dim=16))
    where = f"{folder} has no trained tokenizer" if folder is not None else "no run_dir given"
    return build_tokenizer_inspector(tok, corpus), (
        f"{where}: showing an UNTRAINED tiny tokenizer (reconstructions are meaningless); run notebooks/02_tokenizer "
        "and pass run_dir to inspect a trained one")


def playground_for_run(run_dir: str | Path | None, out_dir: str | Path | None = None) -> tuple[Playground | None, str]:
    """The playground on `<run_dir>/lm/`, or (None, message naming what is missing)."""
    if not run_dir:
        return None, "no run_dir given: generation needs a trained model (notebooks/03_train_lm); playground skipped"
    folder = Path(run_dir) / "lm"
    if not folder.is_dir():
        return None, f"{folder} does not exist: run notebooks/03_train_lm first; playground skipped"
    out = Path(out_dir) if out_dir else Path(run_dir) / "playground"
    return build_playground(folder, out_dir=out), f"model: {folder}; exports go to {out}"
