"""Side-by-side figures of trained tokenizers for the notebook: the comparison table and the codebook-usage plot."""
from __future__ import annotations

from typing import Mapping

import numpy as np


def comparison_table(tokenizers: Mapping[str, "MotionTokenizer"], evals: Mapping[str, "ReconstructionMetrics"]):
    """pandas DataFrame, one row per quantizer: reconstruction figures, codebook facts, parameter count. Counts stay
    integers and figures are rounded to what the comparison needs (a notebook shows the table as it is)."""
    import pandas as pd

    rows = {}
    for q, tok in tokenizers.items():
        m = evals[q]
        rows[q] = {"MPJPE (mm)": m.mpjpe_mm, "global MPJPE (mm)": m.mpjpe_global_mm, "accel. error (mm/frame²)": m.accel_error_mm,
                   "feature L1": m.feature_l1, "codebook usage": m.codebook_usage, "perplexity": m.perplexity,
                   "codes": tok.codebook_size, "tokens/step": tok.tokens_per_step,
                   "tokens/s": tok.tokens_per_step * 20 / tok.downsample,
                   "parameters (M)": sum(p.numel() for p in tok.parameters()) / 1e6,
                   "test motions": m.num_motions}
    table = pd.DataFrame.from_dict(rows, orient="index")  # per-column dtypes: counts stay integers
    return table.round({"MPJPE (mm)": 1, "global MPJPE (mm)": 1, "accel. error (mm/frame²)": 2, "feature L1": 4,
                        "codebook usage": 3, "perplexity": 1, "tokens/s": 2, "parameters (M)": 3})


def plot_code_usage(counts: Mapping[str, np.ndarray]):
    """Rank-frequency of code uses per quantizer (log-log): a flat curve reaching the codebook size is full use."""
    from .charts import new_figure

    fig, axes = new_figure(len(counts), title="codebook usage on the test split")
    for ax, (q, c) in zip(axes, counts.items()):
        c = np.asarray(c)
        used = np.sort(c[c > 0])[::-1]
        if used.size:
            ax.plot(np.arange(1, used.size + 1), used, color="#4c72b0")
        ax.set(xscale="log", yscale="log", xlabel="code rank", ylabel="uses",
               title=f"{q}: {used.size}/{c.size} codes ({used.size / max(c.size, 1):.1%})")
        ax.grid(alpha=0.3)
    return fig
