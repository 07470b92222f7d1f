"""Stacked bars of memory per GPU, one bar per option, with the GPU's capacity marked."""

from __future__ import annotations

import plotly.graph_objects as go

from app.core.units import human_bytes
from app.figures.theme import PALETTE, add_marks, hline, themed, vband


def memory_bars_figure(
    bars: list[tuple[str, dict[str, float]]],
    capacity_bytes: float,
    capacity_label: str,
    *,
    title: str,
    highlight: str | None = None,
) -> go.Figure:
    """bars: (x label, {part: bytes}); parts stacked in the same order on every bar."""
    labels = [b[0] for b in bars]
    parts = list(bars[0][1]) if bars else []
    fig = go.Figure()
    for i, part in enumerate(parts):
        values = [b[1][part] / 1e9 for b in bars]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=part,
                marker_color=PALETTE[i % len(PALETTE)],
                customdata=[human_bytes(v * 1e9) for v in values],
                hovertemplate=f"{part}: %{{customdata}}<extra>%{{x}}</extra>",
            )
        )
    totals = [sum(b[1].values()) / 1e9 for b in bars]
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=totals,
            mode="text",
            text=[human_bytes(t * 1e9) for t in totals],
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    marks = [*hline(capacity_bytes / 1e9, capacity_label, PALETTE[3], right=True)]
    if highlight in labels:
        i = labels.index(highlight)
        marks += vband(i - 0.5, i + 0.5, "#3459e6", 0.07)
    add_marks(fig, *marks)
    top = max([*totals, capacity_bytes / 1e9]) * 1.15
    fig.update_layout(barmode="stack", legend=dict(y=-0.2, yanchor="top"), margin=dict(b=90))
    fig.update_yaxes(title_text="Memory per GPU (GB)", range=[0, top])
    fig.update_xaxes(type="category")
    return themed(fig, title=title, height=420)
