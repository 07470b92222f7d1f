"""Small text helpers shared by the pages and the guide's search engine."""

from __future__ import annotations

import re


def heading_anchor(title: str) -> str:
    """The in-page id of a section heading: 'Why scale?' → 'section-why-scale'. Pages give
    their headings this id and search results link to `/<page>#<id>`."""
    return "section-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
