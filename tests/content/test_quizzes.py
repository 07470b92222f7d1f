"""The quizzes test reading, not guessing: 6–8 questions per stage, some typed numbers, the
right option not given away by its length, and every explanation linked to its section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.content import ContentError, load_content
from app.core.text import heading_anchor

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
CONTENT = load_content(ROOT / "content")
STAGES = [s for s in CONTENT.stages if s.order <= 8]


def anchors_of(stage) -> set[str]:
    return {heading_anchor(s.title) for s in stage.sections} | {"worked-example", "quiz"}


def right_is_longest(q) -> bool:
    """The right option is at least as long as every other one (a tie gives it away too)."""
    right = len(q.options[q.answer])
    return all(right >= len(o) for j, o in enumerate(q.options) if j != q.answer)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.slug)
def test_each_stage_has_six_to_eight_questions_some_of_them_numeric(stage):
    assert 6 <= len(stage.quiz) <= 8
    assert any(q.is_numeric for q in stage.quiz), "a stage needs a typed-number question"
    assert any(not q.is_numeric for q in stage.quiz)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.slug)
def test_the_right_answer_is_rarely_the_longest_option(stage):
    choice = [q for q in stage.quiz if not q.is_numeric]
    longest = [q.question for q in choice if right_is_longest(q)]
    assert len(longest) <= len(stage.quiz) / 3, f"the longest option is right in: {longest}"


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.slug)
def test_right_answers_are_spread_over_the_positions(stage):
    positions = [q.answer for q in stage.quiz if not q.is_numeric]
    assert len(set(positions)) >= 3


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.slug)
def test_every_explanation_links_to_a_section_that_exists(stage):
    for q in stage.quiz:
        assert q.link, f"no link for {q.question!r}"
        path, _, frag = q.link.partition("#")
        target = CONTENT.stage(path.strip("/"))
        assert frag in anchors_of(target), f"{q.link} names no heading of {target.slug}"


def test_numeric_answers_are_their_own_written_answer():
    for stage in STAGES:
        for q in (q for q in stage.quiz if q.is_numeric):
            assert q.tolerance >= 0 and len(q.options) == 1


# ---- the loader refuses a malformed question, naming the file -------------------------


@pytest.fixture
def broken(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    return root


NUMERIC = """- question: How many?
  number: {value: 16, tolerance: TOL}
  options: [OPTIONS]
  answer: 0
  explanation: Because.
  link: LINK
"""


@pytest.mark.parametrize(
    ("tol", "options", "link", "message"),
    [
        ("-1", "16 bytes", "/overview#section-x", "'tolerance' must not be negative"),
        ("0", "16 bytes, 12 bytes", "/overview#section-x", "'options' must be one string"),
        ("0", "16 bytes", "https://example.com", "'link' must look like /slug#section-anchor"),
    ],
)
def test_a_malformed_numeric_question_is_refused(broken, tol, options, link, message):
    text = NUMERIC.replace("TOL", tol).replace("OPTIONS", options).replace("LINK", link)
    (broken / "quizzes" / "overview.yaml").write_text(text)
    with pytest.raises(ContentError) as err:
        load_content(broken)
    assert "overview.yaml [0]" in str(err.value) and message in str(err.value)


def test_a_well_formed_numeric_question_loads(broken):
    text = NUMERIC.replace("TOL", "0.5").replace("OPTIONS", "16 bytes")
    (broken / "quizzes" / "overview.yaml").write_text(text.replace("LINK", "/overview#a"))
    q = load_content(broken).stage("overview").quiz[0]
    assert (q.number, q.tolerance, q.is_numeric, q.link) == (16.0, 0.5, True, "/overview#a")


def test_the_tiny_finetune_task_still_reads_every_question():
    """The fine-tuning lab turns quiz questions into question-answer pairs."""
    from app.core.tinylm.finetune import qa_pairs

    stage_sources = {f"quiz: {s.slug}" for s in STAGES}
    pairs = [p for p in qa_pairs(ROOT / "content") if p.source in stage_sources]
    assert len(pairs) == sum(len(s.quiz) for s in STAGES)
    assert any(p.answer.startswith("about 10.82 nats") for p in pairs)
