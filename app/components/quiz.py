"""A stage's quiz: pick or type answers, check them, see explanations that link to the
section that teaches each one; the best score is kept."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, html, no_update

from app.components.relay import QUIZ_PRESSED
from app.content import QuizQuestion, get_content
from app.core.text import heading_anchor
from app.state import progress
from app.validation import InputError, parse_number

MAX_ANSWER_CHARS = 30  # a typed number; anything longer is not one


def answer_input(slug: str, i: int, q: QuizQuestion):
    """Radio buttons for a multiple-choice question; a number box for a numeric one."""
    qid = {"type": "quiz-answer", "slug": slug, "q": i}
    if not q.is_numeric:
        return dbc.RadioItems(
            id=qid,
            options=[{"label": o, "value": j} for j, o in enumerate(q.options)],
            className="quiz-options",
        )
    box = dbc.Input(
        id=qid,
        type="text",
        inputMode="decimal",
        maxLength=MAX_ANSWER_CHARS,
        placeholder="Type a number",
        autoComplete="off",
    )
    name = f"Question {i + 1}: your answer" + (f" in {q.unit}" if q.unit else "")
    parts = [box, dbc.InputGroupText(q.unit)] if q.unit else [box]
    # The input sits inside its <label>, which names it for screen readers (a pattern-
    # matching id cannot be pointed at by html_for).
    return html.Label(
        [html.Span(name, className="visually-hidden"), dbc.InputGroup(parts)],
        className="quiz-number d-block",
    )


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
                    answer_input(slug, i, q),
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


def is_right(q: QuizQuestion, answer) -> bool | None:
    """True/False, or None when there is no usable answer yet (raises InputError with a
    sentence for a typed answer that is not a number)."""
    if not q.is_numeric:
        return None if answer is None else answer == q.answer
    if answer is None or str(answer).strip() == "":
        return None
    value = parse_number(str(answer)[:MAX_ANSWER_CHARS], "Your answer")
    return abs(value - q.number) <= q.tolerance + 1e-9 * abs(q.number)


def grade(slug: str, answers: list) -> tuple[int, list[tuple[bool | None, str]]]:
    """Score the answers; per question (correct or None if unanswered, explanation)."""
    questions = get_content().stage(slug).quiz
    results = []
    correct = 0
    for q, a in zip(questions, answers, strict=False):
        try:
            ok = is_right(q, a)
        except InputError as err:
            results.append((None, f"{err} Type digits, e.g. 12.5 or 3e9."))
            continue
        if ok is None:
            results.append(
                (None, "Type a number first." if q.is_numeric else "Pick an answer first.")
            )
            continue
        correct += ok
        written = q.options[q.answer]
        prefix = "Correct. " if ok else f"Not quite: the answer is “{written}”. "
        results.append((ok, prefix + q.explanation))
    return correct, results


def section_link(link: str):
    """'Read: <section title>' for a '/slug#anchor' link, or None."""
    if not link:
        return None
    path, _, frag = link.partition("#")
    title = "the section"
    try:
        stage = get_content().stage(path.strip("/"))
        title = next((s.title for s in stage.sections if heading_anchor(s.title) == frag), title)
    except KeyError:
        pass
    return html.A(
        [html.I(className="bi bi-book me-1"), f"Read: {title}"],
        href=link,
        className="quiz-read ms-1",
    )


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
    questions = get_content().stage(slug).quiz
    feedback = []
    for q, (ok, text) in zip(questions, results, strict=False):
        color = "secondary" if ok is None else ("success" if ok else "danger")
        link = section_link(q.link) if ok is not None else None
        feedback.append(html.Div([text, link], className=f"small text-{color} mt-1"))
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


# Which quiz was just checked, relayed to the shell as {"slug": ...} (see app.components.relay).
clientside_callback(
    """function(clicks) {
        const t = (window.dash_clientside.callback_context.triggered || [])[0];
        if (!t || !t.value) { return window.dash_clientside.no_update; }
        const id = JSON.parse(t.prop_id.slice(0, t.prop_id.lastIndexOf(".")));
        return {slug: id.slug, n: t.value};
    }""",
    Output(QUIZ_PRESSED, "data"),
    Input({"type": "quiz-check", "slug": ALL}, "n_clicks"),
)


@callback(
    Output("progress", "data", allow_duplicate=True),
    Input(QUIZ_PRESSED, "data"),
    State({"type": "quiz-answer", "slug": ALL, "q": ALL}, "value"),
    State("progress", "data"),
    prevent_initial_call=True,
)
def save_quiz_score(pressed, answers, raw):
    slug = pressed.get("slug") if isinstance(pressed, dict) else None
    if not isinstance(slug, str) or slug not in {p.slug for p in get_content().pages}:
        return no_update
    correct, results = grade(slug, answers)
    if any(ok is None for ok, _ in results):
        return no_update  # only a complete attempt counts
    doc = progress.sanitize(raw, get_content().slugs)
    return progress.record_quiz(doc, slug, correct / len(results))
