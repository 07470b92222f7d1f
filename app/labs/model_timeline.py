"""Overview lab: how models grew, in parameters and in training data (sourced table)."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.lab_card import lab_card
from app.content import get_content
from app.core.landmarks import with_active
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.figures.timeline import METRICS, timeline_figure
from app.validation import InputError, parse_choice

LAB = "model_timeline"


def timeline_rows() -> list[dict]:
    """The landmark table with tokens per parameter (over the *active* parameters, which is
    what the compute-optimal ratio concerns: `app.core.landmarks`), and an x offset inside
    the year (the year tick marks its start) so that models of one year do not overlap."""
    rows, seen = [], {}
    for r in get_content().landmark_models:
        k = seen.get(r["year"], 0)
        seen[r["year"]] = k + 1
        rows.append({**with_active(r), "offset": 0.12 + (k % 4) * 0.25})
    return rows


@lru_cache(maxsize=len(METRICS))
def figure_for(metric: str):
    rows = timeline_rows()
    if not rows:
        return message_figure("No landmark models in content/tables/landmark_models.csv")
    return timeline_figure(rows, metric)


def sources_list() -> html.Details:
    items = [
        html.Li(
            [
                f"{r['model']} ({r['year']}): ",
                html.A(
                    r["source"], href=r["source_url"], target="_blank", rel="noopener noreferrer"
                ),
            ]
        )
        for r in get_content().landmark_models
    ]
    return html.Details(
        [html.Summary("Where each number comes from"), html.Ul(items, className="small mt-2")],
        className="mt-2",
    )


def layout():
    body = html.Div(
        [
            dbc.RadioItems(
                id=f"{LAB}-metric",
                options=[{"label": title, "value": key} for key, (title, _) in METRICS.items()],
                value="params",
                inline=True,
                className="mb-2",
            ),
            dcc.Graph(id=f"{LAB}-graph", figure=figure_for("params"), config=GRAPH_CONFIG),
            html.Div(id=f"{LAB}-error"),
            sources_list(),
        ]
    )
    return lab_card(
        LAB,
        "Landmark models over time",
        "Switch between size, data and data-per-parameter. Note how models stopped only "
        "growing in size and started to train on far more tokens per parameter.",
        body,
        icon="bi-graph-up",
    )


@callback(
    Output(f"{LAB}-graph", "figure"), Input(f"{LAB}-metric", "value"), prevent_initial_call=True
)
def show_metric(metric):
    try:
        metric = parse_choice(metric, "Measure", list(METRICS))
    except InputError as err:
        return message_figure(str(err))
    return figure_for(metric)
