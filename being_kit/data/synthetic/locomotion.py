"""Locomotion families: walk, jog, run, walk backwards, side-step, walk in a circle, march in place, turn, spin.

Each program takes a random generator and a frame count and returns a left-side (or counterclockwise) `Clip`;
right / clockwise variants are its mirror image (`pose.mirror_clip`). Travel is not scripted: the legs move and
`body.place_on_floor` carries the body over the planted foot, so the distance covered follows from the stride.
"""
from __future__ import annotations

import numpy as np

from ...motion.skeleton import FPS
from .pose import (DEG, FOOT, FOOT_PITCH_REST, SHIN, STANCE_SET_BACK, THIGH, Clip, band_limited, bump, envelope,
                   hold, leg_ik, smoothstep, times)

TAU = 2 * np.pi
WINDING_PROBABILITY = 0.75  # walks, jogs, runs and backward walks whose path bends left and right (`winding_yaw`)
WINDING_RATE = (25.0, 90.0)  # degrees per second, RMS of the turning rate of a winding path
WINDING_HZ = (0.1, 0.4)  # how often the turning rate changes
# Real travelling mocap (LaFAN1's takes, `bench real`) carries its arms higher and more bent than a textbook walk:
# upper arm 40 degrees from hanging (median; the corpus's walks 20), elbows bent 86 (corpus 52; p90 115).
ARMS_HELD_PROBABILITY = 0.5  # walks whose arms are held up and bent rather than swinging loosely
ARMS_HELD_FORWARD = (15.0, 55.0)  # degrees the upper arms are raised forward
ARMS_HELD_ELBOW = (60.0, 110.0)  # degrees of elbow bend
# Each walker steps in their own way. Real walking (`bench real`'s gait table over 1 s windows at 0.6-1.6 m/s: the
# shipped clips, LaFAN1 and Rigify takes, p10 / p50 / p90) spans knee range 34 / 61 / 84 degrees, foot pitch range
# 36 / 62 / 82, ankle lift 0.08 / 0.17 / 0.27 m and 1.5 / 1.8 / 2.7 steps per second; one fixed gait gave the corpus
# 55 / 65 / 74, 48 / 56 / 63, 0.15 / 0.16 / 0.17 m and 1.8 / 2.2 / 2.7, and the tokenizers' worst real joints were
# the legs of travelling people (knees 2x, ankles and feet 2.3x their synthetic error).
WALK_SPEED = (0.5, 1.4)  # m/s (real walking windows: median 0.89)
WALK_CADENCE = (0.65, 0.95)  # gait cycles per second (two steps each) before the reach cap quickens fast walks
WALK_REACH = (0.30, 0.42)  # m a planted ankle may get ahead of or behind the hip: short to long strides
WALK_CLEARANCE = (0.03, 0.22)  # m the swing ankle rises above its rolled-off height: shuffle .. high step
WALK_ROLL = (20.0, 65.0)  # degrees the foot rolls over the toe at toe-off
# Real travelling people often walk with their knees bent and the pelvis low (`motion.dynamics`'
# travel_pelvis_height over `bench real`'s 517 s: 25% of travelling frames under 0.88 m and 57% under 0.93, against
# the corpus's 14% and 30%), and a tokenizer's pose error on them grew as the pelvis went down (heading-aligned 88 mm
# above 0.93 m, 113 at 0.88-0.93, 150 at 0.80-0.88). `bent_knees` > 0 makes that share of walks bent-kneed; off by
# default: at 0.5 vq's real error did not improve (README: bent-kneed walks).
BENT_KNEE_DROP = (0.02, 0.16)  # m the pelvis rides lower than the walk's legs would carry it
BENT_KNEE_LEAN = (0.0, 20.0)  # degrees more forward lean at the deepest drop (a crouched walker leans over the knees)


def _pace(frequency: float, slow: float, fast: float) -> str:
    return "slow" if frequency < slow else "fast" if frequency > fast else "normal"


BOB = 0.7  # the pelvis rises this fraction of what straight stance legs would allow
SOFT = 0.01  # metres: width of the soft cap on the pelvis height
HEEL_RISE = 0.5  # fraction of stance after which the heel lifts and the foot rolls over the planted toe
FOOT_FLAT = 0.2  # fraction of stance over which a foot that landed heel first lowers its toes to the floor


def foot_plan(p: np.ndarray, duty: float, stride: float, clearance: float, roll: float, strike: float):
    """One leg's footstep plan over its cycle phase p in [0, 1) (0 = the foot lands, planted until `duty`).
    Returns the ankle's forward offset from the hip (m), its height above where it stands with the foot flat (m),
    the foot pitch (radians toes-down), how much the leg may stop limiting the pelvis height (m), and the planted
    toe/ankle's plan offset (m, -1 .. 1 x stride * duty / 2, for the arm swing).
    The foot lands heel first (`strike` radians toes-up), lowers flat, rolls over the planted toe from mid stance
    (`roll` radians more toes-down at toe-off, heel lifting) and swings through with the ankle lifted `clearance`
    metres early in the swing, where the knee bends most (about 60 degrees at a walk, as in real gait)."""
    stance = p < duty
    x = np.clip((p - duty) / (1 - duty), 0, 1)  # swing progress
    glide = x * x * (3 - 2 * x)  # leaves and meets the floor at rest; peak speed 1.5x the mean
    plan = stride * (np.where(stance, 0.0, glide) - p + duty / 2)
    rise = np.where(stance, smoothstep((p / duty - HEEL_RISE) / (1 - HEEL_RISE)), 0.0)
    flat = smoothstep(p / (FOOT_FLAT * duty))
    pitch_stance = FOOT_PITCH_REST - strike * (1 - flat) + roll * rise
    pitch_swing = FOOT_PITCH_REST - strike + (roll + strike) * (1 - smoothstep(x / 0.7))
    pitch = np.where(stance, pitch_stance, pitch_swing)
    # rolling over the toe lifts the ankle and brings it forward over the toe; the swing lets go of that offset
    toe_off = FOOT_PITCH_REST + roll
    up0, ahead0 = FOOT * (np.sin(toe_off) - np.sin(FOOT_PITCH_REST)), FOOT * (np.cos(FOOT_PITCH_REST) - np.cos(toe_off))
    rolled = FOOT_PITCH_REST + roll * rise
    up = np.where(stance, FOOT * (np.sin(rolled) - np.sin(FOOT_PITCH_REST)), up0 * (1 - glide))
    ahead = np.where(stance, FOOT * (np.cos(FOOT_PITCH_REST) - np.cos(rolled)), ahead0 * (1 - glide))
    lift = np.where(stance, 0.0, clearance * np.sin(np.pi * x**0.6))  # peaks at 30% of the swing
    free = np.where(stance, 0.0, 0.3 * bump(x))  # a leg in swing stops limiting the pelvis height gradually
    return plan + ahead, up + lift, pitch, up + free, plan


def gait(clip: Clip, phase: np.ndarray, stride: float, duty: float, clearance: float, arm: float, elbow: float,
         lean: float, roll: float = 42 * DEG, strike: float = 15 * DEG, twist: float = 5 * DEG,
         tilt: float = 0.0, drop: float = 0.0) -> None:
    """Alternating steps by inverse kinematics on planted footsteps (`foot_plan`). phase: (t,) cycles of the left leg
    (0 = left foot lands); stride: metres a foot advances per cycle; duty: fraction of the cycle a foot is planted
    (> 0.5: double support); clearance: swing ankle lift (m). The pelvis is as high as the planted legs allow (1% short
    of straight, then capped by BOB), which gives the natural vertical bob. Angles in radians: arm swing, mean
    elbow bend, forward lean, the foot's roll over the toe at toe-off and its toes-up pitch at heel strike, the
    chest's turn against the stride and the pelvis's side tilt (the swing side drops; the hips take it back so the
    legs keep their line). drop: metres the pelvis rides lower than that (a bent-kneed walk; the feet keep their
    plan and the knees take it up)."""
    plans = {side: foot_plan(np.mod(phase + shift, 1.0), duty, stride, clearance, roll, strike)
             for side, shift in (("left", 0.0), ("right", 0.5))}
    # the stance sweeps about where a standing body's ankles are, behind the hips (real walkers: median 3-5 cm)
    plans = {side: (z - STANCE_SET_BACK, *rest) for side, (z, *rest) in plans.items()}
    reach = 0.99 * (THIGH + SHIN)
    pelvis = np.minimum(*[np.sqrt(np.maximum(reach**2 - z**2, 0.0)) + slack for z, _, _, slack, _ in plans.values()])
    pelvis = np.minimum(pelvis, reach)
    # the stance knee stays bent through mid stance (about 15-20 degrees): the pelvis rises less than straight legs
    # would lift it (soft cap: no kink in its velocity)
    low, high = np.percentile(pelvis, 5), pelvis.max()
    cap = low + BOB * (high - low)
    pelvis = -SOFT * np.logaddexp(-pelvis / SOFT, -cap / SOFT)  # never above either: the legs still reach
    pelvis = pelvis - drop
    for side, (z, height, pitch, _, plan) in plans.items():
        leg_ik(clip, side, z, height - pelvis, pitch, lean)
        back = plan / max(stride * duty / 2, 1e-6)  # about -1 (arm forwards) .. 1 (arm back)
        clip.add(f"{side}_shoulder", "x", arm * back)
        # the forearm swings with the arm: the elbow bends most at the front of the swing, least at the back
        clip.add(f"{side}_elbow", "x", -elbow + 0.6 * arm * np.clip(back, -1.2, 1.2))
        clip.add(f"{side}_shoulder", "z", 4 * DEG if side == "left" else -4 * DEG)
    clip.add("pelvis", "x", lean)
    clip.add("spine3", "y", -twist * np.sin(TAU * phase))
    side_tilt = tilt * np.cos(TAU * (phase - duty / 2))  # left hip highest in mid left stance
    clip.add("pelvis", "z", side_tilt).add("left_hip", "z", -side_tilt).add("right_hip", "z", -side_tilt)


def _travel(rng, frames: int, family: str, speed: tuple[float, float], cadence: tuple[float, float], duty: float,
            clearance: float, arm: float, elbow: float, lean: float, reach: float, backwards: bool = False,
            **style: float) -> Clip:
    """Start and stop in double support (one foot ahead, as people stand when they set off or halt).
    reach: the farthest a planted ankle gets ahead of or behind the hip (m); it caps the stride, so faster gaits
    take quicker steps rather than impossibly long ones."""
    v = rng.uniform(*speed)
    f = max(rng.uniform(*cadence), v * duty / (2 * reach))
    third = (speed[1] - speed[0]) / 3
    clip = Clip.empty(family, frames, speed=round(v, 2), cadence=round(float(2 * f), 2),
                      pace="slow" if v < speed[0] + third else "fast" if v > speed[1] - third else "normal")
    go = envelope(frames, 0.5)
    advance = f * go.sum() / 20
    halves = max(1.0, np.round(2 * advance)) / 2  # end in double support too
    rate = go * halves / max(go.sum() / 20, 1e-6)
    s0 = (duty - 0.5) / 2
    phase = s0 + np.concatenate([[0.0], np.cumsum(rate[1:] + rate[:-1]) / 40])
    phase = s0 + (phase - s0) * halves / max(phase[-1] - s0, 1e-6)
    if backwards:
        phase = 2 * s0 - phase
    gait(clip, phase, v / f, duty, clearance, arm, elbow, lean, **style)
    p = np.mod(phase, 1.0)
    double = ((p >= 0.5) & (p < duty)) | (p < duty - 0.5)
    clip.params["_single"] = (~double).astype(float)  # for walk_circle; removed from the params below
    if family != "walk_circle":
        single = clip.params.pop("_single")
        if rng.random() < WINDING_PROBABILITY:
            clip.yaw = winding_yaw(rng, single * go)
            clip.params["path"] = "winding"
        else:
            clip.params["path"] = "straight"
    return clip


def winding_yaw(rng, weight: np.ndarray) -> np.ndarray:
    """(t,) heading of a path that bends left and right: a slow random turning rate (RMS drawn from
    `WINDING_RATE`), turned only as much as `weight` allows (single support times the walking envelope: a turn in
    double support would twist the other planted foot). Real travelling mocap turns its facing at a median 32 degrees
    per second (`bench real`'s turn_speed on LaFAN1's walking; p75 64, p90 99); the corpus's straight walks did not
    turn at all."""
    t = times(len(weight))
    rate = rng.uniform(*WINDING_RATE) * DEG * band_limited(rng, t, 1, WINDING_HZ)[:, 0]
    weight = np.convolve(weight, [0.25, 0.5, 0.25], mode="same")
    scale = weight.size / max(weight.sum(), 1e-9)  # the same mean rate over the walk, packed into single support
    return np.cumsum(rate * weight * scale) / FPS


def walk(rng, frames: int, family: str = "walk", bent_knees: float = 0.0) -> Clip:
    """People walk in their own way: how far the arms swing, how bent the elbows stay, how much the chest turns and
    the pelvis tilts, how high the feet rise, how far the foot rolls and how long and quick the steps are (`WALK_*`)
    are drawn per walk (real walking spans them all; one fixed gait taught a tokenizer one gait).
    Some walkers hold their arms up, forward and bent (`ARMS_HELD_*`: carrying, talking, hands in front) and hardly
    swing them; the caption says nothing of the arms either way. bent_knees: the probability that this walker goes
    with bent knees and a low pelvis (`BENT_KNEE_*`); nothing is drawn for it at 0, so the corpus stays as it was.
    The caption says nothing of the knees either."""
    held = rng.random() < ARMS_HELD_PROBABILITY
    if held:
        arm, elbow = rng.uniform(2, 8) * DEG, rng.uniform(*ARMS_HELD_ELBOW) * DEG
        forward, out = rng.uniform(*ARMS_HELD_FORWARD) * DEG, rng.uniform(0, 15) * DEG
    else:
        arm, elbow = rng.uniform(3, 16) * DEG, rng.uniform(20, 65) * DEG
        forward = out = 0.0
    style = dict(twist=rng.uniform(4, 12) * DEG, tilt=rng.uniform(2, 6) * DEG, roll=rng.uniform(*WALK_ROLL) * DEG)
    clearance, reach = rng.uniform(*WALK_CLEARANCE), rng.uniform(*WALK_REACH)
    lean = 3 * DEG
    if bent_knees > 0 and rng.random() < bent_knees:
        depth = rng.random()
        style["drop"] = BENT_KNEE_DROP[0] + depth * (BENT_KNEE_DROP[1] - BENT_KNEE_DROP[0])
        lean += depth * rng.uniform(*BENT_KNEE_LEAN) * DEG
    clip = _travel(rng, frames, family, WALK_SPEED, WALK_CADENCE, 0.6, clearance, arm, elbow, lean, reach, **style)
    clip.add("left_shoulder", "x", -forward).add("right_shoulder", "x", -forward)
    clip.add("left_shoulder", "z", out).add("right_shoulder", "z", -out)
    clip.params["arms"] = "held" if held else "swinging"
    if "drop" in style:
        clip.params["knees"] = "bent"
    return clip


def jog(rng, frames: int) -> Clip:
    return _travel(rng, frames, "jog", (1.8, 2.5), (1.2, 1.35), 0.5, 0.14, 30 * DEG, 80 * DEG, 8 * DEG, 0.4)


def run(rng, frames: int) -> Clip:
    return _travel(rng, frames, "run", (2.5, 3.2), (1.45, 1.6), 0.5, 0.2, 45 * DEG, 90 * DEG, 14 * DEG, 0.45)


def walk_backward(rng, frames: int) -> Clip:
    return _travel(rng, frames, "walk_backward", (0.5, 1.0), (0.7, 0.9), 0.6, 0.07, 12 * DEG, 22 * DEG, -2 * DEG,
                   0.28, backwards=True)


def walk_circle(rng, frames: int, bent_knees: float = 0.0) -> Clip:
    """Walk while turning left at a steady rate (a counterclockwise circle seen from above)."""
    clip = walk(rng, frames, family="walk_circle", bent_knees=bent_knees)
    laps = rng.uniform(0.5, 1.0)
    # turn while one foot is in the air: a turn in double support would twist the other planted foot
    rate = np.convolve(clip.params.pop("_single") * envelope(frames, 0.5), [0.25, 0.5, 0.25], mode="same")
    clip.yaw = laps * TAU * np.cumsum(rate) / max(rate.sum(), 1e-9)
    clip.params.update(direction="left", laps=round(laps, 2))
    clip.add("pelvis", "z", -3 * DEG * envelope(frames))  # lean into the turn
    return clip


def side_step(rng, frames: int) -> Clip:
    """Step sideways to the left: the left foot leads out, the right foot follows; planted feet stay put.
    Each foot's sideways position relative to its hip follows a footstep plan (as in `gait`), the hip abducts to
    reach it and the knee lifts the moving foot."""
    f = rng.uniform(0.55, 0.85)
    width = rng.uniform(0.25, 0.4)  # metres travelled per cycle
    clip = Clip.empty("side_step", frames, direction="left", pace=_pace(f, 0.65, 0.75))
    go = envelope(frames, 0.4)
    phase = np.concatenate([[0.0], np.cumsum(f * (go[1:] + go[:-1]) / 40)])
    halves = max(1.0, np.floor(phase[-1]))
    phase = phase * halves / max(phase[-1], 1e-6)  # whole cycles: end with the feet together
    rel, lift = {}, {}
    for side, start in (("left", 0.0), ("right", 0.5)):
        p = np.mod(phase, 1.0)
        x = np.clip((p - start) / 0.4, 0, 1)
        rel[side] = width * (smoothstep(x) - p - (0.3 - start))
        lift[side] = np.where((p > start) & (p < start + 0.4), np.sin(np.pi * x), 0.0)
    rel = {k: v - (v[0] if k else 0) for k, v in rel.items()}  # feet under the hips at the start
    reach = 0.97 * (THIGH + SHIN)
    pelvis = np.minimum(*[np.sqrt(np.maximum(reach**2 - rel[s] ** 2, 0.0)) + 0.2 * lift[s] for s in rel])
    pelvis = np.minimum(pelvis, reach)
    for side in rel:
        drop = pelvis - 0.07 * lift[side]
        clip.add(f"{side}_hip", "z", np.arctan2(rel[side], drop))
        leg_ik(clip, side, np.full(frames, -STANCE_SET_BACK), -np.hypot(rel[side], drop), FOOT_PITCH_REST)
    clip.add("left_shoulder", "z", go * 8 * DEG).add("right_shoulder", "z", -go * 8 * DEG)
    clip.params["steps"] = int(halves)
    return clip


def march(rng, frames: int) -> Clip:
    """March in place: knees raised high in turn, arms swinging."""
    f = rng.uniform(0.7, 1.0)
    height = rng.uniform(45 * DEG, 75 * DEG)
    clip = Clip.empty("march", frames, pace=_pace(f, 0.8, 0.9), knee_height=round(height / DEG))
    phase = f * times(frames)
    amp = envelope(frames, 0.4)
    for side, shift in (("left", 0.0), ("right", 0.5)):
        up = amp * bump(np.mod(phase + shift, 1.0) / 0.5)
        clip.add(f"{side}_hip", "x", -height * up).add(f"{side}_knee", "x", 1.4 * height * up)
        clip.add(f"{side}_ankle", "x", 15 * DEG * up)
        other = "right" if side == "left" else "left"
        clip.add(f"{other}_shoulder", "x", -40 * DEG * up).add(f"{other}_elbow", "x", -70 * DEG * up)
    return clip


def turn(rng, frames: int) -> Clip:
    """Turn on the spot to the left by 90 or 180 degrees, with small stepping."""
    nominal = int(rng.choice([90, 180]))
    angle = nominal + rng.uniform(-10, 10)  # people do not turn exact angles (HumanML3D's IK is undefined at 180)
    clip = Clip.empty("turn", frames, direction="left", angle=nominal)
    t = times(frames)
    dur = frames / 20
    clip.yaw = angle * DEG * smoothstep((t - 0.2 * dur) / (0.6 * dur))
    steps = envelope(frames, 0.4) * hold(frames, 0.15 * dur, 0.85 * dur, 0.3)
    phase = 1.6 * t
    for side, shift in (("left", 0.0), ("right", 0.5)):
        up = steps * bump(np.mod(phase + shift, 1.0) / 0.5)
        clip.add(f"{side}_hip", "x", -25 * DEG * up).add(f"{side}_knee", "x", 45 * DEG * up)
    clip.add("neck", "y", 15 * DEG * bump((t - 0.1 * dur) / (0.7 * dur)))  # look where the turn goes
    return clip


def spin(rng, frames: int) -> Clip:
    """Spin around to the left (counterclockwise) one or two full turns, arms out."""
    dur = frames / 20
    turns = int(rng.choice([1, 1, 2])) if dur >= 3.0 else 1  # at most ~1.5 turns/s: hands stay under 12 m/s
    clip = Clip.empty("spin", frames, direction="left", turns=turns)
    t = times(frames)
    arms = envelope(frames, 0.5)
    clip.add("left_shoulder", "z", 60 * DEG * arms).add("right_shoulder", "z", -60 * DEG * arms)
    phase = 2.2 * t
    steps = hold(frames, 0.12 * dur, 0.88 * dur, 0.3)
    # pivot on the planted foot: turn only while the other foot is up (it is, mid-step), never in double support,
    # where a turn would twist one of the planted feet over the floor
    rate = steps**2 * np.sin(TAU * phase) ** 2
    clip.yaw = turns * TAU * np.cumsum(rate) / max(rate.sum(), 1e-9)
    for side, shift in (("left", 0.0), ("right", 0.5)):
        up = steps * bump(np.mod(phase + shift, 1.0) / 0.5)
        clip.add(f"{side}_hip", "x", -20 * DEG * up).add(f"{side}_knee", "x", 40 * DEG * up)
        clip.add(f"{side}_ankle", "x", -15 * DEG * up)  # keep the toes up too: the step clears the floor
    return clip
