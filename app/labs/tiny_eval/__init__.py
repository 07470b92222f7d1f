"""Evaluation lab: measure the tiny GPT on a sentence. Every character is coloured by how
surprised the model was (−ln p), and the mean surprise becomes loss, bits per character
and perplexity, next to the baselines and the model's held-out validation loss.

The model is the shipped checkpoint or one of the learner's stage-05 runs
(`app.services.tinygpt.models`); the measuring is `app.services.tinygpt.measuring`, the views
`app.labs.tiny_eval.views`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from app.components.first_view import first_view_callback
from app.components.inputs import field_error
from app.components.lab_card import formula_note, lab_card
from app.components.tiny_model_picker import follow_models, tiny_model_select
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.figures.tiny import loss_comparison_figure
from app.labs.tiny_eval.views import (
    LAB,
    coloured_text,
    comparison_rows,
    legend,
    notes_view,
    stats_view,
)
from app.services.jobs import clean_learner_id
from app.services.tinygpt.measuring import MAX_CHARS, SAMPLES, measure_text, sample_text
from app.services.tinygpt.models import validation_loss
from app.validation import InputError

MAX_PASTE = 5000  # the text box refuses longer pastes outright
SAMPLE_LABELS = dict(
    zip(
        SAMPLES,
        ("A sentence from the guide", "Same words, shuffled", "Random letters"),
        strict=True,
    )
)


def layout():
    sample_buttons = [
        dbc.Button(
            label,
            id=f"{LAB}-sample-{name}",
            color="secondary",
            outline=True,
            size="sm",
            className="me-2 mb-2",
        )
        for name, label in SAMPLE_LABELS.items()
    ]
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        tiny_model_select(f"{LAB}-model", "Model"),
                        md=6,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.Div("Load a sample", className="form-label small mb-1"),
                                html.Div(sample_buttons),
                            ]
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Label("Your text", html_for=f"{LAB}-input", className="form-label small mb-1"),
            dbc.Textarea(
                id=f"{LAB}-input",
                value=sample_text("guide"),
                rows=3,
                maxLength=MAX_PASTE,
                debounce=500,
                spellcheck=False,
                style={"fontFamily": "ui-monospace, Menlo, Consolas, monospace"},
            ),
            html.Div(
                f"Plain text; the first {MAX_CHARS} characters are measured.",
                className="form-text small mb-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-about", className="small text-muted mb-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            html.Div(id=f"{LAB}-text", **{"aria-label": "Your text, coloured by surprise"}),
            legend(),
            dcc.Graph(
                id=f"{LAB}-chart",
                config={**GRAPH_CONFIG, "displayModeBar": False},
                className="mt-3",
            ),
            html.Div(id=f"{LAB}-notes", className="small"),
            formula_note(
                "surprise = −ln p(character | the characters before it); loss = mean surprise; "
                "perplexity = e^loss; bits per character = loss / ln 2",
                "Jurafsky & Martin, Speech and Language Processing, ch. 3",
                "https://web.stanford.edu/~jurafsky/slp3/3.pdf",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Measure the tiny GPT",
        "Type or paste a sentence and see how surprised the model is by each character: pale "
        "where it expected that character, dark red where it did not. The average surprise "
        "is the model's **loss** on your text, and e raised to it is the **perplexity**. "
        "Load the three samples in turn and watch perplexity rise.",
        body,
        icon="bi-rulers",
        sources=[
            (
                "Hugging Face: perplexity of fixed-length models",
                "https://huggingface.co/docs/transformers/perplexity",
            ),
        ],
    )


# ------------------------------------------------------------------ callbacks


@callback(
    Output(f"{LAB}-input", "value"),
    *[Input(f"{LAB}-sample-{name}", "n_clicks") for name in SAMPLE_LABELS],
    prevent_initial_call=True,
)
def load_sample(*clicks):
    name = str(ctx.triggered_id or "").removeprefix(f"{LAB}-sample-")
    return sample_text(name) if name in SAMPLE_LABELS and any(clicks) else no_update


@first_view_callback(
    Output(f"{LAB}-about", "children"),
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-text", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-notes", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-input", "value"),
    State(f"{LAB}-model-learner", "data"),
)
def update(value, text, learner=None):
    """Measure the text with the chosen model (the learner's own, or the shipped one)."""
    try:
        loaded, m = measure_text(value, text, clean_learner_id(learner))
        val = validation_loss(loaded.key)
    except InputError as err:
        return (
            None,
            field_error(str(err)),
            None,
            None,
            message_figure("Type a sentence above to measure it."),
            None,
        )
    except (OSError, ValueError) as err:  # e.g. the shipped checkpoint is missing
        return (
            None,
            field_error(f"The model could not be loaded: {err}"),
            None,
            None,
            message_figure("No model to measure with."),
            None,
        )
    about = [html.Span(loaded.description)]
    if loaded.note:
        about.insert(0, dbc.Alert(loaded.note, color="warning", className="py-2 small mb-1"))
    return (
        about,
        None,
        stats_view(m, val),
        coloured_text(m),
        loss_comparison_figure(comparison_rows(m, val)),
        notes_view(m),
    )


fill_models = follow_models(LAB)
