"""Embeddings lab: the tiny GPT's own learned character embeddings on a 2-D map, coloured
by kind (vowels, consonants, digits, punctuation), with each kind's measured cohesion and
the nearest characters of the one the learner picks."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error
from app.components.lab_card import lab_card, stat
from app.core import embeddings as emb
from app.core.tinylm import load_pretrained
from app.figures.embeddings import char_map_figure
from app.figures.theme import GRAPH_CONFIG

LAB = "embeddings_chars"


def _label(ch: str) -> str:
    return {"\n": "newline", " ": "space"}.get(ch, ch)


def nearest_view(ch):
    model, tok, _ = load_pretrained()
    text = str(ch or "")
    if text.lower() in ("space", " "):
        text = " "
    if len(text) != 1:
        return field_error("Type exactly one character (or 'space').")
    if text not in tok.chars:
        return field_error(f"The tiny GPT never saw '{text}': it is not in its vocabulary.")
    wte = model.params["wte"]
    unit = wte / np.maximum(np.linalg.norm(wte, axis=1, keepdims=True), 1e-12)
    sims = unit @ unit[tok.chars.index(text)]
    order = [i for i in np.argsort(-sims, kind="stable") if tok.chars[i] != text][:8]
    return html.Div(
        [
            html.Span(f"Nearest to '{_label(text)}': ", className="small text-muted"),
            html.Span(
                ",  ".join(f"{_label(tok.chars[i])} ({sims[i]:.2f})" for i in order),
                className="small",
            ),
        ]
    )


def layout():
    model, tok, _ = load_pretrained()
    chars, xy, ratio = emb.char_embedding_map()
    separation = emb.kind_separation(tok.chars, model.params["wte"])
    fig = char_map_figure(chars, xy, ratio, emb.char_kind)
    stats = [
        stat(kind.capitalize(), f"{value:+.2f}", hint="within − across")
        for kind, value in sorted(separation.items(), key=lambda kv: -kv[1])
    ]
    body = html.Div(
        [
            dcc.Graph(
                id=f"{LAB}-map", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            html.Div(
                "Do they cluster? Mean cosine similarity between characters of the same kind, "
                "minus their mean similarity to all other characters (in all "
                f"{model.params['wte'].shape[1]} dimensions, not only the two drawn):",
                className="small mt-2",
            ),
            html.Div(stats, className="stat-row my-2"),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label("A character", html_for=f"{LAB}-char", className="small mb-1"),
                        dbc.Input(
                            id=f"{LAB}-char", value="a", maxLength=5, debounce=True, size="sm"
                        ),
                    ],
                    xs=6,
                    md=3,
                )
            ),
            html.Div(nearest_view("a"), id=f"{LAB}-nearest", className="mt-2"),
        ]
    )
    return lab_card(
        LAB,
        "The tiny GPT's own embeddings",
        f"The tiny GPT from the training stage reads one character at a time. Its first layer "
        f"is a table of {len(chars)} learned vectors, one per character. Nobody told it which "
        "characters are vowels or digits; here is where training put them.",
        body,
        sources=[
            ("PCA (scikit-learn)", "https://scikit-learn.org/stable/modules/decomposition.html#pca")
        ],
        icon="bi-fonts",
    )


@callback(
    Output(f"{LAB}-nearest", "children"), Input(f"{LAB}-char", "value"), prevent_initial_call=True
)
def update_nearest(ch):
    return nearest_view(ch)
