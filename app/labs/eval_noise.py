"""Evaluation lab: how sure is a benchmark score? Confidence intervals, whether two models
really differ, and what a loss means as perplexity."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.evaluation import (
    accuracy_interval,
    bits_per_character,
    difference_interval,
    perplexity,
    questions_to_separate,
)
from app.figures.intervals import intervals_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_number

LAB = "eval_noise"


def layout():
    body = html.Div(
        [
            html.H4("Is model A really better than model B?", className="h6"),
            dbc.Row(
                [
                    dbc.Col(
                        number_field(
                            f"{LAB}-n",
                            "Questions in the benchmark",
                            100,
                            min=1,
                            step=1,
                            help="MMLU's test set: 14,042.",
                        ),
                        xs=12,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-a", "Model A accuracy", 70, min=0, max=100, unit="%"),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-b", "Model B accuracy", 66, min=0, max=100, unit="%"),
                        xs=6,
                        md=4,
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-verdict", className="mt-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config={**GRAPH_CONFIG, "displayModeBar": False}),
            formula_note(
                "Wilson 95% interval per score; difference ± 1.96·√(pA(1−pA)/n + pB(1−pB)/n)",
                "Miller 2024, Adding Error Bars to Evals",
                "https://arxiv.org/abs/2411.00640",
            ),
            html.Hr(),
            html.H4("From loss to perplexity", className="h6"),
            dbc.Row(
                [
                    dbc.Col(
                        number_field(
                            f"{LAB}-loss", "Validation loss", 2.0, min=0, unit="nats/token"
                        ),
                        xs=12,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-cpt",
                            "Characters per token",
                            4.0,
                            min=0.1,
                            help="About 4 for English with a GPT-style tokenizer.",
                        ),
                        xs=12,
                        md=4,
                    ),
                    dbc.Col(html.Div(id=f"{LAB}-ppl", className="stat-row"), xs=12, md=4),
                ],
                className="g-2 align-items-start",
            ),
            html.Div(id=f"{LAB}-ppl-error"),
        ]
    )
    return lab_card(
        LAB,
        "How much can you trust a score?",
        "A benchmark is a sample of questions, so every score has a margin of error. Type two "
        "models' scores and see whether the gap is real or could be luck.",
        body,
        icon="bi-bar-chart-steps",
    )


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-n", "value"),
    Input(f"{LAB}-a", "value"),
    Input(f"{LAB}-b", "value"),
)
def compare(n, a, b):
    try:
        n = int(parse_number(n, "Questions", minimum=1, maximum=100_000_000, integer=True))
        a = parse_number(a, "Model A accuracy", minimum=0, maximum=100, unit="%") / 100
        b = parse_number(b, "Model B accuracy", minimum=0, maximum=100, unit="%") / 100
    except InputError as err:
        return message_figure("Fix the input above."), None, None, field_error(str(err))
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
    return intervals_figure(rows), stats, verdict, None


@callback(
    Output(f"{LAB}-ppl", "children"),
    Output(f"{LAB}-ppl-error", "children"),
    Input(f"{LAB}-loss", "value"),
    Input(f"{LAB}-cpt", "value"),
)
def to_perplexity(loss, cpt):
    try:
        loss = parse_number(loss, "Validation loss", minimum=0, maximum=50, unit="nats/token")
        cpt = parse_number(cpt, "Characters per token", minimum=0.1, maximum=100)
    except InputError as err:
        return None, field_error(str(err))
    return [
        stat(
            "Perplexity",
            f"{perplexity(loss):,.1f}",
            id=f"{LAB}-perplexity",
            hint="as unsure as choosing among this many tokens",
        ),
        stat("Bits per character", f"{bits_per_character(loss, cpt):.2f}"),
    ], None
