"""The app shell: navbar, sidebar with stage status, the page container and the stores.

The shell owns the progress store. Three callbacks keep it honest:
`sync_progress` (repairs what the browser holds and records visits), `render_sidebar`
(status icons and the overall bar) and `reset_progress` (behind a confirmation).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from app.components.progress_widgets import STATUS_ICON, STATUS_LABEL, overall_bar
from app.config import TITLE
from app.content import get_content
from app.state import progress


def navbar() -> dbc.Navbar:
    return dbc.Navbar(
        dbc.Container(
            [
                html.Button(
                    html.I(className="bi bi-list"),
                    id="sidebar-toggle",
                    className="btn btn-link text-white d-lg-none me-2 p-0 fs-3",
                    **{"aria-label": "Show the stages", "aria-controls": "sidebar-collapse"},
                ),
                dcc.Link(
                    [
                        html.I(className="bi bi-stack me-2"),
                        html.Span(TITLE, className="brand-text"),
                    ],
                    href="/",
                    className="navbar-brand d-flex align-items-center text-white text-wrap",
                ),
                dbc.Nav(
                    dbc.NavItem(
                        dbc.NavLink(
                            [html.I(className="bi bi-book me-1"), "Glossary"],
                            href="/glossary",
                            className="text-white",
                        )
                    ),
                    className="ms-auto d-none d-md-flex",
                    navbar=True,
                ),
            ],
            fluid=True,
            className="flex-nowrap",
        ),
        color="primary",
        dark=True,
        className="app-navbar shadow-sm",
        sticky="top",
    )


def sidebar() -> html.Div:
    content = get_content()
    links = [
        dbc.NavLink(
            [html.I(className="bi bi-house me-2"), "Dashboard"],
            href="/",
            active="exact",
            className="sidebar-link",
        )
    ]
    for stage in content.stages:
        links.append(
            dbc.NavLink(
                [
                    html.Span(stage.number, className="stage-num"),
                    html.Span(stage.title, className="flex-grow-1"),
                    html.I(
                        id=f"sidebar-status-{stage.slug}",
                        className=STATUS_ICON["not-started"],
                        title=STATUS_LABEL["not-started"],
                    ),
                ],
                href=stage.path,
                active="exact",
                className="sidebar-link d-flex align-items-center",
                id=f"sidebar-link-{stage.slug}",
            )
        )
    links.append(
        dbc.NavLink(
            [html.I(className="bi bi-book me-2"), "Glossary"],
            href="/glossary",
            active="exact",
            className="sidebar-link",
        )
    )
    total = len(content.stages)
    return html.Div(
        dbc.Collapse(
            html.Nav(
                [
                    html.Div("Your progress", className="sidebar-heading"),
                    html.Div(overall_bar(0, total, "sidebar-progress"), className="px-3 mb-3"),
                    html.Div("Stages", className="sidebar-heading"),
                    dbc.Nav(links, vertical=True, pills=True, className="sidebar-nav"),
                    html.Div(
                        dbc.Button(
                            [
                                html.I(className="bi bi-arrow-counterclockwise me-1"),
                                "Reset progress",
                            ],
                            id="reset-open",
                            color="link",
                            size="sm",
                            className="text-muted p-0",
                        ),
                        className="px-3 mt-3 mb-4",
                    ),
                ],
                **{"aria-label": "Stages"},
            ),
            id="sidebar-collapse",
            is_open=False,
            className="sidebar-collapse",
        ),
        className="app-sidebar",
    )


def reset_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Reset your progress?")),
            dbc.ModalBody(
                "This clears which stages you visited and completed, and your quiz scores, "
                "in this browser. It cannot be undone."
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id="reset-cancel", color="secondary", outline=True),
                    dbc.Button("Reset progress", id="reset-confirm", color="danger"),
                ]
            ),
        ],
        id="reset-modal",
        is_open=False,
    )


def layout() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id="progress", storage_type="local"),
            dcc.Store(id="selected-model", storage_type="session"),
            dcc.Store(id="trained-runs", storage_type="local"),  # stage-05 runs, for 06-08
            navbar(),
            html.Div(
                [sidebar(), html.Main(dash.page_container, className="app-main", id="main")],
                className="app-body",
            ),
            reset_modal(),
        ]
    )


# ---- callbacks --------------------------------------------------------------------------


def _slug_of(pathname: str | None) -> str | None:
    slug = (pathname or "/").strip("/")
    return slug if slug in get_content().slugs else None


@callback(
    Output("progress", "data"),
    Input("url", "pathname"),
    Input("progress", "modified_timestamp"),
    State("progress", "data"),
)
def sync_progress(pathname, _ts, raw):
    """Repair whatever the browser holds and record a visit to a stage page.

    Writes only when something changed, so it settles after one round.
    """
    slugs = get_content().slugs
    doc = progress.sanitize(raw, slugs)
    slug = _slug_of(pathname)
    if slug:
        doc = progress.mark_visited(doc, slug)
    return no_update if doc == raw else doc


@callback(
    [Output(f"sidebar-status-{s}", "className") for s in get_content().slugs]
    + [Output(f"sidebar-status-{s}", "title") for s in get_content().slugs]
    + [Output("sidebar-progress-bar", "value"), Output("sidebar-progress-text", "children")],
    Input("progress", "data"),
)
def render_sidebar(raw):
    slugs = get_content().slugs
    doc = progress.sanitize(raw, slugs)
    statuses = [progress.status(doc, s) for s in slugs]
    done = progress.completed_count(doc)
    return (
        [STATUS_ICON[st] for st in statuses]
        + [STATUS_LABEL[st] for st in statuses]
        + [round(100 * done / len(slugs)), f"{done} of {len(slugs)} stages completed"]
    )


@callback(
    Output("reset-modal", "is_open"),
    Output("progress", "data", allow_duplicate=True),
    Input("reset-open", "n_clicks"),
    Input("reset-cancel", "n_clicks"),
    Input("reset-confirm", "n_clicks"),
    prevent_initial_call=True,
)
def reset_progress(_open, _cancel, _confirm):
    trigger = dash.ctx.triggered_id
    if trigger == "reset-open":
        return True, no_update
    if trigger == "reset-confirm":
        return False, progress.empty(get_content().slugs)
    return False, no_update


# The sidebar toggle only matters on narrow screens; the browser handles it alone.
clientside_callback(
    "function(n, open) { return n ? !open : open; }",
    Output("sidebar-collapse", "is_open"),
    Input("sidebar-toggle", "n_clicks"),
    State("sidebar-collapse", "is_open"),
    prevent_initial_call=True,
)

# Close the phone-width menu after choosing a page.
clientside_callback(
    "function(path) { return false; }",
    Output("sidebar-collapse", "is_open", allow_duplicate=True),
    Input("url", "pathname"),
    prevent_initial_call=True,
)
