"""Attention maps per layer and head of the tiny GPT on the learner's text, and the logit
lens: the next-character guess read out after each layer. Science: app.core.interpret."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.core.interpret import inspect
from app.figures.inside import CONFIG, char_label, heatmap_figure
from app.figures.theme import message_figure
from app.services.jobs import clean_learner_id
from app.services.tinygpt.models import PRETRAINED, by_key, resolve
from app.validation import InputError

LAB = "explain_attention"
DEFAULT_TEXT = "The model learns to predict the next token."
LENS_CHARS = 16  # the logit lens shows the last characters (a phone is narrow)


@lru_cache(maxsize=32)
def _inside(key: str, text: str):
    loaded = by_key(key)  # resolved for its owner by `parse` just before
    ids = inspect.encode_text(loaded.tokenizer, text, loaded.model.config.seq_len)
    with_runtime = inspect.run(loaded.model, np.asarray(ids)[None, :])
    lens = inspect.logit_lens(loaded.model, ids)
    return loaded, with_runtime, lens


def parse(model, text, layer, head, learner=None):
    """(model key, text, layer, head, fallback note) or InputError; the model is this
    learner's own when `model` names one of their runs."""
    if not isinstance(text, str) or not text:
        raise InputError("Text: type at least one character.")
    if len(text) > inspect.MAX_TEXT_CHARS:
        raise InputError(f"Text: at most {inspect.MAX_TEXT_CHARS} characters.")
    loaded = resolve(model, clean_learner_id(learner))
    cfg = loaded.model.config
    try:
        layer, head = int(layer), int(head)
    except (TypeError, ValueError):
        raise InputError("Choose a layer and a head from the lists.") from None
    if not 0 <= layer < cfg.n_layers or not 0 <= head < cfg.n_heads:
        raise InputError(f"This model has {cfg.n_layers} layers of {cfg.n_heads} heads.")
    return loaded.key, text, layer, head, loaded.note


def views(key: str, text: str, layer: int, head: int, note: str | None = None):
    loaded, inside, lens = _inside(key, text)
    labels = [char_label(c) for c in text]
    att = inside.attention[layer][0, head]
    att_fig = heatmap_figure(
        att.tolist(),
        labels,
        labels,
        x_title="reads character",
        y_title="at character",
        hover="%{z:.2f}",
        height=max(320, min(560, 14 * len(text) + 120)),
    )
    start = max(0, len(text) - LENS_CHARS)
    shown = range(start, len(text))
    tok = loaded.tokenizer
    z, cells = [], []
    for row in lens:
        z.append([row[t][1] for t in shown])
        cells.append([char_label(tok.chars[row[t][0]]) for t in shown])
    names = ["embeddings"] + [f"block {i + 1}" for i in range(len(lens) - 1)]
    lens_fig = heatmap_figure(
        z,
        [char_label(text[t]) for t in shown],
        names,
        x_title="after reading",
        y_title="read out",
        text=cells,
        hover="top guess %{text}, p = %{z:.2f}",
        colorscale="Greens",
        height=110 + 50 * len(lens),
    )
    lens_fig["data"][0].update(zmin=0, zmax=1, reversescale=True)  # dark = confident
    note = html.Div(note, className="small text-muted") if note else None
    return att_fig, lens_fig, note


def _options(n: int, what: str):
    return [{"label": f"{what} {i + 1}", "value": str(i)} for i in range(n)]


def layout():
    cfg = resolve(PRETRAINED).model.config
    att_fig, lens_fig, _ = views(PRETRAINED, DEFAULT_TEXT, 0, 0)
    controls = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(tiny_model_select(f"{LAB}-model"), md=6),
                    dbc.Col(
                        select_field(f"{LAB}-layer", "Layer", _options(cfg.n_layers, "Layer"), "0"),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        select_field(f"{LAB}-head", "Head", _options(cfg.n_heads, "Head"), "0"),
                        xs=6,
                        md=3,
                    ),
                ],
                className="g-2",
            ),
            dbc.Label("Text", html_for=f"{LAB}-text", className="small mb-1"),
            dbc.Input(
                id=f"{LAB}-text",
                value=DEFAULT_TEXT,
                maxLength=inspect.MAX_TEXT_CHARS,
                debounce=True,
                size="sm",
                className="mb-2",
            ),
        ]
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-note"),
            dcc.Graph(id=f"{LAB}-attention", figure=att_fig, config=CONFIG),
            html.H4("Logit lens: the guess after each layer", className="h6 mt-2"),
            dcc.Graph(id=f"{LAB}-lens", figure=lens_fig, config=CONFIG),
            html.P(
                f"Each cell is the likeliest next character read out at that depth (last "
                f"{LENS_CHARS} positions); its shade is the probability. Watch the guess sharpen "
                "from the embeddings to the last block.",
                className="small text-muted",
            ),
            formula_note(
                "attention = softmax(q·kᵀ/√d + causal mask) per head; "
                "logit lens = softmax(ln_f(x_l)·Wteᵀ)",
                "nostalgebraist 2020, the logit lens",
                "https://www.lesswrong.com/posts/AcKRB8wDpdaN6v6ru/interpreting-gpt-the-logit-lens",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Attention maps and the logit lens",
        "Type a sentence and pick a layer and head: each row shows which earlier "
        "characters that position read. Below, what the model would guess next if it "
        "stopped after each layer.",
        body,
        icon="bi-grid-3x3",
        sources=[
            ("Vig 2019", "https://arxiv.org/abs/1906.05714"),
            ("Jain & Wallace 2019", "https://arxiv.org/abs/1902.10186"),
        ],
    )


@callback(
    Output(f"{LAB}-attention", "figure"),
    Output(f"{LAB}-lens", "figure"),
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-text", "value"),
    Input(f"{LAB}-layer", "value"),
    Input(f"{LAB}-head", "value"),
    State(f"{LAB}-model-learner", "data"),
    prevent_initial_call=True,
)
def update(model, text, layer, head, learner=None):
    try:
        key, text, layer, head, note = parse(model, text, layer, head, learner)
    except InputError as err:
        blank = message_figure("Fix the text or setting above to see the map.")
        return blank, blank, None, field_error(str(err))
    att_fig, lens_fig, note = views(key, text, layer, head, note)
    return att_fig, lens_fig, note, None


@callback(
    Output(f"{LAB}-layer", "options"),
    Output(f"{LAB}-head", "options"),
    Input(f"{LAB}-model", "value"),
    State(f"{LAB}-model-learner", "data"),
    prevent_initial_call=True,
)
def model_shape(model, learner=None):
    """A learner's run may have other numbers of layers and heads."""
    cfg = resolve(model, clean_learner_id(learner)).model.config
    return _options(cfg.n_layers, "Layer"), _options(cfg.n_heads, "Head")


fill_models = follow_trained_runs(f"{LAB}-model")
