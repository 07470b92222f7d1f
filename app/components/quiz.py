"""A stage's quiz: pick answers, check them, see explanations; the best score is kept."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, html, no_update

from app.content import get_content
from app.state import progress


def quiz_card(slug: str) -> dbc.Card | None:
    questions = get_content().stage(slug).quiz
    if not questions:
        return None
    items = []
    for i, q in enumerate(questions):
        items.append(
            html.Fieldset(
                [
                    html.Legend(f"{i + 1}. {q.question}", className="quiz-question"),
                    dbc.RadioItems(
                        id={"type": "quiz-answer", "slug": slug, "q": i},
                        options=[{"label": o, "value": j} for j, o in enumerate(q.options)],
                        className="quiz-options",
                    ),
                    html.Div(id={"type": "quiz-feedback", "slug": slug, "q": i}),
                ],
                className="mb-3",
            )
        )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(
                    [html.I(className="bi bi-patch-question me-2"), "Check your understanding"],
                    className="h5 mb-0",
                )
            ),
            dbc.CardBody(
                [
                    *items,
                    dbc.Button(
                        "Check answers", id={"type": "quiz-check", "slug": slug}, color="primary"
                    ),
                    html.Div(
                        id={"type": "quiz-score", "slug": slug}, className="mt-2", role="status"
                    ),
                ]
            ),
        ],
        className="mb-4 quiz-card",
        id="quiz",
    )


def grade(slug: str, answers: list) -> tuple[int, list[tuple[bool | None, str]]]:
    """Score the answers; per question (correct or None if unanswered, explanation)."""
    questions = get_content().stage(slug).quiz
    results = []
    correct = 0
    for q, a in zip(questions, answers, strict=False):
        if a is None:
            results.append((None, "Pick an answer first."))
            continue
        ok = a == q.answer
        correct += ok
        prefix = "Correct. " if ok else f"Not quite: the answer is “{q.options[q.answer]}”. "
        results.append((ok, prefix + q.explanation))
    return correct, results


@callback(
    Output({"type": "quiz-feedback", "slug": MATCH, "q": ALL}, "children"),
    Output({"type": "quiz-score", "slug": MATCH}, "children"),
    Input({"type": "quiz-check", "slug": MATCH}, "n_clicks"),
    State({"type": "quiz-answer", "slug": MATCH, "q": ALL}, "value"),
    prevent_initial_call=True,
)
def check_quiz(_n, answers):
    slug = dash.ctx.triggered_id["slug"]
    correct, results = grade(slug, answers)
    feedback = []
    for ok, text in results:
        color = "secondary" if ok is None else ("success" if ok else "danger")
        feedback.append(html.Div(text, className=f"small text-{color} mt-1"))
    return feedback, score_text(correct, results)


def score_text(correct: int, results: list) -> html.Strong:
    """The score once every question has an answer; until then, how many are left."""
    left = sum(ok is None for ok, _ in results)
    if left == len(results):
        return html.Strong("Pick an answer to each question, then check.")
    if left:
        return html.Strong(
            f"{correct} of {len(results) - left} answered so far are right; "
            f"{left} question{'s' if left > 1 else ''} still to answer."
        )
    return html.Strong(f"You got {correct} of {len(results)} right.")


@callback(
    Output("progress", "data", allow_duplicate=True),
    Input({"type": "quiz-check", "slug": ALL}, "n_clicks"),
    State({"type": "quiz-answer", "slug": ALL, "q": ALL}, "value"),
    State("progress", "data"),
    prevent_initial_call=True,
)
def save_quiz_score(clicks, answers, raw):
    if not dash.ctx.triggered_id or not any(clicks):
        return no_update
    slug = dash.ctx.triggered_id["slug"]
    correct, results = grade(slug, answers)
    if any(ok is None for ok, _ in results):
        return no_update  # only a complete attempt counts
    doc = progress.sanitize(raw, get_content().slugs)
    return progress.record_quiz(doc, slug, correct / len(results))
