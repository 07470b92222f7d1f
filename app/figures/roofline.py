"""Decode throughput against batch size on log axes: the roofline of serving."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from app.figures.theme import PALETTE, themed


def roofline_figure(r, batch: int, title: str) -> go.Figure:
    """`r`: app.core.serving_economics.Roofline; `batch`: the learner's batch, marked."""
    fig = go.Figure(
        [
            go.Scatter(
                x=list(r.batches),
                y=list(r.weights_only),
                mode="lines",
                name="Weights only (no KV cache)",
                line=dict(color=PALETTE[5], dash="dot"),
                hovertemplate="batch %{x}: %{y:,.0f} tokens/s<extra></extra>",
            ),
            go.Scatter(
                x=list(r.batches),
                y=list(r.decode_tokens_per_second),
                mode="lines",
                name="Decode, with the KV cache",
                line=dict(color=PALETTE[0], width=3),
                hovertemplate="batch %{x}: %{y:,.0f} tokens/s<extra></extra>",
            ),
            go.Scatter(
                x=[r.batches[0], r.batches[-1]],
                y=[r.compute_bound_ceiling] * 2,
                mode="lines",
                name="Compute ceiling = prefill speed",
                line=dict(color=PALETTE[3], dash="dash"),
                hovertemplate="%{y:,.0f} tokens/s<extra></extra>",
            ),
        ]
    )
    shapes, notes = [], []
    b_star = r.crossover_batch
    if r.batches[0] <= b_star <= r.batches[-1]:
        shapes.append(
            dict(
                type="line",
                x0=b_star,
                x1=b_star,
                yref="paper",
                y0=0,
                y1=1,
                line=dict(color=PALETTE[2], dash="dash"),
            )
        )
        notes.append(
            dict(
                x=math.log10(b_star),
                yref="paper",
                y=1,
                text=f"compute-bound from ≈{b_star:,.0f}",
                showarrow=False,
                xanchor="left",
                yanchor="top",
                font=dict(color=PALETTE[2], size=12),
            )
        )
    shapes.append(
        dict(
            type="line",
            x0=batch,
            x1=batch,
            yref="paper",
            y0=0,
            y1=1,
            line=dict(color="#666", width=1),
        )
    )
    fig.update_xaxes(type="log", title_text="Sequences decoded together (batch)")
    fig.update_yaxes(type="log", title_text="Tokens per second (all sequences)")
    fig.update_layout(
        shapes=shapes,
        annotations=notes,
        legend=dict(orientation="h", y=-0.3, yanchor="top"),
        margin=dict(b=140),
    )
    return themed(fig, title=title, height=420)
