"""Saliency for the tiny GPT's next-character prediction: input × gradient and integrated
gradients, coloured over the input, from the model's own backward pass, with the
completeness check of integrated gradients. Science: app.core.interpret.saliency."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, callback, dcc, html
from plotly.colors import sample_colorscale

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.core.interpret import inspect, saliency
from app.figures.inside import CONFIG, char_label, figure
from app.figures.theme import message_figure
from app.services.jobs import clean_learner_id
from app.services.tinygpt.models import PRETRAINED, by_key, resolve
from app.validation import InputError, parse_choice

LAB = "explain_saliency"
DEFAULT_TEXT = "Training lowers the loss on the"
METHODS = {"ig": "Integrated gradients", "ixg": "Input × gradient"}
SCALE = "RdBu"  # diverging: red pushes the guess down, blue pushes it up


@lru_cache(maxsize=32)
def compute(key: str, text: str, method: str) -> dict:
    loaded = by_key(key)  # resolved for its owner by `parse` just before
    model, tok = loaded.model, loaded.tokenizer
    ids = inspect.encode_text(tok, text, model.config.seq_len)
    probs = model.next_token_probs(ids)
    target = int(np.argmax(probs))
    if method == "ig":
        scores, change = saliency.integrated_gradients(model, ids, target, tok.fallback_id)
    else:
        scores, change = saliency.input_x_gradient(model, ids, target), None
    return {
        "scores": [float(s) for s in scores],
        "target": tok.chars[target],
        "prob": float(probs[target]),
        "change": change,
    }


def parse(model, text, method, learner=None):
    """(model key, text, method, fallback note) or InputError; the model is this
    learner's own when `model` names one of their runs."""
    if not isinstance(text, str) or not text:
        raise InputError("Text: type at least one character.")
    loaded = resolve(model, clean_learner_id(learner))
    limit = min(inspect.MAX_TEXT_CHARS, loaded.model.config.seq_len)
    if len(text) > limit:
        raise InputError(f"Text: at most {limit} characters.")
    method = parse_choice(method, "Method", tuple(METHODS))
    return loaded.key, text, method, loaded.note


def coloured_text(text: str, scores: list[float]):
    top = max(1e-9, max(abs(s) for s in scores))
    ts = [0.5 + 0.5 * s / top for s in scores]
    colours = sample_colorscale(SCALE, ts)
    spans = []
    for ch, colour, t, s in zip(text, colours, ts, scores, strict=True):
        dark = abs(t - 0.5) > 0.35
        spans.append(
            html.Span(
                ch if ch != " " else "\u00a0",
                title=f"{s:+.3f}",
                style={
                    "backgroundColor": colour,
                    "color": "#fff" if dark else "#212529",
                    "padding": "2px 1px",
                },
            )
        )
    return html.Div(
        spans,
        className="saliency-text font-monospace p-2 border",
        id=f"{LAB}-coloured",
        style={"overflowWrap": "anywhere"},
    )


def bars(text: str, scores: list[float]) -> dict:
    trace = {
        "type": "bar",
        "x": list(range(len(text))),
        "y": scores,
        "marker": {"color": ["#2166ac" if s >= 0 else "#b2182b" for s in scores]},
        "hovertemplate": "%{customdata}: %{y:+.3f}<extra></extra>",
        "customdata": [char_label(c) for c in text],
    }
    layout = {
        "xaxis": {
            "tickvals": list(range(len(text))),
            "ticktext": [char_label(c) for c in text],
            "tickangle": 0,
            "fixedrange": True,
        },
        "yaxis": {"title": {"text": "attribution (nats)"}, "fixedrange": True},
        "margin": {"l": 56, "r": 8, "t": 16, "b": 40},
    }
    return figure([trace], layout, height=260)


def views(key: str, text: str, method: str, note: str | None = None):
    r = compute(key, text, method)
    stats = [
        stat("Next character", char_label(r["target"]), id=f"{LAB}-target"),
        stat("Its probability", f"{100 * r['prob']:.0f}%"),
    ]
    if r["change"] is not None:
        stats += [
            stat("Sum of scores", f"{sum(r['scores']):+.3f}", id=f"{LAB}-sum"),
            stat(
                "log p(text) − log p(spaces)",
                f"{r['change']:+.3f}",
                hint="completeness: these two should match",
            ),
        ]
    note = html.Div(note, className="small text-muted") if note else None
    return coloured_text(text, r["scores"]), bars(text, r["scores"]), stats, note


def layout():
    coloured, fig, stats, _ = views(PRETRAINED, DEFAULT_TEXT, "ig")
    controls = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(tiny_model_select(f"{LAB}-model"), md=6),
                    dbc.Col(
                        select_field(
                            f"{LAB}-method",
                            "Method",
                            [{"label": v, "value": k} for k, v in METHODS.items()],
                            "ig",
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Label(
                "Text (the model predicts the character after it)",
                html_for=f"{LAB}-text",
                className="small mb-1",
            ),
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
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            html.Div(coloured, id=f"{LAB}-text-box"),
            html.Div(
                "Blue characters raise the probability of the guess; red ones lower it.",
                className="small text-muted mt-1",
            ),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=CONFIG),
            formula_note(
                "input×gradient: x_t·∂log p/∂x_t;  integrated gradients: (x_t − x′_t)·mean over "
                f"{saliency.IG_STEPS} steps of ∂log p/∂x at x′ + α(x − x′), x′ = spaces",
                "Sundararajan et al. 2017",
                "https://arxiv.org/abs/1703.01365",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Which characters drove the guess?",
        "The model's top guess for the next character, and how much each character of "
        "your text pushed it up or down, computed with the model's own backward pass.",
        body,
        icon="bi-brush",
        sources=[
            ("Sundararajan et al. 2017", "https://arxiv.org/abs/1703.01365"),
            ("Adebayo et al. 2018", "https://arxiv.org/abs/1810.03292"),
        ],
    )


@callback(
    Output(f"{LAB}-text-box", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-text", "value"),
    Input(f"{LAB}-method", "value"),
    State(f"{LAB}-model-learner", "data"),
    prevent_initial_call=True,
)
def update(model, text, method, learner=None):
    try:
        key, text, method, note = parse(model, text, method, learner)
    except InputError as err:
        return (
            None,
            message_figure("Fix the text above to see the scores."),
            None,
            None,
            field_error(str(err)),
        )
    return (*views(key, text, method, note), None)


fill_models = follow_trained_runs(f"{LAB}-model")
