"""IsoFLOP curves: predicted loss against model size at fixed compute (Hoffmann et al. 2022)."""

from __future__ import annotations

import plotly.graph_objects as go

from app.core.units import human_count, scientific
from app.figures.theme import PALETTE, themed


def isoflop_figure(
    curves: list[tuple[float, list[tuple[float, float, float]]]],
    points: list[dict],
) -> go.Figure:
    """curves: (compute, [(params, tokens, loss), ...]); points: dicts with label, params,
    tokens, loss and symbol. The chosen budget's curve is the middle one, drawn strongest."""
    fig = go.Figure()
    mid = len(curves) // 2
    for i, (compute, rows) in enumerate(curves):
        fig.add_trace(
            go.Scatter(
                x=[r[0] for r in rows],
                y=[r[2] for r in rows],
                customdata=[[human_count(r[0]), human_count(r[1])] for r in rows],
                mode="lines",
                name=f"{scientific(compute)} FLOPs",
                line=dict(
                    color=PALETTE[0] if i == mid else "#aab4c3", width=3 if i == mid else 1.5
                ),
                hovertemplate="%{customdata[0]} params, %{customdata[1]} tokens<br>"
                "predicted loss %{y:.3f}<extra>" + f"{scientific(compute)} FLOPs</extra>",
            )
        )
    for j, p in enumerate(points):
        fig.add_trace(
            go.Scatter(
                x=[p["params"]],
                y=[p["loss"]],
                mode="markers",
                name=p["label"],
                marker=dict(
                    size=13,
                    symbol=p.get("symbol", "circle"),
                    color=PALETTE[(j + 1) % len(PALETTE)],
                    line=dict(color="#212529", width=1),
                ),
                hovertemplate=f"<b>{p['label']}</b><br>{human_count(p['params'])} params, "
                f"{human_count(p['tokens'])} tokens<br>predicted loss %{{y:.3f}}<extra></extra>",
            )
        )
    fig.update_xaxes(type="log", title_text="Model parameters (log scale)")
    fig.update_yaxes(title_text="Predicted loss (nats/token)")
    fig.update_layout(legend=dict(y=-0.28, yanchor="top", orientation="h"), margin=dict(b=110))
    return themed(fig, title="IsoFLOP curves: same compute, different model sizes", height=460)
