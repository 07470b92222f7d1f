"""What the fine-tuning lab shows: pure builders of its views (no callbacks): the live
numbers while a run goes, and the result when it ends.

Kept apart from `tiny_finetune.py`, which owns the layout and the callbacks."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.components.job_controls import progress_bar_state
from app.components.lab_card import stat
from app.figures.finetune import finetune_loss_figure
from app.services.tinygpt.finetuning import FinetuneResult

LAB = "tiny_finetune"
STOP_NOTES = {
    "cancelled": "You cancelled this run; the results are from the steps it finished.",
    "time limit": "The run reached this server's time limit and stopped early.",
    "diverged": "The loss blew up (became infinite or NaN): the learning rate is too high. "
    "Try a lower one.",
}


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


def change(before, after) -> str:
    if before is None or after is None:
        return "–"
    return f"{before:.3f} → {after:.3f}"


def result_view(result: FinetuneResult):
    """What the learner reads when a run ends: what trained, the losses, the answers."""
    note = STOP_NOTES.get(result.stopped_because)
    method = "LoRA" if result.method == "lora" else "Full fine-tuning"
    forgot = (
        None
        if result.pretrain_loss_after is None
        else result.pretrain_loss_after - result.pretrain_loss_before
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
        f"{method} trained {result.n_trainable:,} of {result.n_total:,} parameters "
        f"for {result.steps_done:,} steps in {result.elapsed_s:.1f} s, on "
        f"{result.train_examples} question-answer pairs.{forgetting}"
    )
    stats = [
        stat(
            "Trainable",
            f"{result.n_trainable:,}",
            id=f"{LAB}-trainable",
            hint=f"{result.trainable_percent:.2f}% of the model",
        ),
        stat(
            "Unseen answers",
            change(result.task_loss_before, result.task_loss_after),
            hint="loss on held-out answers, before → after",
        ),
        stat(
            "Pretraining text",
            change(result.pretrain_loss_before, result.pretrain_loss_after),
            hint="a rise is forgetting",
        ),
    ]
    return html.Div(
        [
            *([dbc.Alert(note, color="warning", className="py-2 small")] if note else []),
            html.P(summary, className="small", id=f"{LAB}-summary"),
            html.Div(stats, className="stat-row my-2"),
            html.Div(
                [html.Span("Held-out question: ", className="fw-semibold"), result.question],
                className="small",
            ),
            html.Div(
                [
                    html.Span("The guide's answer: ", className="fw-semibold"),
                    result.reference_answer,
                ],
                className="small mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        answer_card(
                            "Before fine-tuning",
                            result.prompt,
                            result.answer_before,
                            f"{LAB}-before",
                            "It continues the text; the format means nothing to it yet.",
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        answer_card(
                            "After fine-tuning",
                            result.prompt,
                            result.answer_after or "(none)",
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


def answer_card(title: str, prompt: str, text: str, id: str, hint: str):
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
