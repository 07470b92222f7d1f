"""IsoFLOP curves: predicted loss against model size at fixed compute (Hoffmann et al. 2022)."""

from __future__ import annotations

from functools import lru_cache

from app.core.units import human_count, scientific
from app.figures.theme import PALETTE, esc, figure, themed


def isoflop_figure(
    curves: list[tuple[float, list[tuple[float, float, float]]]],
    points: list[dict],
) -> dict:
    """curves: (compute, [(params, tokens, loss), ...]); points: dicts with label, params,
    tokens, loss and symbol. The chosen budget's curve is the middle one, drawn strongest."""
    traces = []
    mid = len(curves) // 2
    for i, (compute, rows) in enumerate(curves):
        traces.append(_curve(compute, tuple(map(tuple, rows)), i == mid))
    for j, p in enumerate(points):
        label = esc(p["label"])
        traces.append(
            {
                "type": "scatter",
                "x": [p["params"]],
                "y": [p["loss"]],
                "mode": "markers",
                "name": label,
                "marker": {
                    "size": 13,
                    "symbol": p.get("symbol", "circle"),
                    "color": PALETTE[(j + 1) % len(PALETTE)],
                    "line": {"color": "#212529", "width": 1},
                },
                "hovertemplate": f"<b>{label}</b><br>{human_count(p['params'])} params, "
                f"{human_count(p['tokens'])} tokens<br>predicted loss %{{y:.3f}}<extra></extra>",
            }
        )
    fig = figure(
        traces,
        xaxis={"type": "log", "title": {"text": "Model parameters (log scale)"}},
        yaxis={"title": {"text": "Predicted loss (nats/token)"}},
        legend={"y": -0.28, "yanchor": "top", "orientation": "h"},
        margin={"b": 110},
    )
    return themed(fig, title="IsoFLOP curves: same compute, different model sizes", height=460)


@lru_cache(maxsize=256)
def _curve(compute: float, rows: tuple, strong: bool) -> dict:
    """One IsoFLOP curve's trace, built once per budget: changing the GPU, the price or the
    model does not redraw the curves (callers must not change the returned dict)."""
    return {
        "type": "scatter",
        "x": [r[0] for r in rows],
        "y": [r[2] for r in rows],
        "customdata": [[human_count(r[0]), human_count(r[1])] for r in rows],
        "mode": "lines",
        "name": f"{scientific(compute)} FLOPs",
        "line": {"color": PALETTE[0] if strong else "#aab4c3", "width": 3 if strong else 1.5},
        "hovertemplate": "%{customdata[0]} params, %{customdata[1]} tokens<br>"
        "predicted loss %{y:.3f}<extra>" + f"{scientific(compute)} FLOPs</extra>",
    }
