"""Charts of the agents labs: the context growing step by step, the router's confusion
matrix and its scores for one request."""

from __future__ import annotations

from app.figures.dicts import figure, safe
from app.figures.theme import PALETTE


def context_figure(cost) -> dict:
    """Bars: the context each call made so far read, and (lighter) what the next call will
    read; line: the input tokens billed, summed over the calls made."""
    done = cost.context_tokens[:-1]
    calls = list(range(1, len(done) + 1))
    cumulative, total = [], 0
    for size in done:
        total += size
        cumulative.append(total)
    nxt = len(done) + 1
    data = [
        {
            "type": "bar",
            "name": "Context read by a call made",
            "x": calls,
            "y": done,
            "marker": {"color": PALETTE[0]},
            "hovertemplate": "call %{x}: read %{y:,} tokens<extra></extra>",
        },
        {
            "type": "bar",
            "name": "Context the next call will read",
            "x": [nxt],
            "y": [cost.context_tokens[-1]],
            "marker": {"color": PALETTE[5], "opacity": 0.6},
            "hovertemplate": "next call: %{y:,} tokens<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Input tokens billed so far",
            "x": calls,
            "y": cumulative,
            "line": {"color": PALETTE[3]},
            "hovertemplate": "after call %{x}: %{y:,} tokens billed<extra></extra>",
        },
    ]
    return figure(
        data,
        {
            "title": {"text": "Every call re-reads the whole context"},
            "xaxis": {"title": {"text": "Model call"}, "dtick": 1},
            "yaxis": {"title": {"text": "Tokens"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
            "margin": {"b": 110},
            "barmode": "overlay",
        },
        height=360,
    )


def confusion_figure(matrix, labels) -> dict:
    names = [safe(x) for x in labels]
    z = [[int(v) for v in row] for row in matrix]
    trace = {
        "type": "heatmap",
        "z": z,
        "x": names,
        "y": names,
        "colorscale": [[0, "#ffffff"], [1, PALETTE[0]]],
        "showscale": False,
        "text": z,
        "texttemplate": "%{text}",
        "hovertemplate": "true %{y}, predicted %{x}: %{z}<extra></extra>",
    }
    return figure(
        [trace],
        {
            "title": {"text": "Held-out requests: true tool (rows) vs predicted"},
            "xaxis": {"title": {"text": "Predicted"}, "tickangle": -35},
            "yaxis": {"title": {"text": "True"}, "autorange": "reversed"},
        },
        height=400,
    )


def scores_figure(scores) -> dict:
    scores = list(reversed(scores))
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [round(100 * p, 1) for _, p in scores],
        "y": [safe(t) for t, _ in scores],
        "marker": {
            "color": [
                PALETTE[2] if i == len(scores) - 1 else PALETTE[5] for i in range(len(scores))
            ]
        },
        "hovertemplate": "%{y}: %{x:.1f}%<extra></extra>",
    }
    return figure(
        [trace],
        {
            "title": {"text": "Router's probability per tool"},
            "xaxis": {"title": {"text": "Probability (%)"}, "range": [0, 100]},
        },
        height=280,
    )
