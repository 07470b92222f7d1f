"""The frame every lab sits in: a titled card with an intro, controls, results and its source."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

UPDATES = {
    "typing": "Updates as you type.",
    "fields": "Updates when you leave a box (or press Enter) and when you pick an option.",
    "button": "Updates when you press the button.",
}


def lab_card(
    lab_id: str,
    title: str,
    intro: str,
    body: Any,
    *,
    sources: list[tuple[str, str]] | None = None,
    icon: str = "bi-sliders",
    updates: str | None = None,
) -> dbc.Card:
    """A lab card. `intro`: one or two plain sentences (Markdown); `sources`: (label, url);
    `updates`: when the results follow the inputs, said the same way in every lab: one of
    UPDATES' keys ("typing", "fields", "button")."""
    footer = None
    if sources:
        links = []
        for i, (label, url) in enumerate(sources):
            if i:
                links.append(" · ")
            links.append(html.A(label, href=url, target="_blank", rel="noopener noreferrer"))
        footer = dbc.CardFooter(
            [html.Span("Sources: ", className="fw-semibold"), *links], className="small text-muted"
        )
    when = (
        html.P(
            [
                html.I(className="bi bi-arrow-repeat me-1", **{"aria-hidden": "true"}),
                UPDATES[updates],
            ],
            className="lab-updates small text-muted mb-2",
        )
        if updates
        else None
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H3([html.I(className=f"bi {icon} me-2"), title], className="h5 mb-0"),
                className="lab-card-header",
            ),
            dbc.CardBody([dcc.Markdown(intro, className="lab-intro"), when, body]),
            *([footer] if footer else []),
        ],
        id=f"{lab_id}-lab",
        className="lab-card mb-4",
    )


def stat(label: str, value: Any, id: str | None = None, hint: str = "") -> html.Div:
    """A headline number with its label (e.g. 'Parameters' / '124.4 M')."""
    value_kwargs = {"id": id} if id else {}
    return html.Div(
        [
            html.Div(label, className="stat-label"),
            html.Div(value, className="stat-value", **value_kwargs),
            *([html.Div(hint, className="stat-hint")] if hint else []),
        ],
        className="stat",
    )


def formula_note(formula: str, source: str, url: str | None = None) -> html.Div:
    """'Formula used' line under a result: the formula in plain text and where it comes from."""
    src = html.A(source, href=url, target="_blank", rel="noopener noreferrer") if url else source
    return html.Div(
        [html.I(className="bi bi-calculator me-2"), html.Code(formula), html.Span(" — "), src],
        className="formula-note small text-muted mt-2",
    )


def count(n: float, singular: str, plural: str | None = None) -> str:
    """'1 word', '2 words', '1,024 tokens': a number with its noun in the right form."""
    word = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {word}" if isinstance(n, int) else f"{n:,g} {word}"
