"""Dashboard: the pipeline map, progress per track, where to continue, and a card per stage
and per "Beyond the pipeline" topic."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, clientside_callback, dcc, html

from app.components import progress_io
from app.components.progress_widgets import overall_bar, progress_text, status_badge
from app.config import TITLE
from app.content import get_content
from app.figures.pipeline import pipeline_map
from app.figures.theme import GRAPH_CONFIG
from app.state import progress

dash.register_page(__name__, path="/", title=TITLE, name="Dashboard", order=0)

MAP_COLUMNS = {"wide": 4, "narrow": 2}  # the map re-flows into two columns on a phone


def _map_items(doc: dict) -> list[dict]:
    return [
        {
            "number": s.number,
            "title": s.title,
            "path": s.path,
            "status": progress.status(doc, s.slug),
        }
        for s in get_content().stages
    ]


def stage_card(stage) -> dbc.Col:
    return dbc.Col(
        dcc.Link(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(
                            [
                                html.Span(stage.number, className="stage-card-num"),
                                html.I(className=f"bi {stage.icon} fs-4 text-primary"),
                            ],
                            className="d-flex justify-content-between align-items-center mb-2",
                        ),
                        html.H3(stage.title, className="h6 mb-1"),
                        html.P(stage.summary, className="small text-muted mb-2"),
                        html.Div(
                            [
                                status_badge("not-started"),
                                html.Span(className="quiz-best small text-muted ms-2"),
                            ],
                            id=f"home-status-{stage.slug}",
                        ),
                    ]
                ),
                className="stage-card h-100",
            ),
            href=stage.path,
            className="text-decoration-none text-reset",
        ),
        xs=12,
        sm=6,
        xl=3,
        className="mb-3",
    )


def _topics_bar(topics) -> list:
    if not topics:
        return []
    return [
        html.Div("Beyond the pipeline", className="small fw-semibold mt-3"),
        *overall_bar(0, len(topics), "home-topics-progress", "topics"),
    ]


def _topics_section(topics) -> list:
    if not topics:
        return []
    return [
        html.Div(
            [
                html.H2("Beyond the pipeline", className="h5 mb-1"),
                html.P(
                    "What people do with and around a trained model: the same kind of labs, "
                    "on our own tiny models and shipped data.",
                    className="text-muted small mb-2",
                ),
            ],
            className="mt-2",
        ),
        dbc.Row([stage_card(t) for t in topics]),
    ]


def layout(**_):
    content = get_content()
    empty = progress.empty(content.slugs)
    graph = {"config": {**GRAPH_CONFIG, "displayModeBar": False}}
    return html.Div(
        [
            html.Div(
                [
                    html.H1(TITLE, className="home-title"),
                    html.P(
                        "Build a large language model from raw text to a served chatbot, one "
                        "stage at a time. Every stage is a lab: you clean a made-up crawl of "
                        "labelled web pages (generated here from templates) and train "
                        "a tokenizer, size real models, plan compute and memory, then train a "
                        "tiny GPT live, fine-tune it, measure it and serve it.",
                        className="lead",
                    ),
                ],
                className="home-hero mb-4",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.H2("Your progress", className="h6 text-muted"),
                                    html.Div("The pipeline", className="small fw-semibold"),
                                    *overall_bar(0, len(content.stages), "home-progress"),
                                    *_topics_bar(content.topics),
                                    progress_io.controls(),
                                ]
                            ),
                            className="h-100",
                        ),
                        md=6,
                        className="mb-3",
                    ),
                    dbc.Col(
                        dbc.Card(dbc.CardBody(id="home-continue"), className="h-100"),
                        md=6,
                        className="mb-3",
                    ),
                ]
            ),
            dbc.Card(
                [
                    dbc.CardHeader(html.H2("The pipeline", className="h6 mb-0")),
                    dbc.CardBody(
                        [
                            # One chart: the browser picks the wide or the narrow map
                            # (drawing both, one hidden, cost a second Plotly drawing).
                            dcc.Graph(
                                id="home-map",
                                figure=pipeline_map(_map_items(empty), columns=MAP_COLUMNS["wide"]),
                                **graph,
                            ),
                            dcc.Store(id="home-map-figures"),
                            html.Div(
                                "Click a stage to open it. Colours show your progress: "
                                "grey not started, amber in progress, green completed.",
                                className="small text-muted",
                            ),
                        ]
                    ),
                ],
                className="mb-4",
            ),
            html.H2("Stages", className="h5 mb-3"),
            dbc.Row([stage_card(s) for s in content.stages]),
            *_topics_section(content.topics),
        ],
        className="home-page",
    )


def _outputs() -> list:
    content = get_content()
    outputs = [
        Output("home-progress-bar", "value"),
        Output("home-progress-text", "children"),
        Output("home-continue", "children"),
        Output("home-map-figures", "data"),
    ]
    outputs += [Output(f"home-status-{s}", "children") for s in content.page_slugs]
    if content.topics:
        outputs += [
            Output("home-topics-progress-bar", "value"),
            Output("home-topics-progress-text", "children"),
        ]
    return outputs


def _status_line(doc: dict, slug: str) -> list:
    """A page's badge, and its best quiz score when the learner has one."""
    best = progress.entry(doc, slug)["quiz_best"]
    score = f"best quiz score {best:.0%}" if best is not None else ""
    return [
        status_badge(progress.status(doc, slug)),
        html.Span(score, className="quiz-best small text-muted ms-2"),
    ]


@callback(_outputs(), Input("progress", "data"))
def render_dashboard(raw):
    content = get_content()
    doc = progress.sanitize(raw, content.slugs)
    done = progress.completed_count(doc, content.slugs)
    total = len(content.slugs)
    last = doc["last_page"]
    # Continue in the track the learner was last in; the pipeline when in doubt.
    track = content.topic_slugs if last in content.topic_slugs else content.slugs
    nxt = content.stage(progress.continue_slug(doc, track))
    if done == total and track is content.slugs:
        heading, action = "All eight stages completed. Well done!", "Revisit"
    elif last is None and done == 0:
        heading, action = "Start here", "Start"
    else:
        heading, action = "Continue where you left off", "Continue"
    cont = [
        html.H2(heading, className="h6 text-muted"),
        html.Div(
            [
                html.Strong(f"{nxt.number} {nxt.title}"),
                html.Div(nxt.summary, className="small text-muted mb-2"),
            ]
        ),
        dcc.Link(
            [f"{action}: {nxt.title}", html.I(className="bi bi-arrow-right ms-1")],
            href=nxt.path,
            className="btn btn-primary btn-sm",
            id="home-continue-link",
        ),
    ]
    items = _map_items(doc)
    out = [
        round(100 * done / total),
        progress_text(done, total),
        cont,
        {width: pipeline_map(items, columns=n) for width, n in MAP_COLUMNS.items()},
        *[_status_line(doc, s) for s in content.page_slugs],
    ]
    if content.topics:
        n = len(content.topics)
        topics_done = progress.completed_count(doc, content.topic_slugs)
        out += [round(100 * topics_done / n), progress_text(topics_done, n, "topics")]
    return out


# The map for this screen: two columns on a phone (Bootstrap's md breakpoint, 768 px).
clientside_callback(
    """function(figures) {
        if (!figures) return window.dash_clientside.no_update;
        return window.matchMedia("(min-width: 768px)").matches ? figures.wide : figures.narrow;
    }""",
    Output("home-map", "figure"),
    Input("home-map-figures", "data"),
    prevent_initial_call=True,
)

# Clicking a stage on the map opens it (in the browser: no server round trip).
clientside_callback(
    """function(click) {
        const point = click && click.points && click.points[0];
        return point && point.customdata ? point.customdata : window.dash_clientside.no_update;
    }""",
    Output("url", "pathname", allow_duplicate=True),
    Input("home-map", "clickData"),
    prevent_initial_call=True,
)
