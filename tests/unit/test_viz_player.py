"""being_kit.viz.player / timeline: the scene graph, keyframe tracks and controls, inspected without a browser."""
import subprocess
import sys

import numpy as np
import pytest
from viz_motions import fk_motion

from being_kit.motion.features import features_from_joints
from being_kit.viz.player import MotionPlayer, PlayerConfig, bone_transforms, layout_offsets
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
    assert len(p.clip.tracks) == 2 * (21 * 3 + 22)  # bones: position, quaternion, scale; joints: position
    assert p.clip.duration == 29  # track time unit: frames; the longer motion sets the clip
    for track in p.clip.tracks:
        assert len(track.times) == 30
        width = 4 if track.name.endswith("quaternion") else 3
        assert len(track.values) == 30 * width
    assert p.duration == pytest.approx(29 / 20)
    assert p.slider.max == 29 and p.play.max == 29 and p.play.interval == 50
    names = {m.name for ms in p.bone_meshes + p.joint_meshes for m in ms}
    assert all(t.name.rsplit(".", 1)[0] in names for t in p.clip.tracks)
    # lights are in the scene: as children of the camera they log "t.on is not a function" in the browser
    kinds = [type(c).__name__ for c in p.scene.children]
    assert "AmbientLight" in kinds and "DirectionalLight" in kinds
    assert all(not getattr(c, "children", ()) for c in p.scene.children if type(c).__name__ == "PerspectiveCamera")


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
