"""Figures as plain dicts with the app theme: ~100× faster to build than go.Figure."""

from __future__ import annotations

import html
from functools import lru_cache

import plotly.io as pio

import app.figures.theme  # noqa: F401  (registers the "ogelo" template)


@lru_cache(maxsize=1)
def _template() -> dict:
    return pio.templates["ogelo"].to_plotly_json()


def figure(data: list[dict], layout: dict | None = None, *, height: int = 360) -> dict:
    """A themed figure dict: `data` traces and `layout` overrides."""
    return {"data": data, "layout": {"template": _template(), "height": height, **(layout or {})}}


def safe(text: object) -> str:
    """Text for a title, hover or legend: <, > and & escaped (Plotly renders a subset of
    HTML; it does not decode &quot;, so quotes are left as they are)."""
    return html.escape(str(text), quote=False)
