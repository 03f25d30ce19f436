"""`python -m being_kit.bench features`: frames per second of `features_from_joints` on one core.

Measures the vectorised implementation on a batch of clips (default 64 x 200 frames: the HumanML3D fixture motion
tiled and jittered, or a forward-kinematics motion where the fixtures are absent) against `reference_features`, a
re-implementation of HumanML3D's `process_file` in the reference's own structure (one clip at a time, numpy
vectorised over frames, Python loops over kinematic chains and bones, float64), run in the same process on fewer
clips. Both run single-threaded (OMP_NUM_THREADS=1 and threadpoolctl). Prints both rates and their ratio.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy is imported, when run as a script

import argparse  # noqa: E402
import contextlib  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.ndimage import gaussian_filter1d  # noqa: E402

from ..motion.features import FOOT_CONTACT_THRESHOLD, features_from_joints  # noqa: E402
from ..motion.kinematics import forward_kinematics  # noqa: E402
from ..motion.rotations import axis_angle_to_matrix, matrix_to_rot6d, quat_between, quat_conj, quat_mul, quat_rotate, quat_to_matrix  # noqa: E402
from ..motion.skeleton import FACE_JOINTS, FOOT_JOINTS_LEFT, FOOT_JOINTS_RIGHT, KINEMATIC_CHAINS, RAW_OFFSETS, TARGET_OFFSETS  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "humanml3d" / "new_joints" / "012314.npy"


def fk_motion(clips: int, frames: int, seed: int = 0) -> np.ndarray:
    """(clips, frames, 22, 3) smooth pseudo-motions by forward kinematics on the target skeleton, metres, y up.

    Each joint swings about a random axis with a random frequency (0.3-1.5 Hz) and amplitude (up to 0.5 rad); the
    root walks forward at up to 1.5 m/s while slowly turning. Test and benchmark data, not a plausible person.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 20.0
    axis = rng.normal(size=(clips, 1, 22, 3))
    axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
    freq = rng.uniform(0.3, 1.5, size=(clips, 1, 22, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(clips, 1, 22, 1))
    amp = rng.uniform(0.0, 0.5, size=(clips, 1, 22, 1))
    angle = amp * np.sin(2 * np.pi * freq * t[None, :, None, None] + phase)
    yaw = rng.uniform(-np.pi, np.pi, size=(clips, 1)) + rng.uniform(-0.5, 0.5, size=(clips, 1)) * t[None]
    aa = axis * angle
    aa[..., 0, :] = 0.0
    aa[..., 0, 1] = yaw  # root: turning about +y
    rotations = axis_angle_to_matrix(aa)
    speed = rng.uniform(0.0, 1.5, size=(clips, 1)) / 20.0
    step = np.stack([np.sin(yaw) * speed, np.zeros_like(yaw), np.cos(yaw) * speed], axis=-1)
    root = np.cumsum(step, axis=1) + np.array([0.0, 0.95, 0.0])
    return forward_kinematics(root, rotations, TARGET_OFFSETS.astype(np.float64)).astype(np.float32)


def bench_joints(clips: int, frames: int, seed: int = 0) -> np.ndarray:
    """(clips, frames, 22, 3) benchmark input: the fixture motion tiled with a little noise, else `fk_motion`."""
    if FIXTURE.is_file():
        base = np.load(FIXTURE)
        reps = -(-frames // len(base))
        clip = np.concatenate([base, base[::-1]] * reps, axis=0)[:frames]
        noise = np.random.default_rng(seed).normal(scale=0.002, size=(clips,) + clip.shape)
        return (clip[None] + noise).astype(np.float32)
    return fk_motion(clips, frames, seed)


# ---- reference-structured baseline: HumanML3D's process_file, one clip at a time --------------------------------


def _reference_ik(joints: np.ndarray, smooth_forward: bool) -> np.ndarray:
    """HumanML3D `Skeleton.inverse_kinematics_np`: (t, 22, 3) -> (t, 22, 4), loops over chains and bones."""
    r_hip, l_hip, sdr_r, sdr_l = FACE_JOINTS
    across = (joints[:, l_hip] - joints[:, r_hip]) + (joints[:, sdr_r] - joints[:, sdr_l])  # the reference's unpacking
    across = across / np.linalg.norm(across, axis=-1, keepdims=True)
    forward = np.cross(np.array([[0.0, 1.0, 0.0]]), across, axis=-1)
    if smooth_forward:
        forward = gaussian_filter1d(forward, 20, axis=0, mode="nearest")
    forward = forward / np.linalg.norm(forward, axis=-1, keepdims=True)
    root_quat = quat_between(forward, np.array([[0.0, 0.0, 1.0]]).repeat(len(forward), 0))
    root_quat[0] = (1.0, 0.0, 0.0, 0.0)
    quats = np.zeros(joints.shape[:-1] + (4,))
    quats[:, 0] = root_quat
    for chain in KINEMATIC_CHAINS:
        rot = root_quat
        for a, b in zip(chain[:-1], chain[1:]):
            u = RAW_OFFSETS[b][None].repeat(len(joints), 0).astype(np.float64)
            v = joints[:, b] - joints[:, a]
            v = v / np.linalg.norm(v, axis=-1, keepdims=True)
            local = quat_mul(quat_conj(rot), quat_between(u, v))
            quats[:, b] = local
            rot = quat_mul(rot, local)
    return quats


def _reference_fk(quats: np.ndarray, root: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """HumanML3D `Skeleton.forward_kinematics_np`."""
    joints = np.zeros(quats.shape[:-1] + (3,))
    joints[:, 0] = root
    for chain in KINEMATIC_CHAINS:
        rot = quats[:, 0]
        for a, b in zip(chain[:-1], chain[1:]):
            rot = quat_mul(rot, quats[:, b])
            joints[:, b] = quat_rotate(rot, np.broadcast_to(offsets[b], joints[:, b].shape)) + joints[:, a]
    return joints


def reference_features(positions: np.ndarray, feet_threshold: float = FOOT_CONTACT_THRESHOLD) -> np.ndarray:
    """One clip (t, 22, 3) -> (t-1, 263), following HumanML3D's `process_file` step by step (float64)."""
    positions = np.asarray(positions, dtype=np.float64)
    # uniform skeleton: IK, then FK on the target offsets, root path scaled by the leg-length ratio
    first = positions[0]
    src_leg = np.linalg.norm(first[5] - first[2]) + np.linalg.norm(first[8] - first[5])
    tgt_leg = np.abs(TARGET_OFFSETS[5]).max() + np.abs(TARGET_OFFSETS[8]).max()
    quats = _reference_ik(positions, smooth_forward=False)
    positions = _reference_fk(quats, positions[:, 0] * (tgt_leg / src_leg), TARGET_OFFSETS.astype(np.float64))
    positions[:, :, 1] -= positions.min(axis=0).min(axis=0)[1]  # floor
    root_init = positions[0]
    positions = positions - root_init[0] * np.array([1.0, 0.0, 1.0])  # xz at origin
    r_hip, l_hip, sdr_r, sdr_l = FACE_JOINTS
    across = (root_init[r_hip] - root_init[l_hip]) + (root_init[sdr_r] - root_init[sdr_l])
    across = across / np.linalg.norm(across)
    forward = np.cross(np.array([0.0, 1.0, 0.0]), across)
    forward = forward / np.linalg.norm(forward)
    face = quat_between(forward, np.array([0.0, 0.0, 1.0]))
    positions = quat_rotate(np.broadcast_to(face, positions.shape[:-1] + (4,)), positions)
    global_positions = positions.copy()
    # foot contacts
    contacts = []
    for fid in (FOOT_JOINTS_LEFT, FOOT_JOINTS_RIGHT):
        d = ((positions[1:, list(fid)] - positions[:-1, list(fid)]) ** 2).sum(-1)
        contacts.append((d < feet_threshold).astype(np.float32))
    # rotations (get_cont6d_params)
    quats = _reference_ik(positions, smooth_forward=True)
    cont6d = matrix_to_rot6d(quat_to_matrix(quats))
    r_rot = quats[:, 0].copy()
    velocity = quat_rotate(r_rot[1:], positions[1:, 0] - positions[:-1, 0])
    r_velocity = quat_mul(r_rot[1:], quat_conj(r_rot[:-1]))
    # rotation-invariant positions (get_rifke)
    positions[..., 0] -= positions[:, 0:1, 0]
    positions[..., 2] -= positions[:, 0:1, 2]
    positions = quat_rotate(np.repeat(r_rot[:, None], positions.shape[1], axis=1), positions)
    root_data = np.concatenate([np.arcsin(r_velocity[:, 2:3]), velocity[:, [0, 2]], positions[:-1, 0, 1:2]], axis=-1)
    local_vel = quat_rotate(np.repeat(r_rot[:-1, None], global_positions.shape[1], axis=1), global_positions[1:] - global_positions[:-1])
    data = [root_data, positions[:-1, 1:].reshape(len(positions) - 1, -1), cont6d[:-1, 1:].reshape(len(cont6d) - 1, -1)]
    data += [local_vel.reshape(len(local_vel), -1)] + contacts
    return np.concatenate(data, axis=-1)


# ---- measurement ------------------------------------------------------------------------------------------------


def _single_thread():
    try:
        from threadpoolctl import threadpool_limits

        return threadpool_limits(1)
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()


def _rate(fn, frames: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return frames / best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m being_kit.bench features", description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=64, help="clips in the batch")
    parser.add_argument("--frames", type=int, default=200, help="frames per clip (20 fps)")
    parser.add_argument("--baseline-clips", type=int, default=4, help="clips for the reference-structured baseline")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    joints = bench_joints(args.clips, args.frames)
    source = "fixture 012314, tiled" if FIXTURE.is_file() else "forward-kinematics motion"
    with _single_thread():
        features_from_joints(joints[:2])  # warm-up
        fast = _rate(lambda: features_from_joints(joints), args.clips * args.frames, args.repeat)
        few = joints[: args.baseline_clips]
        slow = _rate(lambda: [reference_features(c) for c in few], len(few) * args.frames, args.repeat)
    print(f"input: {args.clips} clips x {args.frames} frames ({source}), one thread")
    print(f"features_from_joints (batched, vectorised): {fast:,.0f} frames/s")
    print(f"reference-structured per-clip baseline ({len(few)} clips): {slow:,.0f} frames/s")
    print(f"speed-up: {fast / slow:.1f}x; target >= 100,000 frames/s: {'met' if fast >= 100_000 else 'NOT met'}")
    hours = 1_200_000 * 7.1 * 20 / fast / 3600  # MotionLib scale at HumanML3D's mean clip length (7.1 s)
    print(f"MotionLib scale (1.2M clips x 7.1 s): {hours:.2f} h on one core")
