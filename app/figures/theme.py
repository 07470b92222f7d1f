"""The one figure theme: every figure in the app goes through `themed()`.

Also `message_figure()`: what a chart shows instead of going blank when there is
nothing to draw (bad input, no runs yet).
"""

from __future__ import annotations

import math
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
# Colour-blind-safe palette (Okabe & Ito 2008), in the order series use it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
PRIMARY = "#3459e6"  # the Bootstrap theme's primary colour
MUTED = "#6c757d"

pio.templates["ogelo"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=13, color="#212529"),
        title=dict(font=dict(size=15), x=0.0, xanchor="left"),
        colorway=PALETTE,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="#ffffff",
        margin=dict(l=56, r=16, t=48, b=48),
        xaxis=dict(
            gridcolor="#eceff3", zerolinecolor="#d5dae1", linecolor="#c9ced6", automargin=True
        ),
        yaxis=dict(
            gridcolor="#eceff3", zerolinecolor="#d5dae1", linecolor="#c9ced6", automargin=True
        ),
        hoverlabel=dict(font=dict(family=FONT)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
)

GRAPH_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


def themed(fig: go.Figure, *, title: str | None = None, height: int = 360) -> go.Figure:
    """Apply the app theme (and optionally a title) to `fig` and return it."""
    fig.update_layout(template="ogelo", height=height)
    if title is not None:
        fig.update_layout(title_text=title)
    return fig


def message_figure(message: str, *, height: int = 300) -> go.Figure:
    """An empty chart that says why it is empty, instead of a blank box. The message is
    wrapped into short lines so that it fits a phone's width too."""
    fig = go.Figure()
    fig.add_annotation(
        text="<br>".join(textwrap.wrap(message, 42)),
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font=dict(size=14, color=MUTED),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
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
        line_width=0,
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


def add_marks(fig: go.Figure, *marks: dict) -> go.Figure:
    """Add shapes and annotations (dicts from `hline`/`vband`) in one layout update."""
    shapes = [m for m in marks if "type" in m]
    notes = [m for m in marks if "text" in m]
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *notes]
    )
    return fig
