"""The one figure theme: every figure in the app goes through `themed()`.

Figures are plain dicts (`{"data": [...], "layout": {...}}`): Dash sends them as they are,
where a `go.Figure` with a template costs ~10 ms to build and serialise and a dict ~0.1 ms.
The theme is a layout dict merged under each figure's own layout (the figure's keys win).
Tests validate every builder's output against Plotly (tests/figures), not each request.

Also `message_figure()`: what a chart shows instead of going blank when there is
nothing to draw (bad input, no runs yet), and `esc()`: learner text (run labels, model
names, prompts) is escaped before it reaches a title, legend or hover, because Plotly
renders `<b>` and `<a href>` in them.
"""

from __future__ import annotations

import html
import math
import textwrap
from typing import Any

import plotly.io as pio

# Answers go out through app/server/fast_json.py (orjson); what orjson refuses falls back
# to plotly's encoder. Its "orjson" engine first walks every value in Python to clean it;
# for plain dicts and lists the standard library's C encoder is 3-4× faster.
pio.json.config.default_engine = "json"

FONT = "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
# Colour-blind-safe palette (Okabe & Ito 2008), in the order series use it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
PRIMARY = "#3459e6"  # the Bootstrap theme's primary colour
MUTED = "#6c757d"

_AXIS = {"gridcolor": "#eceff3", "zerolinecolor": "#d5dae1", "linecolor": "#c9ced6"}
_AXIS_AUTO = {**_AXIS, "automargin": True}
THEME: dict[str, Any] = {
    "font": {"family": FONT, "size": 13, "color": "#212529"},
    "title": {"font": {"size": 15}, "x": 0.0, "xanchor": "left"},
    "colorway": PALETTE,
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "#ffffff",
    "margin": {"l": 56, "r": 16, "t": 48, "b": 48},
    "xaxis": _AXIS_AUTO,
    "yaxis": _AXIS_AUTO,
    "hoverlabel": {"font": {"family": FONT}},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
}

# The one chart config: the toolbar shows only on hover, and never offers to send a
# learner's chart to a third party (Chart Studio's share/cloud buttons).
GRAPH_CONFIG = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendDataToCloud"],
}


def esc(text: Any) -> str:
    """Learner text as Plotly shows it literally: `<b>` stays the four characters."""
    return html.escape(str(text), quote=False)


def merged(base: dict, over: dict) -> dict:
    """`base` updated by `over`, nested dicts merged key by key (`over` wins); new dict."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def figure(data: list[dict] | None = None, **layout: Any) -> dict:
    """A plain figure dict: traces (each with its "type") and layout keys."""
    return {"data": list(data or []), "layout": layout}


def themed(fig, *, title: str | None = None, height: int = 360):
    """Merge the app theme under `fig`'s layout (its own keys win), set the height and
    optionally a title (plain text, escaped here). Extra y/x axes (yaxis2, ...) get the
    theme's axis colours too. Returns `fig`.

    A `go.Figure` (older builders) is still accepted: it gets the registered "ogelo"
    template, as before. New figures should be dicts."""
    if not isinstance(fig, dict):
        register_template()
        fig.update_layout(template="ogelo", height=height)
        if title is not None:
            fig.update_layout(title_text=esc(title))
        return fig
    layout = fig.setdefault("layout", {})
    for key in list(layout):
        if key[:5] in ("xaxis", "yaxis") and key[5:].isdigit():
            layout[key] = merged(_AXIS_AUTO, layout[key])
    layout = merged(THEME, layout)
    layout["height"] = height
    if title is not None:
        layout["title"] = merged(layout.get("title", {}), {"text": esc(title)})
    fig["layout"] = layout
    return fig


def register_template() -> None:
    """Register THEME as plotly's "ogelo" template, once, for code that builds go.Figure
    or reads pio.templates["ogelo"] (app.figures.plain). Dict figures do not need it."""
    if "ogelo" in pio.templates:
        return
    import plotly.graph_objects as go

    pio.templates["ogelo"] = go.layout.Template(layout=THEME)


def message_figure(message: str, *, height: int = 300) -> dict:
    """An empty chart that says why it is empty, instead of a blank box. The message is
    wrapped into short lines so that it fits a phone's width too."""
    note = {
        "text": "<br>".join(esc(line) for line in textwrap.wrap(message, 42)),
        "showarrow": False,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "font": {"size": 14, "color": MUTED},
    }
    fig = figure(annotations=[note], xaxis={"visible": False}, yaxis={"visible": False})
    return themed(fig, height=height)


def hline(
    y: float, label: str, color: str, *, yref: str = "y", log: bool = False, right: bool = False
) -> tuple[dict, dict]:
    """A dashed horizontal line across the plot and its label, as (shape, annotation) dicts.
    `log`: the y axis is logarithmic. Plotly places shapes by data value there but
    annotations by log10 of it, so the label gets log10(y). `right`: label at the right end.

    Plotly's add_hline is ~10 ms per call; plain layout dicts cost a fraction of that."""
    shape = dict(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref=yref,
        y0=y,
        y1=y,
        line=dict(color=color, dash="dash", width=2),
    )
    note = dict(
        text=label,
        xref="paper",
        x=1 if right else 0,
        yref=yref,
        y=math.log10(y) if log else y,
        xanchor="right" if right else "left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=12, color=color),
        bgcolor="rgba(255,255,255,0.85)",
    )  # readable over bars and lines
    return shape, note


def vline(x: float, label: str, color: str, *, log: bool = False) -> tuple[dict, dict]:
    """A dashed vertical line over the plot with its label just above it (see `hline` for
    `log`)."""
    shape = dict(
        type="line",
        xref="x",
        x0=x,
        x1=x,
        yref="paper",
        y0=0,
        y1=1,
        line=dict(color=color, dash="dash", width=2),
    )
    note = dict(
        text=label,
        xref="x",
        x=math.log10(x) if log else x,
        yref="paper",
        y=1.0,
        xanchor="center",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=12, color=color),
    )
    return shape, note


def vband(x0: float, x1: float, color: str, opacity: float, label: str = "") -> tuple[dict, ...]:
    """A shaded vertical band (and an optional label at its top-left)."""
    shape = dict(
        type="rect",
        xref="x",
        x0=x0,
        x1=x1,
        yref="paper",
        y0=0,
        y1=1,
        fillcolor=color,
        opacity=opacity,
        line=dict(width=0),
        layer="below",
    )
    if not label:
        return (shape,)
    note = dict(
        text=label,
        xref="x",
        x=x0,
        yref="paper",
        y=1,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=dict(size=11, color=MUTED),
    )
    return shape, note


def add_marks(fig, *marks: dict):
    """Add shapes and annotations (dicts from `hline`/`vband`) to `fig`'s layout (a dict, or
    a go.Figure from older builders)."""
    shapes = [m for m in marks if "type" in m]
    notes = [m for m in marks if "text" in m]
    if not isinstance(fig, dict):
        fig.update_layout(
            shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *notes]
        )
        return fig
    layout = fig.setdefault("layout", {})
    layout["shapes"] = [*layout.get("shapes", []), *shapes]
    layout["annotations"] = [*layout.get("annotations", []), *notes]
    return fig
