"""Overview lab: follow one real model through all eight stages, with a number at each."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import choice_rule, field_error, select_field, share_settings
from app.components.lab_card import lab_card
from app.content import get_content
from app.core.journey import model_journey
from app.figures.pipeline import pipeline_map
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice

LAB = "pipeline_flow"
DEFAULT = "Llama 3 8B"


def model_names() -> list[str]:
    return [r["name"] for r in get_content().model_journeys]


@lru_cache(maxsize=16)
def journey_view(name: str, columns: int):
    """(figure, table rows) for one model; cached: the inputs are a fixed table."""
    row = next(r for r in get_content().model_journeys if r["name"] == name)
    numbers = model_journey(row)
    stages = get_content().stages
    items = [
        {
            "number": st.number,
            "title": st.title,
            "path": st.path,
            "status": "neutral",
            "detail": n.short,
            "hover": f"<b>{st.number} {st.title}</b><br>{n.value}",
        }
        for st, n in zip(stages, numbers, strict=True)
    ]
    return pipeline_map(items, columns=columns), numbers


def table(numbers) -> dbc.Table:
    stages = get_content().stages
    rows = []
    for st, n in zip(stages, numbers, strict=True):
        source = (
            html.A(n.source, href=n.url, target="_blank", rel="noopener noreferrer")
            if n.url
            else n.source
        )
        rows.append(
            html.Tr(
                [
                    html.Td(f"{st.number} {st.title}", className="text-nowrap"),
                    html.Td(n.value),
                    html.Td(source, className="small text-muted"),
                ]
            )
        )
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th("Stage"), html.Th("For this model"), html.Th("Source")])),
            html.Tbody(rows),
        ],
        size="sm",
        responsive=True,
        className="mt-2 mb-0",
    )


def layout():
    names = model_names()
    default = DEFAULT if DEFAULT in names else (names[0] if names else None)
    wide, narrow, numbers, _ = show_model(default)
    body = html.Div(
        [
            dbc.Row(dbc.Col(select_field(f"{LAB}-model", "Model", names, default), md=5)),
            html.Div(id=f"{LAB}-error"),
            dcc.Graph(
                id=f"{LAB}-graph-wide",
                figure=wide,
                className="d-none d-md-block",
                config={**GRAPH_CONFIG, "displayModeBar": False},
            ),
            dcc.Graph(
                id=f"{LAB}-graph-narrow",
                figure=narrow,
                className="d-md-none",
                config={**GRAPH_CONFIG, "displayModeBar": False},
            ),
            html.Div(numbers, id=f"{LAB}-table"),
        ]
    )
    return lab_card(
        LAB,
        "Follow a real model through the pipeline",
        "Pick a model to see what each stage meant for it: its data, tokenizer, size, "
        "training compute, fine-tuning, benchmark score and serving memory. Published facts "
        "are linked to their source; the rest is computed from the model's config.",
        body,
        icon="bi-signpost-2",
    )


@callback(
    Output(f"{LAB}-graph-wide", "figure"),
    Output(f"{LAB}-graph-narrow", "figure"),
    Output(f"{LAB}-table", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    prevent_initial_call=True,  # the layout already follows the default model
)
def show_model(name):
    try:
        name = parse_choice(name, "Model", model_names())
    except InputError as err:
        blank = message_figure("Choose a model above.")
        return blank, blank, None, field_error(str(err))
    wide, numbers = journey_view(name, 4)
    narrow, _ = journey_view(name, 2)
    return wide, narrow, table(numbers), None


share_settings(LAB, [choice_rule(f"{LAB}-model", model_names(), DEFAULT)])
