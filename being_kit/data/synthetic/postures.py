"""Whole-body families with the legs doing the work: squat, lunge, kneel, sit on the floor, jump, hop, kick,
jumping jacks, balance on one leg.

Where both feet stay planted while the body lowers (squat, lunge, kneel, sitting), the legs come from two-link inverse
kinematics (`pose.leg_ik`) on fixed foot targets, so neither foot slides. Programs are written for the left side
(`params["side"]`: the leading, kneeling, hopping, kicking or standing leg) and mirrored by the generator.
"""
from __future__ import annotations

import numpy as np

from ...motion.skeleton import BONE_LENGTHS
from .pose import (DEG, FOOT, FOOT_PITCH_REST, HIP_OFFSET, LEG, STAND_HEIGHT, STANCE_SET_BACK, THIGH, Clip, J,
                   ankle_from_toe, bump, envelope, hold, leg_ik, mirror_clip, smoothstep, times)

ANKLE_HEIGHT = FOOT * np.sin(FOOT_PITCH_REST)
TOE_FORWARD = FOOT * np.cos(FOOT_PITCH_REST)
G = 9.81
FOOT_LENGTH = {s: float(BONE_LENGTHS[J[f"{s}_foot"]]) for s in ("left", "right")}
LOW_HIP = min(up for up, _ in HIP_OFFSET.values())  # the lower hip joint below the pelvis (metres, negative)


def _planted(clip: Clip, pelvis_z, pelvis_y, pitch, left_ankle, right_ankle, left_pitch, right_pitch) -> None:
    """Both legs by IK: pelvis at (pelvis_z, pelvis_y) and ankles at (z, y) pairs, world sagittal coordinates.
    pelvis_y is the lower hip joint's height: the rest skeleton's left hip sits 1 cm above its right one, and
    reaching both ankles from one hip height left the left foot floating 1 cm (then the anchor on the right foot
    dragged it as that foot stepped). The right foot is 6 mm longer: its ankle is raised so both toes touch.
    Ankles at z = pelvis_z stand where the rest pose's do, STANCE_SET_BACK behind the pelvis."""
    for side, (az, ay), fp in (("left", left_ankle, left_pitch), ("right", right_ankle, right_pitch)):
        hip_y = pelvis_y + HIP_OFFSET[side][0] - LOW_HIP
        toe_level = (FOOT_LENGTH[side] - FOOT) * np.sin(fp)  # targets assume the left foot's length
        leg_ik(clip, side, np.asarray(az) - pelvis_z - STANCE_SET_BACK, np.asarray(ay) + toe_level - hip_y, fp, pitch)
    clip.add("pelvis", "x", pitch)


def squat(rng, frames: int) -> Clip:
    """Squat down and up: 1-4 quick repetitions, or one squat held at the bottom; feet side by side, or (a third of
    the time) the low crouch real people fall into, one foot stepped back with its knee near the floor, often
    turning the body as that foot steps (`_crouch`). Arms forwards for balance, low between the knees, or on them."""
    if rng.random() < CROUCH_SHARE:
        return _crouch(rng, frames)
    held = bool(rng.random() < 0.35)
    reps = 1 if held else int(rng.integers(1, 5))
    depth = rng.uniform(0.25, 0.5)
    clip = Clip.empty("squat", frames, side="both", repetitions=reps, depth=round(depth, 2),
                      deep=bool(depth > 0.38))
    if held:
        dur = frames / 20
        s = hold(frames, 0.05 * dur, 0.95 * dur, min(rng.uniform(0.6, 1.2), dur / 3))
    else:
        u = np.clip(times(frames) / (frames / 20), 0, 1) * reps
        s = bump(u % 1.0) * envelope(frames, 0.2)
    lean = (45 * depth / 0.45 + rng.uniform(-10, 15)) * DEG
    ankle = (np.zeros(frames), np.full(frames, ANKLE_HEIGHT))
    _planted(clip, -0.3 * depth * s, STAND_HEIGHT - depth * s, lean * s, ankle, ankle,
             FOOT_PITCH_REST, FOOT_PITCH_REST)
    _squat_arms(clip, rng, s, lean)
    return clip


# The real squat take (mocap_clips/mocapbank_squat.bvh) is a crouch: its right foot steps back and out while the
# body turns 50 degrees the other way, towards the planted foot, over the 1.5 s of the step and the descent. The
# tokenizers trained on a corpus where 0.6 x 0.3 of squats turned, either way, in the 0.5-0.8 s of the foot's
# travel reproduced 3-31 degrees of that turn (run 20261205-073958-cpu), and the missing turn was two thirds of
# their excess error on it.
CROUCH_SHARE = 0.45  # of squats: the one-knee-low crouch of `_crouch` (0.3 before 2026-12-05)
TURN_SHARE = 0.8  # of crouches and kneels: the body turns as the foot steps (0.6 before 2026-12-05)
TURN_DEG = (20.0, 55.0)  # range of the turn over a descent of TURN_FULL_S or longer (15-50 before 2026-12-05)
TURN_FULL_S = 1.6  # a quicker descent turns proportionally less (2.0 before 2026-12-05)
TURN_AWAY = 0.75  # of crouch turns: towards the planted foot, away from the stepping one, as the real take turned
# At the bottom of the take the torso leans ~65 degrees (head 0.55 m ahead of the pelvis and only 0.28 m above it),
# the hands hang to 0.25 m over the floor, and the rear knee rests at 0.12 m with its shin rising behind it (ankle
# 0.32 m, toes 0.17 m up: the foot is off the floor). The crouch leant 25-50 degrees with the rear foot always on its
# toes (head 0.35-0.48 m over the pelvis, rear ankle 0.38-0.48 m below it, against 0.20 m in the take).
CROUCH_LEAN_DEG = (30.0, 70.0)  # forward lean of the torso at the bottom (25-50 before 2026-12-05)
SHIN_LIFT_SHARE = 0.5  # of crouches: the rear knee settles on the floor and the shin rises off it (never before)
KNEE_ON_FLOOR = 0.1  # height of the knee joint resting on the floor, metres (the take: 0.12)


def _squat_arms(clip: Clip, rng, s: np.ndarray, lean: float) -> None:
    """Arms in a squat or crouch: straight forwards for balance, hanging low between the knees, or hands on the
    knees; an arm's zero hangs along the torso, so the leaned torso's `lean` is added to reach the world's down."""
    style = rng.choice(["forward", "low", "knees"], p=[0.45, 0.3, 0.25])
    for side in ("left", "right"):
        if style == "forward":
            flex, elbow = rng.uniform(65, 95) * DEG, rng.uniform(0, 20) * DEG
        elif style == "low":
            flex, elbow = lean + rng.uniform(0, 30) * DEG, rng.uniform(5, 40) * DEG
        else:
            flex, elbow = lean + rng.uniform(25, 50) * DEG, rng.uniform(20, 60) * DEG
        clip.add(f"{side}_shoulder", "x", -flex * s).add(f"{side}_elbow", "x", -elbow * s)
    clip.add("neck", "x", -0.35 * lean * s)  # the eyes stay on the room, not the floor
    clip.params["arms"] = str(style)


def _crouch(rng, frames: int) -> Clip:
    """A low crouch held a while: the right foot steps back onto its toes and its knee sinks near the floor (half
    the time it rests there and the shin rises off the floor behind it), the torso leans well forward, hands low
    in front; the body often turns as the foot steps (the front foot pivots in place, the stepping foot is in the
    air, so neither slides). Mirrored half of the time."""
    dur = frames / 20
    clip = Clip.empty("squat", frames, side="both", repetitions=1, depth=0.45, deep=True)
    ramp = min(rng.uniform(1.4, 2.2), dur / 3)
    u = hold(frames, 0.05 * dur, 0.95 * dur, ramp)
    knee = rng.uniform(0.02, 0.14)  # rear knee above the floor at the bottom
    lean = rng.uniform(*CROUCH_LEAN_DEG) * DEG
    pelvis_z = TOE_FORWARD + rng.uniform(0.25, 0.4)
    shin_lift = rng.uniform(15, 40) * DEG if rng.random() < SHIN_LIFT_SHARE else None
    _step_down(clip, u, pelvis_z + rng.uniform(0.22, 0.35), pelvis_z, STAND_HEIGHT - 0.003 - (THIGH + knee),
               rng.uniform(45, 65) * DEG, lean, step_back=True, rear_shin_lift=shin_lift)
    _squat_arms(clip, rng, smoothstep(u), lean)
    _turn_on_step(clip, rng, u, ramp, away=1.0)  # the right foot steps back: turning left faces the planted foot
    clip.params.update(crouch=True, lean_deg=round(float(lean / DEG)),
                       shin_lift_deg=None if shin_lift is None else round(float(shin_lift / DEG)))
    return mirror_legs(clip) if rng.random() < 0.5 else clip


def _turn_on_step(clip: Clip, rng, u: np.ndarray, ramp_s: float, away: float | None = None) -> None:
    """Some of the time, turn the body while the stepping foot is in the air (u in (0, 0.5), see `_step_down`)
    and turn back as it steps in again: the planted foot pivots on its toes, nothing slides. A quick step (ramp_s,
    the seconds of the way down) turns less (full range at TURN_FULL_S). away: the turn's sign (+1 turns left) that
    points away from the stepping foot, taken with probability TURN_AWAY; None: either way alike."""
    if rng.random() >= TURN_SHARE:
        return
    sign = float(rng.choice([-1.0, 1.0])) if away is None else away * (1.0 if rng.random() < TURN_AWAY else -1.0)
    turn = sign * rng.uniform(*TURN_DEG) * min(1.0, ramp_s / TURN_FULL_S) * DEG
    # over the whole flight of the foot, ending just before it lands (its lift is 1 mm at u = 0.48)
    clip.yaw = clip.yaw + turn * smoothstep((u - 0.03) / 0.45)
    clip.params["turn_deg"] = round(float(turn / DEG), 1)


def _step_down(clip: Clip, u: np.ndarray, front_z: float, pelvis_z: float, drop: float, rear_pitch: float,
               lean: float, step_back: bool = False, rear_shin_lift: float | None = None) -> None:
    """Left foot steps forward to front_z while the pelvis moves to (pelvis_z, stand - drop); right toe planted.
    step_back: the same pose reached the other way, the left foot planted at front_z and the right foot stepping
    back from beside it (the root travels backwards). The step takes u in [0, 0.5]; the body lowers over [0, 1].
    rear_shin_lift: after the step (u in [0.5, 1]) the rear knee settles on the floor and the shin rises behind it
    at this angle over the horizontal (radians), lifting the foot, toes hanging; None: the toes stay planted."""
    s = smoothstep(u)
    # the foot rises before it travels and has stopped travelling before it lands: while the body lowers every
    # joint rises relative to the root, so the grounding cannot tell a landing foot from a planted one by height
    step = smoothstep((u - 0.05) / 0.35)
    lift = 0.08 * bump(u / 0.5)
    rear_pitch_t = FOOT_PITCH_REST + (rear_pitch - FOOT_PITCH_REST) * s
    if step_back:
        front = (np.full_like(u, front_z), np.full_like(u, ANKLE_HEIGHT))
        rear = ankle_from_toe(TOE_FORWARD + front_z * (1 - step), lift, rear_pitch_t)
        pelvis = front_z + (pelvis_z - front_z) * s
    else:
        front = (front_z * step, ANKLE_HEIGHT + lift)
        rear = ankle_from_toe(TOE_FORWARD, 0.0, rear_pitch_t)
        pelvis = pelvis_z * s
    pelvis_y = STAND_HEIGHT - 0.003 - drop * s
    if rear_shin_lift is not None:
        w = smoothstep((u - 0.5) / 0.5)
        knee_z, knee_y = _knee_on_floor(pelvis, pelvis_y, lean * s, "right")
        shin = LEG["right"][1]
        raised = (knee_z - shin * np.cos(rear_shin_lift), knee_y + shin * np.sin(rear_shin_lift))
        rear = tuple((1 - w) * a + w * b for a, b in zip(rear, raised))
        rear_pitch_t = rear_pitch_t + (HANGING_TOE_PITCH - rear_pitch_t) * w
    _planted(clip, pelvis, pelvis_y, lean * s, front, rear, FOOT_PITCH_REST, rear_pitch_t)


HANGING_TOE_PITCH = 85 * DEG  # a foot hanging off a raised shin points its toes at the floor


def _knee_on_floor(pelvis_z, pelvis_y, pitch, side: str) -> tuple[np.ndarray, np.ndarray]:
    """(z, y) of a knee resting on the floor (KNEE_ON_FLOOR high) behind the hip joint that `_planted` places for
    these pelvis arguments (pelvis_y: the lower hip's height with the pelvis upright; pitch: forward lean), or
    straight below it where the thigh cannot reach down that far."""
    up, fwd = HIP_OFFSET[side]
    c, s = np.cos(pitch), np.sin(pitch)
    hip_z = np.asarray(pelvis_z) + STANCE_SET_BACK + up * s + fwd * c - fwd  # as `_planted` and `leg_ik` place it
    hip_y = np.asarray(pelvis_y) - LOW_HIP + up * c - fwd * s
    thigh = LEG[side][0]
    drop = np.minimum(hip_y - KNEE_ON_FLOOR, thigh)
    return hip_z - np.sqrt(np.maximum(thigh**2 - drop**2, 0.0)), hip_y - drop


def lunge(rng, frames: int) -> Clip:
    """Step forwards with the left leg into a lunge, then step back."""
    drop = rng.uniform(0.18, 0.3)
    clip = Clip.empty("lunge", frames, side="left", depth=round(drop, 2))
    dur = frames / 20
    u = hold(frames, 0.05 * dur, 0.95 * dur, 0.38 * dur)
    _step_down(clip, u, rng.uniform(0.62, 0.72), 0.3, drop, 45 * DEG, 5 * DEG)
    return clip


def kneel(rng, frames: int) -> Clip:
    """Kneel down on the left knee (right foot forwards), stay, stand back up; upright or leaning forward, arms
    hanging or a hand on the front knee, often turning as the foot steps (`_turn_on_step`)."""
    clip = Clip.empty("kneel", frames, side="left")
    dur = frames / 20
    u = hold(frames, 0.05 * dur, 0.95 * dur, 0.35 * dur)
    pelvis_z = TOE_FORWARD + 0.352
    lean = rng.uniform(0, 30) * DEG if rng.random() < 0.6 else 0.0
    _step_down(clip, u, pelvis_z + 0.3, pelvis_z, STAND_HEIGHT - 0.003 - (THIGH + 0.045), 60 * DEG, lean)
    s = smoothstep(u)
    if rng.random() < 0.5:  # the front (left, before mirroring) hand rests on the front knee
        clip.add("left_shoulder", "x", -(lean + rng.uniform(30, 50) * DEG) * s)
        clip.add("left_elbow", "x", -rng.uniform(30, 60) * DEG * s)
    clip.add("neck", "x", -0.35 * lean * s)
    _turn_on_step(clip, rng, u, 0.35 * dur)
    return mirror_legs(clip)


def mirror_legs(clip: Clip) -> Clip:
    """Swap which leg leads: `_step_down` puts the left foot forwards, kneeling on the left knee needs the right."""
    out = mirror_clip(clip)
    out.params = dict(clip.params)
    return out


def sit_floor(rng, frames: int) -> Clip:
    """Sit down on the floor (through a squat, knees up), stay a moment, and stand back up."""
    clip = Clip.empty("sit_floor", frames, side="both")
    dur = frames / 20
    u = hold(frames, 0.05 * dur, 0.95 * dur, 0.4 * dur)
    s1, s2 = smoothstep(2 * u), smoothstep(2 * u - 1)
    ankle = (np.zeros(frames), np.full(frames, ANKLE_HEIGHT))
    _planted(clip, -0.12 * s1 - 0.3 * s2, STAND_HEIGHT - 0.003 - (STAND_HEIGHT - 0.45) * s1 - 0.35 * s2,
             (30 * s1 - 40 * s2) * DEG, ankle, ankle, FOOT_PITCH_REST, FOOT_PITCH_REST)
    clip.add("left_shoulder", "x", -50 * DEG * s1).add("right_shoulder", "x", -50 * DEG * s1)
    return clip


def _flights(frames: int, starts: list[float], flight: float) -> np.ndarray:
    """Ballistic lift (metres) for flights of `flight` seconds starting at `starts` (seconds)."""
    t = times(frames)
    lift = np.zeros(frames)
    for t0 in starts:
        s = (t - t0) / flight
        lift += np.where((s > 0) & (s < 1), 0.5 * G * (t - t0) * (flight - (t - t0)), 0.0)
    return lift


def jump(rng, frames: int) -> Clip:
    """Jump (in place or forwards) 1-3 times: crouch, take off with an arm swing, land softly."""
    height = rng.uniform(0.08, 0.25)
    forward = bool(rng.random() < 0.5)
    flight = 2 * np.sqrt(2 * height / G)
    dur = frames / 20
    per = 0.9 + flight
    reps = int(max(1, min(int(rng.integers(1, 4)), (dur - 0.3) // per)))
    clip = Clip.empty("jump", frames, side="both", repetitions=reps, forward=forward, height=round(height, 2))
    t = times(frames)
    start = (dur - reps * per) / 2
    crouch = np.zeros(frames)
    takeoffs = []
    for k in range(reps):
        t0 = start + k * per + 0.45
        takeoffs.append(t0)
        crouch += bump((t - (t0 - 0.45)) / 0.45) + 0.8 * bump((t - t0 - flight) / 0.45)
    air = _flights(frames, takeoffs, flight)
    ankle = (np.zeros(frames), np.full(frames, ANKLE_HEIGHT))
    _planted(clip, -0.08 * crouch, STAND_HEIGHT - 0.003 - 0.22 * crouch, 25 * DEG * crouch, ankle, ankle,
             FOOT_PITCH_REST, FOOT_PITCH_REST)
    in_air = air > 0
    up = sum(bump((t - t0 + 0.25) / (flight + 0.5)) for t0 in takeoffs)  # arms and toes lead the flight
    clip.add("left_ankle", "x", 20 * DEG * up).add("right_ankle", "x", 20 * DEG * up)
    swing = 40 * DEG * crouch - 110 * DEG * up
    clip.add("left_shoulder", "x", swing).add("right_shoulder", "x", swing)
    clip.lift = air
    if forward:
        clip.push = np.where(in_air, rng.uniform(0.4, 0.9) / (flight * 20), 0.0)
    return clip


def hop(rng, frames: int) -> Clip:
    """Hop on the left leg (the right foot held up behind), 2-8 hops."""
    period = rng.uniform(0.5, 0.65)
    flight = 0.45 * period
    dur = frames / 20
    raised = hold(frames, 0.0, dur, min(0.4, dur / 4))
    t = times(frames)
    starts = list(np.arange(0.5, dur - 0.5 - period, period))
    clip = Clip.empty("hop", frames, side="left", hops=len(starts))
    clip.add("right_hip", "x", -25 * DEG * raised).add("right_knee", "x", 85 * DEG * raised)
    clip.add("right_ankle", "x", -65 * DEG * raised)  # toes up as the foot leaves the floor: it does not scuff back
    clip.add("left_shoulder", "z", 30 * DEG * raised).add("right_shoulder", "z", -30 * DEG * raised)
    air = _flights(frames, starts, flight)
    crouch = sum(bump((t - s0 - flight + 0.05) / (period - flight + 0.1)) for s0 in starts) if starts else 0 * t
    clip.add("left_hip", "x", -25 * DEG * crouch).add("left_knee", "x", 45 * DEG * crouch)
    clip.add("left_ankle", "x", -20 * DEG * crouch + 20 * DEG * np.sqrt(air / max(air.max(), 1e-6)))
    clip.lift = air
    clip.push = np.where(air > 0, rng.uniform(0.0, 0.3) / (flight * 20), 0.0)
    return clip


def kick(rng, frames: int) -> Clip:
    """Kick forwards with the left leg 1-3 times: chamber the knee, snap the leg out, bring it back down."""
    dur = frames / 20
    reps = int(max(1, min(int(rng.integers(1, 4)), dur // 1.1)))
    height = rng.uniform(60 * DEG, 90 * DEG)
    clip = Clip.empty("kick", frames, side="left", repetitions=reps, high=bool(height > 80 * DEG))
    t = times(frames)
    span = (dur - 0.4) / reps
    chamber = sum(bump((t - 0.2 - k * span) / span) for k in range(reps))
    snap = sum(bump((t - 0.2 - k * span - 0.3 * span) / (0.4 * span)) for k in range(reps))
    clip.add("left_hip", "x", -(0.7 * chamber + 0.3 * snap) * height)
    clip.add("left_knee", "x", 95 * DEG * np.clip(chamber - 1.1 * snap, 0, None))
    clip.add("left_ankle", "x", 20 * DEG * snap)
    guard = envelope(frames, 0.3)
    clip.add("left_shoulder", "z", 20 * DEG * guard).add("right_shoulder", "z", -20 * DEG * guard)
    clip.add("right_knee", "x", 10 * DEG * guard).add("right_hip", "x", -5 * DEG * guard)
    clip.add("pelvis", "x", -10 * DEG * snap)
    return clip


def jumping_jacks(rng, frames: int) -> Clip:
    """Jumping jacks: jump the feet apart while the arms swing up overhead, jump back together."""
    cycle = rng.uniform(0.8, 1.1)
    flight = 0.27
    dur = frames / 20
    n = int(max(1, (dur - 0.6) // cycle))
    t = times(frames)
    starts = [0.3 + k * cycle + h * cycle / 2 for k in range(n) for h in (0, 1)]
    clip = Clip.empty("jumping_jacks", frames, side="both", repetitions=n)
    air = _flights(frames, starts, flight)
    spread, arms = np.zeros(frames), np.zeros(frames)
    edge, move = 0.2 * flight, 0.6 * flight  # the feet leave and meet the floor straight up and down: no scuffing
    for k in range(n):
        t0 = 0.3 + k * cycle
        spread += smoothstep((t - t0 - edge) / move) * smoothstep((t0 + cycle / 2 + flight - edge - t) / move)
        arms += smoothstep((t - t0) / flight) * smoothstep((t0 + cycle / 2 + flight - t) / flight)
    clip.add("left_hip", "z", 14 * DEG * spread).add("right_hip", "z", -14 * DEG * spread)
    clip.add("left_shoulder", "z", 160 * DEG * arms).add("right_shoulder", "z", -160 * DEG * arms)
    clip.lift = air
    return clip


def balance(rng, frames: int) -> Clip:
    """Stand on the left leg, the right knee raised in front, arms out; then put the foot back down."""
    clip = Clip.empty("balance", frames, side="left")
    dur = frames / 20
    level = hold(frames, 0.05 * dur, 0.95 * dur, min(0.6, dur / 4))
    knee = rng.uniform(50 * DEG, 80 * DEG)
    clip.add("right_hip", "x", -knee * level).add("right_knee", "x", 1.3 * knee * level)
    clip.add("left_shoulder", "z", 75 * DEG * level).add("right_shoulder", "z", -75 * DEG * level)
    clip.add("pelvis", "z", -3 * DEG * level).add("left_hip", "z", 3 * DEG * level)  # weight over the left foot
    return clip
