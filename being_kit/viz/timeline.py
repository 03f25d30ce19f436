"""Token timeline: a motion's codes per time step, the current step highlighted as the motion plays.

The strip is a small pythreejs scene (one texture: one column per token step, one row per token of a step, colour by
code id; masked codes, -1, are grey) with a cursor box animated by a keyframe track whose time unit is frames, like
the player's; the player links its frame slider to this action's time, so the highlight follows playback in the
browser. A kernel-side label also names the current step's codes. Clicking a token selects it (a `Picker` on the
strip; its uv gives the step and the slot): the cell is outlined, the label names it, and `on_select` callbacks run
(the player jumps to that step's first frame; the tokenizer inspector fills its step and token fields).
`timeline_figure` draws the same strip with matplotlib for static output.
"""
from __future__ import annotations

import html

import numpy as np

MASK_COLOR = np.array([200, 200, 200], dtype=np.uint8)
SELECTION_COLOR = "#D00000"


def code_colors(codes: np.ndarray) -> np.ndarray:
    """(s, k) integer codes -> (k, s, 3) uint8 colours: a fixed hash of the code id (stable across motions, so equal
    codes look equal), grey for masked (negative) codes."""
    codes = np.asarray(codes, dtype=np.int64)
    h = (codes.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
    hue = (h % np.uint64(360)).astype(np.float64) / 360.0
    sat = 0.45 + 0.35 * ((h >> np.uint64(9)) % np.uint64(100)).astype(np.float64) / 100.0
    val = 0.70 + 0.25 * ((h >> np.uint64(17)) % np.uint64(100)).astype(np.float64) / 100.0
    from matplotlib.colors import hsv_to_rgb

    rgb = (hsv_to_rgb(np.stack([hue, sat, val], -1)) * 255).astype(np.uint8)
    rgb[codes < 0] = MASK_COLOR
    return np.ascontiguousarray(rgb.transpose(1, 0, 2))


def frames_per_step(num_steps: int, num_frames: int) -> float:
    """How many motion frames one token step covers (the tokenizer's downsampling, from the lengths)."""
    if num_steps < 1:
        raise ValueError(f"codes: need at least one token step, got {num_steps}")
    return max(num_frames, 1) / num_steps


class TokenTimeline:
    """A strip of codes (s, k) under a player; `action.time` (frames) moves the highlight.

    num_frames: frames of the motion the codes encode (sets frames per step). Built in Python, displayed as
    `widget`; `step_at(frame)` and `show_frame(frame)` are the kernel-side view of the same mapping.
    """

    def __init__(self, codes: np.ndarray, num_frames: int, width: int = 720, row_height: int = 14,
                 label: str = "") -> None:
        import ipywidgets as w
        import pythreejs as p3

        codes = np.asarray(codes)
        if codes.ndim == 1:
            codes = codes[:, None]
        if codes.ndim != 2 or len(codes) < 1:
            raise ValueError(f"codes: expected (steps, tokens_per_step) integers, got shape {codes.shape}")
        self.codes = codes.astype(np.int64)
        self.num_frames = int(num_frames)
        self.frames_per_step = frames_per_step(len(codes), num_frames)
        s, k = self.codes.shape
        image = np.concatenate([code_colors(self.codes), np.full((k, s, 1), 255, np.uint8)], -1)
        texture = p3.DataTexture(data=image[::-1].copy(), format="RGBAFormat", type="UnsignedByteType",
                                 magFilter="NearestFilter", minFilter="NearestFilter")
        self.strip = strip = p3.Mesh(p3.PlaneGeometry(width=float(s), height=float(k)),
                                     p3.MeshBasicMaterial(map=texture), position=(s / 2, k / 2, 0.0), name="codes")
        cursor = p3.Mesh(p3.PlaneGeometry(width=1.0, height=float(k) + 0.4),
                         p3.MeshBasicMaterial(color="#000000", transparent=True, opacity=0.35),
                         position=(0.5, k / 2, 0.1), name="cursor")
        frames = np.arange(max(self.num_frames, 1), dtype=np.float32)
        steps = np.minimum(np.floor(frames / self.frames_per_step), s - 1)
        pos = np.stack([steps + 0.5, np.full_like(steps, k / 2), np.full_like(steps, 0.1)], -1).astype(np.float32)
        self.track = p3.VectorKeyframeTrack(name="cursor.position", times=frames, values=pos.ravel(),
                                            interpolation="InterpolateDiscrete")
        box = np.array([[0, 0, 0.2], [1, 0, 0.2], [1, 1, 0.2], [0, 1, 0.2], [0, 0, 0.2]], dtype=np.float32)
        self.selection = p3.Line(geometry=p3.BufferGeometry(attributes={"position": p3.BufferAttribute(array=box)}),
                                 material=p3.LineBasicMaterial(color=SELECTION_COLOR, linewidth=2),
                                 visible=False, name="selection")
        self.root = p3.Group(children=[strip, cursor, self.selection], name="timeline")
        height = max(24, row_height * k + 8)
        self.camera = p3.OrthographicCamera(left=0.0, right=float(s), top=k + 0.3, bottom=-0.3, near=-10, far=10,
                                            position=(0.0, 0.0, 5.0))
        self.scene = p3.Scene(children=[self.root, self.camera], background="#FFFFFF")
        self.picker = p3.Picker(controlling=strip, event="click")
        self.renderer = p3.Renderer(camera=self.camera, scene=self.scene, width=width, height=height,
                                    controls=[self.picker])
        self.clip = p3.AnimationClip(name="timeline", tracks=[self.track], duration=float(max(self.num_frames - 1, 0)))
        self.mixer = p3.AnimationMixer(self.root)
        self.action = p3.AnimationAction(self.mixer, self.clip, self.root, timeScale=0.0, loop="LoopRepeat")
        self.action.play()
        self.selected: tuple[int, int] | None = None
        self._callbacks: list = []
        self.picker.observe(self._on_pick, names="uv")
        self.label = w.HTML(self._label_html(0))
        title = w.HTML(f"<small>{html.escape(label)} tokens: {s} steps x {k} per step, "
                       f"{self.frames_per_step:.1f} frames per step; click a token to select it</small>")
        self.widget = w.VBox([title, self.renderer, self.label])

    def cell_at(self, u: float, v: float) -> tuple[int, int]:
        """(step, slot) under texture coordinates (u, v) of the strip: u runs along the steps, v up the rows, and
        slot 0 is the top row."""
        s, k = self.codes.shape
        return int(np.clip(np.floor(u * s), 0, s - 1)), int(np.clip(np.floor((1.0 - v) * k), 0, k - 1))

    def _on_pick(self, change: dict) -> None:
        if self.picker.object is None:
            return  # a click beside the strip (the browser sends object, point and uv together; `picked` stays
            # empty unless the picker's `all` is set)
        self.select(*self.cell_at(*change["new"]))

    def on_select(self, callback) -> None:
        """Call `callback(step, slot)` whenever a token is selected (clicked, or `select`)."""
        self._callbacks.append(callback)

    def select(self, step: int, slot: int = 0) -> None:
        """Select token `slot` of step `step`: outline it, name it in the label, run the `on_select` callbacks."""
        s, k = self.codes.shape
        if not (0 <= step < s and 0 <= slot < k):
            raise ValueError(f"step/slot: expected 0 <= step < {s} and 0 <= slot < {k}, got {step}, {slot}")
        self.selected = (int(step), int(slot))
        self.selection.position = (float(step), float(k - 1 - slot), 0.0)
        self.selection.visible = True
        for callback in self._callbacks:
            callback(int(step), int(slot))
        self.label.value = self._label_html(self.first_frame(step))

    def first_frame(self, step: int) -> int:
        """The first motion frame that token step `step` covers."""
        return int(min(np.ceil(step * self.frames_per_step - 1e-9), max(self.num_frames - 1, 0)))

    def step_at(self, frame: int) -> int:
        """The token step that covers motion frame `frame`."""
        return int(min(np.floor(frame / self.frames_per_step), len(self.codes) - 1))

    def _label_html(self, frame: int) -> str:
        i = self.step_at(frame)
        codes = " ".join("mask" if c < 0 else str(int(c)) for c in self.codes[i])
        text = f"<small>step {i}: <code>{codes}</code>"
        if self.selected is not None:
            step, slot = self.selected
            code = int(self.codes[step, slot])
            text += (f"; selected: step {step}, token {slot} = <code>{'mask' if code < 0 else code}</code>")
        return text + "</small>"

    def show_frame(self, frame: int) -> None:
        self.label.value = self._label_html(frame)


def timeline_figure(codes: np.ndarray, title: str = "", frame: int | None = None, num_frames: int | None = None):
    """Matplotlib Figure of a code strip (for static output); `frame` draws the highlight at that motion frame."""
    from matplotlib.figure import Figure

    codes = np.asarray(codes)
    if codes.ndim == 1:
        codes = codes[:, None]
    s, k = codes.shape
    fig = Figure(figsize=(min(12.0, 2 + 0.12 * s), 0.5 + 0.3 * k), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(code_colors(codes), aspect="auto", interpolation="nearest", extent=(0, s, k, 0))
    if s * k <= 120:
        for i in range(s):
            for r in range(k):
                c = int(codes[i, r])
                ax.text(i + 0.5, r + 0.5, "m" if c < 0 else str(c), ha="center", va="center", fontsize=6)
    if frame is not None:
        step = int(min(np.floor(frame / frames_per_step(s, num_frames or s)), s - 1))
        ax.axvspan(step, step + 1, color="black", alpha=0.3)
    ax.set_yticks([])
    ax.set_xlabel("token step")
    if title:
        ax.set_title(title, fontsize=9)
    return fig
