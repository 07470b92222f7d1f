"""Accuracies with their 95% confidence intervals, as points with error bars."""

from __future__ import annotations

from app.figures.theme import PALETTE, esc, figure, themed


def intervals_figure(rows: list[tuple[str, float, float, float]]) -> dict:
    """rows: (label, accuracy, low, high), all as fractions; drawn in percent."""
    traces = []
    for i, (label, acc, low, high) in enumerate(rows):
        name = esc(label)
        traces.append(
            {
                "type": "scatter",
                "x": [100 * acc],
                "y": [name],
                "mode": "markers",
                "name": name,
                "marker": {"size": 14, "color": PALETTE[i % len(PALETTE)]},
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [100 * (high - acc)],
                    "arrayminus": [100 * (acc - low)],
                    "thickness": 3,
                    "width": 10,
                },
                "hovertemplate": f"<b>{name}</b><br>{100 * acc:.1f}% "
                f"(95% CI {100 * low:.1f}–{100 * high:.1f}%)<extra></extra>",
            }
        )
    lo = min(r[2] for r in rows) * 100
    hi = max(r[3] for r in rows) * 100
    pad = max(2.0, 0.1 * (hi - lo))
    fig = figure(
        traces,
        xaxis={
            "title": {"text": "Accuracy (%)"},
            "range": [max(0, lo - pad), min(100, hi + pad)],
        },
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    return themed(fig, title="Scores with 95% confidence intervals", height=260)
