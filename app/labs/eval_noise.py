"""Evaluation lab: how sure is a benchmark score? Confidence intervals, whether two models
really differ, and what a loss means as perplexity."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html, no_update

from app.components.inputs import (
    field_errors,
    invalid_flags,
    number_rule,
    share_settings,
    spec_field,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.core.evaluation import (
    accuracy_interval,
    bits_per_character,
    difference_interval,
    perplexity,
    questions_to_separate,
)
from app.figures.intervals import intervals_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import NumberSpec, parse_fields

LAB = "eval_noise"
# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec(
        "n",
        "Questions in the benchmark",
        100,
        1,
        100_000_000,
        True,
        help="MMLU's test set: 14,042.",
    ),
    NumberSpec("a", "Model A accuracy", 70, 0, 100, unit="%"),
    NumberSpec("b", "Model B accuracy", 66, 0, 100, unit="%"),
)
PPL_FIELDS = (
    NumberSpec("loss", "Validation loss", 2.0, 0, 50, unit="nats/token"),
    NumberSpec(
        "cpt",
        "Characters per token",
        4.0,
        0.1,
        100,
        help="About 4 for English with a GPT-style tokenizer.",
    ),
)
NAMES = [f.name for f in FIELDS]
PPL_NAMES = [f.name for f in PPL_FIELDS]


def layout():
    fig, stats, verdict, *_ = compare(*(f.default for f in FIELDS))
    ppl, *_ = to_perplexity(*(f.default for f in PPL_FIELDS))
    body = html.Div(
        [
            html.H4("Is model A really better than model B?", className="h6"),
            dbc.Row(
                [
                    dbc.Col(spec_field(LAB, f), xs=12 if i == 0 else 6, md=4)
                    for i, f in enumerate(FIELDS)
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(verdict, id=f"{LAB}-verdict", className="mt-2"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(
                id=f"{LAB}-chart", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            formula_note(
                "Wilson 95% interval per score; difference ± 1.96·√(pA(1−pA)/n + pB(1−pB)/n)",
                "Miller 2024, Adding Error Bars to Evals",
                "https://arxiv.org/abs/2411.00640",
            ),
            html.Hr(),
            html.H4("From loss to perplexity", className="h6"),
            dbc.Row(
                [
                    *(dbc.Col(spec_field(LAB, f), xs=12, md=4) for f in PPL_FIELDS),
                    dbc.Col(html.Div(ppl, id=f"{LAB}-ppl", className="stat-row"), xs=12, md=4),
                ],
                className="g-2 align-items-start",
            ),
            html.Div(id=f"{LAB}-ppl-error"),
        ]
    )
    return lab_card(
        LAB,
        "Error bars for benchmark scores",
        "A benchmark is a sample of questions, so every score has a margin of error. Type two "
        "models' scores and see whether the gap is real or could be luck.",
        body,
        icon="bi-bar-chart-steps",
        updates="fields",
    )


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    Input(f"{LAB}-n", "value"),
    Input(f"{LAB}-a", "value"),
    Input(f"{LAB}-b", "value"),
    prevent_initial_call=True,  # the layout already shows the defaults
)
def compare(n, a, b):
    """A bad input names every bad field and marks it, and keeps the last good result."""
    values, errors = parse_fields(FIELDS, {"n": n, "a": a, "b": b})
    if errors:
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    n, a, b = values["n"], values["a"] / 100, values["b"] / 100
    rows = []
    for label, p in (("Model A", a), ("Model B", b)):
        low, high = accuracy_interval(round(p * n), n)
        rows.append((label, p, low, high))
    diff, half = difference_interval(a, b, n)
    real = abs(diff) > half
    needed = questions_to_separate(a, b) if a != b else None
    if real:
        text = (
            f"The gap of {100 * abs(diff):.1f} points is bigger than its margin of error "
            f"(±{100 * half:.1f}): very likely real."
        )
    else:
        text = (
            f"The gap of {100 * abs(diff):.1f} points is within its margin of error "
            f"(±{100 * half:.1f}): it could be luck."
        )
    verdict = dbc.Alert(
        text,
        color="success" if real else "warning",
        className="py-2 small",
        id=f"{LAB}-verdict-text",
    )
    stats = [
        stat("Margin on A", f"±{100 * (rows[0][3] - rows[0][2]) / 2:.1f} pts"),
        stat("Margin on B", f"±{100 * (rows[1][3] - rows[1][2]) / 2:.1f} pts"),
        stat(
            "Questions to tell apart",
            f"{needed:,}" if needed else "never",
            id=f"{LAB}-needed",
            hint="if these accuracies hold",
        ),
    ]
    return intervals_figure(rows), stats, verdict, None, *invalid_flags(NAMES, {})


@callback(
    Output(f"{LAB}-ppl", "children"),
    Output(f"{LAB}-ppl-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in PPL_NAMES),
    Input(f"{LAB}-loss", "value"),
    Input(f"{LAB}-cpt", "value"),
    prevent_initial_call=True,  # the layout already shows the defaults
)
def to_perplexity(loss, cpt):
    values, errors = parse_fields(PPL_FIELDS, {"loss": loss, "cpt": cpt})
    if errors:
        return no_update, field_errors(errors), *invalid_flags(PPL_NAMES, errors)
    loss, cpt = values["loss"], values["cpt"]
    return (
        [
            stat(
                "Perplexity",
                f"{perplexity(loss):,.1f}",
                id=f"{LAB}-perplexity",
                hint="as unsure as choosing among this many tokens",
            ),
            stat("Bits per character", f"{bits_per_character(loss, cpt):.2f}"),
        ],
        None,
        *invalid_flags(PPL_NAMES, {}),
    )


share_settings(LAB, [number_rule(LAB, f) for f in (*FIELDS, *PPL_FIELDS)])
