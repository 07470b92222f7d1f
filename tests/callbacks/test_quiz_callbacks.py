"""Typed-number quiz questions: right within the tolerance, a clear word for non-numbers,
and feedback that links to the section that teaches the answer."""

from __future__ import annotations

from dash import stringify_id

from app.components import quiz
from app.content import get_content
from app.core.text import heading_anchor

STAGE = next(s for s in get_content().stages if any(q.is_numeric for q in s.quiz))
QI = next(i for i, q in enumerate(STAGE.quiz) if q.is_numeric)
Q = STAGE.quiz[QI]


def answers_with(value) -> list:
    out = [None] * len(STAGE.quiz)
    out[QI] = value
    return out


def test_a_typed_number_within_the_tolerance_is_right():
    for typed in (str(Q.number), str(Q.number + 0.9 * Q.tolerance), f" {Q.number} "):
        correct, results = quiz.grade(STAGE.slug, answers_with(typed))
        assert correct == 1 and results[QI][0] is True


def test_a_typed_number_outside_the_tolerance_is_wrong_and_shows_the_answer():
    wrong = Q.number + Q.tolerance + max(1.0, abs(Q.number))
    correct, results = quiz.grade(STAGE.slug, answers_with(str(wrong)))
    assert correct == 0 and results[QI][0] is False
    assert Q.options[0] in results[QI][1]


def test_text_that_is_not_a_number_gets_a_plain_message_and_does_not_count():
    correct, results = quiz.grade(STAGE.slug, answers_with("about ten"))
    ok, text = results[QI]
    assert ok is None and correct == 0 and "is not a number" in text


def test_the_number_box_is_labelled_and_length_capped():
    card = quiz.quiz_card(STAGE.slug)
    label = card.children[1].children[QI].children[1]
    name, group = label.children
    assert group.children[0].maxLength == quiz.MAX_ANSWER_CHARS
    assert name.children.startswith(f"Question {QI + 1}: your answer")


def test_feedback_links_each_answer_to_the_section_that_teaches_it():
    from contextvars import copy_context

    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    answers = [str(q.number) if q.is_numeric else q.answer for q in STAGE.quiz]
    prop = stringify_id({"type": "quiz-check", "slug": STAGE.slug}) + ".n_clicks"

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))
        return quiz.check_quiz(1, answers)

    feedback, score = copy_context().run(call)
    assert score.children == f"You got {len(answers)} of {len(answers)} right."
    links = [div.children[1] for div in feedback]
    assert [a.href for a in links] == [q.link for q in STAGE.quiz]
    first = next(
        s.title for s in STAGE.sections if STAGE.quiz[0].link.endswith(heading_anchor(s.title))
    )
    assert links[0].children[1] == f"Read: {first}"
