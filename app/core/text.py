"""Small text helpers shared by pages and the retrieval engine."""

from __future__ import annotations

import re


def heading_anchor(title: str) -> str:
    """The in-page id of a section heading: 'Why scale?' → 'section-why-scale'.

    Stage and topic pages give each '## ' heading this id, and search results link to
    `/<page-slug>#<heading_anchor(title)>`, so both must use this one function."""
    return "section-" + re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")
