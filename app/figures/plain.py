"""Figure helpers for the topic labs, on the one theme of `app.figures.theme`."""

from __future__ import annotations

from app.figures.theme import MUTED, PALETTE, PRIMARY, esc, themed  # noqa: F401  (re-exported)


def figure(data: list[dict], *, height: int = 340, **layout) -> dict:
    """A themed {"data", "layout"} dict with `layout` keys on top. A titled figure gets a
    taller top margin, so the title and a legend above the plot never meet."""
    if "title" in layout:
        legend = len(data) > 1 and layout.get("showlegend", True)
        # a legend of long names wraps to two lines on a phone: leave room for it too
        layout["margin"] = {"t": 110 if legend else 60, **layout.get("margin", {})}
    return themed({"data": data, "layout": layout}, height=height)


def axis(title: str, **kw) -> dict:
    return {"title": {"text": title}, **kw}
