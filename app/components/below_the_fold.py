"""The part of a long page below its first screen, drawn just after the first screen.

Dash draws a page in one go: a page with 500 components and five charts shows nothing
until all of it is drawn. `split_at_fold` keeps what the reader sees first in the page and
ships the rest with it as data (a store); once the first screen is drawn and painted
(`assets/below-the-fold.js` watches for it and sets the trigger store), a clientside callback
moves that data into the page. No request: the rest came
with the page. The reader sees the top of the page sooner, and the rest arrives before they
can scroll to it. Its labs' callbacks then run as they would for any new content.

On a long page the first lab below the fold comes on its own first, and everything after
it once its first chart is drawn: Dash's renderer does work for each new component that
grows with the whole page, so drawing all the labs at once held the first chart up by
half a second on the longest pages.
"""

from __future__ import annotations

from dash import Input, Output, State, clientside_callback, dcc, html
from dash.development.base_component import Component

# Each part has a holder where it is drawn, a store with it as data ("-data") and a store
# that assets/below-the-fold.js sets when it is time to draw it ("-trigger").
REST = "page-rest"  # the last part: everything after the early part
EARLY = "page-rest-early"  # the first lab below the fold, drawn before the rest
HOLDERS = (EARLY, REST)
REST_DATA, EARLY_DATA = f"{REST}-data", f"{EARLY}-data"


def split_at_fold(
    children: list, first_screen: int, page: str, drawn_when: str, early: int = 0
) -> list:
    """`children` of page `page` with everything after the first `first_screen` replaced by
    a holder that draws it once the first screen is drawn: when an element matching the
    CSS selector `drawn_when` is on the page (say, the first screen's last Markdown, which
    Dash draws late), and the browser has painted it. With `early`, the `early` children
    after the first screen come first, and the rest once they are drawn (their first chart
    included, if they hold one)."""
    first = children[:first_screen]
    soon = [c for c in children[first_screen : first_screen + early] if c is not None]
    rest = [c for c in children[first_screen + early :] if c is not None]
    if not rest:
        soon, rest = [], soon
    if not rest:
        return first
    holders = []
    if soon:
        holders += _holder(EARLY, soon, page, drawn_when)
        chart = f"#{EARLY} .dash-graph .main-svg"
        drawn_when = chart if holds_chart(soon) else f"#{EARLY} > *"
    return [*first, *holders, *_holder(REST, rest, page, drawn_when)]


def _holder(holder_id: str, part: list, page: str, drawn_when: str) -> list:
    # React keeps the holder element when the reader moves to another page; data-page
    # tells the script that it now waits for that page's part.
    trigger = f"{holder_id}-trigger"
    attrs = {"data-page": page, "data-drawn-when": drawn_when, "data-trigger": trigger}
    return [
        html.Div(id=holder_id, className="page-rest", **attrs),
        dcc.Store(id=f"{holder_id}-data", data=part),
        dcc.Store(id=trigger),
    ]


def holds_chart(tree, *, held: bool = False) -> bool:
    """Whether `tree` draws a chart (a dcc.Graph): in its first screen, or (`held`) also
    in a rest held for after it."""
    if isinstance(tree, list | tuple):
        return any(holds_chart(c, held=held) for c in tree)
    if isinstance(tree, dcc.Graph):
        return True
    if isinstance(tree, dcc.Store):
        return held and tree.id in (REST_DATA, EARLY_DATA) and holds_chart(tree.data, held=held)
    if not isinstance(tree, Component):
        return False
    return any(
        holds_chart(getattr(tree, name, None), held=held)
        for name in tree._prop_names
        if isinstance(getattr(tree, name, None), Component | list | tuple)
    )


for _holder_id in HOLDERS:
    clientside_callback(
        "function(ticks, part) { return part; }",
        Output(_holder_id, "children"),
        Input(f"{_holder_id}-trigger", "data"),
        State(f"{_holder_id}-data", "data"),
        prevent_initial_call=True,
    )
