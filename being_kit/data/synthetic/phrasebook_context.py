"""The paraphrase generator's sentence around the verb phrases: subjects, the slot tables (count, direction,
rotation, arm position and pace, each phrased many ways), contexts (where or why), sentence frames and joiners.

Plain data, kept apart from the logic in `paraphrase`; the per-family verb phrases are in `phrasebook`. Every word
here is listed by `paraphrase.generator_vocabulary`. Never add a word of the held-out reworded prompts
(`being_kit.lm.reworded`): training on it would stop the reworded evaluation measuring generalisation, and a test
checks.
"""

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
             "walk_circle": "gait", "march": "rate", "dance": "rate", "wave": "rate", "arm_circles": "rate"}

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
    "dance": ("social",),
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
