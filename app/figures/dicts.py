"""Figure helpers for the embeddings, RAG and agents labs, on the one theme."""

from __future__ import annotations

from app.figures.theme import esc as safe  # noqa: F401  (learner text, escaped)
from app.figures.theme import themed


def figure(data: list[dict], layout: dict | None = None, *, height: int = 360) -> dict:
    """A themed figure dict: `data` traces and `layout` overrides."""
    return themed({"data": data, "layout": dict(layout or {})}, height=height)
