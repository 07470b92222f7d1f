"""Deployment lab: serve the tiny GPT. Generate text with temperature, top-k and top-p,
see which next characters the sampler keeps, time the generation on this server, and
size the model's serving memory (weights and KV cache) next to Llama 2 7B's.

The model is the shipped checkpoint or one of the learner's stage-05 runs
(`app.services.tinygpt.models`); the work (checking a request, generating, sizing memory) is
`app.services.tinygpt.generation`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, callback, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card
from app.components.tiny_model_picker import follow_models, tiny_model_select
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.figures.tiny import next_char_figure
from app.labs.tiny_generate.views import LAB, memory_table, no_memory, speed_view, tail
from app.services.jobs import clean_learner_id
from app.services.tinygpt.generation import (
    MAX_NEW_CHARS,
    MAX_PROMPT,
    generate,
    next_char_distribution,
    parse_request,
)
from app.services.tinygpt.models import PRETRAINED, resolve
from app.validation import InputError

BAR_CHARS = 24  # candidates drawn in the next-character chart
FIELDS = ("model", "prompt", "temperature", "top_k", "top_p", "max_new", "seed")
DEFAULTS = {
    "model": PRETRAINED,
    "prompt": "The model ",
    "temperature": 0.8,
    "top_k": 20,
    "top_p": 0.95,
    "max_new": 200,
    "seed": 0,
}


# ------------------------------------------------------------------ layout


def layout():
    d, f = DEFAULTS, f"{LAB}-"
    controls = dbc.Row(
        [
            dbc.Col(
                tiny_model_select(f + "model", "Model"),
                md=6,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Label(
                            "Prompt", html_for=f + "prompt", className="form-label small mb-1"
                        ),
                        dbc.Input(
                            id=f + "prompt",
                            value=d["prompt"],
                            maxLength=MAX_PROMPT,
                            size="sm",
                            debounce=True,
                        ),
                    ],
                    className="mb-2",
                ),
                md=6,
            ),
            dbc.Col(
                number_field(
                    f + "temperature",
                    "Temperature",
                    d["temperature"],
                    min=0,
                    max=5,
                    step=0.1,
                    help="0 = always the likeliest",
                ),
                xs=6,
                md=4,
                lg=2,
            ),
            dbc.Col(
                number_field(f + "top_k", "Top-k", d["top_k"], min=0, step=1, help="0 = off"),
                xs=6,
                md=4,
                lg=2,
            ),
            dbc.Col(
                number_field(
                    f + "top_p", "Top-p", d["top_p"], min=0, max=1, step=0.05, help="1 = off"
                ),
                xs=6,
                md=4,
                lg=2,
            ),
            dbc.Col(
                number_field(
                    f + "max_new",
                    "New characters",
                    d["max_new"],
                    min=1,
                    max=MAX_NEW_CHARS,
                    step=1,
                    help=f"at most {MAX_NEW_CHARS}",
                ),
                xs=6,
                md=4,
                lg=3,
            ),
            dbc.Col(
                number_field(
                    f + "seed", "Seed", d["seed"], min=0, step=1, help="same seed, same text"
                ),
                xs=6,
                md=4,
                lg=3,
            ),
        ],
        className="g-2",
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            dbc.Button(
                [html.I(className="bi bi-play-fill me-1"), "Generate"],
                id=f"{LAB}-run",
                color="primary",
                className="my-2",
            ),
            html.Div(id=f"{LAB}-about", className="small text-muted mb-2"),
            html.Div(
                html.Div(
                    "Press Generate: the text appears here, and its speed on this server below.",
                    className="small text-muted",
                ),
                id=f"{LAB}-output",
                className="mb-2",
            ),
            html.Div(id=f"{LAB}-speed", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config={**GRAPH_CONFIG, "displayModeBar": False}),
            html.Div(id=f"{LAB}-chart-note", className="small text-muted"),
            html.H4("Serving memory, for scale", className="h6 mt-4"),
            html.Div(id=f"{LAB}-memory"),
            formula_note(
                "KV cache per token = 2 (K and V) × layers × KV heads × head size × bytes per "
                "number; weights = parameters × bytes per weight",
                "Pope et al. 2022, Efficiently Scaling Transformer Inference",
                "https://arxiv.org/abs/2211.05102",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Serve the tiny GPT",
        "Generate text with the tiny model, running on this server right now. Change the "
        "**temperature**, **top-k** and **top-p** and watch which next characters stay in "
        "the draw, then see how fast it writes and how much memory serving it takes next to "
        "a real 7-billion-parameter model.",
        body,
        icon="bi-chat-left-text",
        sources=[
            ("Holtzman et al. 2019 (top-p)", "https://arxiv.org/abs/1904.09751"),
            ("Pope et al. 2022", "https://arxiv.org/abs/2211.05102"),
            ("Touvron et al. 2023 (Llama 2)", "https://arxiv.org/abs/2307.09288"),
        ],
    )


# ------------------------------------------------------------------ callbacks


INPUTS = [Input(f"{LAB}-{name}", "value") for name in FIELDS]


def _split(values) -> tuple[tuple, str | None]:
    """(the form's values, the learner id) from a callback's arguments; tests may leave
    the learner out."""
    if len(values) > len(FIELDS):
        return tuple(values[: len(FIELDS)]), clean_learner_id(values[len(FIELDS)])
    return tuple(values), None


@first_view_callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-chart-note", "children"),
    Output(f"{LAB}-memory", "children"),
    Output(f"{LAB}-about", "children"),
    Output(f"{LAB}-error", "children"),
    *INPUTS,
    State(f"{LAB}-model-learner", "data"),
)
def preview(*values):
    """Live, while editing: the next-character distribution and the memory table."""
    values, learner = _split(values)
    try:
        req = parse_request(*values)
        loaded = resolve(req.model, learner)
    except InputError as err:
        return (
            message_figure("Fix the input above to see the next character."),
            None,
            no_memory(),
            None,
            field_error(str(err)),
        )
    except (OSError, ValueError) as err:
        return (
            message_figure("No model to serve."),
            None,
            no_memory(),
            None,
            field_error(f"The model could not be loaded: {err}"),
        )
    chars, dist = next_char_distribution(loaded, req)
    order = np.argsort(-dist.tempered, kind="stable")
    shown = [int(i) for i in order[:BAR_CHARS]]
    fig = next_char_figure(
        [chars[i] for i in shown],
        [float(dist.tempered[i]) for i in shown],
        [bool(dist.kept[i]) for i in shown],
        [float(dist.final[i]) for i in shown],
        title=f"Next character after “{tail(req.prompt)}”",
    )
    if req.temperature == 0:
        note = (
            "Temperature 0: the sampler always takes the likeliest character, so the "
            "same prompt always gives the same text. The bars show the model's own "
            "probabilities (␣ is a space, ↵ a new line)."
        )
    else:
        note = (
            f"The sampler keeps {dist.n_kept} of {len(chars)} characters, holding "
            f"{100 * dist.kept_mass:.0f}% of the probability; it rescales them to add up "
            f"to 100% and draws one. The chart shows the {len(shown)} likeliest "
            "(␣ is a space, ↵ a new line)."
        )
    about = [html.Span(loaded.description)]
    unknown = sorted(set(req.prompt) - set(chars))
    if unknown:
        about.append(
            html.Span(
                f" Not in its vocabulary, so read as a space: {' '.join(map(repr, unknown[:8]))}."
            )
        )
    if loaded.note:
        about.insert(0, dbc.Alert(loaded.note, color="warning", className="py-2 small mb-1"))
    return fig, html.Span(note, id=f"{LAB}-kept"), memory_table(loaded), about, None


@callback(
    Output(f"{LAB}-output", "children"),
    Output(f"{LAB}-speed", "children"),
    Input(f"{LAB}-run", "n_clicks"),
    *[State(f"{LAB}-{name}", "value") for name in FIELDS],
    State(f"{LAB}-model-learner", "data"),
    prevent_initial_call=True,  # timed alone, not while the page's other callbacks load
)
def run(n_clicks, *values):
    """Generate on click, and time it."""
    values, learner = _split(values)
    try:
        req = parse_request(*values)
        loaded = resolve(req.model, learner)
    except (InputError, OSError, ValueError):  # the message is already shown above
        return html.P("Fix the setting named above, then generate.", className="small"), None
    g = generate(loaded, req)
    output = html.Pre(
        [html.Span(req.prompt, className="text-muted"), html.Strong(g.text)],
        className="sample-text mb-0 p-2 border rounded bg-white",
        id=f"{LAB}-text",
    )  # plain text children: nothing typed or generated becomes HTML
    return output, speed_view(g)


fill_models = follow_models(LAB)
