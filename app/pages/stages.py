"""The eight stage pages, one route each, built from content/stages/*.md.

Pages are made from content rather than copy-pasted modules: adding a stage file
adds its route.
"""

from __future__ import annotations

import dash

from app.components.stage_page import stage_layout
from app.config import TITLE
from app.content import get_content


def _layout_of(slug: str):
    """The stage's layout function. Dash passes the URL's query parameters as keyword
    arguments; they are ignored (a parameter named `slug` must not pick another stage)."""

    def layout(**_query):
        return stage_layout(slug)

    return layout


for _stage in get_content().stages:
    dash.register_page(
        f"app.pages.stage_{_stage.slug.replace('-', '_')}",
        path=_stage.path,
        name=f"{_stage.number} {_stage.title}",
        title=f"{_stage.number} {_stage.title} · {TITLE}",
        description=_stage.summary,
        order=_stage.order,
        layout=_layout_of(_stage.slug),
    )
