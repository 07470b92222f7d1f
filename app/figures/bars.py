"""Horizontal bar charts of a quantity split into named parts (parameters, bytes)."""

from __future__ import annotations

from collections.abc import Callable

from app.figures.theme import PALETTE, esc, figure, themed


def parts_figure(
    parts: dict[str, float],
    *,
    title: str,
    axis_title: str,
    fmt: Callable[[float], str],
    log: bool = False,
) -> dict:
    """One bar per part, largest on top, labelled with its value and share of the total.

    Zero parts are left out so the chart only shows what the model has."""
    items = [(k, v) for k, v in parts.items() if v > 0]
    items.sort(key=lambda kv: kv[1])
    total = sum(v for _, v in items) or 1.0
    labels = [esc(k) for k, _ in items]
    values = [v for _, v in items]
    text = [f"{fmt(v)} ({100 * v / total:.1f}%)" for v in values]
    bar = {
        "type": "bar",
        "x": values,
        "y": labels,
        "orientation": "h",
        "text": text,
        "textposition": "auto",
        "cliponaxis": False,
        "marker": {"color": [PALETTE[i % len(PALETTE)] for i in range(len(values))][::-1]},
        "hovertemplate": "<b>%{y}</b><br>%{text}<extra></extra>",
    }
    fig = figure(
        [bar],
        xaxis={"title": {"text": esc(axis_title)}, "type": "log" if log else "linear"},
        yaxis={"title": {"text": None}},
    )
    return themed(fig, title=title, height=max(220, 60 + 44 * len(items)))
