"""being_kit.viz.player / timeline: the scene graph, keyframe tracks and controls, inspected without a browser."""
import subprocess
import sys

import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.motion.features import features_from_joints
from being_kit.viz.player import (MotionPlayer, PlayerConfig, auto_width, bone_transforms, default_labels,
                                  fit_camera, layout_offsets)
from being_kit.viz.pose_cues import facing_directions, head_positions
from being_kit.viz.style import BONES, JOINT_PART, PART_COLORS
from being_kit.viz.timeline import TokenTimeline, code_colors


def test_importing_viz_loads_no_widget_library_and_no_torch():
    code = ("import sys, being_kit.viz as v; v.__all__; "
            "bad = [m for m in ('pythreejs', 'ipywidgets', 'torch', 'matplotlib') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out


def test_scene_graph_of_two_motions():
    a, _, _ = fk_motion(30, seed=0)
    b, _, _ = fk_motion(20, seed=1)
    p = MotionPlayer([a, b], captions=["walk", "recon"], fps=20)
    assert len(p.bone_meshes) == 2 and all(len(m) == 21 for m in p.bone_meshes)
    assert all(len(m) == 22 for m in p.joint_meshes)
    # bones: position, quaternion, scale; joints: position; head, nose: position; arrow shaft and tip: position,
    # quaternion; label: position
    assert len(p.clip.tracks) == 2 * (21 * 3 + 22 + 2 + 4 + 1)
    assert p.clip.duration == 29  # track time unit: frames; the longer motion sets the clip
    for track in p.clip.tracks:
        assert len(track.times) == 30
        width = 4 if track.name.endswith("quaternion") else 3
        assert len(track.values) == 30 * width
    assert p.duration == pytest.approx(29 / 20)
    assert p.slider.max == 29 and p.play.max == 29 and p.play.interval == 50
    names = {m.name for ms in p.bone_meshes + p.joint_meshes for m in ms}
    names |= {o.name for o in p.heads + p.noses + [x for a in p.arrows for x in a] + p.labels}
    assert all(t.name.rsplit(".", 1)[0] in names for t in p.clip.tracks)
    assert {o.name for o in p.root.children} >= names  # the mixer binds tracks by name under its root


def test_lights_reach_every_side_and_log_no_browser_error():
    """A hemisphere light and directional lights from several sides, all in the Scene; each DirectionalLight has an
    explicit shadow model: left "uninitialized", the browser logs "Error setting state: t.on is not a function"."""
    import pythreejs as p3

    a, _, _ = fk_motion(20)
    p = MotionPlayer(a)
    lights = [c for c in p.scene.children if isinstance(c, p3.Light)]
    assert lights == p.lights and any(isinstance(x, p3.HemisphereLight) for x in lights)
    directional = [x for x in lights if isinstance(x, p3.DirectionalLight)]
    assert len(directional) >= 3
    assert all(isinstance(x.shadow, p3.DirectionalLightShadow) for x in directional)
    centre = np.array(p.controls.target)
    azimuths = sorted(np.degrees(np.arctan2(x.position[0] - centre[0], x.position[2] - centre[2])) for x in directional)
    gaps = np.diff(azimuths + [azimuths[0] + 360])
    assert gaps.max() < 180, f"every light on one side: azimuths {azimuths}"  # some light reaches the back
    assert all(not getattr(c, "children", ()) for c in p.scene.children if isinstance(c, p3.PerspectiveCamera))
    mats = {m.material for ms in p.bone_meshes for m in ms}
    assert all(m.metalness == 0 for m in mats)  # pythreejs's default 0.5 leaves the unlit side black


def test_labels_head_and_facing_arrow_follow_the_body():
    import pythreejs as p3

    a, _, _ = fk_motion(30, seed=0)
    b, _, _ = fk_motion(30, seed=1)
    p = MotionPlayer([a, b], captions=["original: a man walks", "reconstruction"])
    assert p.label_texts == ["original", "reconstruction"]
    tracks = {t.name: np.asarray(t.values).reshape(30, -1) for t in p.clip.tracks}
    for m, joints in enumerate((a, b)):
        placed = joints + p.offsets[m]
        sprite = p.labels[m]
        assert isinstance(sprite, p3.Sprite) and sprite.material.map.string == p.label_texts[m]
        assert sprite.material.depthTest is False and sprite.material.transparent
        label = tracks[f"m{m}_label.position"]
        assert np.allclose(label[:, [0, 2]], placed[:, 0, [0, 2]], atol=1e-5)  # over the pelvis
        assert (label[:, 1] > placed[..., 1].max()).all()  # above the head
        centre, nose = head_positions(placed, nose_out=1.0)
        assert np.allclose(tracks[f"m{m}_head.position"], centre, atol=1e-5)
        assert np.allclose(tracks[f"m{m}_nose.position"], nose, atol=1e-5)
        tip = tracks[f"m{m}_arrow_head.position"]
        ahead = tip - np.stack([placed[:, 0, 0], tip[:, 1], placed[:, 0, 2]], -1)
        assert np.allclose(ahead / np.linalg.norm(ahead, axis=-1, keepdims=True), facing_directions(placed), atol=1e-4)
        x, y, z, w = tracks[f"m{m}_arrow_head.quaternion"][7]  # the cone's +y axis turned onto the facing
        u, v = np.array([x, y, z]), np.array([0.0, 1.0, 0.0])
        assert np.allclose(v + 2 * np.cross(u, np.cross(u, v) + w * v), facing_directions(placed)[7], atol=1e-4)
    assert p.heads[0].geometry.radius > 2 * p.config.joint_radius
    assert MotionPlayer(a).labels == [None]  # one motion: its caption row names it
    assert MotionPlayer([a, b], labels=["", "edited"]).labels[0] is None


@pytest.mark.parametrize("aspect", [720 / 420, 1200 / 420])
def test_the_camera_fits_the_motions_tightly_and_centred(aspect):
    rng = np.random.default_rng(0)
    points = rng.uniform([-2, 0, -1], [2, 2.2, 3], size=(500, 3))
    direction = np.array([0.3, 0.35, 0.95])
    target, d = fit_camera(points, direction, aspect, fov=40, margin=0.9)
    back = direction / np.linalg.norm(direction)
    right = np.cross([0, 1, 0], back)
    right /= np.linalg.norm(right)
    up = np.cross(back, right)
    rel = points - target
    depth = d - rel @ back
    sx, sy = (rel @ right) / depth / aspect, (rel @ up) / depth  # in units of the vertical half-angle's tangent
    tan = np.tan(np.radians(20)) * 0.9
    assert np.abs(sx).max() <= tan + 1e-6 and np.abs(sy).max() <= tan + 1e-6  # everything in view
    assert max(np.abs(sx).max(), np.abs(sy).max()) > 0.97 * tan  # and no farther than needed
    assert abs(sx.max() + sx.min()) < 0.05 * tan and abs(sy.max() + sy.min()) < 0.05 * tan  # centred


def test_default_labels_are_short():
    caps = ["original: a person walks forward and waves", "sample 1", "", "a very long caption that goes on and on"]
    assert default_labels(caps, "side_by_side") == ["original", "sample 1", "motion 2", "a very long caption that..."]
    assert default_labels(["a caption"], "overlay") == [""]


def test_width_follows_the_number_of_motions_and_the_controls_wrap():
    a, _, _ = fk_motion(20)
    assert auto_width(1) == 720 and auto_width(3) == 1080 and auto_width(6) == 1200 and auto_width(4, "overlay") == 720
    p = MotionPlayer([a, a, a], tokens=[np.arange(5)] * 3)
    assert p.width == 1080 and p.renderer.width == 1080 and all(tl.renderer.width == 1080 for tl in p.timelines)
    assert MotionPlayer(a, config=PlayerConfig(width=500)).renderer.width == 500
    row = p.widget.children[2]
    assert row.layout.flex_flow == "row wrap" and p.slider.layout.flex.startswith("1 ")
    assert p.speed.style.description_width == "initial" and p.speed.layout.width.endswith("px")


def test_tracks_hold_the_motion():
    joints, _, _ = fk_motion(25, seed=2)
    p = MotionPlayer(joints)
    off = p.offsets[0]
    tracks = {t.name: np.asarray(t.values).reshape(25, -1) for t in p.clip.tracks}
    assert np.allclose(tracks["m0_joint20.position"], joints[:, 20] + off, atol=1e-5)
    # bone 'b' turns a unit +y cylinder onto the bone: rotate +y by its quaternion, scale by its length
    mid, quat, length = bone_transforms(joints)
    b = 10
    x, y, z, w = quat[7, b]
    v = np.array([0.0, 1.0, 0.0])
    u = np.array([x, y, z])
    rotated = v + 2 * np.cross(u, np.cross(u, v) + w * v)
    p_, c_ = BONES[b]
    assert np.allclose(rotated * length[7, b], joints[7, c_] - joints[7, p_], atol=1e-4)
    assert np.allclose(mid[7, b], (joints[7, c_] + joints[7, p_]) / 2)


def test_side_by_side_keeps_motions_apart_and_overlay_stacks_them():
    a, _, _ = fk_motion(20, seed=0)
    off = layout_offsets([a, a], "side_by_side", gap=0.5)
    xa = a[..., 0] + off[0, 0]
    xb = a[..., 0] + off[1, 0]
    assert xb.min() - xa.max() == pytest.approx(0.5, abs=1e-4)
    over = layout_offsets([a, a], "overlay", gap=0.5)
    assert np.allclose(over[0], over[1])
    with pytest.raises(ValueError, match="layout"):
        layout_offsets([a], "grid", 0.5)


def test_features_are_converted_and_colours_follow_body_parts():
    joints, _, _ = fk_motion(21)
    p = MotionPlayer(features_from_joints(joints), fps=20)
    assert p.num_frames == 20
    for (parent, child), mesh in zip(BONES, p.bone_meshes[0]):
        assert mesh.material.color.lower() == PART_COLORS[JOINT_PART[child]].lower()


def test_controls_are_linked_in_the_browser_and_speed_changes_interval():
    joints, _, _ = fk_motion(20)
    p = MotionPlayer(joints, fps=20)
    pairs = {(l.source[0].__class__.__name__, l.source[1], l.target[0].__class__.__name__, l.target[1])
             for l in p._links}
    assert ("Play", "value", "IntSlider", "value") in pairs
    assert ("IntSlider", "value", "AnimationAction", "time") in pairs
    assert p.action.timeScale == 0.0
    p.speed.value = 2.0
    assert p.play.interval == 25
    p.frame = 10
    assert p.slider.value == 10 and "0.50 s" in p.time_label.value
    with pytest.raises(ValueError, match="frame"):
        p.frame = 20


def test_token_timeline_follows_the_frames():
    joints, _, _ = fk_motion(40)
    codes = np.arange(10) % 4
    p = MotionPlayer(joints, tokens=codes)
    (tl,) = p.timelines
    assert tl.frames_per_step == 4 and tl.step_at(0) == 0 and tl.step_at(39) == 9 and tl.step_at(13) == 3
    assert len(tl.track.times) == 40 and tl.clip.duration == 39
    cursor_x = np.asarray(tl.track.values).reshape(40, 3)[:, 0]
    assert cursor_x[13] == 3.5
    p.frame = 13
    assert "step 3" in tl.label.value and "<code>3</code>" in tl.label.value


def test_clicking_a_token_selects_it_and_the_player_jumps_there():
    joints, _, _ = fk_motion(40)
    codes = np.stack([np.arange(10), np.arange(10) + 20], -1)  # 10 steps x 2 tokens
    p = MotionPlayer(joints, tokens=codes)
    (tl,) = p.timelines
    seen = []
    tl.on_select(lambda step, slot: seen.append((step, slot)))
    assert tl.cell_at(0.0, 0.99) == (0, 0) and tl.cell_at(0.999, 0.01) == (9, 1) and tl.cell_at(0.35, 0.3) == (3, 1)
    with tl.picker.hold_trait_notifications():  # what the browser sends on a click: one message, several traits
        tl.picker.object, tl.picker.point = tl.strip, (3.5, 0.3, 0.0)
        tl.picker.uv = (0.35, 0.3)
    assert tl.selected == (3, 1) and seen == [(3, 1)]
    assert p.frame == 12 and tl.step_at(p.frame) == 3  # the first frame of step 3
    assert tl.selection.visible and tl.selection.position == (3.0, 0.0, 0.0)
    assert "selected: step 3, token 1 = <code>23</code>" in tl.label.value
    with tl.picker.hold_trait_notifications():  # a click beside the strip picks nothing
        tl.picker.object = None
        tl.picker.uv = (0.9, 0.9)
    assert tl.selected == (3, 1) and len(seen) == 1
    with pytest.raises(ValueError, match="step"):
        tl.select(10, 0)


def test_code_colors_are_stable_and_mask_is_grey():
    codes = np.array([[3, -1], [3, 7]])
    img = code_colors(codes)
    assert img.shape == (2, 2, 3)
    assert (img[0, 0] == img[0, 1]).all() and not (img[0, 0] == img[1, 1]).all()
    assert (img[1, 0] == 200).all()
    with pytest.raises(ValueError, match="codes"):
        TokenTimeline(np.zeros((0, 2)), num_frames=4)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="motion"):
        MotionPlayer(np.zeros((10, 7)))
    joints, _, _ = fk_motion(10)
    with pytest.raises(ValueError, match="captions"):
        MotionPlayer([joints, joints], captions=["one"])
    with pytest.raises(ValueError, match="width"):
        PlayerConfig(width=10)


def test_mesh_mode_without_files_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("BEING_KIT_SMPLX_DIR", raising=False)
    joints, _, _ = fk_motion(10)
    p = MotionPlayer(joints, mesh=True)
    assert "BEING_KIT_SMPLX_DIR" in p.mesh_message and len(p.bone_meshes[0]) == 21  # skeleton still there
    p = MotionPlayer(joints, body_model_dir=str(tmp_path))
    assert "SMPLX_NEUTRAL.npz" in p.mesh_message and str(tmp_path) in p.mesh_message
    assert "SMPL-X mesh view off" in p.widget.children[1].value
