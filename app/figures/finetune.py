"""Fine-tuning chart: the task loss falling and the pretraining-text loss (forgetting)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from app.figures.theme import PALETTE, message_figure, themed


def finetune_loss_figure(history: dict) -> go.Figure:
    """Training-answer loss (each batch), held-out answer loss and the loss on the original
    pretraining validation text (each evaluation, from step 0 = before fine-tuning), with
    the pretraining loss before fine-tuning as a dashed line: a rise above it is forgetting.
    """
    if not history or not history.get("eval_step"):
        return message_figure("Press Start: the losses appear here as the model fine-tunes.")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=history["step"],
            y=history["train_loss"],
            mode="lines",
            name="training answers (each batch)",
            line=dict(color=PALETTE[5], width=1.5),
            hovertemplate="step %{x}: training-answer loss %{y:.3f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=history["eval_step"],
            y=history["task_val_loss"],
            mode="lines+markers",
            name="unseen answers (held out)",
            line=dict(color=PALETTE[0], width=3),
            marker=dict(size=6),
            hovertemplate="step %{x}: unseen-answer loss %{y:.3f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=history["eval_step"],
            y=history["pretrain_val_loss"],
            mode="lines+markers",
            name="pretraining text (forgetting)",
            line=dict(color=PALETTE[3], width=3),
            marker=dict(size=6, symbol="diamond"),
            hovertemplate="step %{x}: pretraining-text loss %{y:.3f}<extra></extra>",
        )
    )
    start = history["pretrain_val_loss"][0]
    if start is not None:  # a trace, not an annotation: its label never covers the lines
        fig.add_trace(
            go.Scatter(
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
    fig.update_xaxes(title_text="Fine-tuning step", range=[0, history["total_steps"]])
    fig.update_yaxes(title_text="Loss (nats per character)", range=[max(0, low - pad), high + pad])
    fig.update_layout(legend=dict(y=-0.3, yanchor="top"), margin=dict(b=130), uirevision="live")
    return themed(fig, title="Task loss and forgetting", height=420)
