"""Reward model: a Bradley–Terry model trained on preference pairs, with held-out accuracy,
calibration and the chart that gives away its taste for long answers."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.rlhf.preferences import FEATURE_NAMES, FEATURES, load_preferences, words_of
from app.core.rlhf.reward_model import (
    accuracy,
    calibration,
    expected_calibration_error,
    fit_bradley_terry,
    split,
)
from app.figures.plain import PALETTE, axis, esc, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "rlhf_reward_model"
STRENGTHS = {"0.1": "Strong (C = 0.1)", "1": "Medium (C = 1)", "100": "Weak (C = 100)"}
KIND_NAMES = {
    "reference": "Reference answer",
    "short": "Cut short",
    "padded": "Reference + filler",
    "wrong": "Another question's answer",
    "wrong_padded": "Wrong + filler",
    "filler": "Only filler",
}


def layout():
    n = len(load_preferences().pairs)
    controls = dbc.Row(
        [
            dbc.Col(
                number_field(
                    f"{LAB}-held",
                    "Held-out share",
                    25,
                    unit="%",
                    help="Pairs kept out of training to test on (5–80%).",
                ),
                xs=12,
                md=4,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-strength",
                    "Regularisation",
                    [{"label": v, "value": k} for k, v in STRENGTHS.items()],
                    "1",
                ),
                xs=12,
                md=4,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Label("Features the model sees", className="form-label small mb-1"),
                        dbc.Checklist(
                            id=f"{LAB}-features",
                            options=[{"label": FEATURE_NAMES[f], "value": f} for f in FEATURES],
                            value=list(FEATURES),
                            className="small",
                        ),
                    ]
                ),
                xs=12,
                md=4,
            ),
        ],
        className="g-2",
    )
    stats, cal, scatter, weights, err = update(25, "1", list(FEATURES))
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(id=f"{LAB}-scatter", figure=scatter, config=GRAPH_CONFIG), lg=7
                    ),
                    dbc.Col(
                        dcc.Graph(id=f"{LAB}-calibration", figure=cal, config=GRAPH_CONFIG), lg=5
                    ),
                ],
                className="g-2",
            ),
            dcc.Graph(id=f"{LAB}-weights", figure=weights, config=GRAPH_CONFIG),
            formula_note(
                "P(A ≻ B) = σ(r(A) − r(B)),  r(x) = w · x  (logistic regression on x_A − x_B)",
                "Bradley & Terry 1952; Ouyang et al. 2022, eq. 1",
                "https://arxiv.org/abs/2203.02155",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Train a reward model",
        f"{n} pairs of answers to the guide's own questions, each labelled with the answer a "
        "simulated rater preferred. Fit a reward model, test it on pairs it never saw, and "
        "look at *what* it rewards.",
        body,
        icon="bi-hand-thumbs-up",
        sources=[
            ("Ouyang et al. 2022", "https://arxiv.org/abs/2203.02155"),
            ("Singhal et al. 2023 (length)", "https://arxiv.org/abs/2310.03716"),
        ],
    )


@lru_cache(maxsize=64)
def _fit(held_share: float, c: float, features: tuple[str, ...]):
    data = load_preferences()
    cols = [FEATURES.index(f) for f in features]
    xa, xb, y = data.x_a[:, cols], data.x_b[:, cols], data.y
    train, held = split(len(y), held_share)
    model = fit_bradley_terry(xa[train], xb[train], y[train], features, c=c)
    return data, model, cols, train, held


def _scatter(data, model, cols, held) -> dict:
    traces = {}
    for i in held:
        p = data.pairs[i]
        for side, x in (("a", data.x_a[i]), ("b", data.x_b[i])):
            kind = p[f"kind_{side}"]
            t = traces.setdefault(kind, {"x": [], "y": [], "text": []})
            t["x"].append(len(words_of(p[side])))
            t["y"].append(float(model.reward(x[cols][None, :])[0]))
            t["text"].append(esc(p[side][:90]))
    data_ = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": KIND_NAMES[k],
            "x": v["x"],
            "y": v["y"],
            "text": v["text"],
            "marker": {"size": 7, "color": PALETTE[j % len(PALETTE)], "opacity": 0.75},
            "hovertemplate": "%{x} words, reward %{y:.2f}<br>%{text}<extra></extra>",
        }
        for j, (k, v) in enumerate(sorted(traces.items()))
    ]
    return figure(
        data_,
        title={"text": "Reward by answer length (words)"},
        xaxis={},
        yaxis=axis("Reward r(x)"),
        height=460,
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        margin={"b": 120},
    )


def _calibration(p, y) -> dict:
    bins = calibration(p, y, 5)
    return figure(
        [
            {
                "type": "scatter",
                "mode": "lines",
                "x": [0, 1],
                "y": [0, 1],
                "name": "Perfect",
                "line": {"dash": "dot", "color": "#999"},
            },
            {
                "type": "scatter",
                "mode": "markers+lines",
                "x": [b[0] for b in bins],
                "y": [b[1] for b in bins],
                "text": [f"{b[2]} pairs" for b in bins],
                "name": "Reward model",
                "hovertemplate": "predicted %{x:.2f}, observed %{y:.2f} (%{text})<extra></extra>",
            },
        ],
        title={"text": "Calibration (held-out)"},
        xaxis=axis("Predicted P(A preferred)", range=[0, 1]),
        yaxis=axis("Share where A was preferred", range=[0, 1]),
        height=380,
        showlegend=False,
    )


def _weights(model) -> dict:
    names = [FEATURE_NAMES[f] for f in model.features]
    return figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "x": model.weights.round(3).tolist(),
                "y": names,
                "marker": {"color": [PALETTE[0] if w >= 0 else PALETTE[3] for w in model.weights]},
                "hovertemplate": "%{y}: %{x:.2f} per standard deviation<extra></extra>",
            }
        ],
        title={"text": "What the reward model pays for"},
        xaxis=axis("Weight (per standard deviation)"),
        height=280,
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-calibration", "figure"),
    Output(f"{LAB}-scatter", "figure"),
    Output(f"{LAB}-weights", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-held", "value"),
    Input(f"{LAB}-strength", "value"),
    Input(f"{LAB}-features", "value"),
)
def update(held, strength, features):
    try:
        held_share = parse_number(held, "Held-out share", minimum=5, maximum=80, unit="%") / 100
        c = float(parse_choice(strength, "Regularisation", list(STRENGTHS)))
        if not isinstance(features, list) or not features:
            raise InputError("Features: tick at least one feature.")
        feats = tuple(f for f in FEATURES if f in features)
    except InputError as err:
        blank = message_figure("Fix the setting above to train the reward model.")
        return None, blank, blank, blank, field_error(str(err))
    data, model, cols, train, held_idx = _fit(held_share, c, feats)
    xa, xb, y = data.x_a[:, cols], data.x_b[:, cols], data.y
    p = model.prob_first(xa[held_idx], xb[held_idx])
    stats = [
        stat("Training pairs", f"{len(train):,}"),
        stat("Training accuracy", f"{accuracy(model, xa[train], xb[train], y[train]):.0%}"),
        stat(
            "Held-out accuracy",
            f"{accuracy(model, xa[held_idx], xb[held_idx], y[held_idx]):.0%}",
            id=f"{LAB}-accuracy",
        ),
        stat("Calibration error", f"{expected_calibration_error(p, y[held_idx]):.3f}", hint="ECE"),
    ]
    return (
        stats,
        _calibration(p, y[held_idx]),
        _scatter(data, model, cols, held_idx),
        _weights(model),
        None,
    )
