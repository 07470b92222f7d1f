"""Fine-tuning lab: fine-tune the tiny GPT on the guide's own questions and answers, live,
with full fine-tuning or LoRA; watch the task loss fall and the pretraining-text loss
(forgetting); ask a held-out question before and after. The science is
`app.core.tinylm.finetune`; the job's limits and slots are
`app.services.tinygpt.finetuning` and `app.services.jobs`; the result views are
`app.labs.tiny_finetune.views`."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html, no_update

from app.components.inputs import field_error, select_field, spec_field
from app.components.job_controls import JobLab, job_controls, job_lab, persist
from app.components.lab_card import formula_note, lab_card
from app.components.tiny_model_picker import TRAINED, follow_models, tiny_model_select
from app.figures.finetune import finetune_loss_figure
from app.figures.theme import GRAPH_CONFIG
from app.labs.tiny_finetune.views import LAB, progress_view, result_view
from app.services.jobs import FormErrors, clean_learner_id
from app.services.tinygpt.finetuning import (
    DEFAULTS,
    SUGGESTED_LR,
    FinetuneResult,
    held_out_questions,
    load_model,
    parse_settings,
    trainable_count,
)
from app.services.tinygpt.finetuning import (
    FIELDS as SPECS,
)
from app.validation import InputError

FIELDS = ("model", "method", "rank", "alpha", "targets", "scope", "steps", "lr", "seed", "question")
NUMBER_FIELDS = tuple(spec.name for spec in SPECS)  # dbc.Inputs: marked invalid when bad
SPEC = {spec.name: spec for spec in SPECS}
METHOD_LABELS = {"lora": "LoRA (frozen model + small adapters)", "full": "Full fine-tuning"}
SCOPE_LABELS = {"all": "Every weight", "last_block": "Last block only (head stays frozen)"}
TARGET_LABELS = {
    "qkv": "attention Q, K, V",
    "attn_out": "attention output",
    "mlp_in": "MLP up",
    "mlp_out": "MLP down",
}
SHOW = {}
HIDE = {"display": "none"}
# The number fields carry no browser min/max: a browser sends nothing for a value outside
# them, and the learner would read "please enter a number" instead of what the limit is.


def _question_options() -> list[dict]:
    try:
        questions = held_out_questions()
    except (OSError, ValueError):
        questions = []
    return [{"label": _short(q), "value": str(i)} for i, q in enumerate(questions)]


def _short(text: str, most: int = 90) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _controls():
    d, f = DEFAULTS, f"{LAB}-"
    lora = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        spec_field(LAB, SPEC["rank"]),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        spec_field(LAB, SPEC["alpha"]),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.Div(
                                    "Adapt these weight matrices in every block",
                                    className="form-label small mb-1",
                                ),
                                dbc.Checklist(
                                    id=f + "targets",
                                    options=[
                                        {"label": v, "value": k} for k, v in TARGET_LABELS.items()
                                    ],
                                    value=list(d.targets),
                                    inline=True,
                                    className="small",
                                ),
                            ],
                            className="mb-2",
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
        ],
        id=f + "lora-box",
        style=SHOW if d.method == "lora" else HIDE,
    )
    full = html.Div(
        dbc.Row(
            dbc.Col(
                select_field(
                    f + "scope",
                    "Weights to train",
                    [{"label": v, "value": k} for k, v in SCOPE_LABELS.items()],
                    d.scope,
                ),
                md=6,
            )
        ),
        id=f + "full-box",
        style=SHOW if d.method == "full" else HIDE,
    )
    return persist(
        html.Fieldset(
            [
                dbc.Row(
                    [
                        dbc.Col(
                            tiny_model_select(f + "model", "Model to fine-tune", TRAINED),
                            md=6,
                        ),
                        dbc.Col(
                            select_field(
                                f + "method",
                                "Method",
                                [{"label": v, "value": k} for k, v in METHOD_LABELS.items()],
                                d.method,
                            ),
                            md=6,
                        ),
                    ],
                    className="g-2",
                ),
                lora,
                full,
                dbc.Row(
                    [
                        dbc.Col(
                            spec_field(LAB, SPEC["steps"]),
                            xs=6,
                            md=3,
                        ),
                        dbc.Col(
                            spec_field(LAB, SPEC["lr"]),
                            xs=6,
                            md=3,
                        ),
                        dbc.Col(spec_field(LAB, SPEC["seed"]), xs=6, md=2),
                        dbc.Col(
                            select_field(
                                f + "question",
                                "Held-out question to ask",
                                _question_options(),
                                str(d.question),
                            ),
                            xs=12,
                            md=4,
                        ),
                    ],
                    className="g-2",
                ),
            ],
            id=f + "controls",
        )
    )


def layout():
    body = html.Div(
        [
            _controls(),
            html.Div(id=f"{LAB}-estimate", className="small text-muted mb-2"),
            html.Div(id=f"{LAB}-error"),
            *job_controls(LAB, "Start fine-tuning"),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id=f"{LAB}-chart",
                            figure=finetune_loss_figure({}),
                            config={**GRAPH_CONFIG, "displayModeBar": False},
                        ),
                        lg=8,
                    ),
                    dbc.Col(_reading_guide(), lg=4),
                ],
                className="g-3",
            ),
            html.Div(id=f"{LAB}-result", className="mt-3"),
            formula_note(
                "LoRA, written for row vectors (y = x·W), so the paper's B·A appears "
                "transposed: W_eff = W + (α/r)·A·B, A: d_in×r (random), B: r×d_out (zeros at "
                "the start); trainable = r·(d_in + d_out) per matrix; AdamW on the trainable "
                "weights only",
                "Hu et al. 2021, LoRA",
                "https://arxiv.org/abs/2106.09685",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Fine-tune the tiny GPT",
        "Fine-tune the tiny model from stage 05 on questions and answers made from this "
        "guide's glossary and quizzes, scoring only the answers. Train every weight, or "
        "freeze it and train small **LoRA** adapters, then ask it a question it never saw.",
        body,
        icon="bi-mortarboard",
        sources=[
            ("LoRA paper", "https://arxiv.org/abs/2106.09685"),
            (
                "Biderman et al. 2024, LoRA Learns Less and Forgets Less",
                "https://arxiv.org/abs/2405.09673",
            ),
        ],
    )


def _reading_guide():
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("Reading the chart", className="h6"),
                html.P(
                    "The pale line is the loss on the answers it trains on: it falls as the "
                    "model learns them, by heart. The blue line is the loss on answers to "
                    "questions it never sees: on this tiny model it stays flat or rises. "
                    "That gap is overfitting.",
                    className="small",
                ),
                html.P(
                    "The red line is the loss on the model's original pretraining text. "
                    "When it rises above the dashed line, the model is forgetting what it "
                    "knew: catastrophic forgetting.",
                    className="small",
                ),
                html.P(
                    "Try full fine-tuning at learning rate 0.001 for 300 steps, then switch "
                    "to LoRA, set the learning rate back to 0.001 (switching method resets "
                    "it) and run again: LoRA changes far fewer weights and forgets less.",
                    className="small mb-0",
                ),
            ]
        ),
        className="h-100 bg-light border-0",
    )


# ------------------------------------------------------------------ callbacks


def _raw(values) -> dict:
    return dict(zip(FIELDS, values, strict=True))


@callback(
    Output(f"{LAB}-lora-box", "style"),
    Output(f"{LAB}-full-box", "style"),
    Output(f"{LAB}-lr", "value"),
    Input(f"{LAB}-method", "value"),
    prevent_initial_call=True,
)
def switch_method(method):
    """Show the method's own settings and its usual learning rate (LoRA needs a higher one)."""
    if method not in SUGGESTED_LR:
        return no_update, no_update, no_update
    lora = method == "lora"
    return (SHOW if lora else HIDE), (HIDE if lora else SHOW), SUGGESTED_LR[method]


@callback(
    Output(f"{LAB}-estimate", "children"),
    Output(f"{LAB}-error", "children"),
    *[Output(f"{LAB}-{name}", "invalid") for name in NUMBER_FIELDS],
    *[Input(f"{LAB}-{name}", "value") for name in FIELDS],
    Input(f"{LAB}-learner", "data"),
)
def estimate(*values):
    """Instant feedback while editing: what will train, or every field that is wrong."""
    *values, learner = values if len(values) > len(FIELDS) else (*values, None)
    try:
        run = parse_settings(_raw(values))
        model, _, description = load_model(run.model, clean_learner_id(learner))
        n_trainable, n_total = trainable_count(model, run)
    except InputError as err:
        errors = err.errors if isinstance(err, FormErrors) else {}
        message = " ".join(errors.values()) if errors else str(err)
        return None, field_error(message), *[name in errors for name in NUMBER_FIELDS]
    share = 100 * n_trainable / n_total
    what = "LoRA adapters" if run.method == "lora" else "weights"
    return (
        f"{description} It will train {n_trainable:,} {what}: {share:.2f}% of its "
        f"{n_total:,} parameters.",
        None,
        *[False] * len(NUMBER_FIELDS),
    )


def _parse_job(raw: dict) -> dict:
    run = parse_settings(raw)
    return {"run": {**asdict(run), "targets": list(run.targets)}}


def _show_result(result: dict):
    return (result_view(FinetuneResult.from_json(result)),)


callbacks = job_lab(
    JobLab(
        lab=LAB,
        kind="finetuning",
        fields=FIELDS,
        parse=_parse_job,
        progress_view=progress_view,
        result_outputs=(Output(f"{LAB}-result", "children"),),
        result_view=_show_result,
        cancelled_note="You cancelled this run: it stopped where the bar shows, and nothing "
        "from it is kept. Press Start to fine-tune again.",
        invalid_fields=NUMBER_FIELDS,
        failed_note="Fine-tuning failed",
    )
)
start, poll, cancel = callbacks["start"], callbacks["poll"], callbacks["cancel"]
fill_models = follow_models(LAB, TRAINED)
