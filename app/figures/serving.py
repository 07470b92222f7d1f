"""Serving: memory against batch size, with the GPUs' capacity, and decode speed."""

from __future__ import annotations

import plotly.graph_objects as go

from app.core.units import human_bytes
from app.figures.theme import PALETTE, add_marks, hline, themed, vband


def serving_figure(
    batches: list[int],
    weights: float,
    kv_per_seq: float,
    tokens_per_s: list[float | None],
    capacity: float,
    chosen: int,
) -> go.Figure:
    """Stacked weights + KV cache (GB) per batch size, and total decode tokens/s on a
    second axis (None for a batch that does not fit: the line stops there)."""
    fig = go.Figure()  # a second y axis by hand: make_subplots costs ~20 ms per call
    x = [str(b) for b in batches]
    fig.add_trace(
        go.Bar(
            x=x,
            y=[weights / 1e9] * len(batches),
            name="Weights",
            marker_color=PALETTE[0],
            hovertemplate=f"Weights: {human_bytes(weights)}<extra></extra>",
        )
    )
    kv = [kv_per_seq * b for b in batches]
    fig.add_trace(
        go.Bar(
            x=x,
            y=[v / 1e9 for v in kv],
            name="KV cache",
            marker_color=PALETTE[1],
            customdata=[human_bytes(v) for v in kv],
            hovertemplate="KV cache: %{customdata}<extra>batch %{x}</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=tokens_per_s,
            name="Decode tokens/s (upper bound)",
            mode="lines+markers",
            line=dict(color=PALETTE[2], width=2.5),
            hovertemplate="≤ %{y:,.0f} tokens/s<extra>batch %{x}</extra>",
            yaxis="y2",
        ),
    )
    marks = [
        *hline(capacity / 1e9, f"usable memory: {human_bytes(capacity)}", PALETTE[3], right=True)
    ]
    if str(chosen) in x:
        i = x.index(str(chosen))
        marks += vband(i - 0.5, i + 0.5, "#3459e6", 0.08)
    add_marks(fig, *marks)
    fig.update_layout(barmode="stack", legend=dict(y=-0.25, yanchor="top"), margin=dict(b=100))
    fig.update_xaxes(title_text="Batch (sequences decoded together)", type="category")
    fig.update_layout(
        yaxis=dict(title_text="Memory (GB)", rangemode="tozero"),
        yaxis2=dict(
            title_text="Tokens/s (batches that fit)",
            overlaying="y",
            side="right",
            showgrid=False,
            rangemode="tozero",
            tickmode="auto",
            nticks=6,
        ),
    )
    return themed(fig, title="Memory and decode speed by batch size", height=420)
