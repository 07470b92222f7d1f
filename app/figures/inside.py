"""Figures for the topic pages 09, 10 and 17 (prompts, in-context learning, looking inside
the tiny GPT), built as plain dicts (fast) with the app theme. Every label that may hold
learner text is html-escaped before it goes into the figure."""

from __future__ import annotations

import html

from app.core.units import char_label as _visible
from app.figures.theme import GRAPH_CONFIG, MUTED, PALETTE, esc, themed

CONFIG = {**GRAPH_CONFIG, "displayModeBar": False}


def figure(data: list, layout: dict, height: int = 340) -> dict:
    return themed({"data": data, "layout": dict(layout)}, height=height)


def char_label(ch: str) -> str:
    """A character as a readable, escaped tick label."""
    return esc(_visible(ch))


def template_scores_figure(rows: list[dict], metric: str) -> dict:
    """Horizontal bars, one per template, with 95% intervals.
    rows: label, logprob, logprob_half, exact, exact_lo, exact_hi."""
    labels = [html.escape(r["label"]) for r in rows][::-1]
    if metric == "exact":
        x = [100 * r["exact"] for r in rows][::-1]
        plus = [100 * (r["exact_hi"] - r["exact"]) for r in rows][::-1]
        minus = [100 * (r["exact"] - r["exact_lo"]) for r in rows][::-1]
        title = "% exact first word (95% interval)"
    else:
        x = [r["logprob"] for r in rows][::-1]
        plus = minus = [r["logprob_half"] for r in rows][::-1]
        title = "nats per character, higher is better"
    colours = [PALETTE[1] if r.get("trained") else PALETTE[0] for r in rows][::-1]
    # dots with interval whiskers, not bars: log-probabilities are negative, and a bar from
    # zero would hide differences of a tenth of a nat in its length
    bar = {
        "type": "scatter",
        "mode": "markers",
        "x": x,
        "y": labels,
        "marker": {"color": colours, "size": 11},
        "error_x": {"type": "data", "array": plus, "arrayminus": minus, "color": "#212529"},
        "hovertemplate": "%{y}: %{x:.3g}<extra></extra>",
    }
    layout = {
        "xaxis": {"title": {"text": title}, "fixedrange": True},
        "yaxis": {"fixedrange": True, "automargin": True},
        "margin": {"l": 10, "r": 16, "t": 16, "b": 56},
        "showlegend": False,
    }
    return figure([bar], layout, height=60 + 38 * len(rows))


def curve_figure(series: list[dict], y_title: str, x_title: str, height: int = 340) -> dict:
    """Lines with an optional ±spread band. series: name, x, y, spread (or None), colour."""
    data = []
    for s in series:
        if s.get("spread"):
            upper = [a + b for a, b in zip(s["y"], s["spread"], strict=True)]
            lower = [a - b for a, b in zip(s["y"], s["spread"], strict=True)]
            data.append(
                {
                    "type": "scatter",
                    "x": list(s["x"]) + list(s["x"])[::-1],
                    "y": upper + lower[::-1],
                    "fill": "toself",
                    "fillcolor": s["colour"],
                    "opacity": 0.18,
                    "line": {"width": 0},
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": s.get("mode", "lines+markers"),
                "name": html.escape(s["name"]),
                "x": list(s["x"]),
                "y": list(s["y"]),
                "line": {"color": s["colour"], "dash": s.get("dash", "solid")},
            }
        )
    layout = {
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "margin": {"l": 56, "r": 16, "t": 40, "b": 48},
    }
    return figure(data, layout, height=height)


PRE_STYLE = {"whiteSpace": "pre-wrap", "overflowWrap": "anywhere", "maxHeight": "26rem"}


def heatmap_figure(
    z,
    x_labels,
    y_labels,
    *,
    x_title: str,
    y_title: str,
    colorscale: str = "Blues",
    zmid=None,
    text=None,
    hover: str = "%{z:.3f}",
    height: int = 380,
) -> dict:
    """A heat map; labels must already be escaped (char_label)."""
    trace = {
        "type": "heatmap",
        "z": z,
        "x": list(range(len(x_labels))),
        "y": list(range(len(y_labels))),
        "colorscale": colorscale,
        "hovertemplate": f"{y_title} %{{y}}, {x_title} %{{x}}: {hover}<extra></extra>",
        "colorbar": {"thickness": 10},
    }
    if zmid is not None:
        trace["zmid"] = zmid
    if text is not None:
        trace["text"] = text
        trace["texttemplate"] = "%{text}"
        trace["textfont"] = {"size": 11}
    layout = {
        "xaxis": {
            "title": {"text": x_title},
            "tickvals": list(range(len(x_labels))),
            "ticktext": list(x_labels),
            "tickangle": 0,
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": y_title},
            "tickvals": list(range(len(y_labels))),
            "ticktext": list(y_labels),
            "autorange": "reversed",
            "fixedrange": True,
        },
        "margin": {"l": 64, "r": 8, "t": 16, "b": 56},
    }
    return figure([trace], layout, height=height)


def grouped_bars_figure(groups: list[str], series: list[dict], y_title: str, y_range=None):
    """Bars per group (e.g. layer), one series each (name, values, colour); optional
    dashed baseline (series with 'line': True)."""
    data = []
    for s in series:
        if s.get("line"):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": html.escape(s["name"]),
                    "x": groups,
                    "y": s["values"],
                    "line": {"color": MUTED, "dash": "dash"},
                }
            )
        else:
            data.append(
                {
                    "type": "bar",
                    "name": html.escape(s["name"]),
                    "x": groups,
                    "y": s["values"],
                    "marker": {"color": s["colour"]},
                    "hovertemplate": "%{x}: %{y:.3f}<extra>" + html.escape(s["name"]) + "</extra>",
                }
            )
    layout = {
        "barmode": "group",
        "yaxis": {"title": {"text": y_title}, "range": y_range, "fixedrange": True},
        "xaxis": {"fixedrange": True},
        "margin": {"l": 56, "r": 16, "t": 40, "b": 40},
    }
    return figure(data, layout, height=320)
