"""A friendly page for unknown paths, with the ways back."""

from __future__ import annotations

import dash
from dash import dcc, html

from app.config import TITLE
from app.content import get_content

dash.register_page(__name__, title=f"Page not found · {TITLE}", name="Not found")


def layout(**_):
    stages = get_content().stages
    return html.Div(
        [
            html.H1(
                [
                    html.I(className="bi bi-signpost-split me-2 text-primary"),
                    "This page is not part of the pipeline",
                ]
            ),
            html.P(
                "The link may be old or mistyped. Pick up from the dashboard, or jump to a stage:",
                className="lead",
            ),
            dcc.Link(
                [html.I(className="bi bi-house me-1"), "Back to the dashboard"],
                href="/",
                className="btn btn-primary mb-3",
                id="notfound-home",
            ),
            html.Ul([html.Li(dcc.Link(f"{s.number} {s.title}", href=s.path)) for s in stages]),
        ],
        className="not-found-page",
    )
