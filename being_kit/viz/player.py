"""`MotionPlayer`: one or several motions in one pythreejs scene, played in the browser.

Why it is built this way (each point measured in JupyterLab 4 under headless Chromium):
- Bones are cylinder meshes and joints are sphere meshes, each animated by keyframe tracks (position, quaternion,
  scale) that are sent to the browser once; three.js keyframe tracks cannot animate a buffer geometry.
- The clock is an `ipywidgets.Play` widget ticking in the browser. Its frame value is jslinked to the frame slider and
  from there to the `AnimationAction.time` of the scene (and of the token timeline): track times are in *frames*,
  the action's own time scale is 0, so the three.js mixer just evaluates the pose at the linked frame on every
  render. Play, pause, loop, scrubbing and the timeline highlight all run in the browser with no Python round trip
  per frame; speed changes the Play interval (one message per change).
- Lights live in the Scene: a sky/ground light and directional lights on three sides, each with an explicit shadow
  model (pythreejs leaves it "uninitialized", and the browser then logs "Error setting state: t.on is not a function"
  once per light). Materials have metalness 0, so no side of a figure renders black.
- Each figure carries a label (a text sprite drawn on top, following the pelvis), a head ball with a nose and an arrow
  on the ground where it faces (`pose_cues`, as in the static pictures).

The widget takes plain arrays and builds its scene graph in Python, so tests inspect it without a browser.
"""
from __future__ import annotations

import html

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..motion.rotations import quat_between
from ..motion.skeleton import FPS, JOINT_INDEX
from .inputs import as_captions, as_joint_list, as_token_list
from .pose_cues import HEAD_RADIUS, facing_directions, head_positions
from .static import motion_figure
from .style import BACKGROUND, BONES, GROUND, MOTION_TINTS, TRAJECTORY, bone_colors, joint_colors, part_color

LAYOUTS = ("side_by_side", "overlay")
CAMERA_FOV = 40.0  # degrees, vertical
CAMERA_DIRECTION = np.array([0.3, 0.35, 0.95])  # from the scene towards the camera: 3/4 front, a little above
CAMERA_MARGIN = 0.88  # share of the view the scene may fill
LABEL_ROOM = 0.55  # m above the highest joint kept in view for the labels
ARROW_START, ARROW_SHAFT, ARROW_HEAD = 0.12, 0.22, 0.14  # m: the facing arrow on the ground, from the pelvis
ARROW_COLOR = "#333333"  # as the static pictures' arrow
NOSE_COLOR = "#FFFFFF"
LABEL_HEIGHT = 0.045  # text height over camera distance: about 20 px at the default size, whatever the scene
LABEL_FONT_PX = 48  # canvas font size of a label texture (crisp when zoomed in)
LABEL_COLOR = "#1A1A1A"
LABEL_CHARS = 28  # longer captions are cut for the label (the caption rows above the view keep them whole)
_Y = np.array([0.0, 1.0, 0.0], dtype=np.float32)


@dataclass
class PlayerConfig:
    """Look of the player. Sizes in pixels, lengths in metres."""

    width: int | None = None  # None: `auto_width` (360 per motion side by side, 720..1200)
    height: int = 420
    bone_radius: float = 0.022
    joint_radius: float = 0.032
    gap: float = 0.6  # free space between motions shown side by side
    grid_divisions: int = 20
    antialias: bool = True

    def __post_init__(self) -> None:
        if (self.width is not None and self.width < 64) or self.height < 64:
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


def auto_width(num_motions: int, layout: str = "side_by_side") -> int:
    """Pixels of the 3D view: 360 per motion side by side, within 720..1200 (an overlay is one figure wide)."""
    n = num_motions if layout == "side_by_side" else 1
    return int(min(1200, max(720, 360 * n)))


def default_labels(captions: list[str], layout: str) -> list[str]:
    """Names shown over the figures: the part of a caption before ':' when short ("original: a man walks" ->
    "original"), else the caption cut to `LABEL_CHARS`, else "motion k". One unlabelled motion gets no label."""
    if len(captions) == 1:
        return [""]
    out = []
    for m, cap in enumerate(captions):
        head = cap.split(":", 1)[0].strip() if ":" in cap else cap.strip()
        if not head:
            head = f"motion {m}"
        out.append(head if len(head) <= LABEL_CHARS else head[: LABEL_CHARS - 3].rstrip() + "...")
    return out


def label_aspect(text: str) -> float:
    """Width / height of a label's canvas (pythreejs's TextTexture: text width + 2 by font size + 2 pixels), from
    an average sans-serif character width of 0.55 em; a wrong guess only stretches the text a little."""
    return (0.55 * LABEL_FONT_PX * max(len(text), 1) + 2) / (LABEL_FONT_PX + 2)


def fit_camera(points: np.ndarray, direction: np.ndarray, aspect: float, fov: float = CAMERA_FOV,
               margin: float = CAMERA_MARGIN, min_distance: float = 2.5) -> tuple[np.ndarray, float]:
    """(target (3,), distance) of a perspective camera looking along -`direction` that shows all `points` (n, 3)
    within `margin` of the view, as close as it can, with their picture centred (a few rounds of re-centring)."""
    back = direction / np.linalg.norm(direction)  # from the target towards the camera
    right = np.cross(_Y, back)
    right /= np.linalg.norm(right)
    up = np.cross(back, right)
    tan_v = float(np.tan(np.radians(fov / 2))) * margin
    tan_h = tan_v * aspect
    target = (points.min(0) + points.max(0)) / 2
    for _ in range(4):
        rel = points - target
        x, y, z = rel @ right, rel @ up, rel @ back
        # a point is in view when |x| <= tan_h * (d - z) and |y| <= tan_v * (d - z)
        d = float(max(np.max(np.abs(x) / tan_h + z), np.max(np.abs(y) / tan_v + z), min_distance))
        sx, sy = x / (d - z), y / (d - z)  # where each point lands, as a share of the view's half-extent
        target = target + (sx.max() + sx.min()) / 2 * d * right + (sy.max() + sy.min()) / 2 * d * up
    rel = points - target
    x, y, z = rel @ right, rel @ up, rel @ back
    d = float(max(np.max(np.abs(x) / tan_h + z), np.max(np.abs(y) / tan_v + z), min_distance))
    return target, d


def _position_track(name: str, times: np.ndarray, values: np.ndarray):
    import pythreejs as p3

    return p3.VectorKeyframeTrack(name=f"{name}.position", times=times,
                                  values=np.asarray(values, dtype=np.float32).ravel())


def _lights(target: tuple[float, float, float]) -> list:
    """Sky/ground light plus a key, a fill and a back light around the scene, so no side of a figure goes black.

    Every light lives in the Scene and every DirectionalLight gets its own `shadow` model: left at pythreejs's
    "uninitialized" default, the browser logs "Error setting state: t.on is not a function" for the light
    (reproduced in JupyterLab 4 + Chromium: DirectionalLight and PointLight log it, HemisphereLight and AmbientLight
    do not, and an explicit `DirectionalLightShadow()` silences it).
    """
    import pythreejs as p3

    x, _, z = target
    around = (((3.0, 6.0, 5.0), 0.55), ((-5.0, 4.0, 2.0), 0.3), ((1.5, 4.0, -6.0), 0.4))
    return [p3.HemisphereLight(color="#FFFFFF", groundColor="#9A9A9A", intensity=0.65),
            *[p3.DirectionalLight(color="#FFFFFF", intensity=i, position=(x + dx, dy, z + dz),
                                  shadow=p3.DirectionalLightShadow()) for (dx, dy, dz), i in around]]


class MotionPlayer:
    """Play one or several motions in a 3D scene.

    motions: one motion or a list; each joints (t, 22, 3), HumanML3D features (t, 263), SMPL-D135 (t, 135) or a
    `MotionRecord` (features are converted on the fly). captions: one per motion. fps: frames per second of the data.
    tokens: codes (steps, tokens_per_step) per motion (or one array for the first) -> a token timeline under the player.
    layout: "side_by_side" or "overlay" (e.g. ground truth vs reconstruction). labels: names drawn over the figures
    (default `default_labels`: "original", "sample 1", a short caption; "" draws none). body_model_dir: SMPL-X folder
    for the mesh view (else $BEING_KIT_SMPLX_DIR); when files are missing a message names them and the skeleton still
    plays.

    Attributes built in Python (inspectable in tests): `scene`, `bone_meshes` / `joint_meshes` (lists per motion),
    `clip`, `action`, `play`, `slider`, `speed`, `loop`, `renderer`, `timelines`, `widget`, and per motion `heads`,
    `noses`, `arrows` (shaft, tip) and `labels` (a Sprite, or None).
    """

    def __init__(
        self,
        motions: Any,
        captions: Any = None,
        fps: float = FPS,
        tokens: Any = None,
        layout: str = "side_by_side",
        *,
        labels: Any = None,
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
        self.label_texts = (default_labels(self.captions, layout) if labels is None
                            else as_captions(labels, len(self.joints)))
        self.width = int(self.config.width or auto_width(len(self.joints), layout))
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
        self._times = np.arange(n_frames, dtype=np.float32)  # track time unit: frames (see module docstring)
        placed = [_pad(j, n_frames) + o for j, o in zip(self.joints, self.offsets)]
        self._place_camera(placed)
        self._geometry = {
            "bone": p3.CylinderGeometry(radiusTop=cfg.bone_radius, radiusBottom=cfg.bone_radius, height=1.0,
                                        radialSegments=10),
            "joint": p3.SphereGeometry(radius=cfg.joint_radius, widthSegments=12, heightSegments=8),
            "head": p3.SphereGeometry(radius=HEAD_RADIUS, widthSegments=20, heightSegments=14),
            "nose": p3.SphereGeometry(radius=0.3 * HEAD_RADIUS, widthSegments=10, heightSegments=8),
            "arrow_shaft": p3.CylinderGeometry(radiusTop=0.018, radiusBottom=0.018, height=ARROW_SHAFT,
                                               radialSegments=8),
            "arrow_head": p3.ConeGeometry(radius=0.055, height=ARROW_HEAD, radialSegments=12),
        }
        self._materials: dict[str, object] = {}  # one material per colour: every widget costs a comm message
        tracks: list = []
        self.bone_meshes: list[list] = []
        self.joint_meshes: list[list] = []
        self.trajectories: list = []
        self.heads: list = []
        self.noses: list = []
        self.arrows: list = []
        self.labels: list = []
        objects: list = []
        for m, j in enumerate(placed):
            objects += self._skeleton(m, j, tracks)
            objects += self._cues(m, j, tracks)
            objects += self._label(m, j, tracks)
            path = self.joints[m][:, 0] + self.offsets[m]
            path = np.stack([path[:, 0], np.full(len(path), 0.003), path[:, 2]], -1).astype(np.float32)
            line = p3.Line(
                geometry=p3.BufferGeometry(attributes={"position": p3.BufferAttribute(array=path)}),
                material=p3.LineBasicMaterial(color=TRAJECTORY if m == 0 else MOTION_TINTS[m % len(MOTION_TINTS)],
                                              linewidth=2),
                name=f"m{m}_trajectory",
            )
            self.trajectories.append(line)
            objects.append(line)
        if self._mesh is not None:
            objects.append(self._mesh.mesh)
        self.root = p3.Group(children=objects, name="motions")
        self.grid = p3.GridHelper(size=self._grid_size, divisions=self.config.grid_divisions,
                                  colorCenterLine="#AAAAAA", colorGrid=GROUND,
                                  position=(float(self._target[0]), 0.0, float(self._target[2])))
        self.lights = _lights(self._target)
        self.scene = p3.Scene(children=[self.root, self.grid, self.camera, *self.lights], background=BACKGROUND)
        self.controls = p3.OrbitControls(controlling=self.camera, target=self._target)
        self.camera.lookAt(self._target)
        self.renderer = p3.Renderer(camera=self.camera, scene=self.scene, controls=[self.controls],
                                    width=self.width, height=cfg.height, antialias=cfg.antialias)
        self.clip = p3.AnimationClip(name="motion", tracks=tracks, duration=float(n_frames - 1))
        self.mixer = p3.AnimationMixer(self.root)
        # timeScale 0: the action never advances by itself; its `time` (in frames) is linked to the frame slider.
        self.action = p3.AnimationAction(self.mixer, self.clip, self.root, timeScale=0.0, loop="LoopRepeat")
        self.action.play()  # starts the browser render loop that evaluates the pose at `time`

    def _place_camera(self, placed: list[np.ndarray]) -> None:
        """A camera 3/4 from the front and a little above, as close as it can be while the joints of every frame (and
        room for the labels over the heads) stay inside the view, at the player's aspect."""
        import pythreejs as p3

        step = max(1, self.num_frames // 60)  # about 60 poses per motion bound it well enough
        joints = np.concatenate([j[::step] for j in placed], 0)  # (t', 22, 3)
        heads = joints[:, JOINT_INDEX["head"]] + np.array([0.0, LABEL_ROOM, 0.0])  # room for the labels
        points = np.concatenate([joints.reshape(-1, 3), heads], 0)
        lo, hi = points.min(0), points.max(0)
        centre, d = fit_camera(points, CAMERA_DIRECTION, self.width / self.config.height)
        self.camera_distance = d
        self._target = tuple(float(v) for v in centre)
        self._grid_size = float(np.ceil(max(hi[0] - lo[0], hi[2] - lo[2], 1.8) + 2.0))
        back = CAMERA_DIRECTION / np.linalg.norm(CAMERA_DIRECTION)
        self.camera = p3.PerspectiveCamera(position=tuple(float(v) for v in centre + d * back), fov=CAMERA_FOV,
                                           aspect=self.width / self.config.height, near=0.05, far=200.0)

    def _material(self, color: str):
        import pythreejs as p3

        if color not in self._materials:  # metalness 0: pythreejs's default 0.5 turns an unlit side black
            self._materials[color] = p3.MeshStandardMaterial(color=color, roughness=0.7, metalness=0.0)
        return self._materials[color]

    def _skeleton(self, m: int, j: np.ndarray, tracks: list) -> list:
        """Bone cylinders and joint spheres of motion m (frames already padded and placed), with their tracks."""
        import pythreejs as p3

        times = self._times
        mid, quat, length = bone_transforms(j)
        bones = []
        for b, color in enumerate(bone_colors(m)):
            name = f"m{m}_bone{b}"
            bones.append(p3.Mesh(self._geometry["bone"], self._material(color), name=name,
                                 position=tuple(map(float, mid[0, b])), quaternion=tuple(map(float, quat[0, b])),
                                 scale=(1.0, float(length[0, b]), 1.0)))
            scale = np.stack([np.ones_like(length[:, b]), length[:, b], np.ones_like(length[:, b])], -1)
            tracks += [
                p3.VectorKeyframeTrack(name=f"{name}.position", times=times, values=mid[:, b].ravel()),
                p3.QuaternionKeyframeTrack(name=f"{name}.quaternion", times=times, values=quat[:, b].ravel()),
                p3.VectorKeyframeTrack(name=f"{name}.scale", times=times, values=scale.ravel().astype(np.float32)),
            ]
        spheres = []
        for k, color in enumerate(joint_colors(m)):
            name = f"m{m}_joint{k}"
            spheres.append(p3.Mesh(self._geometry["joint"], self._material(color), name=name,
                                   position=tuple(map(float, j[0, k]))))
            tracks.append(_position_track(name, times, j[:, k]))
        self.bone_meshes.append(bones)
        self.joint_meshes.append(spheres)
        return bones + spheres

    def _cues(self, m: int, j: np.ndarray, tracks: list) -> list:
        """A head ball with a nose, and an arrow on the ground in front of the pelvis: which way the body faces
        (`pose_cues`, as in the static pictures)."""
        import pythreejs as p3

        times = self._times
        centre, nose = head_positions(j, nose_out=1.0)
        head_color = part_color("torso", m)
        cue_color = ARROW_COLOR if m == 0 else MOTION_TINTS[m % len(MOTION_TINTS)]
        head = p3.Mesh(self._geometry["head"], self._material(head_color), name=f"m{m}_head",
                       position=tuple(map(float, centre[0])))
        nose_ball = p3.Mesh(self._geometry["nose"], self._material(NOSE_COLOR), name=f"m{m}_nose",
                           position=tuple(map(float, nose[0])))
        forward = facing_directions(j)
        ground = np.stack([j[:, 0, 0], np.full(len(j), 0.02), j[:, 0, 2]], -1)
        with np.errstate(invalid="ignore", divide="ignore"):
            q = quat_between(np.broadcast_to(_Y, forward.shape), forward)[..., [1, 2, 3, 0]].astype(np.float32)
        q[~np.isfinite(q).all(-1)] = (1.0, 0.0, 0.0, 0.0)  # facing exactly -y cannot happen on the ground
        start = ARROW_START + ARROW_SHAFT / 2
        shaft_at = ground + start * forward
        head_at = ground + (ARROW_START + ARROW_SHAFT + ARROW_HEAD / 2) * forward
        shaft = p3.Mesh(self._geometry["arrow_shaft"], self._material(cue_color), name=f"m{m}_arrow_shaft",
                        position=tuple(map(float, shaft_at[0])), quaternion=tuple(map(float, q[0])))
        tip = p3.Mesh(self._geometry["arrow_head"], self._material(cue_color), name=f"m{m}_arrow_head",
                      position=tuple(map(float, head_at[0])), quaternion=tuple(map(float, q[0])))
        tracks += [_position_track(f"m{m}_head", times, centre), _position_track(f"m{m}_nose", times, nose),
                   _position_track(f"m{m}_arrow_shaft", times, shaft_at),
                   p3.QuaternionKeyframeTrack(name=f"m{m}_arrow_shaft.quaternion", times=times, values=q.ravel()),
                   _position_track(f"m{m}_arrow_head", times, head_at),
                   p3.QuaternionKeyframeTrack(name=f"m{m}_arrow_head.quaternion", times=times, values=q.ravel())]
        self.heads.append(head)
        self.noses.append(nose_ball)
        self.arrows.append((shaft, tip))
        return [head, nose_ball, shaft, tip]

    def _label(self, m: int, j: np.ndarray, tracks: list) -> list:
        """A text sprite over motion m that follows its pelvis (always drawn on top, always facing the camera)."""
        import pythreejs as p3

        text = self.label_texts[m]
        if not text:
            self.labels.append(None)
            return []
        height = LABEL_HEIGHT * self.camera_distance
        stack = m if self.layout == "overlay" else 0  # overlaid figures: labels one above the other
        y = float(j[..., 1].max()) + 0.25 + stack * 1.3 * height
        at = np.stack([j[:, 0, 0], np.full(len(j), y), j[:, 0, 2]], -1)
        name = f"m{m}_label"
        texture = p3.TextTexture(string=text, size=LABEL_FONT_PX, color=LABEL_COLOR, squareTexture=False,
                                 minFilter="LinearFilter")  # no mipmaps: the canvas is not a power of two
        sprite = p3.Sprite(material=p3.SpriteMaterial(map=texture, transparent=True, depthTest=False,
                                                      depthWrite=False),
                           name=name, position=tuple(map(float, at[0])),
                           scale=(height * label_aspect(text), height, 1.0), renderOrder=10)
        tracks.append(_position_track(name, self._times, at))
        self.labels.append(sprite)
        return [sprite]

    # --- controls ------------------------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        import ipywidgets as w

        last = self.num_frames - 1
        self.play = w.Play(value=0, min=0, max=last, step=1, interval=self._interval(1.0), repeat=True,
                           description="play", show_repeat=False)
        self.slider = w.IntSlider(value=0, min=0, max=last, description="frame", continuous_update=True,
                                  style={"description_width": "initial"},
                                  layout=w.Layout(flex="1 1 150px", min_width="150px"))
        self.speed = w.FloatSlider(value=1.0, min=0.1, max=4.0, step=0.1, description="speed", readout_format=".1f",
                                   style={"description_width": "initial"}, layout=w.Layout(width="190px"))
        self.loop = w.Checkbox(value=True, description="loop", indent=False, layout=w.Layout(width="60px"))
        self.time_label = w.Label(self._time_text(0), layout=w.Layout(min_width="105px"))
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
            name, caption = self.label_texts[m] or f"motion {m}", self.captions[m]
            title = caption if caption.startswith(name) else f"{name}: {caption}" if caption else name
            tl = TokenTimeline(codes, num_frames=len(self.joints[m]), width=self.width, label=title)
            self._links.append(w.jsdlink((self.slider, "value"), (tl.action, "time")))
            self.slider.observe(lambda ch, tl=tl: tl.show_frame(int(ch["new"])), names="value")
            tl.on_select(lambda step, slot, tl=tl: self._jump_to_step(tl, step))
            self.timelines.append(tl)

    def _jump_to_step(self, timeline, step: int) -> None:
        """A token clicked in a timeline: show the first frame that step covers."""
        self.frame = min(timeline.first_frame(step), self.num_frames - 1)

    def _caption_html(self) -> str:
        rows = []
        for m, cap in enumerate(self.captions):
            chip = MOTION_TINTS[m % len(MOTION_TINTS)] if m else "#555555"
            where = {"side_by_side": ["left", "centre", "right"][min(m, 2)] if len(self.captions) <= 3 else f"#{m}",
                     "overlay": "overlaid"}[self.layout] if len(self.captions) > 1 else ""
            text = cap or "(no caption)"
            name = f" <i>{html.escape(self.label_texts[m])}</i>" if self.label_texts[m] else ""
            rows.append(f'<div style="line-height:1.4"><span style="display:inline-block;width:10px;height:10px;'
                        f'background:{chip};margin-right:6px"></span><b>{m}</b>{name} {where} '
                        f'({len(self.joints[m])} frames): {html.escape(text)}</div>')
        return "".join(rows)

    def _assemble(self):
        import ipywidgets as w

        self.caption_box = w.HTML(self._caption_html())
        parts = [self.caption_box]
        if self.mesh_message:
            parts.append(w.HTML(f'<div style="color:#b35900">SMPL-X mesh view off: {html.escape(self.mesh_message)}</div>'))
        parts.append(self.renderer)
        parts.append(w.HBox([self.play, self.slider, self.speed, self.loop, self.time_label],
                            layout=w.Layout(flex_flow="row wrap", align_items="center", width=f"{self.width}px",
                                            max_width="100%")))
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
        return motion_figure(self.joints, captions=self.captions, frame=frame, layout=self.layout)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

