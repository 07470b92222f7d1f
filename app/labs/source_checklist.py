"""Source checklist: rate a candidate data source on licence, size, quality, freshness,
personal data and fit; see a weighted score and a verdict with its reasons (app.core.sources)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html, no_update

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.sources import (
    AVOID_BELOW,
    CRITERIA,
    MAX_POINTS,
    PRESETS,
    USE_FROM,
    assess,
    preset,
)
from app.figures.mixtures import checklist_points
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError

LAB = "source_checklist"
VERDICT_COLOR = {"use": "success", "use with filtering": "warning", "avoid": "danger"}
VERDICT_ICON = {
    "use": "bi-check-circle",
    "use with filtering": "bi-funnel",
    "avoid": "bi-x-octagon",
}
DEFAULT = "wikipedia"


def criteria_table() -> html.Details:
    """Every criterion with its weight and what each level means (and its points)."""
    rows = []
    for c in CRITERIA:
        levels = html.Ul(
            [
                html.Li(
                    f"{lv.label}: {lv.points * c.weight:.2g} of {c.weight}"
                    + {"block": " (rules it out)", "filter": " (needs filtering)"}.get(
                        lv.flag or "", ""
                    )
                )
                for lv in c.levels
            ],
            className="mb-0 ps-3",
        )
        rows.append(
            html.Tr(
                [
                    html.Td([html.Strong(c.title), html.Br(), c.question]),
                    html.Td(str(c.weight)),
                    html.Td(levels),
                ]
            )
        )
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th("Criterion"), html.Th("Weight"), html.Th("Levels")])),
            html.Tbody(rows),
        ],
        size="sm",
        bordered=False,
        striped=True,
        className="small mb-0",
    )
    return html.Details(
        [
            html.Summary("What each level means, and the weights"),
            html.Div(table, className="table-responsive mt-2"),
        ],
        className="mt-2",
    )


def layout():
    first = preset(DEFAULT)
    verdict, stats, fig, _ = score(*(first.ratings[c.key] for c in CRITERIA))
    selects = [
        dbc.Col(
            select_field(
                f"{LAB}-{c.key}",
                f"{c.title} (weight {c.weight})",
                [{"label": lv.label, "value": lv.key} for lv in c.levels],
                first.ratings[c.key],
            ),
            xs=12,
            md=6,
        )
        for c in CRITERIA
    ]
    body = html.Div(
        [
            select_field(
                f"{LAB}-preset",
                "Load an example source",
                [{"label": p.name, "value": p.key} for p in PRESETS],
                DEFAULT,
            ),
            html.P(first.description, id=f"{LAB}-description", className="small text-muted"),
            dbc.Row(selects, className="g-2"),
            html.Div(id=f"{LAB}-error"),
            html.Div(verdict, id=f"{LAB}-verdict", className="my-2", role="status"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(
                id=f"{LAB}-chart", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            formula_note(
                f"score = 100 × Σ(weight × level points) / {MAX_POINTS}; avoid below "
                f"{AVOID_BELOW:.0f} or if the licence rules it out; use from {USE_FROM:.0f} "
                "unless a criterion needs filtering",
                "this guide's checklist, after the questions of Gebru et al. 2021",
                "https://arxiv.org/abs/1803.09010",
            ),
            criteria_table(),
        ]
    )
    return lab_card(
        LAB,
        "Should you train on this source?",
        "Rate a candidate source, or load an example. The score and verdict are a first "
        "screen to guide a discussion: a factual checklist, **not legal advice**.",
        body,
        icon="bi-clipboard-check",
        sources=[
            ("Gebru et al. 2021, Datasheets for Datasets", "https://arxiv.org/abs/1803.09010"),
            (
                "Touvron et al. 2023, LLaMA (licence filter on GitHub code)",
                "https://arxiv.org/abs/2302.13971",
            ),
        ],
    )


@callback(
    *[Output(f"{LAB}-{c.key}", "value") for c in CRITERIA],
    Output(f"{LAB}-description", "children"),
    Input(f"{LAB}-preset", "value"),
    prevent_initial_call=True,
)
def load_preset(key):
    """Fill every criterion from an example source (and say what the source is)."""
    try:
        p = preset(key)
    except ValueError:
        return *[no_update] * len(CRITERIA), "Choose one of the example sources."
    return *[p.ratings[c.key] for c in CRITERIA], p.description


@callback(
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    *[Input(f"{LAB}-{c.key}", "value") for c in CRITERIA],
    prevent_initial_call=True,  # the layout already scores the first example
)
def score(*levels):
    try:
        result = assess(dict(zip([c.key for c in CRITERIA], levels, strict=True)))
    except (ValueError, InputError) as err:
        return (
            None,
            None,
            message_figure("Choose a level for every criterion."),
            field_error(str(err)),
        )
    color = VERDICT_COLOR[result.verdict]
    heading = "Watch out for" if result.verdict == "use" else "Why"
    verdict = dbc.Alert(
        [
            html.Div(
                [
                    html.I(className=f"bi {VERDICT_ICON[result.verdict]} me-2"),
                    html.Strong(f"Verdict: {result.verdict}", id=f"{LAB}-verdict-text"),
                ],
                className="mb-1",
            ),
            *(
                [
                    html.Div(f"{heading}:", className="small fw-semibold"),
                    html.Ul([html.Li(r) for r in result.reasons], className="small mb-1"),
                ]
                if result.reasons
                else []
            ),
            *(
                [html.Div("Strengths: " + " ".join(result.strengths), className="small")]
                if result.strengths
                else []
            ),
        ],
        color=color,
        className="py-2 px-3 mb-0",
    )
    stats = [
        stat("Score", f"{result.score:.3g} / 100", id=f"{LAB}-score"),
        stat(
            "Points",
            f"{sum(result.points.values()):.3g} of {MAX_POINTS}",
            hint="weight × level, summed",
        ),
    ]
    fig = checklist_points(
        [c.title for c in CRITERIA],
        [result.points[c.key] for c in CRITERIA],
        [c.weight for c in CRITERIA],
    )
    return verdict, stats, fig, None
