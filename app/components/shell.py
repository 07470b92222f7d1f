"""The app shell: navbar, sidebar with stage status, the page container and the stores.

The shell owns the progress store. Three callbacks keep it honest:
`sync_progress` (repairs what the browser holds and records visits), `render_sidebar`
(status icons and the overall bar) and `reset_progress` (behind a confirmation).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from app.components.progress_widgets import STATUS_ICON, STATUS_LABEL, overall_bar, progress_text
from app.components.relay import relay_stores
from app.components.search import search_box
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
                    **{
                        "aria-label": "Show the stages",
                        "aria-controls": "sidebar-collapse",
                        "aria-expanded": "false",
                    },
                ),
                dcc.Link(
                    [
                        html.I(className="bi bi-stack me-2"),
                        html.Span(TITLE, className="brand-text"),
                    ],
                    href="/",
                    className="navbar-brand d-flex align-items-center text-white text-wrap",
                ),
                html.Div(search_box(), className="navbar-search ms-auto"),
                dbc.Nav(
                    dbc.NavItem(
                        dbc.NavLink(
                            [html.I(className="bi bi-book me-1"), "Glossary"],
                            href="/glossary",
                            className="text-white",
                        )
                    ),
                    className="ms-2 d-none d-md-flex",
                    navbar=True,
                ),
                theme_toggle(),
            ],
            fluid=True,
            className="flex-nowrap",
        ),
        color="primary",
        dark=True,
        className="app-navbar shadow-sm",
        sticky="top",
    )


def theme_toggle() -> html.Button:
    """Light or dark: assets/theme.js follows the system setting until the learner picks,
    then remembers the pick in this browser (and relabels this button)."""
    return html.Button(
        html.I(className="bi bi-moon-stars", id="theme-toggle-icon"),
        id="theme-toggle",
        type="button",
        className="btn btn-link text-white p-1 ms-2 ms-md-3 fs-5 theme-toggle",
        title="Switch to dark mode",
        **{"aria-label": "Switch to dark mode", "aria-pressed": "false"},
    )


def _page_link(page) -> dbc.NavLink:
    return dbc.NavLink(
        [
            html.Span(page.number, className="stage-num"),
            html.Span(page.title, className="flex-grow-1"),
            html.I(
                id=f"sidebar-status-{page.slug}",
                className=STATUS_ICON["not-started"],
                title=STATUS_LABEL["not-started"],
            ),
        ],
        href=page.path,
        active="exact",
        className="sidebar-link d-flex align-items-center",
        id=f"sidebar-link-{page.slug}",
    )


def _topics_group(topics) -> list:
    """'Beyond the pipeline': open on a desktop, folded behind its heading on a phone."""
    if not topics:
        return []
    return [
        html.Button(
            [
                html.Span("Beyond the pipeline", className="flex-grow-1 text-start"),
                html.I(className="bi bi-chevron-down sidebar-fold-icon d-lg-none"),
            ],
            id="sidebar-topics-toggle",
            className="sidebar-heading sidebar-fold d-flex w-100 border-0 bg-transparent",
            **{"aria-expanded": "false", "aria-controls": "sidebar-topics"},
        ),
        html.Div(
            [
                html.Div(
                    overall_bar(0, len(topics), "sidebar-topics-progress", "topics"),
                    className="px-3 mb-2",
                ),
                dbc.Nav(
                    [_page_link(t) for t in topics],
                    vertical=True,
                    pills=True,
                    className="sidebar-nav",
                ),
            ],
            id="sidebar-topics",
            className="sidebar-topics",
        ),
    ]


def sidebar() -> html.Div:
    content = get_content()
    home = dbc.NavLink(
        [html.I(className="bi bi-house me-2"), "Dashboard"],
        href="/",
        active="exact",
        className="sidebar-link",
    )
    glossary = dbc.NavLink(
        [html.I(className="bi bi-book me-2"), "Glossary"],
        href="/glossary",
        active="exact",
        className="sidebar-link",
    )
    return html.Div(
        dbc.Collapse(
            html.Nav(
                [
                    dbc.Nav([home], vertical=True, pills=True, className="sidebar-nav mt-2"),
                    html.Div("The pipeline", className="sidebar-heading"),
                    html.Div(
                        overall_bar(0, len(content.stages), "sidebar-progress"),
                        className="px-3 mb-2",
                    ),
                    dbc.Nav(
                        [_page_link(s) for s in content.stages],
                        vertical=True,
                        pills=True,
                        className="sidebar-nav",
                    ),
                    *_topics_group(content.topics),
                    dbc.Nav([glossary], vertical=True, pills=True, className="sidebar-nav mt-2"),
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
                **{"aria-label": "Stages and topics"},
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
            *relay_stores(),
            html.A("Skip to the content", href="#main", className="skip-link", id="skip-link"),
            navbar(),
            html.Div(
                [
                    sidebar(),
                    # tabIndex -1: the skip link can move keyboard focus here
                    html.Main(dash.page_container, className="app-main", id="main", tabIndex="-1"),
                ],
                className="app-body",
            ),
            html.A(
                [html.I(className="bi bi-arrow-up me-1"), "Back to top"],
                href="#top",
                id="back-to-top",
                className="back-to-top btn btn-primary btn-sm shadow",
            ),
            reset_modal(),
        ]
    )


# ---- callbacks --------------------------------------------------------------------------


def _slug_of(pathname: str | None) -> str | None:
    slug = pathname.strip("/") if isinstance(pathname, str) else ""
    return slug if slug in get_content().page_slugs else None


def _sidebar_outputs() -> list:
    pages = get_content().page_slugs
    outputs = [Output(f"sidebar-status-{s}", "className") for s in pages]
    outputs += [Output(f"sidebar-status-{s}", "title") for s in pages]
    outputs += [
        Output("sidebar-progress-bar", "value"),
        Output("sidebar-progress-text", "children"),
    ]
    if get_content().topics:
        outputs += [
            Output("sidebar-topics-progress-bar", "value"),
            Output("sidebar-topics-progress-text", "children"),
        ]
    return outputs


def sidebar_view(doc: dict) -> list:
    """Status icons of every page and a progress bar per track, from a sanitized document."""
    content = get_content()
    statuses = [progress.status(doc, s) for s in content.page_slugs]
    out = [STATUS_ICON[st] for st in statuses] + [STATUS_LABEL[st] for st in statuses]
    for slugs, noun in ((content.slugs, "stages"), (content.topic_slugs, "topics")):
        if slugs:
            done = progress.completed_count(doc, slugs)
            out += [round(100 * done / len(slugs)), progress_text(done, len(slugs), noun)]
    return out


@callback(
    Output("progress", "data"),
    *_sidebar_outputs(),
    Input("url", "pathname"),
    Input("progress", "data"),
)
def sync_progress(pathname, raw):
    """Repair whatever the browser holds, record a visit to a stage or topic page, and show
    every status in the sidebar: one request per page load.

    The progress store is both input and output: whatever writes it (a quiz, the complete
    button, an import, a reset, the store loading from the browser) brings the sidebar up
    to date, and this callback's own write does not call it again (Dash allows that circle
    within one callback). Writes the store only when something changed.
    """
    doc = progress.sanitize(raw, get_content().slugs)
    slug = _slug_of(pathname)
    if slug:
        doc = progress.mark_visited(doc, slug)
    return [no_update if doc == raw else doc, *sidebar_view(doc)]


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

# Screen readers hear whether the phone menu is open.
clientside_callback(
    "function(open) { return open ? 'true' : 'false'; }",
    Output("sidebar-toggle", "aria-expanded"),
    Input("sidebar-collapse", "is_open"),
)

# Fold or unfold "Beyond the pipeline" (phones only: on a desktop the group is always open).
clientside_callback(
    """function(n, expanded) {
        const open = expanded !== "true";
        return [open ? "true" : "false", open ? "sidebar-topics open" : "sidebar-topics"];
    }""",
    # The class goes through Dash, not the DOM, so a re-render cannot fold the group again.
    Output("sidebar-topics-toggle", "aria-expanded"),
    Output("sidebar-topics", "className"),
    Input("sidebar-topics-toggle", "n_clicks"),
    State("sidebar-topics-toggle", "aria-expanded"),
    prevent_initial_call=True,
)

# Close the phone-width menu after choosing a page.
clientside_callback(
    "function(path) { return false; }",
    Output("sidebar-collapse", "is_open", allow_duplicate=True),
    Input("url", "pathname"),
    prevent_initial_call=True,
)
