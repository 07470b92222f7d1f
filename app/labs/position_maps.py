"""Architecture lab: the causal mask and position encodings (sinusoidal and RoPE), seen."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, callback, dcc, html, no_update

from app.components.inputs import choice_rule, field_error, share_settings
from app.components.lab_card import formula_note, lab_card
from app.core.positions import causal_mask, rope_angles, sinusoidal_encoding
from app.figures.attention import heatmap_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, parse_choice, parse_number

LAB = "position_maps"
SENTENCE = ["The", "cat", "sat", "on", "the", "mat", "because", "it", "was", "tired"]
KINDS = {"sinusoidal": "Sinusoidal (original Transformer)", "rope": "RoPE (Llama, Mistral)"}


def layout():
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H4("Causal mask", className="h6"),
                            html.P(
                                "Each row is a token reading the sentence; it can only see "
                                "itself and the tokens before it.",
                                className="small text-muted",
                            ),
                            dcc.Graph(
                                id=f"{LAB}-mask",
                                figure=mask_figure(),
                                config={**GRAPH_CONFIG, "displayModeBar": False},
                                style={"height": "380px"},
                            ),
                        ],
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            html.H4("Position encodings", className="h6"),
                            dbc.RadioItems(
                                id=f"{LAB}-kind",
                                options=[{"label": v, "value": k} for k, v in KINDS.items()],
                                value="sinusoidal",
                                inline=True,
                                className="small",
                            ),
                            html.Div(
                                [
                                    html.Label(
                                        "Positions",
                                        htmlFor=f"{LAB}-positions",
                                        className="form-label small mb-0",
                                    ),
                                    dcc.Slider(
                                        id=f"{LAB}-positions",
                                        min=16,
                                        max=256,
                                        step=16,
                                        value=64,
                                        marks={16: "16", 128: "128", 256: "256"},
                                    ),
                                    html.Label(
                                        "Dimensions",
                                        htmlFor=f"{LAB}-dims",
                                        className="form-label small mb-0",
                                    ),
                                    dcc.Slider(
                                        id=f"{LAB}-dims",
                                        min=8,
                                        max=128,
                                        step=8,
                                        value=64,
                                        marks={8: "8", 64: "64", 128: "128"},
                                    ),
                                ]
                            ),
                            html.Div(id=f"{LAB}-error"),
                            dcc.Graph(
                                id=f"{LAB}-encoding",
                                figure=encoding_figure("sinusoidal", 64, 64),
                                config=GRAPH_CONFIG,
                                style={"height": "360px"},
                            ),
                        ],
                        lg=7,
                    ),
                ],
                className="g-3",
            ),
            formula_note(
                "sinusoidal: PE(pos, 2i) = sin(pos / 10000^(2i/d)); RoPE rotates pair i by "
                "pos · 10000^(−2i/d)",
                "Vaswani et al. 2017 §3.5; Su et al. 2021",
                "https://arxiv.org/abs/2104.09864",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Draw the causal mask and the position encodings",
        "Left: who may look at whom. Right: the pattern each position adds. Early dimensions "
        "change fast from one position to the next, later ones slowly, so every position "
        "gets its own fingerprint.",
        body,
        icon="bi-grid-3x3",
        updates="fields",
    )


def mask_figure():
    mask = causal_mask(len(SENTENCE)).astype(float)
    labels = [f"{i + 1}. {w}" for i, w in enumerate(SENTENCE)]
    fig = heatmap_figure(
        mask,
        title="Who can attend to whom",
        x_title="key (looked at)",
        y_title="query (looking)",
        colorscale=[[0, "#f1f3f5"], [1, "#3459e6"]],
        zmid=None,
        x_labels=labels,
        y_labels=labels,
        hover="%{z}",
        showscale=False,
        height=380,
    )
    fig["data"][0].update(
        hovertemplate="%{y} → %{x}: %{customdata}<extra></extra>",
        customdata=np.where(mask > 0, "allowed", "hidden (future)").tolist(),
        xgap=1,
        ygap=1,
    )
    return fig


@callback(
    Output(f"{LAB}-encoding", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-kind", "value"),
    Input(f"{LAB}-positions", "value"),
    Input(f"{LAB}-dims", "value"),
    prevent_initial_call=True,  # the layout already shows the default encoding
)
def encoding(kind, positions, dims):
    """The chosen encoding's heatmap; a bad value (only a tampered request can send one)
    gets a message and keeps the last chart."""
    try:
        kind = parse_choice(kind, "Encoding", list(KINDS))
        positions = int(parse_number(positions, "Positions", minimum=1, maximum=1024, integer=True))
        dims = int(parse_number(dims, "Dimensions", minimum=2, maximum=512, integer=True))
        if dims % 2:
            raise InputError("Dimensions must be even: they come in sine/cosine pairs.")
    except InputError as err:
        return no_update, field_error(str(err))
    return encoding_figure(kind, positions, dims), None


@lru_cache(maxsize=64)
def encoding_figure(kind: str, positions: int, dims: int) -> dict:
    """Built once per setting (callers must not change it); values rounded to 3 decimals,
    all a colour scale can show, which also keeps the response small."""
    if kind == "sinusoidal":
        z = np.round(sinusoidal_encoding(positions, dims), 3)
        return heatmap_figure(
            z,
            title="Sinusoidal encoding: value added to each dimension",
            x_title="dimension",
            y_title="position",
        )
    z = np.round(np.cos(rope_angles(positions, dims)), 3)
    return heatmap_figure(
        z,
        title="RoPE: cosine of each pair's rotation angle",
        x_title="dimension pair",
        y_title="position",
    )


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-kind", list(KINDS), "sinusoidal"),
        choice_rule(f"{LAB}-positions", list(range(16, 257, 16)), 64),
        choice_rule(f"{LAB}-dims", list(range(8, 129, 8)), 64),
    ],
)
