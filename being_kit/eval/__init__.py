"""Evaluation as in the text-to-motion papers: metrics over embeddings (`metrics`), evaluator A compatible with Guo et
al.'s public checkpoint (`guo_evaluator`), evaluator B trained on any corpus (`contrastive`, `contrastive_train`), an
action classifier for generated motions (`action_classifier`) and the repeated protocol with the paper table
(`protocol`). Names are imported lazily so `import being_kit.eval` stays cheap."""
from __future__ import annotations

_LAZY = {
    "GuoConfig": "guo_evaluator", "GuoEvaluator": "guo_evaluator", "WordVectorizer": "guo_evaluator",
    "ContrastiveConfig": "contrastive", "ContrastiveEvaluator": "contrastive", "FrozenTextEncoder": "contrastive",
    "EvaluatorTrainConfig": "contrastive_train", "EvaluatorTrainResult": "contrastive_train",
    "train_evaluator": "contrastive_train",
    "ActionClassifier": "action_classifier", "ActionClassifierConfig": "action_classifier",
    "train_action_classifier": "action_classifier", "labelled_motions": "action_classifier",
    "action_label": "action_classifier", "accuracy_on_eval_set": "action_classifier",
    "EvalSet": "protocol", "EvalResult": "protocol", "load_eval_set": "protocol", "evaluate_generation": "protocol",
    "evaluate_reconstructed_motions": "protocol", "reconstruct_motions": "protocol", "results_table": "protocol",
    "save_table": "protocol", "table_records": "protocol", "best_and_worst": "protocol",
    "load_evaluator": "loading", "run_tokenizers": "loading",
}

__all__ = ["metrics", *_LAZY]


def __getattr__(name: str):
    import importlib

    if name == "metrics":
        return importlib.import_module(f"{__name__}.metrics")
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'being_kit.eval' has no attribute {name!r}")
