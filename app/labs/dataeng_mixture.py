"""Mixture sampling: weights per source and a token budget → how many times each source is
repeated, starting from LLaMA's published mixture."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.dataeng.mixture_epochs import REPEAT_WARNING_EPOCHS, epochs, source_tokens
from app.core.mixtures import get_mixture
from app.figures.plain import PALETTE, axis, esc, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_number

LAB = "dataeng_mixture"
MIXTURE = "llama1"


def _sources():
    return get_mixture(MIXTURE).components


def layout():
    m = get_mixture(MIXTURE)
    weights = [
        dbc.Col(number_field(f"{LAB}-w{i}", c.name, c.share_percent, unit="%"), xs=6, md=3)
        for i, c in enumerate(_sources())
    ]
    controls = dbc.Row(
        [
            dbc.Col(
                number_field(
                    f"{LAB}-budget",
                    "Token budget",
                    m.total_tokens / 1e9,
                    unit="billion tokens",
                    help="1–100,000",
                ),
                xs=12,
                md=3,
            ),
            *weights,
        ],
        className="g-2",
    )
    defaults = [c.share_percent for c in _sources()]
    stats, fig, err = update(m.total_tokens / 1e9, *defaults)
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "epochs_i = w_i · budget / T_i,  with T_i = share_i · 1.4T / epochs_i from Table 1",
                "Touvron et al. 2023, LLaMA, Table 1",
                m.source_url,
            ),
        ]
    )
    return lab_card(
        LAB,
        "Sampling weights → epochs",
        "LLaMA's Table 1 gives each source's sampling weight and epochs for 1.4 trillion "
        "tokens, which gives each source's size. Change the weights (they are normalised) or "
        "the budget and see how often each source would be repeated.",
        body,
        icon="bi-shuffle",
        sources=[
            ("Touvron et al. 2023", m.source_url),
            ("Muennighoff et al. 2023", "https://arxiv.org/abs/2305.16264"),
        ],
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-budget", "value"),
    *[Input(f"{LAB}-w{i}", "value") for i in range(len(_sources()))],
)
def update(budget, *weights):
    try:
        budget = parse_number(
            budget, "Token budget", minimum=1, maximum=100_000, unit="billion tokens"
        )
        w = {
            c.name: parse_number(v, c.name, minimum=0, maximum=100, unit="%")
            for c, v in zip(_sources(), weights, strict=True)
        }
        if sum(w.values()) <= 0:
            raise InputError("Weights: give at least one source a weight above 0.")
    except InputError as err:
        return None, message_figure("Fix the numbers above."), field_error(str(err))
    sizes = source_tokens(MIXTURE)
    e = epochs(w, sizes, budget * 1e9)
    names = list(e)
    fig = figure(
        [
            {
                "type": "bar",
                "x": [esc(n) for n in names],
                "y": [e[n] for n in names],
                "marker": {
                    "color": [
                        PALETTE[3] if e[n] > REPEAT_WARNING_EPOCHS else PALETTE[0] for n in names
                    ]
                },
                "text": [f"{e[n]:.2f}" for n in names],
                "textposition": "outside",
                "customdata": [sizes[n] / 1e9 for n in names],
                "hovertemplate": "%{x}: %{y:.2f} epochs of %{customdata:,.0f}B tokens"
                "<extra></extra>",
            }
        ],
        title={"text": "Epochs per source"},
        yaxis=axis("Epochs", rangemode="tozero"),
        shapes=[
            {
                "type": "line",
                "x0": 0,
                "x1": 1,
                "xref": "paper",
                "y0": REPEAT_WARNING_EPOCHS,
                "y1": REPEAT_WARNING_EPOCHS,
                "line": {"dash": "dash", "color": PALETTE[3]},
            }
        ],
        annotations=[
            {
                "x": 1,
                "xref": "paper",
                "y": REPEAT_WARNING_EPOCHS,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "text": "≈ 4 epochs: more repeats help less",
                "font": {"color": PALETTE[3], "size": 11},
            }
        ],
        height=360,
    )
    most = max(e, key=e.get)
    stats = [
        stat("Most repeated", f"{most}: {e[most]:.2f} epochs", id=f"{LAB}-most"),
        stat("Unique tokens available", f"{sum(sizes.values()) / 1e12:.2f} T"),
    ]
    return stats, fig, None
