"""Stacked bars of memory per GPU, one bar per option, with the GPU's capacity marked."""

from __future__ import annotations

from app.core.units import human_bytes
from app.figures.theme import PALETTE, add_marks, esc, figure, hline, themed, vband


def memory_bars_figure(
    bars: list[tuple[str, dict[str, float]]],
    capacity_bytes: float,
    capacity_label: str,
    *,
    title: str,
    highlight: str | None = None,
) -> dict:
    """bars: (x label, {part: bytes}); parts stacked in the same order on every bar."""
    labels = [b[0] for b in bars]
    parts = list(bars[0][1]) if bars else []
    traces = []
    for i, part in enumerate(parts):
        values = [b[1][part] / 1e9 for b in bars]
        traces.append(
            {
                "type": "bar",
                "x": labels,
                "y": values,
                "name": part,
                "marker": {"color": PALETTE[i % len(PALETTE)]},
                "customdata": [human_bytes(v * 1e9) for v in values],
                "hovertemplate": f"{part}: %{{customdata}}<extra>%{{x}}</extra>",
            }
        )
    totals = [sum(b[1].values()) / 1e9 for b in bars]
    traces.append(
        {
            "type": "scatter",
            "x": labels,
            "y": totals,
            "mode": "text",
            "text": [human_bytes(t * 1e9) for t in totals],
            "textposition": "top center",
            "showlegend": False,
            "hoverinfo": "skip",
        }
    )
    top = max([*totals, capacity_bytes / 1e9]) * 1.15
    fig = figure(
        traces,
        barmode="stack",
        legend={"y": -0.2, "yanchor": "top"},
        margin={"b": 90},
        yaxis={"title": {"text": "Memory per GPU (GB)"}, "range": [0, top]},
        xaxis={"type": "category"},
    )
    marks = [*hline(capacity_bytes / 1e9, esc(capacity_label), PALETTE[3], right=True)]
    if highlight in labels:
        i = labels.index(highlight)
        marks += vband(i - 0.5, i + 0.5, "#3459e6", 0.07)
    add_marks(fig, *marks)
    return themed(fig, title=title, height=420)
