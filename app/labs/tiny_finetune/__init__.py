"""Fine-tuning lab: fine-tune the tiny GPT on the guide's own questions and answers, live,
with full fine-tuning or LoRA; watch the task loss fall and the pretraining-text loss
(forgetting); ask a held-out question before and after. The science is
`app.core.tinylm.finetune`; the job's limits and slots are
`app.services.tinygpt.finetuning` and `app.services.jobs`; the result views are
`app.labs.tiny_finetune.views`."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.job_controls import (
    job_callback_options,
    job_controls,
    on_cancel,
)
from app.components.lab_card import formula_note, lab_card
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.config import settings
from app.figures.finetune import finetune_loss_figure
from app.figures.theme import GRAPH_CONFIG
from app.labs.tiny_finetune.views import LAB, progress_view, result_view
from app.services.jobs import JobsBusy
from app.services.tinygpt.finetuning import (
    DEFAULTS,
    MAX_RANK,
    SUGGESTED_LR,
    held_out_questions,
    load_model,
    parse_settings,
    run_finetune,
    trainable_count,
)
from app.validation import InputError

FIELDS = ("model", "method", "rank", "alpha", "targets", "scope", "steps", "lr", "seed", "question")
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
                        number_field(
                            f + "rank",
                            "LoRA rank r",
                            d.rank,
                            step=1,
                            help=f"4–16 is common; at most {MAX_RANK}.",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(
                            f + "alpha",
                            "LoRA alpha α",
                            d.alpha,
                            help="The update is scaled by α / r.",
                        ),
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
    return html.Fieldset(
        [
            dbc.Row(
                [
                    dbc.Col(
                        tiny_model_select(f + "model", "Model to fine-tune"),
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
                        number_field(
                            f + "steps",
                            "Steps",
                            d.steps,
                            step=1,
                            help=f"At most {settings.job_max_steps:,}.",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(
                            f + "lr",
                            "Peak learning rate",
                            d.lr,
                            help="Set for the method; try others.",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(number_field(f + "seed", "Seed", d.seed, step=1), xs=6, md=2),
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
    *[Input(f"{LAB}-{name}", "value") for name in FIELDS],
)
def estimate(*values):
    """Instant feedback while editing: what will train, or what is wrong."""
    try:
        run = parse_settings(_raw(values))
        model, _, description = load_model(run.model)
        n_trainable, n_total = trainable_count(model, run)
    except InputError as err:
        return None, field_error(str(err))
    share = 100 * n_trainable / n_total
    what = "LoRA adapters" if run.method == "lora" else "weights"
    return (
        f"{description} It will train {n_trainable:,} {what}: {share:.2f}% of its "
        f"{n_total:,} parameters.",
        None,
    )


@callback(
    Output(f"{LAB}-result", "children"),
    Input(f"{LAB}-start", "n_clicks"),
    *[State(f"{LAB}-{name}", "value") for name in FIELDS],
    background=True,
    **job_callback_options(LAB),
    prevent_initial_call=True,
)
def start(set_progress, n_clicks, *values):
    if not n_clicks:
        return no_update
    try:
        run = parse_settings(_raw(values))
    except InputError as err:
        return field_error(str(err))

    def report(history):
        set_progress(progress_view(history))

    try:
        result = run_finetune(run, report)
    except (InputError, JobsBusy) as err:
        return field_error(str(err))
    except Exception as err:  # a bug must not leave the learner with a spinner forever
        return field_error(f"Fine-tuning failed: {err}")
    return result_view(result)


fill_models = follow_trained_runs(f"{LAB}-model")

cancelled = on_cancel(
    LAB,
    "You cancelled this run: it stopped where the bar shows, and nothing from it "
    "is kept. Press Start to fine-tune again.",
)
