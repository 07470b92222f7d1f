"""Shell callbacks called as plain functions: progress repair, visits, completion, reset."""

from __future__ import annotations

from contextvars import copy_context

import pytest
from dash import stringify_id
from dash._callback_context import context_value
from dash._utils import AttributeDict

from app.components import quiz, shell, stage_page
from app.content import get_content
from app.state import progress
from tests.helpers import run_clientside

SLUGS = get_content().slugs


def run_triggered(func, triggered_id, *args):
    """Call a callback as Dash would after `triggered_id` fired."""
    prop = f"{stringify_id(triggered_id)}.n_clicks"

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))
        return func(*args)

    return copy_context().run(call)


@pytest.mark.parametrize("raw", [None, "garbage", [1, 2], {"version": 9, "stages": 5}])
def test_sync_repairs_garbage_and_records_the_visit(raw):
    doc, *sidebar = shell.sync_progress("/training", raw)
    assert sidebar == shell.sidebar_view(doc)  # the sidebar shows the repaired document
    assert doc["version"] == progress.VERSION
    assert doc["stages"]["training"]["visited"] is True
    assert doc["last_page"] == "training"


def test_sync_writes_nothing_when_the_document_is_already_right():
    doc = progress.mark_visited(progress.empty(SLUGS), "training")
    assert shell.sync_progress("/training", doc)[0] is shell.no_update
    assert shell.sync_progress("/glossary", doc)[0] is shell.no_update


def test_sidebar_shows_each_status_and_the_overall_count():
    doc = progress.set_completed(progress.empty(SLUGS), "overview", True)
    doc = progress.mark_visited(doc, "training")
    stored, *out = shell.sync_progress("/glossary", doc)
    assert stored is shell.no_update
    icons = dict(zip(SLUGS, out[: len(SLUGS)], strict=True))
    assert "status-completed" in icons["overview"]
    assert "status-in-progress" in icons["training"]
    assert "status-not-started" in icons["deployment"]
    n_pages = len(get_content().page_slugs)  # icons and titles of every page come first
    assert out[2 * n_pages : 2 * n_pages + 2] == [
        round(100 / len(SLUGS)),
        f"1 of {len(SLUGS)} stages completed",
    ]
    topics = get_content().topic_slugs
    if topics:  # the topics have their own bar and count
        assert out[-2:] == [0, f"0 of {len(topics)} topics completed"]


def test_mark_complete_toggles_and_keeps_other_stages():
    start = progress.set_completed(progress.empty(SLUGS), "overview", True)
    button = {"type": "complete-button", "slug": "training"}
    done = run_clientside(stage_page.TOGGLE_COMPLETE_JS, [1], start, triggered_id=button)
    assert done["stages"]["training"]["completed"] is True
    assert progress.sanitize(done, SLUGS)["stages"]["overview"]["completed"] is True
    undone = run_clientside(stage_page.TOGGLE_COMPLETE_JS, [2], done, triggered_id=button)
    assert undone["stages"]["training"]["completed"] is False


def test_mark_complete_of_a_topic_is_filed_under_topics():
    start = progress.empty(SLUGS)
    button = {"type": "complete-button", "slug": "rag"}
    done = run_clientside(stage_page.TOGGLE_COMPLETE_JS, [1], start, triggered_id=button)
    assert progress.sanitize(done, SLUGS)["topics"]["rag"]["completed"] is True


def test_mark_complete_survives_a_tampered_store():
    button = {"type": "complete-button", "slug": "training"}
    for raw in ({"stages": "nonsense"}, None, [1, 2], {"stages": {"training": "yes"}}):
        doc = run_clientside(stage_page.TOGGLE_COMPLETE_JS, [1], raw, triggered_id=button)
        assert progress.sanitize(doc, SLUGS)["stages"]["training"]["completed"] is True


def test_the_complete_button_shows_what_is_stored():
    doc = progress.set_completed(progress.empty(SLUGS), "training", True)
    ids = [{"type": "complete-button", "slug": s} for s in ("training", "overview", "rag")]
    labels, outline = run_clientside(stage_page.RENDER_COMPLETE_JS, doc, ids)
    assert labels[0][1] == "Completed ✓" and outline == [False, True, True]
    assert labels[1:] == ["Mark stage complete", "Mark topic complete"]


def test_mark_complete_runs_in_the_browser_with_no_server_round_trip(guide_app):
    callbacks = guide_app._callback_list  # what the app sends the browser, clientside or not
    touching = [c for c in callbacks if "complete-button" in str(c["output"])]
    touching += [c for c in callbacks if any("complete-button" in str(i) for i in c["inputs"])]
    assert touching and all("clientside_function" in c for c in touching)


def test_reset_opens_a_confirmation_first_and_only_confirm_clears():
    assert run_triggered(shell.reset_progress, "reset-open", 1, None, None) == (
        True,
        shell.no_update,
    )
    assert run_triggered(shell.reset_progress, "reset-cancel", 1, 1, None) == (
        False,
        shell.no_update,
    )
    is_open, doc = run_triggered(shell.reset_progress, "reset-confirm", 1, 1, 1)
    assert is_open is False and doc == progress.empty(SLUGS)


def right_answers(stage) -> list:
    """What a learner who knows everything enters: the right option, or the number typed."""
    return [str(q.number) if q.is_numeric else q.answer for q in stage.quiz]


def test_quiz_grading_counts_right_answers_and_explains_each():
    stage = next(s for s in get_content().stages if s.quiz)
    answers = right_answers(stage)
    answers[0] = (answers[0] + 1) % len(stage.quiz[0].options)
    correct, results = quiz.grade(stage.slug, answers)
    assert correct == len(answers) - 1
    assert results[0][0] is False and "Not quite" in results[0][1]
    assert all(ok for ok, _ in results[1:])


def test_the_quiz_score_waits_for_every_answer():
    stage = next(s for s in get_content().stages if len(s.quiz) >= 2)
    n = len(stage.quiz)
    _, results = quiz.grade(stage.slug, [None] * n)
    assert quiz.score_text(0, results).children == "Pick an answer to each question, then check."
    first_only = right_answers(stage)[:1] + [None] * (n - 1)
    correct, results = quiz.grade(stage.slug, first_only)
    text = quiz.score_text(correct, results).children
    assert text.startswith("1 of 1 answered so far are right") and f"{n - 1} question" in text
    correct, results = quiz.grade(stage.slug, right_answers(stage))
    assert quiz.score_text(correct, results).children == f"You got {n} of {n} right."


def test_an_incomplete_quiz_attempt_is_not_recorded():
    stage = next(s for s in get_content().stages if s.quiz)
    answers = [None] * len(stage.quiz)
    out = quiz.save_quiz_score({"slug": stage.slug, "n": 1}, answers, progress.empty(SLUGS))
    assert out is quiz.no_update


def test_a_complete_quiz_attempt_is_recorded_and_a_forged_press_is_ignored():
    stage = next(s for s in get_content().stages if s.quiz)
    doc = quiz.save_quiz_score(
        {"slug": stage.slug, "n": 1}, right_answers(stage), progress.empty(SLUGS)
    )
    assert doc["stages"][stage.slug]["quiz_best"] == 1.0
    for forged in (None, {}, {"slug": "nope"}, {"slug": ["x"]}, "overview"):
        assert quiz.save_quiz_score(forged, right_answers(stage), None) is quiz.no_update
