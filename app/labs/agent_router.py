"""Agents lab: a learned router. Logistic regression on TF-IDF, trained on requests
written for this guide, picks the tool; held-out accuracy and confusion matrix, and the
scores for a request the learner types."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error
from app.components.lab_card import lab_card, stat
from app.config import settings
from app.core.agents.router import MAX_REQUEST_CHARS, train_router
from app.figures.agents import confusion_figure, scores_figure
from app.figures.theme import GRAPH_CONFIG, message_figure

LAB = "agent_router"
DEFAULT_REQUEST = "Will Mistral 7B in 4-bit fit on my 24 GB card with 8k context?"


def scores_view(request):
    text = str(request or "").strip()
    if not text:
        message = "Type a request to see which tool the router picks."
        return field_error(message), message_figure(message, height=280), None
    if len(text) > MAX_REQUEST_CHARS:
        message = f"Request: at most {MAX_REQUEST_CHARS} characters."
        return field_error(message), message_figure(message, height=280), None
    router = train_router(str(settings.content_dir))
    scores = router.scores(text)
    best, p = scores[0]
    verdict = html.Div(
        [html.Span("Router picks "), html.Code(best), html.Span(f" with probability {p:.0%}.")],
        className="small",
    )
    return None, scores_figure(scores), verdict


def layout():
    router = train_router(str(settings.content_dir))
    error, fig, verdict = scores_view(DEFAULT_REQUEST)
    graph = {**GRAPH_CONFIG, "displayModeBar": False}
    mistakes = [
        html.Li([html.Q(text), f" — true: {true}, picked: {picked}"])
        for text, true, picked in router.mistakes
    ]
    body = html.Div(
        [
            html.Div(
                [
                    stat("Training requests", f"{router.n_train}"),
                    stat("Held out", f"{router.n_test}"),
                    stat("Held-out accuracy", f"{router.accuracy:.0%}"),
                    stat("Tools", f"{len(router.labels)}"),
                ],
                className="stat-row my-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            figure=confusion_figure(router.confusion, router.labels), config=graph
                        ),
                        xs=12,
                        lg=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("A request", html_for=f"{LAB}-request", className="small"),
                            dbc.Input(
                                id=f"{LAB}-request",
                                value=DEFAULT_REQUEST,
                                maxLength=MAX_REQUEST_CHARS,
                                debounce=True,
                                size="sm",
                            ),
                            html.Div(error, id=f"{LAB}-error", className="mt-1"),
                            html.Div(verdict, id=f"{LAB}-verdict", className="mt-1"),
                            dcc.Graph(id=f"{LAB}-scores", figure=fig, config=graph),
                        ],
                        xs=12,
                        lg=6,
                    ),
                ],
                className="g-3",
            ),
            html.Details(
                [
                    html.Summary(
                        f"The {len(mistakes)} held-out requests it got wrong", className="small"
                    ),
                    html.Ul(mistakes, className="small"),
                ],
                className="mt-2",
            ),
        ]
    )
    return lab_card(
        LAB,
        "A learned router",
        "Before calling a big model, a small classifier can guess which tool a request needs. "
        "This one is logistic regression on TF-IDF word and character n-grams, trained on "
        "requests written for this guide; a quarter of them is held out to test it.",
        body,
        sources=[
            (
                "scikit-learn LogisticRegression",
                "https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression",
            ),
            ("Toolformer (Schick et al. 2023)", "https://arxiv.org/abs/2302.04761"),
        ],
        icon="bi-signpost-split",
    )


@callback(
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-scores", "figure"),
    Output(f"{LAB}-verdict", "children"),
    Input(f"{LAB}-request", "value"),
    prevent_initial_call=True,
)
def update(request):
    return scores_view(request)
