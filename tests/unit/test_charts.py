"""being_kit.viz.charts: figures built without pyplot, training-log curves, PNG output."""
import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from being_kit.viz import charts


def write_log(path, records, torn_tail=False):
    text = "".join(json.dumps(r) + "\n" for r in records)
    if torn_tail:
        text += '{"step": 9, "lo'
    path.write_text(text)
    return path


def test_histogram_counts_every_finite_value():
    fig = charts.histogram([1, 2, 2, 3, np.nan], bins=3, title="t", xlabel="s")
    (ax,) = fig.axes
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == 4 and max(heights) == 2
    assert ax.get_title() == "t" and "n=4" in ax.texts[0].get_text()


def test_histogram_of_nothing_says_so():
    fig = charts.histogram([])
    assert fig.axes[0].texts[0].get_text() == "no data"


def test_bar_from_mapping_sorted_and_horizontal_past_eight_labels():
    counts = {f"action{i}": i for i in range(10)}
    fig = charts.bar(counts, sort=True, ylabel="motions")
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths, reverse=True) and widths[0] == 9  # horizontal bars, largest first
    assert ax.get_yticklabels()[0].get_text() == "action9"


def test_bar_vertical_for_few_labels():
    fig = charts.bar(["a", "b"], [0.5, 0.25], value_format="{:.0%}")
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [0.5, 0.25]
    assert [t.get_text() for t in ax.texts] == ["50%", "25%"]


def test_bar_rejects_mismatched_input():
    with pytest.raises(ValueError, match="2 labels but 1 values"):
        charts.bar(["a", "b"], [1])
    with pytest.raises(ValueError, match="not both"):
        charts.bar({"a": 1}, [1])


def test_new_figure_hides_spare_panels():
    fig, axes = charts.new_figure(4, ncols=3, title="x")
    assert len(axes) == 4 and len(fig.axes) == 6
    assert sum(ax.get_visible() for ax in fig.axes) == 4


def test_plot_training_log_one_panel_per_figure_train_and_val(tmp_path):
    recs = [{"step": s, "loss": 10.0 / (s + 1), "lr": 1e-3, "split": "train"} for s in range(0, 50, 5)]
    recs += [{"step": s, "loss": 12.0 / (s + 1), "split": "val"} for s in (10, 30, 45)]
    path = write_log(tmp_path / "train_log.jsonl", recs, torn_tail=True)
    fig = charts.plot_training_log(path)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["loss", "lr"]
    loss_ax = fig.axes[0]
    labels = [ln.get_label() for ln in loss_ax.get_lines()]
    assert labels == ["train", "val"]
    assert list(loss_ax.get_lines()[1].get_xdata()) == [10, 30, 45]
    assert loss_ax.get_yscale() == "log"  # loss spans 10 -> 0.2: more than a factor of 20
    assert fig.axes[1].get_yscale() == "linear"


def test_plot_training_log_accepts_a_folder_keys_and_smoothing(tmp_path):
    write_log(tmp_path / "train_log.jsonl", [{"step": s, "loss": float(s % 3), "acc": 0.5} for s in range(20)])
    fig = charts.plot_training_log(tmp_path, keys=["loss"], smooth=0.9)
    (ax,) = fig.axes
    raw, ema = ax.get_lines()
    assert np.ptp(ema.get_ydata()) < np.ptp(raw.get_ydata())


def test_plot_training_log_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_log.jsonl"):
        charts.plot_training_log(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"step": 1, "loss": 1}\nnot json\n{"step": 2, "loss": 1}\n')
    with pytest.raises(ValueError, match="line 2"):
        charts.plot_training_log(bad)
    with pytest.raises(ValueError, match="smooth"):
        charts.plot_training_log(bad, smooth=1.0)


def test_table_and_png(tmp_path):
    fig = charts.table({"fid": 0.123456, "r3": 0.9}, title="eval")
    assert isinstance(fig, Figure)
    png = charts.figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    path = charts.save_figure(charts.histogram([1, 2, 3]), tmp_path / "sub" / "h.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_charts_do_not_use_pyplot_state():
    import sys

    charts.histogram([1, 2])
    plt = sys.modules.get("matplotlib.pyplot")
    assert plt is None or plt.get_fignums() == []


def test_value_counts_shows_every_integer_in_range():
    fig = charts.value_counts([1, 1, 3, 3, 3], xlabel="captions")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    assert [p.get_height() for p in ax.patches] == [2, 0, 3]


def test_bar_of_nothing_says_so():
    fig = charts.bar({})
    assert fig.axes[0].texts[0].get_text() == "no data"
