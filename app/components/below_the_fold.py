"""The part of a long page below its first screen, drawn just after the first screen.

Dash draws a page in one go: a page with 500 components and five charts shows nothing
until all of it is drawn. `split_at_fold` keeps what the reader sees first in the page and
ships the rest with it as data (a store); once the first screen is drawn and painted
(`assets/below-the-fold.js` watches for it and sets the trigger store), a clientside callback
moves that data into the page. No request: the rest came
with the page. The reader sees the top of the page sooner, and the rest arrives before they
can scroll to it. Its labs' callbacks then run as they would for any new content.
"""

from __future__ import annotations

from dash import Input, Output, State, clientside_callback, dcc, html
from dash.development.base_component import Component

REST = "page-rest"  # where the rest is drawn
REST_DATA = "page-rest-data"  # the rest, as data
REST_TRIGGER = "page-rest-trigger"  # set by assets/below-the-fold.js


def split_at_fold(children: list, first_screen: int, page: str, drawn_when: str) -> list:
    """`children` of page `page` with everything after the first `first_screen` replaced by
    a holder that draws it once the first screen is drawn: when an element matching the
    CSS selector `drawn_when` is on the page (say, the first screen's last Markdown, which
    Dash draws late), and the browser has painted it."""
    first, rest = children[:first_screen], [c for c in children[first_screen:] if c is not None]
    if not rest:
        return first
    return [
        *first,
        # React keeps this element when the reader moves to another page; data-page tells
        # the script that it now waits for that page's rest.
        html.Div(
            id=REST, className="page-rest", **{"data-page": page, "data-drawn-when": drawn_when}
        ),
        dcc.Store(id=REST_DATA, data=rest),
        dcc.Store(id=REST_TRIGGER),
    ]


def holds_chart(tree, *, held: bool = False) -> bool:
    """Whether `tree` draws a chart (a dcc.Graph): in its first screen, or (`held`) also
    in a rest held for after it."""
    if isinstance(tree, list | tuple):
        return any(holds_chart(c, held=held) for c in tree)
    if isinstance(tree, dcc.Graph):
        return True
    if isinstance(tree, dcc.Store):
        return held and tree.id == REST_DATA and holds_chart(tree.data, held=held)
    if not isinstance(tree, Component):
        return False
    return any(
        holds_chart(getattr(tree, name, None), held=held)
        for name in tree._prop_names
        if isinstance(getattr(tree, name, None), Component | list | tuple)
    )


clientside_callback(
    "function(ticks, rest) { return rest; }",
    Output(REST, "children"),
    Input(REST_TRIGGER, "data"),
    State(REST_DATA, "data"),
    prevent_initial_call=True,
)
