"""Fairness metrics: one classifier's scores for two groups, a threshold per group, three
fairness gaps and the accuracy–fairness trade-off curve."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import lab_card, stat
from app.core.bias.fairness import BASE_RATES, generated_scores, report, tradeoff_curve
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "bias_fairness"
GAPS = {"dp": "Demographic parity gap", "eo": "Equalised odds gap"}


@lru_cache(maxsize=2)
def front(gap: str):
    return tradeoff_curve(generated_scores(), gap)


def layout():
    controls = dbc.Row(
        [
            dbc.Col(number_field(f"{LAB}-ta", "Threshold, group A", 0.5, help="0–1"), xs=6, md=4),
            dbc.Col(number_field(f"{LAB}-tb", "Threshold, group B", 0.5, help="0–1"), xs=6, md=4),
            dbc.Col(
                select_field(
                    f"{LAB}-gap",
                    "Trade-off against",
                    [{"label": v, "value": k} for k, v in GAPS.items()],
                    "dp",
                ),
                xs=12,
                md=4,
            ),
        ],
        className="g-2",
    )
    stats, table, fig, err = update(0.5, 0.5, "dp")
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            html.Div(table, id=f"{LAB}-table", className="table-responsive"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
        ]
    )
    return lab_card(
        LAB,
        "Fair by which definition?",
        f"A classifier gives people in two groups a score; {BASE_RATES['A']:.0%} of group A "
        f"and {BASE_RATES['B']:.0%} of group B are truly positive, and the scores are "
        "calibrated in both groups. Choose a threshold per group and compare three fairness "
        "criteria.",
        body,
        icon="bi-sliders2-vertical",
        sources=[
            ("Hardt et al. 2016", "https://arxiv.org/abs/1610.02413"),
            ("Kleinberg et al. 2016", "https://arxiv.org/abs/1609.05807"),
        ],
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-table", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-ta", "value"),
    Input(f"{LAB}-tb", "value"),
    Input(f"{LAB}-gap", "value"),
)
def update(ta, tb, gap):
    try:
        ta = parse_number(ta, "Threshold, group A", minimum=0, maximum=1)
        tb = parse_number(tb, "Threshold, group B", minimum=0, maximum=1)
        gap = parse_choice(gap, "Trade-off against", list(GAPS))
    except InputError as err:
        return None, None, message_figure("Fix the thresholds above."), field_error(str(err))
    r = report(generated_scores(), ta, tb)
    stats = [
        stat("Accuracy", f"{r.accuracy:.1%}", id=f"{LAB}-accuracy"),
        stat(
            "Demographic parity gap",
            f"{r.dp_gap:.3f}",
            id=f"{LAB}-dp",
            hint="selection rates differ by",
        ),
        stat("Equalised odds gap", f"{r.eo_gap:.3f}", hint="largest TPR or FPR difference"),
        stat("Calibration gap", f"{r.calibration_gap:.3f}", hint="same score, same meaning?"),
    ]
    head = html.Thead(
        html.Tr([html.Th(h) for h in ("Group", "Selected", "True-pos. rate", "False-pos. rate")])
    )
    rows = [
        html.Tr(
            [
                html.Td(g),
                html.Td(f"{x.selection_rate:.1%}"),
                html.Td(f"{x.tpr:.1%}"),
                html.Td(f"{x.fpr:.1%}"),
            ]
        )
        for g, x in r.rates.items()
    ]
    table = dbc.Table([head, html.Tbody(rows)], size="sm", className="small mb-2")
    f = front(gap)
    current = r.dp_gap if gap == "dp" else r.eo_gap
    fig = figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [p[0] for p in f],
                "y": [100 * p[1] for p in f],
                "name": "Best accuracy for each gap",
                "text": [f"thresholds A {p[2]:.3f}, B {p[3]:.3f}" for p in f],
                "hovertemplate": "gap %{x:.3f}, accuracy %{y:.1f}%<br>%{text}<extra></extra>",
                "line": {"color": PALETTE[0], "shape": "hv"},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": [current],
                "y": [100 * r.accuracy],
                "name": "Your thresholds",
                "marker": {"size": 13, "color": PALETTE[3], "symbol": "diamond"},
            },
        ],
        title={"text": "Accuracy–fairness trade-off"},
        xaxis=axis(GAPS[gap], rangemode="tozero"),
        yaxis=axis("Accuracy (%)"),
        height=360,
    )
    return stats, table, fig, None
