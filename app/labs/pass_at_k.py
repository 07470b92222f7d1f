"""Evaluation lab: the unbiased pass@k estimator of Chen et al. 2021 (HumanEval)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.eval_metrics import naive_pass_at_k, pass_at_k
from app.figures.theme import GRAPH_CONFIG, PALETTE, message_figure, themed
from app.validation import InputError, parse_number

LAB = "pass_at_k"
MAX_N = 10_000
DEFAULTS = {"n": 200, "c": 12, "k": 10}  # HumanEval's n = 200 samples per problem


def figure(n: int, c: int, k: int) -> go.Figure:
    ks = sorted({1, *range(1, n + 1, max(1, n // 60)), k, n})
    fig = go.Figure(
        [
            go.Scatter(
                x=ks,
                y=[100 * pass_at_k(n, c, j) for j in ks],
                mode="lines",
                name="Unbiased: 1 − C(n−c, k) / C(n, k)",
                line=dict(color=PALETTE[0], width=3),
            ),
            go.Scatter(
                x=ks,
                y=[100 * naive_pass_at_k(n, c, j) for j in ks],
                mode="lines",
                name="Naive: 1 − (1 − c/n)^k",
                line=dict(color=PALETTE[1], dash="dash"),
            ),
            go.Scatter(
                x=[k],
                y=[100 * pass_at_k(n, c, k)],
                mode="markers",
                name=f"Your k = {k}",
                marker=dict(size=11, color=PALETTE[3]),
            ),
        ]
    )
    fig.update_xaxes(title_text="k (programs you may try)", type="log")
    fig.update_yaxes(title_text="pass@k (%)", range=[0, 101])
    fig.update_layout(legend=dict(orientation="h", y=-0.3, yanchor="top"), margin=dict(b=130))
    return themed(fig, title=f"pass@k with {c} of {n} samples passing", height=380)


def parse(n, c, k) -> tuple[int, int, int]:
    n = int(parse_number(n, "n (samples)", minimum=1, maximum=MAX_N, integer=True))
    c = int(parse_number(c, "c (samples that pass)", minimum=0, maximum=n, integer=True))
    k = int(parse_number(k, "k", minimum=1, maximum=n, integer=True))
    return n, c, k


def stats(n: int, c: int, k: int) -> list:
    return [
        stat("pass@k (unbiased)", f"{100 * pass_at_k(n, c, k):.1f}%", id=f"{LAB}-value"),
        stat("Naive estimate", f"{100 * naive_pass_at_k(n, c, k):.1f}%", hint="biased low"),
        stat("pass@1", f"{100 * c / n:.1f}%", hint="c / n"),
    ]


def layout():
    fields = dbc.Row(
        [
            dbc.Col(
                number_field(f"{LAB}-n", "n: samples per problem", DEFAULTS["n"], min=1, step=1),
                xs=12,
                md=4,
            ),
            dbc.Col(
                number_field(f"{LAB}-c", "c: samples that pass", DEFAULTS["c"], min=0, step=1),
                xs=6,
                md=4,
            ),
            dbc.Col(number_field(f"{LAB}-k", "k", DEFAULTS["k"], min=1, step=1), xs=6, md=4),
        ],
        className="g-2",
    )
    body = html.Div(
        [
            fields,
            html.Div(id=f"{LAB}-error"),
            html.Div(stats(**DEFAULTS), id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-graph", figure=figure(**DEFAULTS), config=GRAPH_CONFIG),
            formula_note(
                "pass@k = 1 − ∏ (1 − k/i) for i = n−c+1 … n  (= 1 − C(n−c, k)/C(n, k))",
                "Chen et al. 2021, §2.1 and Figure 3",
                "https://arxiv.org/abs/2107.03374",
            ),
        ]
    )
    return lab_card(
        LAB,
        "pass@k: the chance one of k programs passes",
        "Generate n programs for a problem, run the unit tests, count the c that pass. "
        "pass@k estimates the chance that at least one of k programs passes. Drawing "
        "exactly k samples gives a noisy estimate; Chen et al. draw more and average over "
        "every way to choose k of them. Plugging c/n into 1 − (1 − p)^k instead comes out "
        "too low.",
        body,
        icon="bi-code-square",
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-graph", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-n", "value"),
    Input(f"{LAB}-c", "value"),
    Input(f"{LAB}-k", "value"),
)
def update(n, c, k):
    try:
        n, c, k = parse(n, c, k)
    except InputError as err:
        return None, message_figure("Fix the field named above."), field_error(str(err))
    return stats(n, c, k), figure(n, c, k), None
