"""Free-form prompts in HumanML3D's register: sentences with a setting, a reason, a speed or a count, and sequences.

The synthetic captions are a subject plus fixed verb phrases ("A man waves with the left hand, then bows."). Real
prompts read like HumanML3D's: "in a hallway a man slowly steps back and then waves with his right hand". `FREEFORM`
holds such prompts, written by hand, each labelled with its actions in order (families of
`being_kit.data.synthetic.actions.FAMILIES`) and, for sided actions, the side: the body's own "left"/"right" (for
turns, spins and circles the direction: "left" is counterclockwise seen from above), "both" for a two-handed wave,
None where the prompt does not say. They mix corpus words with free wording; `novel_words` shows which are new.

`freeform_accuracy` scores generated motions with the action classifier, as `reworded_accuracy` does, and splits a
composition into equal time windows, one per action. `motion_side` is a geometric side check on joints, used only
for the families in `SIDE_CHECKED` (those where it is right on at least 95% of real corpus motions of known side).
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

import numpy as np

from ..data.synthetic.actions import FAMILIES
from ..motion.skeleton import JOINT_INDEX
from .reworded import natural_seconds, novel_word_rate, novel_words

MAX_SECONDS = 10.0  # the corpus motions are 2-10 s
MIN_WINDOW_FRAMES = 4  # as `classify_generated`: shorter windows count as no motion


class FreeformPrompt(NamedTuple):
    """text; actions: family names in order; sides: per action "left"/"right"/"both" or None (unsided or unsaid);
    seconds: the requested duration (sum of the actions' natural durations, capped at `MAX_SECONDS`)."""

    text: str
    actions: tuple[str, ...]
    sides: tuple[str | None, ...]
    seconds: float


# (prompt, labels): labels are the actions in order, "family:side" where the prompt names a side or direction.
_TABLE: tuple[tuple[str, str], ...] = (
    # locomotion
    ("a man walks forward across the kitchen to get a glass of water", "walk"),
    ("the person strolls slowly down a long corridor", "walk"),
    ("a woman in a hurry walks briskly straight ahead", "walk"),
    ("on a busy sidewalk a man walks at a leisurely pace", "walk"),
    ("a person jogs forward lightly as if warming up in a park", "jog"),
    ("someone goes for an easy jog straight ahead", "jog"),
    ("a jogger keeps a steady rhythm, jogging straight ahead", "jog"),
    ("a person runs forward as fast as they can to catch a bus", "run"),
    ("the man sprints straight ahead on a track", "run"),
    ("a person dashes forward in a sudden burst of speed", "run"),
    ("a person carefully walks backwards, away from the edge of a cliff", "walk_backward"),
    ("the woman takes several steps backward as if something startled her", "walk_backward"),
    ("a man backs up slowly while keeping his eyes on a dog", "walk_backward"),
    ("a person shuffles sideways to their left along a narrow wall", "side_step:left"),
    ("a basketball player side-steps to the right on defense", "side_step:right"),
    ("the tennis player steps sideways to the left along the baseline", "side_step:left"),
    ("a person walks around in a full circle, turning to the left", "walk_circle:left"),
    ("someone walks in a clockwise circle as if looking for something on the floor", "walk_circle:right"),
    ("the woman walks slowly in a counterclockwise circle around a table", "walk_circle:left"),
    ("a soldier marches in place, lifting his knees high", "march"),
    ("a person marches on the spot to the beat of a drum", "march"),
    ("a man stomps in place, raising each knee in turn like a toy soldier", "march"),
    ("a person turns to their left to look at something", "turn:left"),
    ("the man turns around to the right to face the opposite way", "turn:right"),
    ("hearing a noise behind her, a woman turns left on the spot", "turn:left"),
    ("a person turns ninety degrees to the right", "turn:right"),
    ("a dancer spins around once to the left with her arms out", "spin:left"),
    ("the girl spins clockwise on the spot", "spin:right"),
    ("at a party a man spins around to his left", "spin:left"),
    # postures and leg actions
    ("a person jumps up in place three times", "jump"),
    ("the boy jumps forward over a puddle, landing on both feet", "jump"),
    ("a man jumps straight up as high as he can to touch the ceiling", "jump"),
    ("the person hops on their left foot a few times", "hop:left"),
    ("a child hops on the right leg while holding the left foot up", "hop:right"),
    ("playing hopscotch, a girl hops on her left foot", "hop:left"),
    ("the gymnast hops on the right foot several times", "hop:right"),
    ("a man does three deep squats in the gym", "squat"),
    ("a person squats down slowly to pick something up and stands back up", "squat"),
    ("an old man slowly lowers himself into a squat and rises again", "squat"),
    ("a person lunges forward with the left leg during a workout", "lunge:left"),
    ("the athlete steps forward into a deep lunge with the right foot", "lunge:right"),
    ("a person does a lunge with the left foot forward", "lunge:left"),
    ("a man kneels down on his right knee and gets back up", "kneel:right"),
    ("the person drops to the left knee to tie a shoe, then stands up", "kneel:left"),
    ("at the altar, a woman goes down on her left knee and rises again", "kneel:left"),
    ("a person sits down on the floor to rest and then gets up again", "sit_floor"),
    ("the child sits on the ground for a moment and stands back up", "sit_floor"),
    ("tired after a long day, a man sits down on the floor and gets back up", "sit_floor"),
    ("a soccer player kicks a ball with the right foot", "kick:right"),
    ("a person kicks forward twice with the left leg", "kick:left"),
    ("the martial artist does a high kick with his right leg", "kick:right"),
    ("someone kicks the air with the left foot", "kick:left"),
    ("a person does jumping jacks to warm up before a run", "jumping_jacks"),
    ("in a gym class, a boy does five jumping jacks", "jumping_jacks"),
    ("a teenager does four jumping jacks quickly", "jumping_jacks"),
    ("a person stands on the right leg, arms out for balance", "balance:right"),
    ("the woman balances on her left foot with the right knee raised", "balance:left"),
    ("a man lifts his left knee and balances on his right leg", "balance:right"),
    ("a man stands on one leg, the left one, for a few seconds", "balance:left"),
    # gestures
    ("a woman standing at the door waves goodbye with her left hand", "wave:left"),
    ("a person raises the right hand and waves to a friend across the street", "wave:right"),
    ("the man waves hello with both hands", "wave:both"),
    ("a person raises both arms above the head and lowers them", "raise_arms"),
    ("the man lifts his arms out to the sides to shoulder height", "raise_arms"),
    ("celebrating a goal, a woman raises both arms overhead twice", "raise_arms"),
    ("a boxer punches forward with the left fist three times", "punch:left"),
    ("a person throws a right-handed punch at a punching bag", "punch:right"),
    ("the man jabs with his right arm while keeping the left arm up", "punch:right"),
    ("a woman throws a quick punch with her left hand", "punch:left"),
    ("a person claps their hands in front of the chest", "clap"),
    ("after the performance a man claps several times", "clap"),
    ("a happy child claps the hands together quickly", "clap"),
    ("a woman standing on a stage bows to the crowd", "bow"),
    ("the man bows slightly to greet his guest", "bow"),
    ("at the end of the match, a fighter bows deeply to his opponent", "bow"),
    ("a person stretches both arms overhead and leans to the right", "stretch:right"),
    ("after waking up, the man reaches up and bends to the left", "stretch:left"),
    ("with the arms up high, a woman stretches by leaning to the left", "stretch:left"),
    ("a person makes big circles with both arms to loosen up", "arm_circles"),
    ("the man circles his outstretched arms quickly", "arm_circles"),
    ("before getting into the pool, a woman slowly does arm circles", "arm_circles"),
    ("a person throws a ball overhand with the right arm", "throw:right"),
    ("the boy throws a stone into the lake with his left hand", "throw:left"),
    ("a quarterback winds up and throws with the right arm", "throw:right"),
    # whole-body
    ("at a wedding, a woman dances happily to the music", "dance"),
    ("a teenager dances on the spot, bouncing to the beat", "dance"),
    ("a man dances energetically, spinning around now and then", "dance"),
    # two actions, joined in several ways
    ("in a hallway a man slowly steps back and then waves with his right hand", "walk_backward wave:right"),
    ("a person walks forward a few steps and then turns around to the right", "walk turn:right"),
    ("a man jogs forward, then stops and claps his hands", "jog clap"),
    ("a woman runs forward and then jumps up with both feet", "run jump"),
    ("the man moves to his right with small sideways steps and then bows", "side_step:right bow"),
    ("a man walks in a circle to the right and then sits down on the floor", "walk_circle:right sit_floor"),
    ("the child stomps in place and then raises both arms over the head", "march raise_arms"),
    ("a person turns to the right and then walks forward", "turn:right walk"),
    ("a person spins around twice to the right, then bows deeply", "spin:right bow"),
    ("someone spins counterclockwise, then claps", "spin:left clap"),
    ("a man hops on his right foot and afterwards balances on his left leg", "hop:right balance:left"),
    ("the woman squats twice and then jumps in place", "squat jump"),
    ("a woman does a lunge leading with the right leg, then waves with her left hand", "lunge:right wave:left"),
    ("someone kicks with the left foot and then punches with the right fist", "kick:left punch:right"),
    ("the woman does jumping jacks and then stretches to the left", "jumping_jacks stretch:left"),
    ("seeing a friend, a person walks forward and then waves with the left hand", "walk wave:left"),
    ("someone punches with the left hand, then kicks with the right leg", "punch:left kick:right"),
    ("a woman claps twice before turning to the left", "clap turn:left"),
    ("a person bends forward at the waist and straightens up, then sits down on the floor", "bow sit_floor"),
    ("the woman stretches up, leaning her upper body to the right, and then does arm circles",
     "stretch:right arm_circles"),
    ("a woman throws something with her left hand and then waves with her right hand", "throw:left wave:right"),
    ("after walking forward for a bit, a man kneels down on his left knee", "walk kneel:left"),
    ("a woman squats down before jumping forward", "squat jump"),
    ("a person does jumping jacks, followed by a deep bow", "jumping_jacks bow"),
    ("before sitting on the floor, the man turns around to the left", "turn:left sit_floor"),
    ("a person marches in place followed by a few arm circles", "march arm_circles"),
    ("after bowing to the crowd, the singer waves with the right hand", "bow wave:right"),
    ("someone runs forward quickly, then turns to the right", "run turn:right"),
    ("a man claps his hands before raising both arms overhead", "clap raise_arms"),
    ("the person hops on the left foot, followed by a kick with the right leg", "hop:left kick:right"),
    ("after stretching to the left, a woman squats down and stands up", "stretch:left squat"),
    ("a person steps back a few paces, then throws a ball with the right hand", "walk_backward throw:right"),
    ("the man side-steps to the left and afterwards punches with his left fist", "side_step:left punch:left"),
    ("a child spins around to the left before sitting down on the ground", "spin:left sit_floor"),
    ("a person balances on the left leg and then lunges forward with the right leg", "balance:left lunge:right"),
    ("the woman kneels on her right knee, gets up, and walks forward", "kneel:right walk"),
    ("a man walks backward unhurriedly and then jogs forward", "walk_backward jog"),
    ("a girl dances for a while and then bows to the audience", "dance bow"),
    # three actions
    ("a person walks forward, turns around to the left, and then walks in a circle to the right",
     "walk turn:left walk_circle:right"),
    ("in a workout, a man does jumping jacks, then squats twice, and finally claps", "jumping_jacks squat clap"),
    ("the dancer spins clockwise, bows, and then raises both arms", "spin:right bow raise_arms"),
    ("a woman waves with her left hand, jogs forward and then sits down on the floor", "wave:left jog sit_floor"),
    ("a boxer punches with the right fist, kicks with the left leg, and then steps sideways to the right",
     "punch:right kick:left side_step:right"),
)


def requested_seconds(actions: tuple[str, ...]) -> float:
    """The sum of the actions' natural durations (middle of each family's range), capped at `MAX_SECONDS`."""
    return min(sum(natural_seconds(a) for a in actions), MAX_SECONDS)


def _prompt(text: str, labels: str) -> FreeformPrompt:
    pairs = [(label.split(":") + [None])[:2] for label in labels.split()]
    actions = tuple(a for a, _ in pairs)
    return FreeformPrompt(text, actions, tuple(s for _, s in pairs), requested_seconds(actions))


FREEFORM: tuple[FreeformPrompt, ...] = tuple(_prompt(text, labels) for text, labels in _TABLE)


# --- the side check -------------------------------------------------------------------------------------------------
# family -> (measure, sign): the side is "left" where sign * measure(left) > sign * measure(right) (or, for the
# whole-body measures "yaw" and "lateral", where sign * measure > 0). Verified on real corpus motions by
# tests/unit/test_lm_freeform.py (every family >= 0.95; measured 1.00 on single-action records).
_SIDE_MEASURES: dict[str, tuple[str, float]] = {
    "turn": ("yaw", 1.0),            # total change of the facing direction; positive = towards the body's left
    "spin": ("yaw", 1.0),
    "walk_circle": ("yaw", 1.0),
    "side_step": ("lateral", 1.0),   # root travel along the body's own left axis
    "wave": ("wrist_height", 1.0),   # the working hand rises highest
    "throw": ("wrist_height", 1.0),
    "punch": ("wrist_reach", 1.0),   # the punching hand reaches furthest in front of the pelvis
    "stretch": ("lean", 1.0),        # the head leans towards that side of the pelvis
    "hop": ("ankle_mean_height", -1.0),      # the standing foot stays lowest on average (the other is held up)
    "balance": ("ankle_mean_height", -1.0),
    "kick": ("ankle_height", 1.0),   # the kicking foot rises highest
    "lunge": ("ankle_reach", 1.0),   # the leading foot steps furthest forward
    "kneel": ("knee_low", -1.0),     # the kneeling knee goes lowest
}
SIDE_CHECKED: frozenset[str] = frozenset(_SIDE_MEASURES)


def _body_axes(joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, 22, 3) joints -> unit (t, 3) forward and left directions on the floor, from the hips and shoulders."""
    from ..motion.features import _facing

    forward = _facing(joints, 1.0)
    forward = forward / np.maximum(np.linalg.norm(forward, axis=-1, keepdims=True), 1e-9)
    left = np.cross(np.array([0.0, 1.0, 0.0]), forward)  # y up: up x forward is the body's left (+x at rest)
    return forward, left


def _measure(name: str, joints: np.ndarray) -> float | tuple[float, float]:
    """One side measure of (t, 22, 3) joints: a signed number, or (left, right) values of a joint pair."""
    forward, left = _body_axes(joints)
    pelvis = joints[:, JOINT_INDEX["pelvis"]]
    pair = lambda joint: (joints[:, JOINT_INDEX["left_" + joint]], joints[:, JOINT_INDEX["right_" + joint]])  # noqa: E731
    if name == "yaw":
        heading = np.unwrap(np.arctan2(forward[:, 0], forward[:, 2]))
        return float(heading[-1] - heading[0])
    if name == "lateral":
        return float((np.diff(pelvis, axis=0) * left[1:]).sum())
    if name == "lean":
        return float(((joints[:, JOINT_INDEX["head"]] - pelvis) * left).sum(-1).mean())
    if name in ("wrist_height", "ankle_height"):
        return tuple(float((j[:, 1] - pelvis[:, 1]).max()) for j in pair(name.split("_")[0]))
    if name in ("wrist_reach", "ankle_reach"):
        return tuple(float(((j - pelvis) * forward).sum(-1).max()) for j in pair(name.split("_")[0]))
    if name == "ankle_mean_height":
        return tuple(float(j[:, 1].mean()) for j in pair("ankle"))
    if name == "knee_low":
        return tuple(float(j[:, 1].min()) for j in pair("knee"))
    raise ValueError(f"unknown side measure {name!r}")


def motion_side(family: str, joints: np.ndarray) -> str | None:
    """Which side of the body ("left"/"right", the body's own) performs `family` in (t, 22, 3) joints (metres, y up),
    by one geometric measure per family (`_SIDE_MEASURES`). None for families not in `SIDE_CHECKED`, for under 2
    frames, or on a tie."""
    if family not in _SIDE_MEASURES or joints is None or len(joints) < 2:
        return None
    name, sign = _SIDE_MEASURES[family]
    value = _measure(name, np.asarray(joints, np.float64))
    score = sign * (value[0] - value[1] if isinstance(value, tuple) else value)
    return "left" if score > 0 else "right" if score < 0 else None


# --- scoring --------------------------------------------------------------------------------------------------------
def windows(length: int, k: int) -> list[slice]:
    """`k` consecutive, equal (to a frame) time windows covering `length` frames."""
    bounds = np.linspace(0, length, k + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]


def window_predictions(classifier, features: list, counts: list[int]) -> list[list[str | None]]:
    """Per motion, the classifier's label for each of its `counts[i]` equal windows (None: no motion, or a window
    under `MIN_WINDOW_FRAMES` frames)."""
    from .evaluate import classify_generated

    pieces = [[None if f is None else f[w] for w in windows(len(f) if f is not None else 0, k)]
              for f, k in zip(features, counts)]
    flat = classify_generated(classifier, [p for ps in pieces for p in ps])
    out, at = [], 0
    for k in counts:
        out.append(flat[at: at + k])
        at += k
    return out


def freeform_prompts(actions: Iterable[str] | None = None) -> list[FreeformPrompt]:
    """The prompts of `FREEFORM` whose every action is in `actions` (all when None)."""
    return [p for p in FREEFORM if actions is None or set(p.actions) <= set(actions)]


def freeform_accuracy(lm, classifier, *, vocabulary: set[str] | None = None, temperature: float = 0.8,
                      top_k: int = 0, top_p: float = 0.95, seed: int = 0, guidance_scale: float = 1.0,
                      motion_tokenizer=None, return_generations: bool = False,
                      text_neighbours: int | None = None) -> tuple:
    """Action accuracy of motions generated from the `FREEFORM` prompts whose actions `classifier` knows.

    Scoring: each prompt is generated at its requested duration. A motion for k actions is split into k equal time
    windows (`windows`), each classified on its own (a window under 4 frames, or no motion, counts as wrong). A prompt
    is recognised when every window's label is its action, in order (k = 1: the whole motion's label is the action).
    The hit rate counts windows. Sides: for each window that is recognised and whose action has a stated
    left/right side of a family in `SIDE_CHECKED`, `motion_side` on that window's joints must give the same side.

    Returns ({"action_acc_freeform", "freeform_num_prompts", "freeform_action_hit_rate", "freeform_side_checked",
    "freeform_side_acc" (only when freeform_side_checked > 0), "freeform_novel_word_rate" (only with vocabulary)},
    rows: per prompt its actions, the prediction per window, expected and found sides, novel words).
    vocabulary: the training captions' words (`caption_vocabulary`); None skips the novel words.
    return_generations: also return the generated features (None where generation failed) and the requested
    seconds, one per prompt (for `duration_within`).
    text_neighbours: as `generate_motion` (None: the model's neighbour projection; 0: raw sentence vectors)."""
    from .generate import generate_motion

    prompts = freeform_prompts(classifier.labels)
    if not prompts:
        raise ValueError(f"classifier labels {list(classifier.labels)} cover the actions of no FREEFORM prompt")
    texts, seconds = [p.text for p in prompts], [p.seconds for p in prompts]
    gen = generate_motion(lm, texts, durations=seconds, temperature=temperature, top_k=top_k, top_p=top_p,
                          seed=seed, guidance_scale=guidance_scale, motion_tokenizer=motion_tokenizer,
                          text_neighbours=text_neighbours)
    predicted = window_predictions(classifier, gen.features, [len(p.actions) for p in prompts])
    rows = []
    for p, pred, joints in zip(prompts, predicted, gen.joints):
        checked = [label == a and side in ("left", "right") and a in SIDE_CHECKED
                   for a, side, label in zip(p.actions, p.sides, pred)]
        spans = windows(len(joints) if joints is not None else 0, len(p.actions))
        rows.append({"prompt": p.text, "actions": list(p.actions), "predicted": [x or "(no motion)" for x in pred],
                     "recognised": list(pred) == list(p.actions), "side_expected": list(p.sides),
                     "side_found": [motion_side(a, joints[w]) if c else None
                                    for a, w, c in zip(p.actions, spans, checked)],
                     "side_checked": checked,
                     "novel_words": novel_words(p.text, vocabulary) if vocabulary is not None else None})
    hits = sum(a == x for r in rows for a, x in zip(r["actions"], r["predicted"]))
    sides = [(e, f) for r in rows for e, f, c in zip(r["side_expected"], r["side_found"], r["side_checked"]) if c]
    figures = {"action_acc_freeform": sum(r["recognised"] for r in rows) / len(rows),
               "freeform_num_prompts": len(rows),
               "freeform_action_hit_rate": hits / sum(len(p.actions) for p in prompts),
               "freeform_side_checked": len(sides)}
    if sides:
        figures["freeform_side_acc"] = sum(e == f for e, f in sides) / len(sides)
    if vocabulary is not None:
        figures["freeform_novel_word_rate"] = novel_word_rate(texts, vocabulary)
    return (figures, rows, gen.features, seconds) if return_generations else (figures, rows)
