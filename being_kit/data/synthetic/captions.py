"""Captions for synthetic motions: whole-body paraphrases, part-level captions and time-stamped segment captions.

Every phrase is built from the clip's own parameters (side, direction, pace, repetitions), so the text says what the
body does: "left" is the body's own left (+x in the rest pose), "counterclockwise" is seen from above.
Phrases are verb phrases in the third person ("waves with the left hand"); a caption is a subject plus one phrase per
action joined with sequence words ("then", "after that").
"""
from __future__ import annotations

from typing import Any

import numpy as np

SUBJECTS = ("a person", "someone", "a man", "a woman", "the person", "the figure", "a human", "a figure",
            "an individual", "the man", "the woman", "somebody")
JOINERS = (", then ", " and then ", ", after that ", ", and afterwards ", ". Then the person ", ". After that, the person ")
PACE = {
    "slow": ("slowly", "at a slow pace", "unhurriedly", "at a leisurely pace"),
    "normal": ("", "", "at a steady pace", "at a normal pace"),
    "fast": ("quickly", "briskly", "at a fast pace", "rapidly"),
}
COUNT = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times",
         7: "seven times", 8: "eight times"}
NUMBER = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def _other(side: str) -> str:
    return {"left": "right", "right": "left"}.get(side, side)


def _phrases(family: str, p: dict[str, Any], rng: np.random.Generator) -> list[str]:
    """Paraphrases (verb phrases) of one action instance."""
    side = p.get("side", p.get("direction", ""))
    other = _other(side)
    adv = lambda: str(rng.choice(PACE.get(p.get("pace", "normal"), PACE["normal"])))  # noqa: E731
    n = int(p.get("repetitions", p.get("hops", p.get("claps", 1))) or 1)
    times = COUNT.get(n, f"{n} times")
    number = NUMBER.get(n, str(n))
    winding = p.get("path") == "winding"  # the path bends left and right (`locomotion.winding_yaw`)
    if family == "walk" and winding:
        out = [f"walks forward {adv()} along a winding path", f"walks {adv()}, curving left and right",
               f"takes several steps forward {adv()}, weaving a little", f"wanders forward on foot {adv()}"]
    elif family == "walk":
        out = [f"walks forward {adv()}", f"walks straight ahead {adv()}", f"takes several steps forward {adv()}",
               f"moves forward on foot {adv()}"]
        out += ["strolls forward"] if p.get("pace") == "slow" else ["walks briskly ahead"] if p.get("pace") == "fast" else []
    elif family == "jog" and winding:
        out = [f"jogs forward {adv()} along a winding path", "jogs ahead, curving left and right",
               "goes for a short jog, weaving a little", "runs forward at a jog along a bending path"]
    elif family == "jog":
        out = [f"jogs forward {adv()}", "jogs straight ahead", "goes for a short jog forward", "runs forward at a jog"]
    elif family == "run" and winding:
        out = [f"runs forward {adv()} along a winding path", "runs ahead, curving left and right",
               "dashes forward, weaving a little", "runs along a bending path"]
    elif family == "run":
        out = [f"runs forward {adv()}", "runs straight ahead", "dashes forward", "sprints forward"]
    elif family == "walk_backward":
        out = [f"walks backwards {adv()}", "steps backward several times", "walks in reverse", "backs up on foot"]
        out += ["walks backwards along a winding path"] if winding else []
    elif family == "side_step":
        out = [f"side-steps to the {side}", f"steps sideways to the {side}", f"shuffles sideways to the {side}",
               f"moves sideways toward the {side} with small steps"]
    elif family == "walk_circle":
        spin = "counterclockwise" if side == "left" else "clockwise"
        shape = "circle" if p.get("laps", 1) >= 0.75 else "half circle"
        out = [f"walks in a {spin} {shape}", f"walks around in a {shape}, turning to the {side}",
               f"walks in a {shape} to the {side}", f"walks along a {spin} curve"]
    elif family == "march":
        out = ["marches in place", "marches on the spot, lifting the knees high", "marches without moving forward",
               "stomps in place, raising each knee in turn"]
    elif family == "turn":
        if p.get("angle") == 180:
            out = [f"turns around to the {side}", f"does a half turn to the {side}",
                   f"turns to the {side} to face the opposite direction", f"turns all the way around to the {side}"]
        else:
            out = [f"turns to the {side}", f"turns 90 degrees to the {side}", f"makes a quarter turn to the {side}",
                   f"turns {side} on the spot"]
    elif family == "spin":
        spin = "counterclockwise" if side == "left" else "clockwise"
        k = "once" if p.get("turns", 1) == 1 else "twice"
        out = [f"spins around {k} to the {side}", f"spins {spin}", f"spins around to the {side} with the arms out",
               f"turns in a full circle {spin}" if p.get("turns", 1) == 1 else f"spins around {spin} two times"]
    elif family == "jump":
        if p.get("forward"):
            out = ["jumps forward" + ("" if n == 1 else f" {times}"), "leaps forward with both feet",
                   f"does {'a forward jump' if n == 1 else number + ' forward jumps'}", "jumps ahead, landing on both feet"]
        else:
            out = ["jumps up" + ("" if n == 1 else f" {times}"), "jumps in place" + ("" if n == 1 else f" {times}"),
                   "jumps straight up with both feet", f"does {'a vertical jump' if n == 1 else number + ' jumps on the spot'}"]
    elif family == "hop":
        out = [f"hops on the {side} leg", f"hops on the {side} foot", f"hops on one foot, the {side} one",
               f"hops on the {side} foot while holding the {other} foot up"]
    elif family == "squat":
        deep = "deep " if p.get("deep") else ""
        out = [f"squats down and stands back up" if n == 1 else f"does {number} {deep}squats",
               f"squats {times}", f"does a {deep}squat" if n == 1 else f"bends the knees into a squat {times}",
               "lowers the body by bending the knees and rises again" + ("" if n == 1 else f", {times}")]
    elif family == "lunge":
        out = [f"lunges forward with the {side} leg", f"steps forward into a lunge with the {side} leg",
               f"does a lunge leading with the {side} foot", f"steps the {side} foot forward, bends both knees and steps back"]
    elif family == "kneel":
        out = [f"kneels down on the {side} knee and gets back up", f"goes down on the {side} knee, then stands up",
               f"kneels on one knee, the {side} one, and rises again", f"drops to the {side} knee and stands back up"]
    elif family == "sit_floor":
        out = ["sits down on the floor and stands back up", "sits on the ground, then gets up again",
               "lowers down to sit on the floor and then rises", "takes a seat on the floor and gets back up"]
    elif family == "kick":
        one = "kicks" if n == 1 else f"kicks {times}"
        out = [f"{one} with the {side} leg", f"kicks forward with the {side} foot" + ("" if n == 1 else f" {times}"),
               f"does {'a' if n == 1 else number} {side}-legged kick{'s' if n > 1 else ''}",
               f"{'high-' if p.get('high') else ''}kicks with the {side} leg"]
    elif family == "jumping_jacks":
        out = ["does jumping jacks", f"does {number} jumping jack{'s' if n > 1 else ''}", "performs jumping jacks",
               "jumps the feet apart while swinging the arms overhead, then back together"]
    elif family == "balance":
        out = [f"stands on the {side} leg", f"balances on the {side} foot",
               f"lifts the {other} knee and balances on the {side} leg", f"stands on one leg, the {side} one"]
    elif family == "wave":
        if side == "both":
            out = ["waves with both hands", "raises both hands and waves", "waves both arms",
                   "waves hello with both hands"]
        else:
            out = [f"waves with the {side} hand", f"raises the {side} hand and waves", f"waves the {side} arm",
                   f"waves hello with the {side} hand"]
    elif family == "raise_arms":
        how = p.get("how", "up")
        where = {"up": ("above the head", "overhead"), "forward": ("forward to shoulder height", "out in front"),
                 "sideways": ("out to the sides", "sideways to shoulder height")}[how]
        rep = "" if n == 1 else f" {times}"
        out = [f"raises both arms {where[0]}{rep}", f"lifts both arms {where[1]}{rep} and lowers them",
               f"raises the arms {where[0]} and puts them down{rep}", f"lifts the arms {where[1]}{rep}"]
    elif family == "punch":
        out = [f"punches with the {side} fist" + ("" if n == 1 else f" {times}"),
               f"throws {'a' if n == 1 else number} {side}-handed punch{'es' if n > 1 else ''}",
               f"punches forward with the {side} hand", f"jabs with the {side} arm" + ("" if n == 1 else f" {times}")]
    elif family == "clap":
        out = ["claps the hands", f"claps {times}" if n > 1 else "claps", "claps in front of the chest",
               "brings the hands together repeatedly"]
    elif family == "bow":
        deep = "deeply" if p.get("depth_deg", 0) > 50 else "slightly"
        out = [f"bows {deep}", "bows forward", "bends forward at the waist and straightens up", "takes a bow"]
    elif family == "stretch":
        out = [f"stretches both arms overhead and leans to the {side}", f"reaches up and bends to the {side}",
               f"stretches up, leaning the upper body to the {side}", f"raises the arms and stretches to the {side}"]
    elif family == "arm_circles":
        out = [f"makes circles with both arms {adv()}", "circles the arms out to the sides",
               "rotates both outstretched arms in circles", "does arm circles"]
    elif family == "throw":
        out = [f"throws something with the {side} hand", f"makes an overhand throw with the {side} arm",
               f"throws a ball with the {side} hand", f"winds up and throws with the {side} arm"]
    elif family == "dance":
        out = [f"dances {adv()}", "dances on the spot", f"dances to the music {adv()}", "dances, stepping to the beat"]
        out += ["dances and spins around", "dances, turning around between steps"] if p.get("turns") else []
    else:
        raise ValueError(f"no captions for action family {family!r}")
    return [" ".join(o.split()) for o in out]


def part_captions(family: str, p: dict[str, Any]) -> dict[str, str]:
    """One caption per body part (torso, left_arm, right_arm, left_leg, right_leg) for one action instance."""
    side = p.get("side", p.get("direction", ""))
    other = _other(side)
    rest = {"torso": "the torso stays upright", "left_arm": "the left arm hangs at the side",
            "right_arm": "the right arm hangs at the side", "left_leg": "the left leg stands still",
            "right_leg": "the right leg stands still"}
    legs_walk = lambda how: {f"{s}_leg": f"the {s} leg steps {how}" for s in ("left", "right")}  # noqa: E731
    arms_swing = {f"{s}_arm": f"the {s} arm swings back and forth" for s in ("left", "right")}
    if family in ("walk", "jog", "run"):
        rest |= legs_walk("forward") | arms_swing
        rest["torso"] = "the torso leans slightly forward" if family != "walk" else "the torso stays upright"
    elif family == "walk_backward":
        rest |= legs_walk("backward") | arms_swing
    elif family == "side_step":
        rest |= legs_walk(f"sideways to the {side}")
    elif family == "walk_circle":
        rest |= legs_walk("forward along a curve") | arms_swing
        rest["torso"] = f"the torso turns steadily to the {side}"
    elif family == "march":
        rest |= {f"{s}_leg": f"the {s} knee lifts high in turn" for s in ("left", "right")} | arms_swing
    elif family in ("turn", "spin"):
        rest |= legs_walk("in place")
        rest["torso"] = f"the body turns to the {side}"
        if family == "spin":
            rest |= {f"{s}_arm": f"the {s} arm is held out to the side" for s in ("left", "right")}
    elif family in ("jump", "jumping_jacks"):
        rest |= {f"{s}_leg": f"the {s} leg bends and pushes off the floor" for s in ("left", "right")}
        rest |= {f"{s}_arm": f"the {s} arm swings up" for s in ("left", "right")}
        if family == "jumping_jacks":
            rest |= {f"{s}_leg": f"the {s} leg jumps out to the side and back" for s in ("left", "right")}
    elif family == "hop":
        rest[f"{side}_leg"] = f"the {side} leg hops"
        rest[f"{other}_leg"] = f"the {other} leg is held up off the floor"
    elif family in ("squat", "sit_floor"):
        rest |= {f"{s}_leg": f"the {s} leg bends deeply at the knee" for s in ("left", "right")}
        rest["torso"] = "the torso lowers and leans forward" if family == "squat" else "the torso lowers to the floor"
        rest |= {f"{s}_arm": f"the {s} arm reaches forward" for s in ("left", "right")}
    elif family == "lunge":
        rest[f"{side}_leg"] = f"the {side} leg steps forward and bends"
        rest[f"{other}_leg"] = f"the {other} knee bends towards the floor"
    elif family == "kneel":
        rest[f"{side}_leg"] = f"the {side} knee goes down to the floor"
        rest[f"{other}_leg"] = f"the {other} foot steps forward"
        rest["torso"] = "the torso lowers and rises again"
    elif family == "kick":
        rest[f"{side}_leg"] = f"the {side} leg kicks forward"
        rest[f"{other}_leg"] = f"the {other} leg supports the body"
    elif family == "balance":
        rest[f"{side}_leg"] = f"the {side} leg supports the body"
        rest[f"{other}_leg"] = f"the {other} knee is raised"
        rest |= {f"{s}_arm": f"the {s} arm is held out for balance" for s in ("left", "right")}
    elif family == "wave":
        for s in (("left", "right") if side == "both" else (side,)):
            rest[f"{s}_arm"] = f"the {s} arm is raised and the hand waves"
    elif family == "raise_arms":
        rest |= {f"{s}_arm": f"the {s} arm rises {'overhead' if p.get('how') == 'up' else p.get('how', 'up')}"
                 for s in ("left", "right")}
    elif family == "punch":
        rest[f"{side}_arm"] = f"the {side} arm punches forward"
        rest[f"{other}_arm"] = f"the {other} arm stays up in guard"
        rest["torso"] = f"the torso twists with each punch"
    elif family == "clap":
        rest |= {f"{s}_arm": f"the {s} hand claps against the other" for s in ("left", "right")}
    elif family == "bow":
        rest["torso"] = "the torso bends forward and comes back up"
    elif family == "stretch":
        rest |= {f"{s}_arm": f"the {s} arm reaches overhead" for s in ("left", "right")}
        rest["torso"] = f"the torso leans to the {side}"
    elif family == "arm_circles":
        rest |= {f"{s}_arm": f"the {s} arm circles out to the side" for s in ("left", "right")}
    elif family == "dance":
        rest |= {f"{s}_leg": f"the {s} leg steps to the beat" for s in ("left", "right")}
        rest |= {f"{s}_arm": f"the {s} arm moves with the music" for s in ("left", "right")}
        rest["torso"] = "the hips sway and the torso turns with the beat"
    elif family == "throw":
        rest[f"{side}_arm"] = f"the {side} arm winds up and throws"
        rest["torso"] = "the torso twists with the throw"
    return rest


def describe(actions: list[tuple[str, dict[str, Any]]], spans: list[tuple[float, float]],
             rng: np.random.Generator, num_texts: int = 3) -> tuple[list[str], dict[str, str], list[tuple[float, float, str]]]:
    """Whole-body captions (at least `num_texts`, all different), part captions, and (start, end, text) segments."""
    options = [_phrases(f, p, rng) for f, p in actions]
    texts: list[str] = []
    for attempt in range(12 * num_texts):
        subject = str(rng.choice(SUBJECTS))
        parts = [opts[(attempt + int(rng.integers(len(opts)))) % len(opts)] for opts in options]
        text = subject + " " + parts[0]
        for phrase in parts[1:]:
            joiner = str(rng.choice(JOINERS))
            text += joiner + phrase
        text = text[0].upper() + text[1:] + "."
        if text not in texts:
            texts.append(text)
        if len(texts) >= num_texts:
            break
    segments = []
    for (start, end), opts in zip(spans, options):
        segments.append((start, end, "A person " + str(rng.choice(opts)) + "."))
    per_action = [part_captions(f, p) for f, p in actions]
    parts = {}
    for name in per_action[0]:
        seq = []
        for d in per_action:
            if not seq or seq[-1] != d[name]:
                seq.append(d[name])
        parts[name] = ", then ".join(seq)
    return texts, parts, segments
