"""Fine-tuning chart: the task loss falling and the pretraining-text loss (forgetting)."""

from __future__ import annotations

import math

from app.figures.theme import PALETTE, figure, message_figure, themed
from app.figures.training import loss_curve


def finetune_loss_figure(history: dict) -> dict:
    """Training-answer loss (each batch), held-out answer loss and the loss on the original
    pretraining validation text (each evaluation, from step 0 = before fine-tuning), with
    the pretraining loss before fine-tuning as a dashed line: a rise above it is forgetting.
    """
    if not history or not history.get("eval_step"):
        return message_figure("Press Start: the losses appear here as the model fine-tunes.")
    traces = [
        loss_curve(
            history["step"],
            history["train_loss"],
            "training answers (each batch)",
            PALETTE[5],
            "training-answer loss",
            each_step=True,
        ),
        loss_curve(
            history["eval_step"],
            history["task_val_loss"],
            "unseen answers (held out)",
            PALETTE[0],
            "unseen-answer loss",
        ),
        loss_curve(
            history["eval_step"],
            history["pretrain_val_loss"],
            "pretraining text (forgetting)",
            PALETTE[3],
            "pretraining-text loss",
            symbol="diamond",
        ),
    ]
    start = history["pretrain_val_loss"][0]
    if start is not None:  # a trace, not an annotation: its label never covers the lines
        traces.append(
            dict(
                type="scatter",
                x=[0, history["total_steps"]],
                y=[start, start],
                mode="lines",
                name=f"pretraining text before fine-tuning ({start:.2f})",
                line=dict(color=PALETTE[3], width=1.5, dash="dash"),
                hoverinfo="skip",
            )
        )
    values = [
        v
        for key in ("train_loss", "task_val_loss", "pretrain_val_loss")
        for v in history[key]
        if v is not None and math.isfinite(v)
    ]
    # The changes that matter are tenths of a nat: zoom to the curves rather than from 0.
    low, high = (min(values), max(values)) if values else (0.0, 3.0)
    pad = max(0.05, 0.08 * (high - low))
    fig = figure(
        traces,
        xaxis={"title": {"text": "Fine-tuning step"}, "range": [0, history["total_steps"]]},
        yaxis={
            "title": {"text": "Loss (nats per character)"},
            "range": [max(0, low - pad), high + pad],
        },
        legend={"y": -0.3, "yanchor": "top"},
        margin={"b": 130},
        uirevision="live",
    )
    return themed(fig, title="Task loss and forgetting", height=420)
