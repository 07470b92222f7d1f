"""Search in the navbar: type a question, get the guide's best sections as you type,
each a link that jumps to its heading on its page.

`search_box()` is the component; its callbacks are registered at import. Results come
from the retrieval engine (`app.core.retrieval`, hybrid BM25 + dense), one per section,
and are plain text: what a learner types is never rendered as markup.
"""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback, dcc, html

from app.config import settings
from app.core.retrieval.index import get_index

PREFIX = "site-search"
MAX_QUERY_CHARS = 100
MIN_QUERY_CHARS = 2
N_RESULTS = 6
SNIPPET_CHARS = 140
CHUNK_SIZE, CHUNK_OVERLAP = 120, 30


def search_box() -> html.Div:
    """The search input with its results list below it (empty until the learner types)."""
    return html.Div(
        [
            dcc.Location(id=f"{PREFIX}-location", refresh=False),
            html.Label("Search the guide", htmlFor=f"{PREFIX}-input", className="visually-hidden"),
            dcc.Input(
                id=f"{PREFIX}-input",
                type="search",
                placeholder="Search the guide…",
                maxLength=MAX_QUERY_CHARS,
                debounce=0.25,
                autoComplete="off",
                className="form-control form-control-sm site-search-input",
            ),
            html.Div(id=f"{PREFIX}-results", className="site-search-results", role="listbox"),
        ],
        className="site-search",
        role="search",
    )


def results(query: str | None):
    """The results list for `query` (None when there is nothing to show)."""
    text = str(query or "").strip()[:MAX_QUERY_CHARS]
    if len(text) < MIN_QUERY_CHARS:
        return None
    index = get_index(settings.content_dir, CHUNK_SIZE, CHUNK_OVERLAP)
    hits = index.search_sections(text, "hybrid", N_RESULTS)
    if not hits:
        return html.Div("No section matches.", className="site-search-empty small")
    items = []
    for hit in hits:
        snippet = hit.chunk.text[:SNIPPET_CHARS]
        if len(hit.chunk.text) > SNIPPET_CHARS:
            snippet += "…"
        items.append(
            dcc.Link(
                [
                    html.Div(hit.section.heading, className="site-search-heading"),
                    html.Div(hit.section.page_title, className="site-search-page small"),
                    html.Div(snippet, className="site-search-snippet small"),
                ],
                href=hit.section.href,
                className="site-search-result",
            )
        )
    return items


@callback(
    Output(f"{PREFIX}-results", "children"),
    Input(f"{PREFIX}-input", "value"),
    prevent_initial_call=True,  # an empty box has no results: nothing to ask on load
)
def update_results(query):
    return results(query)


# After a jump (a result was followed), clear the box and scroll to the heading once the
# page has rendered it: the page's content arrives after the URL changes, so wait for it.
clientside_callback(
    """
    function(pathname, hash, value) {
        if (hash && hash.length > 1) {
            const id = decodeURIComponent(hash.slice(1));
            if (window.ogeloScrollToAnchor) {  // the guide's assets/page.js: scroll and hold
                window.ogeloScrollToAnchor(id);
            } else {  // the search box on its own: scroll once the heading is drawn
                let tries = 0;
                const timer = setInterval(function() {
                    const el = document.getElementById(id);
                    tries += 1;
                    if (el) { el.scrollIntoView({block: "start"}); clearInterval(timer); }
                    else if (tries > 50) { clearInterval(timer); }
                }, 100);
            }
        }
        return value ? "" : window.dash_clientside.no_update;  // empty stays unsent
    }
    """,
    Output(f"{PREFIX}-input", "value"),
    Input(f"{PREFIX}-location", "pathname"),
    Input(f"{PREFIX}-location", "hash"),
    State(f"{PREFIX}-input", "value"),
    prevent_initial_call=True,
)
