"""Reference lines on logarithmic axes: Plotly places a shape by its data value there but
an annotation by log10 of it. A label given the raw value lands decades away (and drags
the axis with it), so each chart's label must sit at log10 of its line."""

from __future__ import annotations

import math

import pytest

from app.figures.attention import kv_variants_figure
from app.figures.theme import hline, vline
from app.labs import data_budget, model_timeline
from tests.helpers import as_plotly


def test_hline_and_vline_put_the_label_at_log10_of_the_line_on_a_log_axis():
    shape, note = hline(20, "twenty", "#000", log=True)
    assert shape["y0"] == shape["y1"] == 20 and note["y"] == pytest.approx(math.log10(20))
    shape, note = vline(1e12, "a trillion", "#000", log=True)
    assert shape["x0"] == 1e12 and note["x"] == pytest.approx(12)
    shape, note = hline(20, "linear", "#000")
    assert note["y"] == 20


def line_and_label(fig, axis: str):
    """The one dashed line and its annotation's position on `axis` ("x" or "y")."""
    fig = as_plotly(fig)
    (shape,) = [s for s in fig.layout.shapes if s.type == "line"]
    (note,) = [a for a in fig.layout.annotations if getattr(a, f"{axis}ref") == axis]
    return getattr(shape, f"{axis}0"), getattr(note, axis)


def test_the_chinchilla_line_on_the_timeline_is_labelled_at_20_tokens_per_parameter():
    fig = as_plotly(model_timeline.figure_for("tokens_per_param"))
    assert fig.layout.yaxis.type == "log"
    line, label = line_and_label(fig, "y")
    assert line == 20 and label == pytest.approx(math.log10(20))


def test_models_of_one_year_sit_inside_that_year():
    rows = model_timeline.timeline_rows()
    assert all(0 < r["offset"] < 1 for r in rows)  # GPT-3 (2020) is drawn after the 2020 tick


def test_the_weights_line_of_the_kv_chart_sits_at_the_weights_size():
    rows = [("MHA", 32, 17.2e9), ("GQA", 8, 4.3e9), ("MQA", 1, 0.54e9)]
    fig = kv_variants_figure(rows, 8, 13.5e9, str)
    line, label = line_and_label(fig, "y")
    assert line == 13.5e9 and label == pytest.approx(math.log10(13.5e9))


def test_the_datasets_chart_labels_the_tokens_the_model_needs_where_its_line_is():
    fig = as_plotly(data_budget.datasets_figure(2e12))
    assert fig.layout.xaxis.type == "log"
    line, label = line_and_label(fig, "x")
    assert line == 2e12 and label == pytest.approx(12 + math.log10(2))
