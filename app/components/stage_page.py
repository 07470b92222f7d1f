"""A stage page, built from its content file: header, concepts, sections with labs placed,
worked example, pitfalls, quiz, sources, and the "Mark stage complete" footer."""

from __future__ import annotations

import importlib
import logging
from functools import cache
from itertools import takewhile

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, clientside_callback, dcc, html

from app.components.below_the_fold import EARLY, REST, holds_chart, split_at_fold
from app.components.first_view import draw_first_views
from app.components.glossary_links import link_terms
from app.components.markdown import md, md_escape
from app.components.quiz import quiz_card
from app.content import Stage, get_content, lab_exists
from app.core.text import heading_anchor

log = logging.getLogger(__name__)


def lab_layout(name: str):
    """The layout of lab `name`; a missing lab is skipped (tests insist every lab exists)."""
    if not lab_exists(name):
        log.warning("content places lab %r but app/labs/%s does not exist", name, name)
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
    """The concepts as cards (a CSS grid over one Markdown list: one component, not 30)."""
    items = "\n".join(
        f"- **{md_escape(c.term)}**\n  {md_escape(c.meaning)}" for c in stage.key_concepts
    )
    return html.Section(
        [html.H2("Key concepts", className="h5 section-label"), md(items, "key-concepts")],
        className="mb-4",
        **{"aria-label": "Key concepts"},
    )


def anchor(title: str) -> str:
    """A stable in-page id for a section title: 'Why scale?' → 'section-why-scale'."""
    return heading_anchor(title)


def toc_entries(stage: Stage) -> list[tuple[str, str]]:
    """(title, anchor) of everything 'On this page' lists."""
    entries = [(s.title, anchor(s.title)) for s in stage.sections]
    entries.append(("Worked example", "worked-example"))
    if stage.quiz:
        entries.append(("Quiz", "quiz"))
    return entries


def contents(stage: Stage) -> html.Nav:
    """'On this page': a menu that stays under the navbar on a phone, and (opened by
    assets/page.js on a wide screen) a list beside the text; page.js also marks the
    section being read. One Markdown list, drawn once for both."""
    items = "\n".join(f"- [{md_escape(title)}](#{target})" for title, target in toc_entries(stage))
    return html.Nav(
        html.Details(
            [
                html.Summary(
                    [html.I(className="bi bi-list-ul me-2"), "On this page"],
                    className="toc-summary",
                ),
                dcc.Markdown(items, className="toc-list"),
            ],
            className="toc-menu",
            id="toc-menu",
        ),
        className="stage-toc",
        id="page-toc",
        **{"aria-label": "On this page"},
    )


LABS = "stage-section-labs"  # the part of a section from its first lab on


def sections(stage: Stage, seen: set[str] | None = None) -> list:
    """The page's sections; glossary terms link to their definitions (once per page). A
    section with a lab is two parts: its heading and the text before its first lab, then
    the rest (class LABS), so that a page's first screen can end where its labs begin."""
    seen = set() if seen is None else seen
    out = []
    for section in stage.sections:
        text: list = [html.H2(section.title, className="section-title", id=anchor(section.title))]
        labs: list = []
        for block in section.blocks:
            if block.kind == "lab":
                labs.append(lab_layout(block.value))
            else:
                (labs if labs else text).append(md(link_terms(block.value, seen)))
        if labs:
            out.append(html.Section(text, className="stage-section"))
            out.append(html.Div(labs, className=f"stage-section {LABS} mb-4"))
        else:
            out.append(html.Section(text, className="stage-section mb-4"))
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
    """One Markdown list; its warning icon (bi-exclamation-diamond) is drawn by CSS."""
    items = "\n".join("- " + p.strip().replace("\n", "\n  ") for p in stage.pitfalls)
    return html.Section(
        [html.H2("Common pitfalls", className="h5 section-label"), md(items, "pitfalls")],
        className="mb-4",
    )


def sources(stage: Stage) -> html.Section:
    items = "\n".join(f"1. [{md_escape(s.title)}](<{s.url}>)" for s in stage.sources)
    return html.Section(
        [html.H2("Sources", className="h5 section-label"), md(items, "sources small")],
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


@cache
def stage_layout(slug: str) -> html.Div:
    """The page for `slug`, built once: content and lab layouts do not change while the
    app runs, and Dash only reads the components it is given."""
    content = get_content()
    stage = content.stage(slug)
    seen: set[str] = set()  # glossary terms already linked on this page
    intro = md(link_terms(stage.intro, seen)) if stage.intro else None
    parts = [
        header(stage, len(content.stages)),
        intro,
        key_concepts(stage),
        *sections(stage, seen),
        worked_example(stage),
        pitfalls(stage),
        quiz_card(slug),
        sources(stage),
        footer(stage),
    ]
    # The labs' first views are drawn here, once, rather than by callbacks on every visit.
    draw_first_views(parts)
    # The first screen is the text before the first lab: header, intro, key concepts and
    # the first section's opening. The labs follow once the key concepts (Markdown, which
    # Dash draws last) are on screen.
    # The first lab below comes first, the labs after it once its chart is drawn.
    labs = [i for i, p in enumerate(parts) if LABS in (getattr(p, "className", "") or "")]
    fold = labs[0] if labs else len(parts)
    early = labs[1] - fold if len(labs) > 1 else 0
    first_screen = split_at_fold(
        parts, fold, page=slug, drawn_when=".stage-article .key-concepts", early=early
    )
    article = html.Div(first_screen, className="stage-article")
    return html.Div([article, contents(stage)], className="stage-page has-toc")


def first_screen(slug: str) -> list:
    """What page `slug` draws before the rest (see stage_layout)."""
    return list(
        takewhile(
            lambda c: getattr(c, "id", None) not in (EARLY, REST),
            stage_layout(slug).children[0].children,
        )
    )


@cache  # asked on every page request; the layout it reads is built once and never changes
def first_chart(slug: str) -> str | None:
    """Where page `slug` draws its first chart: "first screen", "below" or None."""
    if holds_chart(first_screen(slug)):
        return "first screen"
    return "below" if holds_chart(stage_layout(slug), held=True) else None


def build_every_page() -> None:
    """Build (and so cache) every page's layout, so the first visitor of each waits less."""
    for page in get_content().pages:
        stage_layout(page.slug)


# ---- "Mark stage complete": in the browser, so the button answers at once ----------------
TOGGLE_COMPLETE_JS = """function(clicks, raw) {
        const ctx = window.dash_clientside.callback_context;
        if (!ctx.triggered_id || !clicks.some(Boolean)) {
            return window.dash_clientside.no_update;
        }
        const slug = ctx.triggered_id.slug;
        const doc = JSON.parse(JSON.stringify(
            raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {}));
        const track = doc.topics && typeof doc.topics === "object" && slug in doc.topics
            ? "topics" : "stages";
        if (!doc[track] || typeof doc[track] !== "object" || Array.isArray(doc[track])) {
            doc[track] = {};
        }
        const old = doc[track][slug];
        const entry = old && typeof old === "object" && !Array.isArray(old) ? old : {};
        entry.completed = entry.completed !== true;
        entry.visited = true;
        doc[track][slug] = entry;
        return doc;
    }"""

RENDER_COMPLETE_JS = """function(raw, ids) {
        const doc = raw && typeof raw === "object" ? raw : {};
        const find = (slug) => {
            for (const track of ["stages", "topics"]) {
                const t = doc[track];
                if (t && typeof t === "object" && t[slug] && typeof t[slug] === "object") {
                    return {entry: t[slug], kind: track === "topics" ? "topic" : "stage"};
                }
            }
            return {entry: {}, kind: null};
        };
        const done = ids.map((id) => find(id.slug).entry.completed === true);
        const labels = ids.map((id, i) => done[i]
            ? [{namespace: "dash_html_components", type: "I",
                props: {className: "bi bi-check2-circle me-1"}}, "Completed ✓"]
            : "Mark " + (find(id.slug).kind || "stage") + " complete");
        return [labels, done.map((d) => !d)];
    }"""

# Flip the page's entry in the progress document (under "stages" or "topics", wherever the
# shell's sanitize() filed it). The shell's sync_progress repairs whatever is stored.
clientside_callback(
    TOGGLE_COMPLETE_JS,
    Output("progress", "data", allow_duplicate=True),
    Input({"type": "complete-button", "slug": ALL}, "n_clicks"),
    State("progress", "data"),
    prevent_initial_call=True,
)

# The button shows what is stored: "Completed ✓" (solid) or "Mark stage complete".
clientside_callback(
    RENDER_COMPLETE_JS,
    Output({"type": "complete-button", "slug": ALL}, "children"),
    Output({"type": "complete-button", "slug": ALL}, "outline"),
    Input("progress", "data"),
    State({"type": "complete-button", "slug": ALL}, "id"),
)
