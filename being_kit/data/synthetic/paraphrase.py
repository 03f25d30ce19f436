"""Richer whole-body captions for synthetic motions, in the varied register of human-written corpora (HumanML3D).

`captions.describe` writes a few fixed templates; a model trained on them learns the templates. `paraphrase` writes
from a phrase library instead: per family many verb phrases (synonyms, body mechanics, intents, similes), several
sentence frames (present simple, "is ...ing", "we see ...", "a person who ..."), many subjects, optional context,
pace / count / direction phrased many ways, and several ways to put actions in order.

The library is data: verb phrases are written in the base form with the head verb first ("+" marks a further verb,
"squat down and +stand back up") and conjugated once at import; `{slot}`s are filled from the small tables below.
Every phrase is faithful to the action's params: "left" is the body's own left, a left turn is counterclockwise seen
from above, counts and pace come from the params, in-place jumps never say forward. `generator_vocabulary()` is the
exact set of words `paraphrase` and `captions` can emit, computed from the tables (not by sampling).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from . import captions
from .actions import FAMILY_NAMES

# ---------------------------------------------------------------------------------------------------- subjects
# (subject, back-reference for a later sentence, gender: m / f / n -> possessives)
SUBJECTS_COMMON = (
    ("a person", "the person", "n"), ("a man", "he", "m"), ("a woman", "she", "f"), ("someone", "the person", "n"),
    ("the person", "the person", "n"), ("the man", "he", "m"), ("the woman", "she", "f"), ("a guy", "he", "m"),
    ("somebody", "the person", "n"), ("a human", "the human", "n"), ("a figure", "the figure", "n"),
    ("an individual", "the individual", "n"), ("a girl", "she", "f"), ("a boy", "he", "m"), ("a lady", "she", "f"),
)
SUBJECTS_VARIED = (
    ("a young man", "he", "m"), ("a young woman", "she", "f"), ("an old man", "he", "m"),
    ("an elderly woman", "she", "f"), ("an older gentleman", "he", "m"), ("a middle-aged man", "he", "m"),
    ("a middle-aged woman", "she", "f"), ("a teenager", "the teenager", "n"), ("a teenage girl", "she", "f"),
    ("a little boy", "he", "m"), ("a short woman", "she", "f"), ("a slim person", "the person", "n"),
    ("a heavyset man", "he", "m"), ("a skinny guy", "he", "m"), ("a student", "the student", "n"),
    ("a coach", "the coach", "n"), ("a gymnast", "the gymnast", "n"), ("a fitness instructor", "the instructor", "n"),
    ("a character", "the character", "n"), ("an animated character", "the character", "n"),
    ("a virtual avatar", "the avatar", "n"), ("a stick figure", "the figure", "n"),
    ("a participant", "the participant", "n"), ("a volunteer", "the volunteer", "n"), ("a gentleman", "he", "m"),
    ("a father", "he", "m"), ("a mother", "she", "f"), ("a grandfather", "he", "m"), ("a grandmother", "she", "f"),
    ("a nurse", "the nurse", "n"), ("a teacher", "the teacher", "n"), ("a worker", "the worker", "n"),
    ("a tourist", "the tourist", "n"), ("a martial artist", "the martial artist", "n"), ("a businessman", "he", "m"),
    ("a woman in sneakers", "she", "f"), ("a man in a suit", "he", "m"), ("a bald man", "he", "m"),
    ("a blond woman", "she", "f"), ("a young girl", "she", "f"), ("a young boy", "he", "m"),
    ("a sporty woman", "she", "f"), ("a strong man", "he", "m"), ("a weary man", "he", "m"),
    ("a happy woman", "she", "f"), ("a pedestrian", "the pedestrian", "n"), ("a hiker", "the hiker", "n"),
    ("a chef", "the chef", "n"), ("a waiter", "the waiter", "m"), ("a doctor", "the doctor", "n"),
    ("a police officer", "the officer", "n"), ("a firefighter", "the firefighter", "n"),
    ("a farmer", "the farmer", "n"), ("a musician", "the musician", "n"), ("a singer", "the singer", "n"),
    ("a painter", "the painter", "n"), ("a clown", "the clown", "n"), ("a humanoid robot", "the robot", "n"),
    ("a cowboy", "he", "m"), ("a yoga teacher", "the teacher", "n"), ("a ninja", "the ninja", "n"),
    ("a pirate", "the pirate", "n"), ("a college student", "the student", "n"), ("a man wearing a hat", "he", "m"),
    ("a person in a hoodie", "the person", "n"), ("a man in shorts", "he", "m"), ("a woman in a dress", "she", "f"),
    ("a woman wearing glasses", "she", "f"), ("a bearded man", "he", "m"), ("a muscular man", "he", "m"),
    ("a petite woman", "she", "f"), ("a lanky teenager", "the teenager", "n"), ("a curly-haired girl", "she", "f"),
    ("a red-haired woman", "she", "f"), ("a mime", "the mime", "n"), ("an acrobat", "the acrobat", "n"),
    ("a cheerleader", "the cheerleader", "n"), ("a referee", "the referee", "n"), ("a lifeguard", "the lifeguard", "n"),
    ("a mail carrier", "the carrier", "n"), ("a scientist", "the scientist", "n"),
    ("a librarian", "the librarian", "n"), ("a schoolboy", "he", "m"), ("a schoolgirl", "she", "f"),
    ("an uncle", "he", "m"), ("a neighbor", "the neighbor", "n"), ("a stranger", "the stranger", "n"),
    ("a trainee", "the trainee", "n"), ("a warrior", "the warrior", "n"), ("a superhero", "the superhero", "n"),
    ("a sleepy man", "he", "m"), ("a nervous woman", "she", "f"), ("a confident man", "he", "m"),
    ("a bored teenager", "the teenager", "n"), ("a man with a backpack", "he", "m"),
    ("a woman in a tracksuit", "she", "f"), ("a retired man", "he", "m"), ("a fit woman", "she", "f"),
    ("a carpenter", "the carpenter", "n"), ("a mechanic", "the mechanic", "n"), ("a pilot", "the pilot", "n"),
    ("a sailor", "the sailor", "n"), ("a janitor", "the janitor", "n"), ("a cashier", "the cashier", "n"),
    ("a barista", "the barista", "n"), ("a gardener", "the gardener", "n"), ("a surfer", "the surfer", "n"),
    ("a skier", "the skier", "n"), ("a golfer", "the golfer", "n"), ("a cyclist", "the cyclist", "n"),
    ("a wrestler", "the wrestler", "n"), ("an engineer", "the engineer", "n"), ("a programmer", "the programmer", "n"),
    ("a photographer", "the photographer", "n"), ("a journalist", "the journalist", "n"),
    ("a magician", "the magician", "n"), ("a juggler", "the juggler", "n"), ("a comedian", "the comedian", "n"),
    ("an astronaut", "the astronaut", "n"), ("a detective", "the detective", "n"),
    ("a security guard", "the guard", "n"), ("a park ranger", "the ranger", "n"),
    ("a shopkeeper", "the shopkeeper", "n"), ("a grandpa", "he", "m"), ("a grandma", "she", "f"), ("a mom", "she", "f"),
    ("a dad", "he", "m"), ("a brother", "he", "m"), ("a sister", "she", "f"), ("a husband", "he", "m"),
    ("a wife", "she", "f"), ("a bride", "she", "f"), ("a groom", "he", "m"), ("a traveler", "the traveler", "n"),
    ("a commuter", "the commuter", "n"), ("a shopper", "the shopper", "n"), ("a spectator", "the spectator", "n"),
    ("a cook", "the cook", "n"), ("a baker", "the baker", "n"), ("a dentist", "the dentist", "n"),
    ("a surgeon", "the surgeon", "n"), ("a fisherman", "he", "m"), ("a lumberjack", "he", "m"),
    ("a builder", "the builder", "n"), ("a sculptor", "the sculptor", "n"), ("a writer", "the writer", "n"),
    ("a violinist", "the violinist", "n"), ("a drummer", "the drummer", "n"), ("a guitarist", "the guitarist", "n"),
    ("a pianist", "the pianist", "n"), ("a tailor", "the tailor", "n"), ("a barber", "the barber", "n"),
    ("an architect", "the architect", "n"), ("a professor", "the professor", "n"), ("a tutor", "the tutor", "n"),
    ("a personal trainer", "the trainer", "n"), ("a smiling woman", "she", "f"), ("a serious man", "he", "m"),
    ("a clumsy man", "he", "m"), ("a quiet boy", "he", "m"), ("a shy girl", "she", "f"), ("a proud father", "he", "m"),
    ("a joyful woman", "she", "f"), ("an angry man", "he", "m"), ("a sad woman", "she", "f"),
    ("a grumpy old man", "he", "m"), ("a friendly neighbor", "the neighbor", "n"), ("a short-haired woman", "she", "f"),
    ("a man with a beard", "he", "m"), ("a woman with a ponytail", "she", "f"), ("a man in jeans", "he", "m"),
    ("a woman in a red shirt", "she", "f"), ("a man in a blue jacket", "he", "m"),
    ("a person in a white shirt", "the person", "n"), ("a woman in a yellow raincoat", "she", "f"),
    ("a man in a black coat", "he", "m"), ("a person wearing headphones", "the person", "n"),
    ("a girl with pigtails", "she", "f"), ("a boy in a cap", "he", "m"), ("a man in overalls", "he", "m"),
    ("a woman in a skirt", "she", "f"), ("a person in sportswear", "the person", "n"),
    ("a woman in leggings", "she", "f"), ("a young lad", "he", "m"), ("a youngster", "the youngster", "n"),
    ("a senior citizen", "the senior", "n"), ("an office worker", "the worker", "n"), ("a gamer", "the gamer", "n"),
    ("a vlogger", "the vlogger", "n"), ("a paramedic", "the paramedic", "n"), ("a plumber", "the plumber", "n"),
    ("an electrician", "the electrician", "n"), ("a courier", "the courier", "n"), ("a florist", "the florist", "n"),
    ("a banker", "the banker", "n"), ("an accountant", "the accountant", "n"),
    ("a receptionist", "the receptionist", "n"), ("a zookeeper", "the zookeeper", "n"),
    ("a beekeeper", "the beekeeper", "n"), ("a shepherd", "the shepherd", "n"), ("a blacksmith", "the blacksmith", "n"),
    ("a mountaineer", "the mountaineer", "n"), ("a climber", "the climber", "n"), ("a rower", "the rower", "n"),
    ("a kayaker", "the kayaker", "n"), ("a snowboarder", "the snowboarder", "n"),
    ("a skateboarder", "the skateboarder", "n"), ("a freshman", "the freshman", "n"), ("an intern", "the intern", "n"),
    ("a manager", "the manager", "n"), ("a customer", "the customer", "n"), ("a visitor", "the visitor", "n"),
    ("a guest", "the guest", "n"), ("a newcomer", "the newcomer", "n"), ("a beginner", "the beginner", "n"),
    ("an expert", "the expert", "n"), ("an amateur", "the amateur", "n"), ("a hobbyist", "the hobbyist", "n"),
)
POSSESSIVE = {"m": ("the",), "f": ("the",), "n": ("their", "the")}

# ---------------------------------------------------------------------------------------------------- slot tables
NUMBER = captions.NUMBER  # 1..8 as words; larger counts are written as digits
TIMES = {  # adverbial counts; {w}: the number as a word (or digits past eight), {d}: digits; "n": three or more
    1: ("once", "one time", "just once", "only once"),
    2: ("twice", "two times", "2 times", "a couple of times", "twice in a row", "two separate times"),
    "n": ("{w} times", "{d} times", "{w} times in a row", "{w} times in succession", "a total of {w} times",
          "{w} consecutive times", "{w} times in total", "{w} times back to back", "{w} separate times"),
}
CARDINAL = ("{w}", "{w}", "{d}")  # before a plural noun: "three squats", "3 squats"
DIRECTION = {  # the two sides say the same things, in the same order (captions of mirrored motions mirror too)
    "left": ("to the left", "to the left side", "to {pos} left", "toward the left", "towards {pos} left", "leftward",
             "leftwards", "to the left-hand side", "in the left direction", "off to the left", "over to the left",
             "toward {pos} left side", "in a leftward direction"),
    "right": ("to the right", "to the right side", "to {pos} right", "toward the right", "towards {pos} right",
              "rightward", "rightwards", "to the right-hand side", "in the right direction", "off to the right",
              "over to the right", "toward {pos} right side", "in a rightward direction"),
}
ROTATION = {"left": ("counterclockwise", "anticlockwise"),
            "right": ("clockwise", "clockwise")}
WHERE = {  # raise_arms: where the arms go
    "up": ("above the head", "overhead", "up over the head", "straight up", "high into the air",
           "up toward the ceiling"),
    "forward": ("forward to shoulder height", "out in front", "straight out in front of the body", "forward",
                "out in front to chest height", "horizontally in front"),
    "sideways": ("out to the sides", "sideways to shoulder height", "out wide", "to the sides",
                 "out sideways into a T shape", "horizontally out to each side"),
}
# pace after the verb ({pace} slot) and before it; "gait" for travel, "rate" for repeated movements in place
PACE = {
    "gait": {"slow": ("slowly", "at a slow pace", "at a leisurely pace", "unhurriedly", "at a relaxed pace",
                      "at a gentle pace", "without hurrying", "very slowly", "rather slowly",
                      "with slow steps", "in a slow manner", "at a sluggish pace", "in no hurry", "at a calm pace"),
             "normal": ("", "", "", "", "at a steady pace", "at a normal pace", "at a regular pace",
                        "at a moderate pace", "at an average speed", "steadily", "at an even pace",
                        "at a comfortable pace", "at medium speed", "at an ordinary speed", "at a natural pace",
                        "at a typical pace", "at a consistent pace", "at a constant speed"),
             "fast": ("quickly", "fast", "rapidly", "briskly", "at a fast pace", "at a quick pace", "in a hurry",
                      "hurriedly", "swiftly", "at a rapid pace", "very quickly", "at high speed", "speedily",
                      "at a brisk pace", "with haste", "at a quick clip", "in a rush", "at a lively pace",
                      "at a hurried pace")},
    "rate": {"slow": ("slowly", "at a leisurely rate", "gently", "in slow, even movements",
                      "at a slow rhythm", "very slowly", "lazily", "in an unhurried way"),
             "normal": ("", "", "", "at a steady rhythm", "at an even rate", "steadily",
                        "at a regular rhythm", "at a normal speed", "at a constant rate"),
             "fast": ("quickly", "rapidly", "fast", "at a fast rhythm", "in rapid movements",
                      "very quickly", "vigorously", "at high speed", "energetically")},
}
PACE_BEFORE = {
    "gait": {"slow": ("slowly", "unhurriedly", "leisurely", "gently"), "normal": ("", "", "steadily"),
             "fast": ("quickly", "rapidly", "swiftly", "hurriedly", "briskly")},
    "rate": {"slow": ("slowly", "gently", "lazily"), "normal": ("", "", "steadily"),
             "fast": ("quickly", "rapidly", "vigorously", "energetically")},
}
PACE_KIND = {"walk": "gait", "jog": "gait", "run": "gait", "walk_backward": "gait", "side_step": "gait",
             "walk_circle": "gait", "march": "rate", "wave": "rate", "arm_circles": "rate"}

# ---------------------------------------------------------------------------------------------------- verb phrases
# family -> {condition: phrases}; a condition names params (see CONDITIONS), "a+b" needs both, "" always holds.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "walk": {
        "": ("walk forward {pace}", "walk straight ahead {pace}", "walk ahead {pace}",
             "take a few steps forward {pace}", "take several steps ahead {pace}", "move forward on foot {pace}",
             "go for a short walk forward {pace}", "advance on foot {pace}",
             "walk forwards {pace} with the arms swinging at the sides", "walk ahead {pace}, swinging the arms",
             "cover some distance on foot {pace}", "make headway on foot {pace}",
             "walk a short distance forward {pace}", "walk straight {pace}",
             "put one foot in front of the other {pace}", "head forward on foot {pace}",
             "walk forward {pace} with even footsteps", "walk forward {pace}, heel to toe",
             "travel forward on foot {pace}", "walk {pace} in the direction {pos} body faces",
             "walk forward {pace} with the head up", "walk {pace} along a straight path",
             "move ahead step by step {pace}", "take a walk straight ahead {pace}",
             "walk {pace} toward something in front", "go forward on foot {pace}", "walk {pace} toward the front",
             "walk {pace} in one direction", "make progress on foot {pace}",
             "walk forward {pace}, swinging the opposite arm with each leg", "walk ahead {pace} with a natural gait",
             "walk forward {pace}, the torso upright", "walk forward a few meters {pace}"),
        "slow": ("stroll forward", "saunter forward", "take slow, careful steps forward",
                 "stroll ahead as if enjoying the afternoon", "plod forward", "shuffle forward with small slow steps",
                 "wander straight ahead at a lazy pace", "dawdle forward", "trudge forward as if tired",
                 "creep forward with slow steps", "take leisurely steps ahead"),
        "fast": ("walk briskly forward", "hurry forward on foot", "power walk forward", "speed walk straight ahead",
                 "walk fast as if late for a meeting", "rush forward on foot", "walk with quick steps straight ahead",
                 "hustle forward on foot", "scurry forward"),
    },
    "jog": {
        "": ("jog forward {pace}", "jog straight ahead {pace}", "jog ahead {pace}", "run forward at a jog {pace}",
             "go for a short jog {pace}", "break into a jog {pace}", "jog ahead {pace}, arms bent at the elbows",
             "do a little jog forward {pace}", "lope forward {pace}", "jog forward {pace}, feet landing lightly",
             "jog a short stretch {pace}", "jog forward {pace}, arms swinging at the sides",
             "jog ahead a few meters {pace}", "move at a jog straight ahead {pace}", "jog a bit forward {pace}"),
        "slow": ("run at a gentle trot straight ahead", "jog gently forward", "jog forward at a gentle rhythm"),
        "fast": ("jog briskly forward", "do a quick jog straight ahead", "pick up the pace into a fast jog",
                 "jog rapidly ahead"),
    },
    "run": {
        "": ("run forward {pace}", "run straight ahead {pace}", "run ahead {pace}", "move forward at a run {pace}",
             "cover ground at a run {pace}", "run a short distance forward {pace}", "go for a short run {pace}",
             "run forward {pace}, feet pounding the ground", "run a stretch straight ahead {pace}",
             "take off at a run {pace}", "run forward {pace} with the body tilted into the motion",
             "run a few meters ahead {pace}", "run forward {pace} with the arms swinging", "break into a run {pace}",
             "head forward at a run {pace}"),
        "fast": ("sprint forward", "dash ahead", "charge straight ahead", "run as fast as possible straight ahead",
                 "dash forward as if chasing a bus", "dart forward", "run ahead, the arms swinging hard",
                 "sprint straight ahead", "rush forward at a run", "charge forward", "run flat out straight ahead"),
        "slow": ("run forward gently without pushing hard", "run forward at a comfortable, unhurried pace"),
    },
    "walk_backward": {
        "": ("walk backward {pace}", "walk backwards {pace}", "back up {pace}", "walk in reverse {pace}",
             "move backward on foot {pace}", "take several steps back {pace}",
             "walk back {pace} without turning around", "move in reverse {pace}", "take a few steps backwards {pace}",
             "go backward {pace} on foot", "backpedal {pace}", "back off {pace}",
             "walk backwards {pace} without turning the body", "go in reverse on foot {pace}",
             "walk backwards a few meters {pace}", "move backwards {pace}, facing the front",
             "back up a few meters {pace}"),
    },
    "side_step": {
        "": ("shuffle sideways {to_side} {pace}", "move sideways {to_side} {pace}", "sidestep {to_side} {pace}",
             "take side steps {to_side} {pace}", "slide {to_side} with small sideways steps {pace}",
             "shift sideways {to_side} {pace}", "walk sideways {to_side} {pace}",
             "move {to_side} without turning the body {pace}", "shuffle {to_side} {pace}, the {side} foot leading",
             "scoot sideways {to_side} {pace}", "sidle {to_side} {pace}", "shuffle the feet sideways {to_side} {pace}",
             "move sideways {to_side} {pace}, feet sliding together and apart", "travel sideways {to_side} {pace}",
             "shift {to_side} with side steps {pace}", "sidestep several times {to_side} {pace}"),
    },
    "walk_circle": {
        "full": ("walk in a circle {rot} {pace}", "walk around in a circle {to_side} {pace}",
                 "walk a circle {rot} {pace}", "circle around {rot} on foot {pace}",
                 "walk one lap of a circle {rot} {pace}", "make a complete circle on foot {rot} {pace}",
                 "walk all the way around a circle {rot} {pace}", "trace a circle on the floor by walking {rot} {pace}",
                 "go around in a circle {to_side} {pace}", "walk a full circle {rot} {pace}",
                 "circle {rot} on foot {pace}", "walk a whole circle {to_side} {pace}",
                 "walk in a circular path {rot} {pace}"),
        "part": ("walk in a half circle {rot} {pace}", "walk a semicircle {to_side} {pace}",
                 "walk along an arc {to_side} {pace}", "walk in a curve that bends {to_side} {pace}",
                 "walk partway around a circle {rot} {pace}", "follow a curved path {to_side} {pace}",
                 "walk an arc {rot} {pace}", "walk a partial circle {rot} {pace}",
                 "walk a curved path halfway around {rot} {pace}", "walk in a crescent shape {to_side} {pace}",
                 "walk a half circle {to_side} {pace}", "walk along part of a circle {rot} {pace}"),
        "": ("walk along a curve {rot} {pace}", "walk on a curved path bending {to_side} {pace}",
             "walk while turning {to_side} {pace}", "walk forward and +curve around {to_side} {pace}",
             "keep turning {to_side} while walking {pace}", "steer {to_side} while walking {pace}",
             "curve {to_side} while walking forward {pace}", "walk {pace} and +gradually turn {to_side}",
             "walk forward while curving {to_side} {pace}"),
    },
    "march": {
        "": ("march in place {pace}", "march on the spot {pace}", "march without going anywhere {pace}",
             "march in place {pace}, raising the knees high", "stomp in place {pace}, one knee after the other",
             "mark time {pace}", "walk in place {pace} with exaggerated knee lifts",
             "stay in one spot and +march {pace}", "lift the knees up high one at a time {pace} without traveling",
             "raise alternate knees high {pace} while standing in one place",
             "march on the spot {pace}, the arms swinging in opposition", "march in a fixed spot {pace}",
             "perform a marching drill in place {pace}", "bring each knee up toward the chest in turn {pace}",
             "alternate lifting the knees high {pace}, staying put", "march in place {pace}, knees coming up high",
             "march {pace} without leaving the spot", "do a march in place {pace}", "stamp the feet in place {pace}",
             "march in place {pace} with swinging arms"),
    },
    "turn": {
        "quarter": ("turn {to_side}", "turn {side}", "make a quarter turn {to_side}", "turn 90 degrees {to_side}",
                    "turn ninety degrees {rot}", "rotate {to_side} by a quarter turn", "turn to face the {side}",
                    "swivel {to_side}", "turn the whole body {to_side}", "change direction by turning {to_side}",
                    "turn {rot} by 90 degrees", "rotate the body ninety degrees {to_side}",
                    "face the {side} by turning {rot}", "turn sideways {to_side}", "shift the feet and +turn {to_side}",
                    "turn {side} on the spot", "turn sideways {rot}", "make a ninety-degree turn {to_side}",
                    "do a quarter turn {to_side}"),
        "half": ("turn around {to_side}", "turn all the way around {to_side}", "turn 180 degrees {to_side}",
                 "make a half turn {rot}", "do an about-face {to_side}", "turn {to_side} to face the other way",
                 "turn {to_side} to face backward", "rotate half a circle {rot}", "turn around in place {rot}",
                 "turn {rot} until facing the opposite direction", "turn back around {to_side}",
                 "turn to face the rear, rotating {rot}", "do a half rotation {rot}",
                 "turn on the heels {to_side} to face backward", "do a 180-degree turn {to_side}",
                 "face the opposite way by turning {to_side}", "turn {rot} to look backward"),
        "": ("turn {to_side} on the spot", "turn {to_side} in place", "shuffle the feet to turn {to_side}",
             "turn {to_side} with a few small steps", "rotate {rot} while standing in one spot",
             "turn {rot} on the spot", "turn the body {rot} on the spot", "rotate the body {to_side}",
             "turn on the spot, rotating {rot}"),
    },
    "spin": {
        "one_turn": ("spin around once {to_side}", "spin {rot} once", "do a full turn {rot}",
                     "turn a full circle {to_side}", "spin 360 degrees {rot}", "make one complete rotation {rot}",
                     "rotate all the way around once {rot}", "do a pirouette {rot}", "revolve once {rot}",
                     "whirl around once {to_side}", "do one full spin {rot}", "spin a full 360 degrees {to_side}",
                     "go around once {rot}"),
        "two_turns": ("spin around twice {to_side}", "spin {rot} two times", "do two full turns {rot}",
                      "turn two full circles {to_side}", "spin 720 degrees {rot}", "spin around two times {to_side}",
                      "revolve twice {rot}", "do a double spin {rot}", "do two spins {rot}",
                      "spin around two full times {to_side}", "go around twice {rot}"),
        "": ("spin {rot} with the arms held out", "spin {to_side} with both arms stretched out to the sides",
             "whirl around {to_side}, arms out wide", "spin on the spot {rot}", "spin in place {to_side}, arms spread",
             "spin {rot}, the arms flung wide", "spin around {rot} on the spot",
             "rotate {rot} on the spot with the arms out"),
    },
    "jump": {
        "forward+once": ("jump forward", "leap forward", "jump ahead with both feet", "do a broad jump",
                         "jump forward, landing on both feet", "take a big jump forward", "jump forward once",
                         "jump a short distance ahead", "jump a little way forward", "make a forward jump",
                         "leap ahead with both feet"),
        "forward+many": ("jump forward {times}", "do {num} jumps forward", "leap forward {times}",
                         "make {num} consecutive forward jumps", "jump ahead {times} with both feet together",
                         "jump forward {times}, landing on both feet", "do {num} forward jumps", "leap ahead {times}"),
        "forward": ("jump forward with both feet, swinging the arms", "leap ahead, landing with bent knees",
                    "launch forward off both feet", "leap ahead off both feet"),
        "in_place+once": ("jump up", "jump in place", "jump straight up", "do a vertical jump", "jump up on the spot",
                          "jump up and +land in the same spot", "jump up once", "do a jump on the spot",
                          "make a small jump in place"),
        "in_place+many": ("jump up and down {times}", "jump in place {times}", "do {num} jumps on the spot",
                          "jump straight up {times}", "do {num} vertical jumps", "jump on the spot {times}",
                          "do {num} jumps in place", "do {num} small jumps in place", "leap up {times} in place"),
        "in_place": ("jump straight up with both feet", "jump up without traveling",
                     "leap up off both feet and +come down in the same place",
                     "jump vertically, staying in the same spot", "push off the floor with both feet and +land again",
                     "jump vertically"),
    },
    "hop": {
        "": ("hop on the {side} leg", "hop on the {side} foot", "hop on one foot, using the {side} leg",
             "hop on the {side} foot while holding the {other} foot up", "jump on the {side} leg",
             "hop up and down on the {side} foot", "keep the {other} foot off the floor and +hop on the {side}",
             "hop in place on the {side} leg", "balance on the {side} foot and +hop",
             "hop on the {side} leg, the {other} knee tucked up", "hop on just the {side} foot",
             "hop on the {side} foot, keeping the {other} foot raised", "do hops on the {side} leg",
             "jump up and down on the {side} foot"),
        "once": ("hop once on the {side} foot",),
        "many": ("hop {times} on the {side} foot", "do {num} hops on the {side} leg", "hop on the {side} leg {times}",
                 "hop on the {side} foot {times} with the {other} knee bent"),
    },
    "squat": {
        "once": ("squat down and +stand back up", "do a squat", "bend the knees into a squat and +rise again",
                 "lower into a squat and +come back up", "sink down into a squat and +straighten up", "squat once",
                 "drop down into a squat and +stand up", "do a bodyweight squat", "do an air squat",
                 "sit back into a squat and +rise", "squat down once and +rise",
                 "lower into a full squat and +stand back up"),
        "many": ("do {num} squats", "squat {times}", "squat down and up {times}", "do {num} squats in a row",
                 "bend the knees and +rise {times}", "perform {num} squats", "do a set of {num} squats",
                 "do {num} bodyweight squats", "do {num} air squats", "do {num} squats one after another",
                 "squat down {times} and +come back up each time"),
        "deep": ("squat deeply", "drop into a deep squat", "go all the way down into a deep squat"),
        "deep+many": ("do {num} deep squats", "squat deeply {times}"),
        "": ("lower the pelvis toward the floor and +push back up", "squat with the arms stretched out in front",
             "bend at the knees and waist, then +stand straight again",
             "squat down with the arms stretched forward for balance",
             "lower the body by bending the knees, then +rise"),
    },
    "lunge": {
        "": ("lunge forward with the {side} leg", "do a lunge leading with the {side} foot",
             "take a big step forward with the {side} leg and +sink down", "lunge with the {side} foot in front",
             "lunge forward on the {side} leg, the {other} knee dropping toward the floor",
             "do a forward lunge on the {side} side", "drop into a lunge, {side} leg forward, then +return to standing",
             "lunge ahead with the {side} leg", "do a lunge with the {side} leg in front",
             "drop into a forward lunge on the {side} leg and +come back up",
             "lunge with the {side} foot forward and the {other} knee bent toward the floor"),
    },
    "kneel": {
        "": ("kneel down on the {side} knee and +get back up", "go down on the {side} knee, then +stand up",
             "kneel on one knee, the {side} one, and +rise again", "drop to the {side} knee and +stand back up",
             "go down on one knee, the {side} one, and +rise", "take a knee on the {side} side, then +stand again",
             "lower down to the {side} knee and +stand up",
             "bend down to the {side} knee, then +push back up to standing",
             "put the {side} knee on the floor for a moment and +get up",
             "lower down to kneel on the {side} knee, then +rise", "kneel briefly on the {side} knee",
             "sink down to the {side} knee and +come back up", "kneel on the {side} knee, then +get up",
             "drop down to the {side} knee for a moment", "get down on the {side} knee and +rise again",
             "go down to one knee, the {side}, and +come back up"),
    },
    "sit_floor": {
        "": ("sit down on the floor and +stand back up", "sit on the ground, then +get up again",
             "lower down to sit on the floor and +rise", "take a seat on the floor and +get back up",
             "sit down on the ground for a moment and +get up", "get down to sit on the floor and +return to standing",
             "lower the body all the way to the ground, +sit, and +climb back to the feet",
             "sit briefly on the floor before getting up", "sit down on the ground and then +rise to the feet",
             "sit on the floor for a moment, then +get back up", "get down and +sit on the ground, then +stand",
             "drop down to sit on the floor and +rise again", "sit down on the ground and +push back up to standing"),
    },
    "kick": {
        "once": ("kick with the {side} leg", "kick forward with the {side} foot", "do a {side}-legged kick",
                 "throw a kick with the {side} foot", "deliver a front kick with the {side} leg",
                 "kick the {side} leg out in front", "kick once with the {side} foot",
                 "do a front kick with the {side} leg", "snap a kick forward with the {side} foot",
                 "do a forward kick with the {side} leg", "kick ahead with the {side} foot"),
        "many": ("kick {times} with the {side} leg", "kick forward {times} with the {side} foot",
                 "do {num} kicks with the {side} leg", "throw {num} front kicks with the {side} foot",
                 "kick out with the {side} leg {times}", "do {num} front kicks with the {side} leg",
                 "kick {times} with the {side} foot"),
        "high": ("kick high with the {side} leg", "do a high kick with the {side} foot",
                 "swing the {side} leg up high in a kick", "kick the {side} foot up above waist height"),
        "": ("raise the {side} knee and +snap the {side} foot forward",
             "kick out with the {side} foot while standing on the {other} leg",
             "lift the {side} knee and +extend the leg in a kick", "kick the air in front with the {side} foot",
             "kick forward with the {side} leg while balancing on the {other}"),
    },
    "jumping_jacks": {
        "once": ("do a jumping jack", "do one jumping jack"),
        "many": ("do {num} jumping jacks", "perform {num} jumping jacks", "complete {num} jumping jacks in a row",
                 "do a set of {num} jumping jacks"),
        "": ("do jumping jacks", "perform jumping jacks",
             "jump the feet apart while swinging the arms overhead, then +jump back",
             "jump with the legs spreading and the arms going up overhead",
             "spread the legs and +raise the arms overhead in a jump, then +bring them back together",
             "do a series of jumping jacks", "do the jumping jack exercise", "do side straddle hops",
             "do some jumping jacks", "do jumping jack exercises"),
    },
    "balance": {
        "": ("stand on the {side} leg", "balance on the {side} foot",
             "lift the {other} knee and +balance on the {side} leg", "stand on one leg, using the {side}",
             "raise the {other} knee in front and +keep still on the {side} foot",
             "balance on the {side} foot with the arms out to the sides",
             "shift the weight to the {side} foot and +lift the {other} knee",
             "stand on the {side} foot with the {other} leg raised", "perch on the {side} leg",
             "balance on one leg, the {side}, with the {other} knee up",
             "lift the {other} foot and +balance on the {side}", "stand on the {side} foot alone",
             "balance on the {side} leg with the {other} knee lifted",
             "keep the balance on the {side} leg with the arms spread"),
    },
    "wave": {
        "one_side": ("wave with the {side} hand {pace}", "raise the {side} hand and +wave {pace}",
                     "wave the {side} arm {pace}", "wave hello with the {side} hand {pace}",
                     "wave goodbye with the {side} hand {pace}", "lift the {side} arm and +wave it side to side {pace}",
                     "wave the {side} hand above the shoulder {pace}", "wave at someone with the {side} hand {pace}",
                     "flap the {side} hand side to side {pace}", "wave the {side} hand back and forth {pace}",
                     "raise the {side} arm in a friendly wave {pace}", "wave the {side} hand in the air {pace}",
                     "lift the {side} hand and +wave it {pace}", "do a wave with the {side} hand {pace}",
                     "raise the {side} hand in greeting and +wave {pace}"),
        "both": ("wave with both hands {pace}", "raise both hands and +wave {pace}", "wave both arms {pace}",
                 "wave hello with both hands {pace}", "wave both arms over the head {pace}",
                 "wave with both arms raised {pace}", "wave enthusiastically with both hands {pace}",
                 "wave both hands back and forth {pace}", "wave both hands high above the head {pace}",
                 "do a wave with both hands {pace}", "lift both hands and +wave them {pace}",
                 "wave both hands in the air {pace}"),
    },
    "raise_arms": {
        "": ("raise both arms {where}", "lift the arms {where}", "bring both arms up {where}",
             "raise the arms {where} and +drop them again", "lift both arms {where} and +lower them",
             "put both arms {where}, then +bring them down",
             "lift both arms {where} and +bring them back down to the sides",
             "bring the arms up {where} and +lower them"),
        "once": ("raise both arms {where} once",),
        "many": ("raise both arms {where} {times}", "lift the arms {where} and +lower them, {times}",
                 "repeatedly raise the arms {where}, {times} in all", "bring both arms up {where} {times}"),
        "up": ("put both hands up in the air", "throw both arms up over the head", "throw the hands up"),
        "ahead": ("extend both arms forward", "stretch both arms out in front"),
        "sideways": ("spread the arms wide to the sides", "extend both arms out to the sides",
                     "stretch both arms out to the sides", "open the arms wide"),
    },
    "punch": {
        "once": ("punch with the {side} fist", "throw a {side}-handed punch", "punch forward with the {side} hand",
                 "jab with the {side} arm", "throw a straight punch with the {side} hand",
                 "punch the air with the {side} hand", "throw a jab with the {side} fist",
                 "punch straight out with the {side} hand", "deliver a punch with the {side} fist",
                 "punch once with the {side} fist", "throw a punch with the {side} fist",
                 "do a jab with the {side} hand"),
        "many": ("punch {times} with the {side} fist", "throw {num} punches with the {side} hand",
                 "jab {times} with the {side} arm", "throw {num} {side}-handed jabs",
                 "punch the air {times} with the {side} fist", "throw {num} jabs with the {side} fist",
                 "punch forward {times} with the {side} hand"),
        "": ("punch with the {side} fist while keeping the {other} hand up in guard",
             "raise both fists and +jab forward with the {side}", "twist the torso and +punch with the {side} arm",
             "keep the fists up and +punch with the {side}"),
    },
    "clap": {
        "once": ("clap once", "clap the hands once"),
        "many": ("clap {times}", "clap the hands {times}", "clap {times} in front of the chest",
                 "bring the hands together repeatedly", "clap the palms together {times}",
                 "clap the hands together {times}", "do {num} claps"),
        "": ("clap the hands", "clap in front of the chest", "clap the hands together in front of the body",
             "put the hands together and +clap", "clap the palms together", "beat the palms together",
             "clap the hands at chest height"),
    },
    "bow": {
        "deep_bow": ("bow deeply", "take a deep bow", "bend far forward at the waist and +straighten up",
                     "make a deep bow", "bow far forward", "do a deep bow"),
        "slight_bow": ("bow slightly", "make a small bow", "bow a little",
                       "incline the upper body slightly forward and +come back up", "do a slight bow",
                       "bow just a bit"),
        "": ("bow forward", "bend forward at the waist and +straighten up", "take a bow", "bow and +come back up",
             "lean the upper body forward in a bow and +rise again", "tip the torso forward and +straighten up again",
             "bend the upper body forward in a bow", "perform a bow", "do a bow",
             "lean forward at the waist in a bow and +straighten up"),
    },
    "stretch": {
        "": ("stretch both arms overhead and +lean {to_side}", "stretch up, leaning the upper body {to_side}",
             "raise the arms and +stretch {to_side}", "do a side stretch {to_side}",
             "lift both arms above the head and +tilt the torso {to_side}",
             "stretch the arms up high and +lean over {to_side}",
             "bend the upper body {to_side} with the arms overhead", "lean {to_side} with both arms raised high",
             "bend sideways {to_side}, arms stretched up", "stretch the side of the body by leaning {to_side}",
             "lean the torso {to_side} with the arms overhead", "stretch the arms up and +tilt {to_side}",
             "do a standing side stretch {to_side}", "raise both arms up and +lean the body {to_side}"),
    },
    "arm_circles": {
        "": ("make circles with both arms {pace}", "circle the arms out to the sides {pace}",
             "rotate both outstretched arms in circles {pace}", "do arm circles {pace}",
             "swing both arms around in small circles {pace}", "draw small circles in the air with both arms {pace}",
             "trace circles with the outstretched arms {pace}", "extend the arms sideways and +rotate them {pace}",
             "spin both arms in small circles {pace}", "make rotating motions with the outstretched arms {pace}",
             "circle the straight arms {pace}", "do circles with the arms {pace}",
             "make small circles with the arms out to the sides {pace}", "rotate the extended arms {pace}",
             "circle both arms {pace}"),
    },
    "throw": {
        "": ("throw something with the {side} hand", "make an overhand throw with the {side} arm",
             "throw a ball with the {side} hand", "wind up and +throw with the {side} arm",
             "pitch a ball with the {side} hand", "cock the {side} arm back and +throw",
             "fling something overhand with the {side} hand", "chuck something with the {side} hand",
             "sling something forward with the {side} arm", "launch an object forward with the {side} arm",
             "throw a rock with the {side} hand", "throw an object with the {side} hand",
             "do an overhand throw with the {side} arm", "throw something overhand with the {side} arm",
             "throw a ball forward with the {side} arm", "wind up the {side} arm and +throw something"),
    },
}
# intents, similes and manner appended to a verb phrase (same conditions as PHRASES)
EXTRAS: dict[str, dict[str, tuple[str, ...]]] = {
    "walk": {
        "": ("as if heading somewhere", "like a pedestrian crossing a street", "as if going down a hallway",
             "as if on the way to work", "as if exploring a new city", "like a model on a runway",
             "like someone taking an evening walk", "as if approaching a door", "as if going to the store",
             "as if meeting a colleague", "as if heading to a bus stop"),
    },
    "jog": {
        "": ("as if exercising in the morning", "like someone out for a workout", "like a jogger in the park",
             "as if warming up for a match", "as part of a fitness routine", "as if getting some fresh air",
             "as if staying in shape"),
    },
    "run": {
        "": ("like someone running for exercise", "as if training for a marathon", "as if in a relay"),
        "fast": ("as if trying to catch something", "as if late for something", "as if running a race",
                 "as if fleeing a threat", "as if chasing a ball"),
    },
    "walk_backward": {
        "": ("as if avoiding something in front", "as if guiding someone", "as if leading a tour group",
             "as if watching something in front", "as if keeping an eye on something in front",
             "as if guiding a car into a parking space"),
    },
    "side_step": {
        "": ("as if moving along a narrow ledge", "as if squeezing past someone", "as if dodging something",
             "like someone moving along a crowded row", "as if passing through a narrow gap",
             "as if making space in a crowd"),
    },
    "walk_circle": {
        "": ("as if going around a table", "as if circling something on the floor",
             "like someone pacing while thinking", "as if circling a campfire",
             "as if inspecting something in the middle", "as if patrolling", "as if thinking hard"),
    },
    "march": {
        "": ("as if on a treadmill", "as if keeping warm", "like a drum major", "as if at a parade", "as if warming up",
             "like a guard at a palace", "like a drummer in a parade", "as if counting steps",
             "as if waiting impatiently"),
    },
    "turn": {
        "": ("as if changing course", "as if something caught {pos} eye", "as if turning toward a noise",
             "to face another person", "as if checking the surroundings", "as if getting directions"),
        "half": ("as if having forgotten something", "to face the way back", "as if heading back"),
    },
    "spin": {
        "": ("as if showing off an outfit", "like a spinning top", "as if dancing", "like a helicopter",
             "as if celebrating", "like a dervish", "with joy"),
    },
    "jump": {
        "forward": ("as if leaping over a puddle", "as if clearing a small gap", "like a frog",
                    "as if landing in a sandpit"),
        "in_place": ("as if trying to reach something high", "as if celebrating", "as if on a trampoline",
                     "as if trying to touch the ceiling", "with excitement", "as if dunking a basketball",
                     "as if trying to see over a crowd"),
    },
    "hop": {
        "": ("as if the {other} foot were hurt", "as if playing a game", "as if avoiding a puddle",
             "as if balancing on one foot for fun", "as if a shoe were missing", "as if avoiding hot sand"),
    },
    "squat": {
        "": ("like a weightlifter", "as if picking something up", "as if lifting weights", "as part of leg day",
             "as if doing a workout", "like a sumo wrestler", "as if checking under a table"),
    },
    "lunge": {
        "": ("as if stretching the legs", "as part of a leg exercise", "like someone warming up for a run",
             "as if practicing swordplay", "as if warming up the hamstrings"),
    },
    "kneel": {
        "": ("as if proposing marriage", "as if tying a shoelace", "as if checking something on the ground",
             "as if praying", "as if picking up a dropped item", "as if greeting a small pet",
             "as if planting a flower", "as if examining the floor"),
    },
    "sit_floor": {
        "": ("as if resting for a moment", "as if joining a picnic", "as if about to stretch",
             "as if sitting down for a picnic", "like someone taking a short break", "as if waiting for something",
             "as if getting ready to watch a movie", "as if preparing to meditate"),
    },
    "kick": {
        "": ("as if kicking a ball", "like a martial artist", "as if kicking a door open",
             "as if kicking a soccer ball", "like a karate student", "as if fighting off an attacker",
             "like a kickboxer", "as if punting a football", "like a taekwondo student", "as if kicking a can"),
    },
    "jumping_jacks": {
        "": ("as a warm-up", "like in a gym class", "as if warming up before exercise", "as if doing a workout at home",
             "like someone in an aerobics class", "as part of a cardio routine", "as if in military training",
             "as if trying to stay warm"),
    },
    "balance": {
        "": ("as if testing {pos} balance", "like a stork", "as if standing on a narrow beam", "as if practicing yoga",
             "as if showing off good balance", "like a heron", "as if waiting on one foot",
             "as if doing a sobriety test"),
    },
    "wave": {
        "": ("as if saying goodbye", "to get someone's attention", "as if hailing a taxi", "as if waving to a neighbor",
             "as if welcoming guests", "as if trying to be noticed", "as if waving at a departing train",
             "as if calling a waiter over", "as if greeting a colleague"),
        "both": ("as if flagging down a car",),
    },
    "raise_arms": {
        "up": ("as if cheering", "as if celebrating a goal", "as if someone said hands up", "as if surrendering",
               "as if in victory", "as if at a rock concert", "as if stretching after a nap"),
        "ahead": ("like a sleepwalker", "as if feeling the way in the dark"),
        "sideways": ("as if pretending to be an airplane", "like a bird spreading its wings",
                     "as if balancing on a tightrope", "like a scarecrow", "as if feeling the wind"),
        "": ("as if stretching", "as part of a shoulder exercise"),
    },
    "punch": {
        "": ("as if hitting a punching bag", "as if sparring with a partner", "like someone practicing martial arts",
             "as if fighting", "as if punching a target", "like a kung fu master", "as if in a fight scene"),
    },
    "clap": {
        "": ("as if applauding a performance", "as if cheering for someone", "as if keeping a beat",
             "as if celebrating good news", "as if congratulating someone", "as if praising a student",
             "as if at a sports game", "as if calling for attention"),
    },
    "bow": {
        "": ("as a sign of respect", "as if greeting someone politely", "like a butler", "as if apologizing",
             "as if greeting an elder", "like a samurai", "as if meeting royalty", "as if saying thank you"),
    },
    "stretch": {
        "": ("as if waking up in the morning", "as part of a warm-up", "as if loosening up the back",
             "as if relieving a stiff back", "as if cooling down after exercise", "as if yawning",
             "as if easing a sore side"),
    },
    "arm_circles": {
        "": ("as part of a warm-up", "as if preparing for exercise", "like a windmill",
             "as if loosening up before a swim"),
    },
    "throw": {
        "": ("as if throwing a stone into a lake", "like a quarterback", "as if throwing a dart",
             "as if throwing a snowball", "as if tossing a javelin", "as if throwing a paper plane",
             "as if throwing a bone for a dog", "as if tossing a coin"),
    },
}
CONDITIONS = {  # condition name -> test on an action's `_Key`
    "": lambda k: True, "slow": lambda k: k.pace == "slow", "fast": lambda k: k.pace == "fast",
    "once": lambda k: k.n == 1, "many": lambda k: k.n > 1, "forward": lambda k: k.forward,
    "in_place": lambda k: not k.forward, "quarter": lambda k: not k.half, "half": lambda k: k.half,
    "one_turn": lambda k: k.turns == 1, "two_turns": lambda k: k.turns == 2, "full": lambda k: k.full,
    "part": lambda k: not k.full, "deep": lambda k: k.deep, "high": lambda k: k.high, "up": lambda k: k.how == "up",
    "ahead": lambda k: k.how == "forward", "sideways": lambda k: k.how == "sideways",
    "both": lambda k: k.side == "both",
    "one_side": lambda k: k.side in ("left", "right"), "deep_bow": lambda k: k.deep_bow,
    "slight_bow": lambda k: not k.deep_bow,
}

# ---------------------------------------------------------------------------------------------------- context
CONTEXT = {
    "any": ("in a park", "on a stage", "in a gym", "outdoors", "indoors", "in a studio", "on a wooden floor",
            "in the backyard", "on a flat surface", "on a sports field", "in front of a camera", "in a large hall",
            "at home", "in the kitchen", "on a basketball court", "in a parking lot", "in an open area",
            "in a motion capture studio", "in the garden", "on a grassy field", "on a rooftop", "in a classroom",
            "in an office", "during a rehearsal", "for the camera", "in front of a mirror", "during a break",
            "while being recorded", "on a sunny day", "in the morning", "in the evening", "on a quiet street",
            "in a dance studio", "on a tiled floor", "in a hotel lobby", "in a shopping mall", "in a warehouse",
            "in a forest clearing", "on a hiking trail", "on a tennis court", "in a school gym", "on a yoga mat",
            "on a carpet", "on a concrete floor", "in a basement", "in a garage", "on a balcony", "on a terrace",
            "in a courtyard", "in a town square", "on a dance floor", "in a theater", "at a bus stop",
            "near a fountain", "by the lake", "in the snow", "in the rain", "on a windy afternoon", "at night",
            "at sunset", "in a meadow", "on a pier", "in a hospital corridor", "at a playground", "in a schoolyard",
            "on a soccer pitch", "on a deck", "in a gymnasium", "in an auditorium", "in a virtual environment",
            "in a simulation", "on a gray floor", "against a plain background", "in a brightly lit studio",
            "in front of a green screen", "while listening to music", "after waking up", "before going to work",
            "on a lunch break", "during a game", "during a dance lesson", "during a video shoot", "for a fitness video",
            "for a tutorial", "as a demonstration", "to demonstrate the movement", "as part of a performance",
            "while practicing", "during a game of charades", "for a motion capture session", "in a library",
            "at a museum", "in a supermarket", "in a bakery", "at a gas station", "on a bridge", "in a tunnel",
            "in an alley", "on a farm", "in a barn", "in a vineyard", "in a desert", "on a mountain", "on a hilltop",
            "in a valley", "in a canyon", "near a river", "by the ocean", "on the shore", "in a jungle", "in a cave",
            "on an island", "at a campsite", "in a stadium", "in an arena", "in a subway station", "at a crosswalk",
            "at a market", "in a restaurant", "in a cafe", "in a ballroom", "in a conference hall", "in a lecture hall",
            "in a laboratory", "in a factory", "in a workshop", "on a construction site", "in a hangar", "in a castle",
            "in a temple", "at a zoo", "in a greenhouse", "on a lawn", "on a patio", "on a porch", "in a driveway",
            "on a gravel path", "on the sand", "on a rug", "on smooth pavement", "at dawn", "at noon", "at midnight",
            "on a cloudy day", "on a cold winter morning", "on a hot summer day", "in autumn", "in spring",
            "under bright lights", "under a streetlight", "while music plays", "in front of a crowd",
            "while others watch", "while wearing a heavy coat", "in bare feet", "barefoot", "in socks",
            "while wearing a backpack", "with a smile", "with a big grin", "with a serious expression",
            "with determination", "without a word", "as the camera rolls", "on camera", "for a commercial",
            "for a music video", "for a movie scene", "during a photo shoot", "during a theater play",
            "in a talent show", "during recess", "at summer camp", "during a holiday", "on vacation", "on a weekend",
            "after school", "after lunch", "before dinner", "in a small apartment", "in a hospital ward",
            "in a waiting area", "near a reception desk", "in an elevator lobby", "near a vending machine",
            "beside a parked car", "next to a wall", "in the middle of a field", "in the center of a stage",
            "on a red carpet", "at a crossroads", "by a window", "near a door", "on a ferry", "at a harbor",
            "at a ski lodge", "in a log cabin", "at a country fair", "at a carnival", "at a circus"),
    "exercise": ("during a workout", "as part of a warm-up", "at the gym", "during a fitness class", "while exercising",
                 "as part of a training session", "during physical education class", "as part of a morning routine",
                 "before a run", "in a training drill", "during a boot camp session", "in a sports hall",
                 "during team practice", "at a fitness center", "during a yoga class", "during rehab",
                 "during physical therapy", "in a martial arts class", "at a dojo", "during a dance workout"),
    "social": ("at a party", "at a ceremony", "at a train station", "at an airport", "during a meeting",
               "at the end of a show", "at a family gathering", "at a wedding", "at a reunion", "at a festival",
               "at a birthday party", "at a concert", "at a graduation", "at a picnic", "at a gala", "at a banquet",
               "at a press conference"),
    "travel": ("along a hallway", "down a corridor", "along the beach", "down the street", "through the park",
               "along a path", "on a running track", "along a sidewalk", "down an aisle", "along a riverside path",
               "along a boardwalk", "down a country road", "through a shopping center", "along a corridor",
               "through an office", "along the shoreline", "down a path in the woods"),
}
CONTEXT_GROUPS = {  # besides "any"
    "walk": ("travel",), "jog": ("travel", "exercise"), "run": ("travel", "exercise"), "walk_backward": ("travel",),
    "side_step": ("travel", "exercise"), "walk_circle": (), "march": ("exercise",), "turn": (), "spin": (),
    "jump": ("exercise",), "hop": ("exercise",), "squat": ("exercise",), "lunge": ("exercise",), "kneel": (),
    "sit_floor": (), "kick": ("exercise",), "jumping_jacks": ("exercise",), "balance": ("exercise",),
    "wave": ("social",), "raise_arms": ("exercise",), "punch": ("exercise",), "clap": ("social",),
    "bow": ("social",), "stretch": ("exercise",), "arm_circles": ("exercise",), "throw": (),
}

# ---------------------------------------------------------------------------------------------------- frames, joiners
# (frame, form of the chain, whether the chain may break into sentences); {S}/{s}: subject, {A}: the actions.
# A place may open a frame that starts with the subject.
FRAMES_COMMON = (("{S} {A}", "s", True),) * 4 + (("{S} is {A}", "ing", False), ("{S} {A}", "ing", False))
FRAMES_VARIED = (
    ("We see {s} {A}", "ing", False), ("{S} who {A}", "s", False), ("In this clip, {s} {A}", "s", True),
    ("The video shows {s} {A}", "ing", False), ("This is {s} {A}", "ing", False), ("Here {s} {A}", "s", True),
    ("{S} can be seen {A}", "ing", False), ("{S} seems to be {A}", "ing", False),
    ("{S} appears to be {A}", "ing", False), ("There is {s} {A}", "ing", False),
    ("The motion shows {s} {A}", "ing", False), ("{S} is seen {A}", "ing", False),
    ("In this motion {s} {A}", "s", True), ("We watch as {s} {A}", "s", True),
    ("The clip shows how {s} {A}", "s", False), ("{S} is shown {A}", "ing", False), ("A clip of {s} {A}", "ing", False),
    ("Footage of {s} {A}", "ing", False), ("In the video, {s} {A}", "s", True),
    ("The animation shows {s} {A}", "ing", False), ("{S} is captured {A}", "ing", False),
    ("The recording shows {s} {A}", "ing", False), ("Watch as {s} {A}", "s", True),
    ("Here we have {s} {A}", "ing", False), ("We can see {s} {A}", "ing", False), ("You can see {s} {A}", "ing", False),
    ("The scene shows {s} {A}", "ing", False), ("In this recording, {s} {A}", "s", True),
    ("{S} is spotted {A}", "ing", False), ("Captured on video, {s} {A}", "s", True),
    ("Depicted here is {s} {A}", "ing", False),
)
# multi-action frames: {A1} the first action in the given form, {R} the rest in the present simple
LEAD_FRAMES = (("After {A1}, {s} {R}", "ing"), ("{S} starts by {A1} and then {R}", "ing"),
               ("{S} begins by {A1}, then {R}", "ing"), ("Having finished {A1}, {s} {R}", "ing"),
               ("Starting with {A1}, {s} then {R}", "ing"), ("{S} opens by {A1}, after which {back} {R}", "ing"))
FIRST = "first "
JOINERS = {  # chain form -> (text, form of the next action)
    "s": ((", then ", "s"), (" and then ", "s"), (", and then ", "s"), (" then ", "s"), (" before ", "ing"),
          (", before ", "ing"), (", followed by ", "ing"), (", after that ", "s"), (" and afterwards ", "s"),
          (", then immediately ", "s"), (" and next ", "s"), (", and shortly after ", "s"), (" and subsequently ", "s"),
          (" and after a moment ", "s")),
    "ing": ((" and then ", "ing"), (", then ", "ing"), (" then ", "ing"), (" before ", "ing"),
            (", followed by ", "ing"), (" and afterwards ", "ing"), (", and after that ", "ing")),
}
LAST_JOINERS = {
    "s": ((", and finally ", "s"), (" and finally ", "s"), (", and lastly ", "s"), (", finishing by ", "ing"),
          (" and ends by ", "ing"), (", ending with ", "ing")),
    "ing": ((", and finally ", "ing"), (" and lastly ", "ing"), (", finishing by ", "ing")),
}
SENTENCE_JOINERS = ((". Then {back} ", "s"), (". After that, {back} ", "s"), (". Next, {back} ", "s"),
                    (". Afterwards {back} ", "s"), (". Moments later {back} ", "s"))
SENTENCE_LAST = ((". Finally, {back} ", "s"), (". In the end, {back} ", "s"), (". Lastly, {back} ", "s"))

# ---------------------------------------------------------------------------------------------------- conjugation
_THIRD_IRREGULAR = {"do": "does", "go": "goes", "have": "has"}
_DOUBLED = frozenset({"step", "hop", "jog", "run", "skip", "clap", "drop", "sit", "spin", "get", "put", "stop", "jab",
                      "trot", "set", "plod", "grab", "tap", "nod", "whip", "tip", "sidestep", "side-step", "dip"})
_WORD = re.compile(r"[a-z]+")
_SLOT = re.compile(r"\{(\w+)\}")


def words(text: str) -> set[str]:
    """Lower-case alphabetic words of `text` (as `being_kit.lm.reworded.words` counts them)."""
    return set(_WORD.findall(text.lower()))


def _third(verb: str) -> str:
    if verb in _THIRD_IRREGULAR:
        return _THIRD_IRREGULAR[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _gerund(verb: str) -> str:
    if verb in _DOUBLED:
        return verb + verb[-1] + "ing"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    return verb + "ing"


def _conjugate(phrase: str) -> dict[str, str]:
    """Base-form phrase -> its {"s", "ing"} forms; the first word and words marked "+" are verbs."""
    tokens = phrase.split()
    forms = {}
    for form, change in (("s", _third), ("ing", _gerund)):
        out = [change(tokens[0])]
        out += [change(t[1:]) if t.startswith("+") else t for t in tokens[1:]]
        forms[form] = " ".join(out)
    return forms


# ---------------------------------------------------------------------------------------------------- params
class _Key(NamedTuple):
    """The caption-relevant facts of one action (hashable, so phrase options are computed once per kind)."""

    family: str
    side: str
    pace: str
    n: int  # repetitions / hops / claps; 0 when unknown
    half: bool  # turn of about 180 degrees
    turns: int
    full: bool  # walk_circle of at least three quarters of a lap
    forward: bool
    deep: bool
    high: bool
    how: str
    deep_bow: bool


def _key(family: str, p: dict[str, Any]) -> _Key:
    if family not in PHRASES:
        raise ValueError(f"action family {family!r}: expected one of {FAMILY_NAMES}")
    side = str(p.get("side", p.get("direction", "")))
    pace = str(p.get("pace", "normal"))
    n = int(p.get("repetitions", p.get("hops", p.get("claps", 0))) or 0)
    how = str(p.get("how", "up"))
    return _Key(family, side, pace if pace in ("slow", "fast") else "normal", max(n, 0),
                float(p.get("angle", 90)) >= 135, 2 if int(p.get("turns", 1)) >= 2 else 1,
                float(p.get("laps", 1.0)) >= 0.75, bool(p.get("forward", False)), bool(p.get("deep", False)),
                bool(p.get("high", False)), how if how in WHERE else "up", float(p.get("depth_deg", 0)) > 50)


def _holds(condition: str, key: _Key) -> bool:
    return all(CONDITIONS[c](key) for c in condition.split("+") if c)


def _count_words(n: int) -> tuple[str, str]:
    return NUMBER.get(n, str(n)), str(n)


def _slot_options(name: str, key: _Key) -> tuple[str, ...]:
    """What slot `name` may say for this action."""
    if name in ("side", "other", "to_side", "rot") and key.side not in ("left", "right"):
        raise ValueError(f"{key.family}: params need side/direction 'left' or 'right' for {{{name}}}, "
                         f"got {key.side!r}")
    if name == "side":
        return (key.side,)
    if name == "other":
        return (captions._other(key.side),)
    if name == "to_side":
        return DIRECTION[key.side]
    if name == "rot":
        return ROTATION[key.side]
    if name == "pace":
        return PACE[PACE_KIND[key.family]][key.pace]
    if name == "where":
        return WHERE[key.how]
    w, d = _count_words(key.n)
    if name == "times":
        return tuple(t.format(w=w, d=d) for t in TIMES.get(key.n, TIMES["n"]))
    if name == "num":
        return tuple(t.format(w=w, d=d) for t in CARDINAL)
    if name == "pos":
        return ("{pos}",)  # filled once per caption, from the subject
    raise KeyError(f"unknown slot {{{name}}}")


class _Options(NamedTuple):
    phrases: tuple[dict[str, str], ...]  # conjugated forms of each applicable phrase
    paced: tuple[bool, ...]  # whether the phrase has a {pace} slot
    extras: tuple[str, ...]
    slots: dict[str, tuple[str, ...]]
    before: tuple[str, ...]  # pace adverbs that may go before the verb


@lru_cache(maxsize=4096)
def _options(key: _Key) -> _Options:
    phrases = [ph for cond, group in PHRASES[key.family].items() if _holds(cond, key) for ph in group]
    extras = [e for cond, group in EXTRAS.get(key.family, {}).items() if _holds(cond, key) for e in group]
    names = sorted({m for text in phrases + extras for m in _SLOT.findall(text)})  # a fixed draw order
    kind = PACE_KIND.get(key.family)
    return _Options(tuple(_conjugate(ph) for ph in phrases), tuple("{pace}" in ph for ph in phrases), tuple(extras),
                    {name: _slot_options(name, key) for name in names},
                    PACE_BEFORE[kind][key.pace] if kind else ("",))


# ---------------------------------------------------------------------------------------------------- captions
class _Picker:
    """Uniform choices from one block of rng draws (a numpy call per choice would cost more than the caption)."""

    def __init__(self, rng: np.random.Generator):
        self.rng, self.u, self.i = rng, [], 0

    def random(self) -> float:
        if self.i >= len(self.u):
            self.u, self.i = self.rng.random(256).tolist(), 0
        self.i += 1
        return self.u[self.i - 1]

    def __call__(self, seq):
        return seq[int(self.random() * len(seq))]


def _verb_phrase(opts: _Options, form: str, pick: _Picker, extra_p: float) -> str:
    i = int(pick.random() * len(opts.phrases))
    fill = {name: pick(values) for name, values in opts.slots.items()}
    text = opts.phrases[i][form]
    if opts.paced[i] and pick.random() < 0.3:  # pace before the verb instead of after it
        adverb, fill["pace"] = pick(opts.before), ""
        text = adverb + " " + text if adverb else text
    text = text.format_map(fill)
    if opts.extras and pick.random() < extra_p:
        text += (", " if pick.random() < 0.4 else " ") + pick(opts.extras).format_map(fill)
    return text


def _chain(opts: list[_Options], form: str, pick: _Picker, sentences: bool, back: str, extra_p: float,
           lead: bool = True) -> str:
    """The actions in order, joined with sequence words; `form` is the first action's verb form; lead: the chain
    starts the description (so it may say "first")."""
    text = _verb_phrase(opts[0], form, pick, extra_p)
    if lead and len(opts) > 1 and pick.random() < 0.2:
        text = FIRST + text
    for i, o in enumerate(opts[1:], 1):
        last = i == len(opts) - 1 and (len(opts) > 2 or pick.random() < 0.2)
        if sentences and pick.random() < 0.25:
            joiner, nxt = pick(SENTENCE_LAST if last else SENTENCE_JOINERS)
            joiner = joiner.replace("{back}", back)
        else:
            joiner, nxt = pick((LAST_JOINERS if last else JOINERS)[form])
        text += joiner + _verb_phrase(o, nxt, pick, extra_p)
    return text


def _context(families: list[str], pick: _Picker) -> str:
    groups = set.intersection(*(set(CONTEXT_GROUPS[f]) for f in families))
    return pick(CONTEXT[pick(("any",) + tuple(sorted(groups)))])


def _caption(families: list[str], opts: list[_Options], pick: _Picker, plain: bool) -> str:
    subject, back, gender = pick(SUBJECTS_COMMON if pick.random() < 0.6 else SUBJECTS_VARIED)
    extra_p = 0.0 if plain else 0.3 / len(opts)
    if len(opts) > 1 and pick.random() < 0.2:
        frame, form = pick(LEAD_FRAMES)
        first = _verb_phrase(opts[0], form, pick, extra_p)
        rest = _chain(opts[1:], "s", pick, False, back, extra_p, lead=False)
        text = frame.replace("{A1}", first).replace("{R}", rest).replace("{back}", back)
    else:
        frame, form, sentences = pick(FRAMES_COMMON if pick.random() < 0.55 else FRAMES_VARIED)
        text = frame.replace("{A}", _chain(opts, form, pick, sentences, back, extra_p))
    text = text.replace("{S}", subject).replace("{s}", subject)
    if not plain and pick.random() < 0.35 / len(opts):
        where = _context(families, pick)
        opens = frame.startswith("{S}") and pick.random() < 0.35
        text = where[0].upper() + where[1:] + ", " + text if opens else text + " " + where
    text = " ".join(text.replace("{pos}", pick(POSSESSIVE[gender])).split()).replace(" ,", ",").replace(" .", ".")
    return text[0].upper() + text[1:] + "."


def paraphrase(actions: list[tuple[str, dict[str, Any]]], rng: np.random.Generator, num_texts: int = 3) -> list[str]:
    """`num_texts` different whole-body captions of one motion: its actions in order, each (family, params) as
    `captions.describe` takes them (params as in the corpus's `meta["params"]`). Deterministic given `rng` (in any
    process); 5-40 words each, capitalised, ending with a period. Fewer only if the library cannot word the motion
    that many ways within 40 words (not seen for the generator's motions)."""
    if not actions:
        raise ValueError("actions: need at least one (family, params) pair")
    if num_texts < 1:
        raise ValueError(f"num_texts: need at least 1, got {num_texts}")
    families = [f for f, _ in actions]
    opts = [_options(_key(f, p)) for f, p in actions]
    pick = _Picker(rng)
    texts: list[str] = []
    for attempt in range(40 * num_texts):
        text = _caption(families, opts, pick, plain=attempt >= 20 * num_texts)
        if 5 <= len(text.split()) <= 40 and text not in texts:
            texts.append(text)
            if len(texts) == num_texts:
                break
    return texts


# ---------------------------------------------------------------------------------------------------- vocabulary
class _AllChoices:
    """Stands in for the rng in `captions._phrases`: every choice says all of its options at once."""

    @staticmethod
    def choice(options):
        return " ".join(options)


_CAPTION_DOMAIN = {  # every value captions.py tells apart, per param (it reads one count and one side)
    "side": ("left", "right", "both"), "direction": ("left",), "pace": ("slow", "normal", "fast"),
    "repetitions": tuple(range(0, 10)), "hops": (1,), "claps": (1,), "angle": (90, 180), "turns": (1, 2),
    "laps": (0.5, 1.0), "forward": (False, True), "deep": (False, True), "high": (False, True),
    "how": ("up", "forward", "sideways"), "depth_deg": (30, 60),
}


class _Probe(dict):
    """A params dict that records which keys are asked for."""

    def __init__(self, values: dict, asked: set):
        super().__init__(values)
        self.asked = asked

    def get(self, name, default=None):
        self.asked.add(name)
        return super().get(name, default)


@lru_cache(maxsize=1)
def describe_vocabulary() -> frozenset[str]:
    """Every word `captions.describe` and `captions.part_captions` can emit: each family's phrases over every
    combination of the params it reads (found by probing, to a fixed point), every rng choice taken at once."""
    out = words(" ".join(captions.SUBJECTS + captions.JOINERS) + " a person then")
    for family in FAMILY_NAMES:
        asked: set[str] = set()
        done: set[str] | None = None
        while done != asked:
            done = set(asked)
            names = sorted(done)
            for values in itertools.product(*(_CAPTION_DOMAIN[n] for n in names)):
                p = _Probe(dict(zip(names, values)), asked)
                texts = captions._phrases(family, p, _AllChoices()) + list(captions.part_captions(family, p).values())
                out |= words(" ".join(texts))
    return frozenset(out)


def _expand(text: str, tables: dict[str, tuple[str, ...]]) -> set[str]:
    """Words of `text` with each slot replaced by every value it can take."""
    found = words(_SLOT.sub(" ", text))
    for name in _SLOT.findall(text):
        found |= words(_SLOT.sub(" ", " ".join(tables[name])))  # a value's own {pos} is filled from POSSESSIVE
    return found


@lru_cache(maxsize=1)
def generator_vocabulary() -> frozenset[str]:
    """Every word `paraphrase` or `captions` can emit, computed from the tables (exact, not sampled)."""
    counts = {n: _count_words(n) for n in range(1, 10)}  # past eight only the digits change
    tables = {
        "side": ("left", "right"), "other": ("left", "right"), "pos": (), "where": sum(WHERE.values(), ()),
        "to_side": sum(DIRECTION.values(), ()), "rot": sum(ROTATION.values(), ()),
        "pace": tuple(s for kind in PACE.values() for group in kind.values() for s in group),
        "times": tuple(t.format(w=w, d=d) for n, (w, d) in counts.items() for t in TIMES.get(n, TIMES["n"])),
        "num": tuple(t.format(w=w, d=d) for n, (w, d) in counts.items() if n > 1 for t in CARDINAL),
    }
    out = set(describe_vocabulary())
    for phrase in (ph for table in PHRASES.values() for group in table.values() for ph in group):
        for form in _conjugate(phrase).values():
            out |= _expand(form, tables)
    for extra in (e for table in EXTRAS.values() for group in table.values() for e in group):
        out |= _expand(extra, tables)
    texts = [s for s, b, _ in SUBJECTS_COMMON + SUBJECTS_VARIED] + [b for _, b, _ in SUBJECTS_COMMON + SUBJECTS_VARIED]
    texts += [p for group in POSSESSIVE.values() for p in group] + [c for group in CONTEXT.values() for c in group]
    texts += [f for f, *_ in FRAMES_COMMON + FRAMES_VARIED + LEAD_FRAMES] + [FIRST]
    texts += [j for table in (JOINERS, LAST_JOINERS) for group in table.values() for j, _ in group]
    texts += [j for j, _ in SENTENCE_JOINERS + SENTENCE_LAST]
    texts += [a for kind in PACE_BEFORE.values() for group in kind.values() for a in group]
    for text in texts:
        out |= words(_SLOT.sub(" ", text))
    return frozenset(out)
