"""Every figure builder returns a plain dict (cheap to build and send) that Plotly accepts
as it is: `go.Figure(fig)` raises on any property or value Plotly does not know, so a typo
in a dict is caught here rather than drawn as a blank chart. Learner text that reaches a
title, legend, hover or axis is escaped (Plotly renders <b> and <a href> in them)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.core.mixtures import category_shares, list_mixtures
from app.figures import (
    attention,
    bars,
    finetune,
    funnel,
    intervals,
    memory,
    mixtures,
    pipeline,
    scaling,
    schedules,
    serving,
    theme,
    timeline,
    tiny,
    tokens,
    training,
)
from app.labs import data_budget, dedup_explorer, model_timeline, position_maps
from app.server.plotly_bundle import bundle_traces

HISTORY = {
    "step": [1, 2, 3],
    "train_loss": [3.0, 2.5, 2.2],
    "val_step": [0, 3],
    "val_loss": [3.1, 2.3],
    "total_steps": 10,
}
FT_HISTORY = {
    "step": [1, 2],
    "train_loss": [2.0, 1.8],
    "eval_step": [0, 2],
    "task_val_loss": [2.1, 1.9],
    "pretrain_val_loss": [1.6, 1.7],
    "total_steps": 4,
}
MIX = list_mixtures()[0]


def builders():
    m = MIX
    return {
        "message": lambda: theme.message_figure("Nothing to draw yet."),
        "heads": lambda: attention.heads_figure(32, 8),
        "heads, many": lambda: attention.heads_figure(128, 1),
        "kv variants": lambda: attention.kv_variants_figure(
            [("MHA", 32, 1e9), ("GQA", 8, 2.5e8)], 8, 1.3e10, str
        ),
        "heatmap": lambda: attention.heatmap_figure(np.eye(4), title="t", x_title="x", y_title="y"),
        "parts": lambda: bars.parts_figure(
            {"a": 1.0, "b": 3.0, "c": 0.0}, title="t", axis_title="x", fmt=str, log=True
        ),
        "finetune": lambda: finetune.finetune_loss_figure(FT_HISTORY),
        "funnel": lambda: funnel.funnel_figure(["raw", "clean"], [10, 5], [100, 40]),
        "intervals": lambda: intervals.intervals_figure([("A", 0.7, 0.6, 0.8)]),
        "memory": lambda: memory.memory_bars_figure(
            [("ZeRO 0", {"w": 1e9, "g": 2e9}), ("ZeRO 1", {"w": 1e9, "g": 1e9})],
            8e10,
            "A100",
            title="t",
            highlight="ZeRO 1",
        ),
        "sunburst": lambda: mixtures.mixture_hierarchy(m, category_shares(m.id)),
        "treemap": lambda: mixtures.mixture_hierarchy(m, category_shares(m.id), kind="treemap"),
        "category bars": lambda: mixtures.category_bars([m], [category_shares(m.id)]),
        "checklist": lambda: mixtures.checklist_points(["a", "b"], [1, 0.5], [2, 1]),
        "pipeline": lambda: pipeline.pipeline_map(
            [
                {"number": "01", "title": "A", "path": "/a", "status": "completed"},
                {"number": "02", "title": "B", "path": "/b", "status": "not-started"},
            ]
        ),
        "isoflop": lambda: scaling.isoflop_figure(
            [(1e21, [(1e9, 2e10, 2.5), (2e9, 1e10, 2.4)])],
            [{"label": "you", "params": 1e9, "tokens": 2e10, "loss": 2.5}],
        ),
        "schedule": lambda: schedules.schedule_figure(
            {"cosine": [0.0, 1.0, 0.5]}, "cosine", {"cosine": "Cosine"}, 1
        ),
        "serving": lambda: serving.serving_figure([1, 2], 1.3e10, 5e8, [30.0, None], 7e10, 2),
        "timeline": lambda: model_timeline.figure_for("tokens_per_param"),
        "loss comparison": lambda: tiny.loss_comparison_figure([("yours", 2.0, "note")]),
        "next char": lambda: tiny.next_char_figure(
            ["a", "b"], [0.6, 0.4], [True, False], [1.0, 0.0], title="t"
        ),
        "compression": lambda: tokens.compression_figure(
            [100, 1000], {"bpe": [2.0, 3.0]}, {"bpe": "BPE"}, "bpe", 500, 2.5
        ),
        "loss": lambda: training.loss_figure(HISTORY, random_loss=4.0, unigram_loss=3.0),
        "runs": lambda: training.runs_figure([{**HISTORY, "label": "run 1"}], unigram_loss=3),
        "datasets": lambda: data_budget.datasets_figure(2e12),
        "s-curve": lambda: dedup_explorer.s_curve(20, 5, 0.8, True),
        "mask": position_maps.mask_figure,
        "timeline, unescaped check": lambda: timeline.timeline_figure(
            model_timeline.timeline_rows(), "params"
        ),
    }


@pytest.mark.parametrize("name", list(builders()))
def test_every_builder_returns_a_dict_that_plotly_accepts(name):
    fig = builders()[name]()
    assert isinstance(fig, dict) and set(fig) <= {"data", "layout"}
    assert all(isinstance(t, dict) and "type" in t for t in fig.get("data", []))
    checked = go.Figure(fig)  # raises ValueError on anything Plotly does not know
    # ...and the guide's Plotly.js can draw it (it has only the trace types the guide uses)
    assert {t["type"] for t in fig.get("data", [])} <= bundle_traces()[1]
    assert checked.layout.height == fig["layout"]["height"]
    assert checked.layout.font.family == theme.FONT  # the theme was merged in


def test_the_theme_is_merged_under_a_figure_s_own_layout():
    fig = theme.themed(theme.figure([], margin={"b": 99}, xaxis={"type": "log"}), height=200)
    assert fig["layout"]["margin"] == {"l": 56, "r": 16, "t": 48, "b": 99}
    assert fig["layout"]["xaxis"]["type"] == "log"
    assert fig["layout"]["xaxis"]["gridcolor"] == theme.THEME["xaxis"]["gridcolor"]
    assert theme.THEME["margin"]["b"] == 48  # the shared theme itself is untouched


def test_the_toolbar_shows_on_hover_and_never_offers_to_upload_a_chart():
    config = theme.GRAPH_CONFIG
    assert config["displayModeBar"] == "hover" and not config["displaylogo"]
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert "sendDataToCloud" in config["modeBarButtonsToRemove"]


MARKUP = '<b>bold</b><a href="https://example.com">link</a>'


@pytest.mark.parametrize(
    "fig, where",
    [
        (lambda: training.runs_figure([{**HISTORY, "label": MARKUP}]), "legend and hover"),
        (lambda: theme.message_figure(MARKUP), "message"),
        (lambda: theme.themed(theme.figure(), title=MARKUP), "title"),
        (lambda: tiny.loss_comparison_figure([(MARKUP, 2.0, MARKUP)]), "axis and hover"),
        (lambda: tiny.next_char_figure(["<"], [1.0], [True], [1.0], title=MARKUP), "axis"),
        (lambda: bars.parts_figure({MARKUP: 1.0}, title=MARKUP, axis_title="x", fmt=str), "bars"),
        (
            lambda: memory.memory_bars_figure([("a", {"w": 1.0})], 2.0, MARKUP, title=MARKUP),
            "title and capacity line",
        ),
    ],
)
def test_learner_text_reaches_a_chart_as_text_never_as_markup(fig, where):
    text = str(fig())
    assert "<b>bold" not in text and "<a href" not in text, where
    assert "&lt;b&gt;bold&lt;/b&gt;" in text, where
