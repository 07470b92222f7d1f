"""Data-mixture explorer: what documented pretraining mixtures are made of, by kind of text
(LLaMA, The Pile, GPT-3, RedPajama, Dolma, FineWeb; content/tables/data_mixtures.yaml)."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import choice_rule, field_error, select_field, share_settings
from app.components.lab_card import lab_card
from app.core.mixtures import (
    CATEGORIES,
    Mixture,
    category_shares,
    emphasis,
    get_mixture,
    list_mixtures,
)
from app.figures.mixtures import category_bars, component_details, mixture_hierarchy
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice

LAB = "data_mixtures"
NONE = "none"
KINDS = {"sunburst": "Sunburst", "treemap": "Treemap"}
CONFIG = {**GRAPH_CONFIG, "displayModeBar": False}
# Read (and check) the table at import, i.e. at start-up: a broken row stops the app with a
# message naming content/tables/data_mixtures.yaml, the mixture and the field.
MIXTURE_IDS = [m.id for m in list_mixtures()]


def mixture_options(with_none: bool = False) -> list[dict[str, str]]:
    options = [{"label": m.name, "value": m.id} for m in list_mixtures()]
    return ([{"label": "Nothing (one mixture)", "value": NONE}] if with_none else []) + options


def layout():
    charts, bars, notes, _ = explore("llama1", "pile", "sunburst")
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        select_field(f"{LAB}-a", "Mixture", mixture_options(), "llama1"),
                        xs=12,
                        sm=6,
                        lg=4,
                    ),
                    dbc.Col(
                        select_field(f"{LAB}-b", "Compare with", mixture_options(True), "pile"),
                        xs=12,
                        sm=6,
                        lg=4,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                dbc.Label("Chart", className="form-label small mb-1 d-block"),
                                dbc.RadioItems(
                                    id=f"{LAB}-kind",
                                    options=[{"label": v, "value": k} for k, v in KINDS.items()],
                                    value="sunburst",
                                    inline=True,
                                ),
                            ],
                            className="mb-2",
                        ),
                        xs=12,
                        lg=4,
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            dbc.Row(charts, id=f"{LAB}-charts", className="g-2"),
            dcc.Graph(id=f"{LAB}-bars", figure=bars, config=CONFIG),
            html.Div(notes, id=f"{LAB}-notes", className="mt-2"),
        ]
    )
    return lab_card(
        LAB,
        "What is in a training mixture?",
        "Pick a documented mixture, and a second one to compare. The inner ring groups sources "
        "by kind of text; hover for the exact numbers each paper prints.",
        body,
        icon="bi-pie-chart",
        updates="fields",
        sources=[(m.source.split(",")[0], m.source_url) for m in list_mixtures()],
    )


@lru_cache(maxsize=64)
def hierarchy_for(mixture_id: str, kind: str):
    """Each figure is built once per process: the tables never change while the app runs."""
    return mixture_hierarchy(get_mixture(mixture_id), category_shares(mixture_id), kind=kind)


@lru_cache(maxsize=64)
def bars_for(ids: tuple[str, ...]):
    mixtures = [get_mixture(i) for i in ids]
    return category_bars(mixtures, [category_shares(i) for i in ids])


def numbers_table(m: Mixture) -> html.Details:
    """The same numbers as the hover text, readable without a mouse."""
    rows = [
        html.Tr(
            [
                html.Td(c.name),
                html.Td(CATEGORIES[c.category]),
                html.Td(f"{c.share_percent:.4g}%"),
                html.Td(component_details(c, m.size_unit)),
            ]
        )
        for c in m.components
    ]
    head = html.Thead(
        html.Tr([html.Th("Source"), html.Th("Kind"), html.Th("Share"), html.Th("As printed")])
    )
    return html.Details(
        [
            html.Summary("All the numbers", className="small"),
            html.Div(
                dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, className="small"),
                className="table-responsive mt-1",
            ),
        ]
    )


def note_card(m: Mixture) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [
                html.Div(m.name, className="fw-semibold"),
                html.Div(f"Biggest parts: {emphasis(m.id)}.", className="small"),
                html.P(m.note, className="small mb-1"),
                html.Div(
                    [
                        f"Shares are the {m.share_meaning}. From ",
                        html.A(
                            m.source, href=m.source_url, target="_blank", rel="noopener noreferrer"
                        ),
                        f", {m.source_table}.",
                    ],
                    className="small text-muted",
                ),
                numbers_table(m),
            ],
            className="stat h-100",
        ),
        md=6,
        className="mb-2",
    )


@callback(
    Output(f"{LAB}-charts", "children"),
    Output(f"{LAB}-bars", "figure"),
    Output(f"{LAB}-notes", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-a", "value"),
    Input(f"{LAB}-b", "value"),
    Input(f"{LAB}-kind", "value"),
    prevent_initial_call=True,  # the layout already shows LLaMA against the Pile
)
def explore(a, b, kind):
    try:
        a = parse_choice(a, "Mixture", MIXTURE_IDS)
        b = parse_choice(b, "Compare with", [NONE, *MIXTURE_IDS])
        kind = parse_choice(kind, "Chart", list(KINDS))
    except InputError as err:
        empty = [
            dbc.Col(
                dcc.Graph(
                    figure=message_figure("Pick a mixture above."),
                    config=CONFIG,
                    id=f"{LAB}-chart-a",
                )
            )
        ]
        return empty, message_figure("Pick a mixture above."), None, field_error(str(err))
    chosen = [a] if b in (NONE, a) else [a, b]
    charts = [
        dbc.Col(
            dcc.Graph(id=f"{LAB}-chart-{slot}", figure=hierarchy_for(mid, kind), config=CONFIG),
            md=12 // len(chosen),
        )
        for slot, mid in zip("ab", chosen, strict=False)
    ]
    notes = dbc.Row([note_card(get_mixture(mid)) for mid in chosen], className="g-2")
    return charts, bars_for(tuple(chosen)), notes, None


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-a", MIXTURE_IDS, "llama1"),
        choice_rule(f"{LAB}-b", [NONE, *MIXTURE_IDS], "pile"),
        choice_rule(f"{LAB}-kind", list(KINDS), "sunburst"),
    ],
)
