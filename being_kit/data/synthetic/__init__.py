"""The embedded default corpus: procedural MotionLib-style motions with whole-body, part and segment captions.

Motions are joint-rotation programs (27 action families, left/right variants as exact mirror images) driven through
forward kinematics on the 22-joint skeleton, grounded so planted feet do not slide; both `humanml263` and
`smpl_d135` come out natively. `make_corpus(n, seed)` builds a corpus; `generate_joints(i, seed)` gives one motion's
joints, rotations and description without encoding, for tests and classifiers.
"""
from .actions import FAMILIES, FAMILY_NAMES, make_action
from .generator import GeneratedMotion, generate_joints, generate_record, iter_records, make_corpus, split_of

__all__ = ["FAMILIES", "FAMILY_NAMES", "GeneratedMotion", "generate_joints", "generate_record", "iter_records",
           "make_action", "make_corpus", "split_of"]
