"""Learning rate against training step, the chosen schedule drawn over the others."""

from __future__ import annotations

import plotly.graph_objects as go

from app.figures.theme import PALETTE, add_marks, themed, vband


def schedule_figure(
    curves: dict[str, list[float]], chosen: str, labels: dict[str, str], warmup: int
) -> go.Figure:
    fig = go.Figure()
    for i, (name, lrs) in enumerate(curves.items()):
        strong = name == chosen
        fig.add_trace(
            go.Scatter(
                x=list(range(len(lrs))),
                y=lrs,
                mode="lines",
                name=labels[name],
                line=dict(
                    color=PALETTE[i % len(PALETTE)],
                    width=3.5 if strong else 1.5,
                    dash="solid" if strong else "dot",
                ),
                opacity=1 if strong else 0.55,
                hovertemplate="step %{x:,}: %{y:.3g}<extra>" + labels[name] + "</extra>",
            )
        )
    if warmup:
        add_marks(fig, *vband(0, warmup, "#E69F00", 0.12, "warmup"))
    fig.update_xaxes(title_text="Training step")
    fig.update_yaxes(title_text="Learning rate", exponentformat="e")
    fig.update_layout(legend=dict(y=-0.3, yanchor="top"), margin=dict(b=100))
    return themed(fig, title="Learning rate over the run", height=400)
