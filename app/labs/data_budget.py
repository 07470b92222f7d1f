"""Data collection lab: how much text does a model need, and which open datasets are that
big? (Hoffmann et al. 2022 for the compute-optimal amount.)"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.architecture import count_params
from app.core.compute import chinchilla_tokens_for_params
from app.core.datasets import list_datasets
from app.core.units import human_bytes, human_count
from app.figures.theme import (
    GRAPH_CONFIG,
    PALETTE,
    PRIMARY,
    add_marks,
    hline,
    message_figure,
    themed,
)
from app.validation import InputError, parse_number

LAB = "data_budget"

follow_stage_04(f"{LAB}-model")


def layout():
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", "llama-3-8b"), md=6, lg=4),
                    dbc.Col(number_field(f"{LAB}-ratio", "Over-train ×", 1, min=0.01,
                                         help="1 = compute-optimal; Llama 3 8B was about 90."),
                            xs=6, lg=4),
                    dbc.Col(number_field(f"{LAB}-bytes", "Bytes of text per token", 4,
                                         min=0.5, max=32,
                                         help="About 4 for English with a BPE tokenizer."),
                            xs=6, lg=4),
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config={**GRAPH_CONFIG, "displayModeBar": False}),
            formula_note(
                "tokens = N_opt⁻¹(N) × over-train factor, from N_opt ≈ 0.0992·C^0.498 and "
                "C = 6ND; text = tokens × bytes per token",
                "Hoffmann et al. 2022, Table 3",
                "https://arxiv.org/abs/2203.15556",
            ),
        ]
    )
    return lab_card(
        LAB,
        "How much text does your model need?",
        "Pick a model and how far past compute-optimal you want to train it. See how many "
        "tokens and how many bytes of clean text that takes, next to the largest open "
        "datasets.",
        body,
        icon="bi-database-check",
        sources=[(d.name, d.source_url) for d in list_datasets()],
    )


def datasets_figure(needed: float) -> go.Figure:
    rows = sorted(list_datasets(), key=lambda d: d.tokens)
    fig = go.Figure(go.Bar(
        x=[d.tokens for d in rows], y=[d.name for d in rows], orientation="h",
        marker_color=[PRIMARY if d.tokens >= needed else "#b8c4ee" for d in rows],
        text=[human_count(d.tokens) for d in rows], textposition="auto",
        customdata=[d.source for d in rows],
        hovertemplate="<b>%{y}</b>: %{text} tokens<br>%{customdata}<extra></extra>",
    ))
    shape, note = hline(0, "", PALETTE[3])  # reused as a vertical line below
    shape.update(type="line", xref="x", x0=needed, x1=needed, yref="paper", y0=0, y1=1)
    note.update(text=f"your model needs {human_count(needed)}", xref="x", x=needed,
                yref="paper", y=1.02, xanchor="center")
    add_marks(fig, shape, note)
    fig.update_xaxes(type="log", title_text="Tokens (log scale)")
    return themed(fig, title="Open datasets that are big enough (dark) and those that are not",
                  height=320)


@callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-ratio", "value"),
    Input(f"{LAB}-bytes", "value"),
    State("selected-model", "data"),
)
def update(choice, ratio, bytes_per_token, selected):
    try:
        name, cfg = resolve_model(choice, selected)
        ratio = parse_number(ratio, "Over-train", minimum=0.01, maximum=10_000, unit="×")
        bytes_per_token = parse_number(bytes_per_token, "Bytes of text per token",
                                       minimum=0.5, maximum=32)
    except InputError as err:
        return None, message_figure("Fix the input above."), field_error(str(err))
    n = count_params(cfg).total
    tokens = chinchilla_tokens_for_params(n) * ratio
    stats = [
        stat("Parameters", human_count(n), hint=name),
        stat("Training tokens", human_count(tokens), id=f"{LAB}-tokens",
             hint=f"{tokens / n:,.0f} per parameter"),
        stat("Clean text", human_bytes(tokens * bytes_per_token), id=f"{LAB}-text"),
        stat("Open datasets big enough",
             str(sum(d.tokens >= tokens for d in list_datasets())),
             hint=f"of {len(list_datasets())} listed"),
    ]
    return stats, datasets_figure(tokens), None
