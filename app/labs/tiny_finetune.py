"""Fine-tuning lab: fine-tune the tiny GPT on the guide's own questions and answers, live,
with full fine-tuning or LoRA; watch the task loss fall and the pretraining-text loss
(forgetting); ask a held-out question before and after. The science is
`app.core.tinylm.finetune`, the job's limits and slots `app.finetune_job` and `app.jobs`."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.job_controls import (
    job_callback_options,
    job_controls,
    progress_bar_state,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.config import settings
from app.figures.finetune import finetune_loss_figure
from app.figures.theme import GRAPH_CONFIG
from app.finetune_job import (
    DEFAULTS,
    MAX_RANK,
    SUGGESTED_LR,
    held_out_questions,
    load_model,
    parse_settings,
    run_finetune,
    trainable_count,
)
from app.jobs import JobsBusy
from app.validation import InputError

LAB = "tiny_finetune"
FIELDS = ("model", "method", "rank", "alpha", "targets", "scope", "steps", "lr", "seed", "question")
METHOD_LABELS = {"lora": "LoRA (frozen model + small adapters)", "full": "Full fine-tuning"}
SCOPE_LABELS = {"all": "Every weight", "last_block": "Last block only (head stays frozen)"}
TARGET_LABELS = {
    "qkv": "attention Q, K, V",
    "attn_out": "attention output",
    "mlp_in": "MLP up",
    "mlp_out": "MLP down",
}
STOP_NOTES = {
    "cancelled": "You cancelled this run; the results are from the steps it finished.",
    "time limit": "The run reached this server's time limit and stopped early.",
    "diverged": "The loss blew up (became infinite or NaN): the learning rate is too high. "
    "Try a lower one.",
}
SHOW = {}
HIDE = {"display": "none"}
# The number fields carry no browser min/max: a browser sends nothing for a value outside
# them, and the learner would read "please enter a value" instead of what the limit is.


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


def progress_view(history: dict):
    """(bar value, bar label, loss chart, live stats) for one progress report."""
    done, total = (history["step"][-1] if history["step"] else 0), history["total_steps"]
    percent, label = progress_bar_state(done, total, history["elapsed_s"])

    def last(key):
        values = [v for v in history[key] if v is not None]
        return f"{values[-1]:.3f}" if values else "–"

    live = [
        stat("Step", f"{done:,} / {total:,}", id=f"{LAB}-step"),
        stat("Training answers", last("train_loss")),
        stat("Unseen answers", last("task_val_loss")),
        stat("Pretraining text", last("pretrain_val_loss"), hint="rises when it forgets"),
        stat("Speed", f"{history['tokens_per_second']:,.0f}", hint="characters per second"),
    ]
    return percent, label, finetune_loss_figure(history), live


def _change(before, after) -> str:
    if before is None or after is None:
        return "–"
    return f"{before:.3f} → {after:.3f}"


def result_view(result: dict):
    """What the learner reads when a run ends: what trained, the losses, the answers."""
    note = STOP_NOTES.get(result["stopped_because"])
    method = "LoRA" if result["method"] == "lora" else "Full fine-tuning"
    forgot = (
        None
        if result["pretrain_loss_after"] is None
        else result["pretrain_loss_after"] - result["pretrain_loss_before"]
    )
    if forgot is None:
        forgetting = ""
    elif forgot > 0.05:
        forgetting = (
            f" The pretraining-text loss rose by {forgot:.3f}: it has clearly forgotten some "
            "of what it knew."
        )
    elif forgot > 0.005:
        forgetting = f" The pretraining-text loss rose by {forgot:.3f}: it forgot a little."
    else:
        forgetting = " The pretraining-text loss did not rise: no sign of forgetting yet."
    summary = (
        f"{method} trained {result['n_trainable']:,} of {result['n_total']:,} parameters "
        f"for {result['steps_done']:,} steps in {result['elapsed_s']:.1f} s, on "
        f"{result['train_examples']} question-answer pairs.{forgetting}"
    )
    stats = [
        stat(
            "Trainable",
            f"{result['n_trainable']:,}",
            id=f"{LAB}-trainable",
            hint=f"{result['trainable_percent']:.2f}% of the model",
        ),
        stat(
            "Unseen answers",
            _change(result["task_loss_before"], result["task_loss_after"]),
            hint="loss on held-out answers, before → after",
        ),
        stat(
            "Pretraining text",
            _change(result["pretrain_loss_before"], result["pretrain_loss_after"]),
            hint="a rise is forgetting",
        ),
    ]
    return html.Div(
        [
            *([dbc.Alert(note, color="warning", className="py-2 small")] if note else []),
            html.P(summary, className="small", id=f"{LAB}-summary"),
            html.Div(stats, className="stat-row my-2"),
            html.Div(
                [html.Span("Held-out question: ", className="fw-semibold"), result["question"]],
                className="small",
            ),
            html.Div(
                [
                    html.Span("The guide's answer: ", className="fw-semibold"),
                    result["reference_answer"],
                ],
                className="small mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _answer_card(
                            "Before fine-tuning",
                            result["prompt"],
                            result["answer_before"],
                            f"{LAB}-before",
                            "It continues the text; the format means nothing to it yet.",
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        _answer_card(
                            "After fine-tuning",
                            result["prompt"],
                            result["answer_after"] or "(none)",
                            f"{LAB}-after",
                            "Same prompt, same random seed.",
                        ),
                        md=6,
                    ),
                ],
                className="g-3",
            ),
            html.P(
                "Do not expect correct answers: a model of a quarter of a million parameters "
                "knows little. Training scores the answers only, as real fine-tuning does. "
                "The model gets better at the answers it trains on, by heart, but not at new "
                "ones: a hundred examples teach form and style, not knowledge, which comes "
                "from pretraining (Zhou et al. 2023, LIMA).",
                className="small text-muted mt-2",
            ),
        ],
        id=f"{LAB}-done",
    )


def _answer_card(title: str, prompt: str, text: str, id: str, hint: str):
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(title, className="fw-semibold small"),
                html.Div(hint, className="text-muted small mb-1"),
                html.Pre(
                    [html.Span(prompt, className="text-muted"), text],  # plain text, never HTML
                    className="sample-text mb-0",
                    id=id,
                ),
            ]
        ),
        className="h-100",
    )


fill_models = follow_trained_runs(f"{LAB}-model")
