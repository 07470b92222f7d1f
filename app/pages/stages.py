"""The content pages, one route each: the eight stages (content/stages/*.md) and the
"Beyond the pipeline" topics that ship (content/topics/*.md).

Pages are made from content rather than copy-pasted modules: adding a file adds its route.
"""

from __future__ import annotations

import dash

from app.components.stage_page import stage_layout
from app.config import TITLE
from app.content import get_content


def _page_layout(slug: str):
    def layout(**_query):  # query parameters are the labs' business, never the page's
        return stage_layout(slug)

    return layout


for _page in get_content().pages:
    dash.register_page(
        f"app.pages.{_page.kind}_{_page.slug.replace('-', '_')}",
        path=_page.path,
        name=f"{_page.number} {_page.title}",
        title=f"{_page.number} {_page.title} · {TITLE}",
        description=_page.summary,
        order=_page.order,
        layout=_page_layout(_page.slug),
    )
