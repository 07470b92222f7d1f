"""Searchable glossary: every term with its one-line meaning and the stage that explains it."""

from __future__ import annotations

from functools import cache

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from app.components.first_view import draw_first_views, first_view_callback
from app.config import TITLE
from app.content import get_content
from app.core.text import heading_anchor

dash.register_page(
    __name__, path="/glossary", title=f"Glossary · {TITLE}", name="Glossary", order=99
)

MAX_QUERY_CHARS = 100


def matching_entries(query: str | None) -> list:
    """Entries whose term or definition contains every word of `query` (case-insensitive)."""
    words = (query if isinstance(query, str) else "")[:MAX_QUERY_CHARS].lower().split()
    return [
        e
        for e in get_content().glossary
        if all(w in f"{e.term} {e.definition}".lower() for w in words)
    ]


def entry_view(entry) -> html.Div:
    stage = get_content().stage(entry.stage)
    return html.Div(
        [
            html.Dt(entry.term, className="glossary-term", id=heading_anchor(entry.term)),
            html.Dd(
                [
                    entry.definition,
                    " ",
                    dcc.Link(
                        f"{stage.number} {stage.title}", href=stage.path, className="small ms-1"
                    ),
                ]
            ),
        ],
        className="glossary-entry",
    )


def layout(**_):
    return _page()


@cache
def _page() -> html.Div:
    """Built once, with the full list drawn in (no callback on load)."""
    page = html.Div(
        [
            html.H1([html.I(className="bi bi-book me-2 text-primary"), "Glossary"]),
            html.P(
                "The words this guide uses, in plain language, with the stage that explains "
                "each one.",
                className="lead",
            ),
            dbc.Label(
                "Search the glossary", html_for="glossary-search", className="visually-hidden"
            ),
            dbc.Input(
                id="glossary-search",
                type="search",
                placeholder="Search terms…",
                debounce=False,
                maxLength=MAX_QUERY_CHARS,
                className="mb-3",
            ),
            html.Div(id="glossary-count", className="small text-muted mb-2", role="status"),
            html.Dl(id="glossary-list", className="glossary"),
        ],
        className="glossary-page",
    )
    return draw_first_views(page, only=[filter_glossary])


@first_view_callback(
    Output("glossary-list", "children"),
    Output("glossary-count", "children"),
    Input("glossary-search", "value"),
)
def filter_glossary(query):
    entries = matching_entries(query)
    total = len(get_content().glossary)
    if not entries:
        return html.P(
            "No term matches your search. Try a shorter word.", className="text-muted"
        ), f"0 of {total} terms"
    return [entry_view(e) for e in entries], f"{len(entries)} of {total} terms"
