"""Labs below a page's first one load when they come near the screen, or once the page
is idle, whichever is first (assets/page.js decides when). A page then opens with one
lab's callbacks instead of every lab's: the first view is ready sooner and costs the
server less, and a learner who scrolls finds the next lab already loaded.

The placeholder is a sized box; page.js "clicks" it (sets its `n_clicks`) and the
callback below puts the lab's layout in its place, whose own callbacks then run as usual.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache

from dash import MATCH, Input, Output, callback, ctx, html
from dash.exceptions import PreventUpdate

from app.content import get_content, lab_exists

log = logging.getLogger(__name__)

KIND = "lazy-lab"
SLOT = "lab-slot"


@cache
def placed_labs() -> frozenset[str]:
    """Every lab some page places: the only names a request may ask to load."""
    return frozenset(
        block.value
        for page in get_content().pages
        for section in page.sections
        for block in section.blocks
        if block.kind == "lab"
    )


@cache
def lab_layout(name: str):
    """The layout of lab `name`, built once (a lab's layout is the same for everyone); a
    missing lab is skipped (tests insist every lab exists)."""
    if not lab_exists(name):
        log.warning("content places lab %r but app/labs/%s does not exist", name, name)
        return None
    return importlib.import_module(f"app.labs.{name}").layout()


def lazy_lab(name: str) -> html.Div:
    """A slot for lab `name`, holding a placeholder that page.js clicks when the lab is
    wanted. The lab replaces the placeholder, so clicks inside the lab reach no trigger."""
    placeholder = html.Div(
        [html.Span(className="spinner-border spinner-border-sm me-2"), "Loading the lab…"],
        id={"type": KIND, "name": name},
        className="lazy-lab",
        role="status",
        **{"data-lazy-lab": name, "aria-busy": "true"},
    )
    return html.Div(placeholder, id={"type": SLOT, "name": name}, className="lab-slot")


@callback(
    Output({"type": SLOT, "name": MATCH}, "children"),
    Input({"type": KIND, "name": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
def load_lab(clicks):
    triggered = ctx.triggered_id
    name = triggered.get("name") if isinstance(triggered, dict) else None
    if not clicks or not isinstance(name, str) or name not in placed_labs():
        raise PreventUpdate
    return lab_layout(name)
