"""The training form, built from the one description of its fields
(`app.services.tinygpt.training.FIELDS`: label, bounds, unit, help), so the form, the
server's checks and the messages cannot drift apart."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.components.inputs import select_field, spec_field
from app.components.job_controls import persist
from app.services.tinygpt.training import DEFAULTS, FIELDS, HEAD_CHOICES, SPECS

LAB = "live_training"
SCHEDULE_LABELS = {
    "cosine": "Warmup + cosine",
    "wsd": "Warmup-stable-decay",
    "constant": "Constant",
    "inverse_sqrt": "Inverse square root",
}
# Every form value the job reads, in order (`{LAB}-{name}`).
FORM = (
    "n_layers",
    "d_model",
    "n_heads",
    "seq_len",
    "batch_size",
    "steps",
    "lr",
    "warmup_steps",
    "schedule",
    "seed",
    "prompt",
)
NUMBER_FIELDS = tuple(spec.name for spec in FIELDS)  # dbc.Inputs: marked invalid when bad
SHORT_LABELS = {"seq_len": "Context", "batch_size": "Batch", "lr": "Peak learning rate"}


def _number(name: str):
    spec = SPECS[name]
    label = SHORT_LABELS.get(name, spec.label)
    return spec_field(LAB, type(spec)(**{**spec.__dict__, "label": label}))


def controls():
    d = DEFAULTS
    cols = [
        _number("n_layers"),
        _number("d_model"),
        select_field(
            f"{LAB}-n_heads",
            "Heads",
            [{"label": str(h), "value": str(h)} for h in HEAD_CHOICES],
            str(d.n_heads),
        ),
        _number("seq_len"),
        _number("batch_size"),
        _number("steps"),
        _number("lr"),
        _number("warmup_steps"),
        select_field(
            f"{LAB}-schedule",
            "Schedule",
            [{"label": v, "value": k} for k, v in SCHEDULE_LABELS.items()],
            d.schedule,
        ),
        _number("seed"),
    ]
    prompt = html.Div(
        [
            dbc.Label(
                "Prompt for samples", html_for=f"{LAB}-prompt", className="form-label small mb-1"
            ),
            dbc.Input(id=f"{LAB}-prompt", value=d.prompt, maxLength=200, size="sm", debounce=True),
        ],
        className="mb-2",
    )
    row = dbc.Row(
        [dbc.Col(c, xs=6, md=4) for c in cols] + [dbc.Col(prompt, xs=12, md=8)], className="g-2"
    )
    return persist(html.Fieldset([row], id=f"{LAB}-controls"))
