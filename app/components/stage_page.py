"""A stage page, built from its content file: header, concepts, sections with labs placed,
worked example, pitfalls, quiz, sources, and the "Mark stage complete" footer."""

from __future__ import annotations

import importlib
import logging

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from app.components.markdown import md
from app.components.quiz import quiz_card
from app.content import Stage, get_content, lab_exists
from app.core.text import heading_anchor
from app.state import progress

log = logging.getLogger(__name__)


def lab_layout(name: str):
    """The layout of lab `name`; a missing lab is skipped (tests insist every lab exists)."""
    if not lab_exists(name):
        log.warning("content places lab %r but app/labs/%s.py does not exist", name, name)
        return None
    return importlib.import_module(f"app.labs.{name}").layout()


def header(stage: Stage, total: int) -> html.Header:
    badge = (
        f"Beyond the pipeline · topic {stage.number}"
        if stage.is_topic
        else f"Stage {stage.number} of {total:02d}"
    )
    return html.Header(
        [
            html.Div(
                [
                    dbc.Badge(badge, color="primary", className="me-2"),
                    html.Span(
                        [html.I(className="bi bi-clock me-1"), f"{stage.reading_minutes} min read"],
                        className="text-muted small",
                    ),
                ],
                className="mb-2",
            ),
            html.H1(
                [html.I(className=f"bi {stage.icon} me-2 text-primary"), stage.title],
                className="stage-title",
            ),
            html.P(stage.summary, className="lead stage-summary"),
        ],
        className="stage-header mb-4",
    )


def key_concepts(stage: Stage) -> html.Section:
    cards = [
        dbc.Col(
            html.Div(
                [
                    html.Div(c.term, className="concept-term"),
                    html.Div(c.meaning, className="concept-meaning"),
                ],
                className="concept",
            ),
            xs=12,
            md=6,
            xl=4,
            className="mb-3",
        )
        for c in stage.key_concepts
    ]
    return html.Section(
        [html.H2("Key concepts", className="h5 section-label"), dbc.Row(cards)],
        className="mb-4",
        **{"aria-label": "Key concepts"},
    )


def anchor(title: str) -> str:
    """A stable in-page id for a section title: 'Why scale?' → 'section-why-scale'."""
    return heading_anchor(title)


def contents(stage: Stage) -> html.Nav:
    """'On this page': jump links to each section, the worked example and the quiz."""
    links = [
        html.A(s.title, href=f"#{anchor(s.title)}", className="toc-link") for s in stage.sections
    ]
    links.append(html.A("Worked example", href="#worked-example", className="toc-link"))
    if stage.quiz:
        links.append(html.A("Quiz", href="#quiz", className="toc-link"))
    return html.Nav(
        [html.Span("On this page:", className="toc-label"), *links],
        className="stage-toc mb-4",
        **{"aria-label": "On this page"},
    )


def sections(stage: Stage) -> list:
    out = []
    for section in stage.sections:
        children: list = [
            html.H2(section.title, className="section-title", id=anchor(section.title))
        ]
        for block in section.blocks:
            if block.kind == "lab":
                children.append(lab_layout(block.value))
            else:
                children.append(md(block.value))
        out.append(html.Section(children, className="stage-section mb-4"))
    return out


def worked_example(stage: Stage) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(
                    [
                        html.I(className="bi bi-calculator me-2"),
                        "Worked example: ",
                        stage.worked_example_title,
                    ],
                    className="h5 mb-0",
                )
            ),
            dbc.CardBody(md(stage.worked_example_body)),
        ],
        className="worked-example mb-4",
        id="worked-example",
    )


def pitfalls(stage: Stage) -> html.Section:
    return html.Section(
        [
            html.H2("Common pitfalls", className="h5 section-label"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.I(className="bi bi-exclamation-diamond text-warning me-2"),
                            md(p, className="d-inline-block pitfall-text"),
                        ]
                    )
                    for p in stage.pitfalls
                ],
                className="list-unstyled pitfalls",
            ),
        ],
        className="mb-4",
    )


def sources(stage: Stage) -> html.Section:
    return html.Section(
        [
            html.H2("Sources", className="h5 section-label"),
            html.Ol(
                [
                    html.Li(html.A(s.title, href=s.url, target="_blank", rel="noopener noreferrer"))
                    for s in stage.sources
                ],
                className="sources small",
            ),
        ],
        className="mb-4",
    )


def footer(stage: Stage) -> dbc.Card:
    track = get_content().track_of(stage)
    i = track.index(stage)
    prev_stage = track[i - 1] if i > 0 else None
    next_stage = track[i + 1] if i + 1 < len(track) else None
    nav = []
    if prev_stage:
        nav.append(
            dcc.Link(
                [
                    html.I(className="bi bi-arrow-left me-1"),
                    f"{prev_stage.number} {prev_stage.title}",
                ],
                href=prev_stage.path,
                className="btn btn-outline-secondary",
                id="stage-prev",
            )
        )
    else:
        nav.append(
            dcc.Link(
                [html.I(className="bi bi-house me-1"), "Dashboard"],
                href="/",
                className="btn btn-outline-secondary",
                id="stage-prev",
            )
        )
    if next_stage:
        nav.append(
            dcc.Link(
                [
                    f"{next_stage.number} {next_stage.title}",
                    html.I(className="bi bi-arrow-right ms-1"),
                ],
                href=next_stage.path,
                className="btn btn-outline-primary",
                id="stage-next",
            )
        )
    else:
        nav.append(
            dcc.Link(
                ["Back to the dashboard", html.I(className="bi bi-house ms-1")],
                href="/",
                className="btn btn-outline-primary",
                id="stage-next",
            )
        )
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.Div(
                            [
                                html.Strong(f"Done with this {stage.kind}?"),
                                html.Div(
                                    "Mark it complete to track your progress. You can undo this.",
                                    className="small text-muted",
                                ),
                            ]
                        ),
                        dbc.Button(
                            f"Mark {stage.kind} complete",
                            id={"type": "complete-button", "slug": stage.slug},
                            color="success",
                            outline=True,
                            className="complete-button",
                        ),
                    ],
                    className="d-flex flex-wrap gap-3 align-items-center justify-content-between",
                ),
                html.Hr(),
                html.Div(nav, className="d-flex flex-wrap gap-2 justify-content-between"),
            ]
        ),
        className="stage-footer mb-5",
    )


def stage_layout(slug: str) -> html.Div:
    content = get_content()
    stage = content.stage(slug)
    return html.Div(
        [
            header(stage, len(content.stages)),
            md(stage.intro) if stage.intro else None,
            contents(stage),
            key_concepts(stage),
            *sections(stage),
            worked_example(stage),
            pitfalls(stage),
            quiz_card(slug),
            sources(stage),
            footer(stage),
        ],
        className="stage-page",
    )


# ---- "Mark stage complete" ------------------------------------------------------------


@callback(
    Output("progress", "data", allow_duplicate=True),
    Input({"type": "complete-button", "slug": ALL}, "n_clicks"),
    State("progress", "data"),
    prevent_initial_call=True,
)
def toggle_complete(clicks, raw):
    if not dash.ctx.triggered_id or not any(clicks):
        return no_update
    slug = dash.ctx.triggered_id["slug"]
    doc = progress.sanitize(raw, get_content().slugs)
    return progress.set_completed(doc, slug, not progress.entry(doc, slug)["completed"])


@callback(
    Output({"type": "complete-button", "slug": ALL}, "children"),
    Output({"type": "complete-button", "slug": ALL}, "outline"),
    Input("progress", "data"),
    State({"type": "complete-button", "slug": ALL}, "id"),
)
def render_complete_button(raw, ids):
    content = get_content()
    doc = progress.sanitize(raw, content.slugs)
    done = [progress.entry(doc, i["slug"])["completed"] for i in ids]
    kinds = ["topic" if i["slug"] in content.topic_slugs else "stage" for i in ids]
    labels = [
        [html.I(className="bi bi-check2-circle me-1"), "Completed ✓"]
        if d
        else f"Mark {kind} complete"
        for d, kind in zip(done, kinds, strict=True)
    ]
    return labels, [not d for d in done]
