"""`MotionPlayer`: one or several motions in one pythreejs scene, played in the browser.

Why it is built this way (each point measured in JupyterLab 4 under headless Chromium):
- Bones are cylinder meshes and joints are sphere meshes, each animated by keyframe tracks (position, quaternion,
  scale) that are sent to the browser once; three.js keyframe tracks cannot animate a buffer geometry.
- The clock is an `ipywidgets.Play` widget ticking in the browser. Its frame value is jslinked to the frame slider and
  from there to the `AnimationAction.time` of the scene (and of the token timeline): track times are in *frames*,
  the action's own time scale is 0, so the three.js mixer just evaluates the pose at the linked frame on every
  render. Play, pause, loop, scrubbing and the timeline highlight all run in the browser with no Python round trip
  per frame; speed changes the Play interval (one message per change).
- Lights live in the Scene (as children of the camera they log `t.on is not a function`).

The widget takes plain arrays and builds its scene graph in Python, so tests inspect it without a browser.
"""
from __future__ import annotations

import html

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..motion.rotations import quat_between
from ..motion.skeleton import FPS
from .inputs import as_captions, as_joint_list, as_token_list
from .style import BACKGROUND, BONES, GROUND, MOTION_TINTS, TRAJECTORY, bone_colors, joint_colors

LAYOUTS = ("side_by_side", "overlay")
_Y = np.array([0.0, 1.0, 0.0], dtype=np.float32)


@dataclass
class PlayerConfig:
    """Look of the player. Sizes in pixels, lengths in metres."""

    width: int = 720
    height: int = 420
    bone_radius: float = 0.022
    joint_radius: float = 0.032
    gap: float = 0.6  # free space between motions shown side by side
    grid_divisions: int = 20
    antialias: bool = True

    def __post_init__(self) -> None:
        if self.width < 64 or self.height < 64:
            raise ValueError(f"width/height: expected >= 64 pixels, got {self.width}x{self.height}")
        if self.bone_radius <= 0 or self.joint_radius <= 0:
            raise ValueError("bone_radius and joint_radius must be positive (metres)")
        if self.gap < 0:
            raise ValueError(f"gap: expected >= 0 metres, got {self.gap}")


def bone_transforms(joints: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, 22, 3) joints -> per bone of `style.BONES`: midpoints (t, 21, 3), quaternions (t, 21, 4) in three.js
    (x, y, z, w) order turning a unit +y cylinder onto the bone, and lengths (t, 21)."""
    parent = np.array([p for p, _ in BONES])
    child = np.array([c for _, c in BONES])
    vec = joints[:, child] - joints[:, parent]
    length = np.linalg.norm(vec, axis=-1)
    direction = vec / np.maximum(length, 1e-8)[..., None]
    direction[length < 1e-8] = _Y  # a collapsed bone: any orientation will do
    with np.errstate(invalid="ignore", divide="ignore"):
        q = quat_between(np.broadcast_to(_Y, direction.shape), direction)  # (w, x, y, z)
    # quat_between is undefined for exactly opposite vectors (w = 0 and v = 0): turn half a circle about x instead.
    bad = ~np.isfinite(q).all(-1) | (np.linalg.norm(q, axis=-1) < 0.5)
    q[bad] = (0.0, 1.0, 0.0, 0.0)
    q = q[..., [1, 2, 3, 0]]
    # Keep successive quaternions in one hemisphere so three.js slerps the short way between keyframes.
    for i in range(1, len(q)):
        flip = (q[i] * q[i - 1]).sum(-1) < 0
        q[i, flip] *= -1
    return (joints[:, child] + joints[:, parent]) / 2, q.astype(np.float32), length.astype(np.float32)


def _pad(joints: np.ndarray, frames: int) -> np.ndarray:
    """Hold the last pose so that motions of different lengths share one clip."""
    if len(joints) >= frames:
        return joints
    return np.concatenate([joints, np.repeat(joints[-1:], frames - len(joints), 0)], 0)


def layout_offsets(joint_list: list[np.ndarray], layout: str, gap: float) -> np.ndarray:
    """(n, 3) translations placing motions next to each other along x (side_by_side) or on top (overlay); each
    motion's first-frame root is moved to the xz origin first."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout: expected one of {LAYOUTS}, got {layout!r}")
    out = np.zeros((len(joint_list), 3), dtype=np.float32)
    cursor = 0.0
    for i, j in enumerate(joint_list):
        start = j[0, 0] * np.array([1, 0, 1], dtype=np.float32)
        out[i] = -start
        if layout == "side_by_side":
            lo, hi = (j[..., 0] - start[0]).min(), (j[..., 0] - start[0]).max()
            if i > 0:
                cursor += gap - lo
            out[i, 0] += cursor
            cursor += hi
    if layout == "side_by_side":
        out[:, 0] -= cursor / 2  # centre the row
    return out


class MotionPlayer:
    """Play one or several motions in a 3D scene.

    motions: one motion or a list; each joints (t, 22, 3), HumanML3D features (t, 263), SMPL-D135 (t, 135) or a
    `MotionRecord` (features are converted on the fly). captions: one per motion. fps: frames per second of the data.
    tokens: codes (steps, tokens_per_step) per motion (or one array for the first) -> a token timeline under the player.
    layout: "side_by_side" or "overlay" (e.g. ground truth vs reconstruction). body_model_dir: SMPL-X folder for the
    mesh view (else $BEING_KIT_SMPLX_DIR); when files are missing a message names them and the skeleton still plays.

    Attributes built in Python (inspectable in tests): `scene`, `bone_meshes` / `joint_meshes` (lists per motion),
    `clip`, `action`, `play`, `slider`, `speed`, `loop`, `renderer`, `timelines`, `widget`.
    """

    def __init__(
        self,
        motions: Any,
        captions: Any = None,
        fps: float = FPS,
        tokens: Any = None,
        layout: str = "side_by_side",
        *,
        config: PlayerConfig | None = None,
        body_model_dir: str | None = None,
        mesh: bool = False,
    ) -> None:
        if fps <= 0:
            raise ValueError(f"fps: expected > 0, got {fps}")
        if layout not in LAYOUTS:
            raise ValueError(f"layout: expected one of {LAYOUTS}, got {layout!r}")
        self.config = config or PlayerConfig()
        self.joints = as_joint_list(motions)
        self.captions = as_captions(captions, len(self.joints))
        self.tokens = as_token_list(tokens, len(self.joints))
        self.fps = float(fps)
        self.layout = layout
        self.num_frames = max(len(j) for j in self.joints)
        self.offsets = layout_offsets(self.joints, layout, self.config.gap)
        self.mesh_message = ""
        self._mesh = None
        if mesh or body_model_dir:
            from .mesh import MeshUnavailable, SmplxMeshView

            try:
                first = motions[0] if isinstance(motions, (list, tuple)) else motions
                self._mesh = SmplxMeshView(first, self.offsets[0], body_model_dir)
            except MeshUnavailable as err:
                self.mesh_message = str(err)
        self._build_scene()
        self._build_controls()
        self._build_timelines()
        self.widget = self._assemble()

    # --- scene ---------------------------------------------------------------------------------------------------
    def _build_scene(self) -> None:
        import pythreejs as p3

        cfg = self.config
        n_frames = self.num_frames
        times = np.arange(n_frames, dtype=np.float32)  # track time unit: frames (see module docstring)
        bone_geo = p3.CylinderGeometry(radiusTop=cfg.bone_radius, radiusBottom=cfg.bone_radius, height=1.0,
                                       radialSegments=10)
        joint_geo = p3.SphereGeometry(radius=cfg.joint_radius, widthSegments=12, heightSegments=8)
        materials: dict[str, object] = {}  # one material per colour: every widget costs a comm message

        def material(color: str):
            if color not in materials:
                materials[color] = p3.MeshStandardMaterial(color=color, roughness=0.6)
            return materials[color]

        tracks: list = []
        self.bone_meshes: list[list] = []
        self.joint_meshes: list[list] = []
        self.trajectories: list = []
        objects: list = []
        for m, joints in enumerate(self.joints):
            j = _pad(joints, n_frames) + self.offsets[m]
            mid, quat, length = bone_transforms(j)
            bones = []
            for b, color in enumerate(bone_colors(m)):
                name = f"m{m}_bone{b}"
                mesh = p3.Mesh(bone_geo, material(color), name=name,
                               position=tuple(map(float, mid[0, b])), quaternion=tuple(map(float, quat[0, b])),
                               scale=(1.0, float(length[0, b]), 1.0))
                bones.append(mesh)
                scale = np.stack([np.ones_like(length[:, b]), length[:, b], np.ones_like(length[:, b])], -1)
                tracks += [
                    p3.VectorKeyframeTrack(name=f"{name}.position", times=times, values=mid[:, b].ravel()),
                    p3.QuaternionKeyframeTrack(name=f"{name}.quaternion", times=times, values=quat[:, b].ravel()),
                    p3.VectorKeyframeTrack(name=f"{name}.scale", times=times, values=scale.ravel().astype(np.float32)),
                ]
            spheres = []
            for k, color in enumerate(joint_colors(m)):
                name = f"m{m}_joint{k}"
                mesh = p3.Mesh(joint_geo, material(color), name=name,
                               position=tuple(map(float, j[0, k])))
                spheres.append(mesh)
                tracks.append(p3.VectorKeyframeTrack(name=f"{name}.position", times=times,
                                                     values=j[:, k].ravel().astype(np.float32)))
            path = joints[:, 0] + self.offsets[m]
            path = np.stack([path[:, 0], np.full(len(path), 0.003), path[:, 2]], -1).astype(np.float32)
            line = p3.Line(
                geometry=p3.BufferGeometry(attributes={"position": p3.BufferAttribute(array=path)}),
                material=p3.LineBasicMaterial(color=TRAJECTORY if m == 0 else MOTION_TINTS[m % len(MOTION_TINTS)],
                                              linewidth=2),
                name=f"m{m}_trajectory",
            )
            self.bone_meshes.append(bones)
            self.joint_meshes.append(spheres)
            self.trajectories.append(line)
            objects += bones + spheres + [line]
        if self._mesh is not None:
            objects.append(self._mesh.mesh)
        self.root = p3.Group(children=objects, name="motions")
        all_j = np.concatenate([_pad(j, n_frames) + o for j, o in zip(self.joints, self.offsets)], 0)
        lo, hi = all_j.reshape(-1, 3).min(0), all_j.reshape(-1, 3).max(0)
        center = (lo + hi) / 2
        extent = float(max(hi[0] - lo[0], hi[2] - lo[2], 1.8))
        size = float(np.ceil(extent + 2.0))
        self.grid = p3.GridHelper(size=size, divisions=self.config.grid_divisions, colorCenterLine="#AAAAAA",
                                  colorGrid=GROUND, position=(float(center[0]), 0.0, float(center[2])))
        target = (float(center[0]), 0.9, float(center[2]))
        dist = 1.1 * extent + 1.0
        self.camera = p3.PerspectiveCamera(position=(target[0] + 0.35 * dist, 1.5, target[2] + dist), fov=40,
                                           aspect=cfg.width / cfg.height, near=0.05, far=200.0)
        self.lights = [p3.AmbientLight(color="#FFFFFF", intensity=0.55),
                       p3.DirectionalLight(color="#FFFFFF", position=(3.0, 6.0, 5.0), intensity=0.75)]
        self.scene = p3.Scene(children=[self.root, self.grid, self.camera, *self.lights], background=BACKGROUND)
        self.controls = p3.OrbitControls(controlling=self.camera, target=target)
        self.camera.lookAt(target)
        self.renderer = p3.Renderer(camera=self.camera, scene=self.scene, controls=[self.controls],
                                    width=cfg.width, height=cfg.height, antialias=cfg.antialias)
        self.clip = p3.AnimationClip(name="motion", tracks=tracks, duration=float(n_frames - 1))
        self.mixer = p3.AnimationMixer(self.root)
        # timeScale 0: the action never advances by itself; its `time` (in frames) is linked to the frame slider.
        self.action = p3.AnimationAction(self.mixer, self.clip, self.root, timeScale=0.0, loop="LoopRepeat")
        self.action.play()  # starts the browser render loop that evaluates the pose at `time`

    # --- controls ------------------------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        import ipywidgets as w

        last = self.num_frames - 1
        self.play = w.Play(value=0, min=0, max=last, step=1, interval=self._interval(1.0), repeat=True,
                           description="play", show_repeat=False)
        self.slider = w.IntSlider(value=0, min=0, max=last, description="frame", continuous_update=True,
                                  layout=w.Layout(width="55%"))
        self.speed = w.FloatSlider(value=1.0, min=0.1, max=4.0, step=0.1, description="speed", readout_format=".1f",
                                   layout=w.Layout(width="25%"))
        self.loop = w.Checkbox(value=True, description="loop", indent=False, layout=w.Layout(width="70px"))
        self.time_label = w.Label(self._time_text(0))
        self._links = [
            w.jslink((self.play, "value"), (self.slider, "value")),  # browser-side clock <-> slider
            w.jsdlink((self.slider, "value"), (self.action, "time")),  # slider -> pose, in the browser
            w.jslink((self.loop, "value"), (self.play, "repeat")),
        ]
        self.speed.observe(lambda ch: setattr(self.play, "interval", self._interval(ch["new"])), names="value")
        self.slider.observe(self._on_frame, names="value")

    def _interval(self, speed: float) -> int:
        return max(1, int(round(1000.0 / (self.fps * max(speed, 1e-3)))))

    def _time_text(self, frame: int) -> str:
        return f"{frame / self.fps:5.2f} s / {(self.num_frames - 1) / self.fps:.2f} s"

    def _on_frame(self, change: dict) -> None:
        """Kernel-side extras when the frame changes (label, mesh); the skeleton itself moves without this."""
        frame = int(change["new"])
        self.time_label.value = self._time_text(frame)
        if self._mesh is not None:
            self._mesh.show_frame(frame)

    # --- timeline and layout -------------------------------------------------------------------------------------
    def _build_timelines(self) -> None:
        from .timeline import TokenTimeline

        self.timelines = []
        import ipywidgets as w

        for m, codes in enumerate(self.tokens):
            if codes is None:
                continue
            tl = TokenTimeline(codes, num_frames=len(self.joints[m]), width=self.config.width,
                               label=f"motion {m}" + (f": {self.captions[m]}" if self.captions[m] else ""))
            self._links.append(w.jsdlink((self.slider, "value"), (tl.action, "time")))
            self.slider.observe(lambda ch, tl=tl: tl.show_frame(int(ch["new"])), names="value")
            self.timelines.append(tl)

    def _caption_html(self) -> str:
        rows = []
        for m, cap in enumerate(self.captions):
            chip = MOTION_TINTS[m % len(MOTION_TINTS)] if m else "#555555"
            where = {"side_by_side": ["left", "centre", "right"][min(m, 2)] if len(self.captions) <= 3 else f"#{m}",
                     "overlay": "overlaid"}[self.layout] if len(self.captions) > 1 else ""
            text = cap or "(no caption)"
            rows.append(f'<div><span style="display:inline-block;width:10px;height:10px;background:{chip};'
                        f'margin-right:6px"></span><b>{m}</b> {where} ({len(self.joints[m])} frames): {html.escape(text)}</div>')
        return "".join(rows)

    def _assemble(self):
        import ipywidgets as w

        self.caption_box = w.HTML(self._caption_html())
        parts = [self.caption_box]
        if self.mesh_message:
            parts.append(w.HTML(f'<div style="color:#b35900">SMPL-X mesh view off: {html.escape(self.mesh_message)}</div>'))
        parts.append(self.renderer)
        parts.append(w.HBox([self.play, self.slider, self.speed, self.loop, self.time_label]))
        parts += [tl.widget for tl in self.timelines]
        return w.VBox(parts)

    # --- public helpers ------------------------------------------------------------------------------------------
    @property
    def frame(self) -> int:
        return int(self.slider.value)

    @frame.setter
    def frame(self, value: int) -> None:
        if not 0 <= int(value) < self.num_frames:
            raise ValueError(f"frame: expected 0..{self.num_frames - 1}, got {value}")
        self.slider.value = int(value)

    @property
    def duration(self) -> float:
        """Seconds from the first to the last frame."""
        return (self.num_frames - 1) / self.fps

    def picture(self, frame: int | None = None):
        """A static matplotlib Figure of what the player shows (for papermill-executed copies)."""
        from .static import motion_figure

        return motion_figure(self.joints, captions=self.captions, frame=frame, layout=self.layout)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

