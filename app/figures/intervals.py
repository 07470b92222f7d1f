"""Accuracies with their 95% confidence intervals, as points with error bars."""

from __future__ import annotations

import plotly.graph_objects as go

from app.figures.theme import PALETTE, themed


def intervals_figure(rows: list[tuple[str, float, float, float]]) -> go.Figure:
    """rows: (label, accuracy, low, high), all as fractions; drawn in percent."""
    fig = go.Figure()
    for i, (label, acc, low, high) in enumerate(rows):
        fig.add_trace(
            go.Scatter(
                x=[100 * acc],
                y=[label],
                mode="markers",
                name=label,
                marker=dict(size=14, color=PALETTE[i % len(PALETTE)]),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=[100 * (high - acc)],
                    arrayminus=[100 * (acc - low)],
                    thickness=3,
                    width=10,
                ),
                hovertemplate=f"<b>{label}</b><br>{100 * acc:.1f}% "
                f"(95% CI {100 * low:.1f}–{100 * high:.1f}%)<extra></extra>",
            )
        )
    lo = min(r[2] for r in rows) * 100
    hi = max(r[3] for r in rows) * 100
    pad = max(2.0, 0.1 * (hi - lo))
    fig.update_xaxes(title_text="Accuracy (%)", range=[max(0, lo - pad), min(100, hi + pad)])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False)
    return themed(fig, title="Scores with 95% confidence intervals", height=260)
