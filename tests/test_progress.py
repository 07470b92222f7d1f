"""The progress document: sanitize() repairs anything the browser hands back."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.state import progress

SLUGS = [
    "overview",
    "data-collection",
    "data-preprocessing",
    "model-architecture",
    "training",
    "fine-tuning",
    "evaluation",
    "deployment",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(max_size=20) | st.sampled_from(SLUGS + ["stages", "version"]),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)
entries = st.fixed_dictionaries(
    {},
    optional={
        "visited": json_values | st.booleans(),
        "completed": json_values | st.booleans(),
        "quiz_best": json_values | st.floats(0, 1),
    },
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "version": json_values,
        "stages": st.dictionaries(
            st.sampled_from(SLUGS) | st.text(max_size=12), entries | json_values, max_size=12
        ),
        "last_stage": st.sampled_from(SLUGS) | json_values,
    },
)


def is_valid(doc) -> bool:
    json.dumps(doc)  # must be storable
    assert doc["version"] == progress.VERSION
    assert list(doc["stages"]) == SLUGS
    for entry in doc["stages"].values():
        assert set(entry) == {"visited", "completed", "quiz_best"}
        assert isinstance(entry["visited"], bool) and isinstance(entry["completed"], bool)
        assert not entry["completed"] or entry["visited"]
        assert entry["quiz_best"] is None or 0 <= entry["quiz_best"] <= 1
    assert doc["last_stage"] is None or doc["last_stage"] in SLUGS
    return True


@settings(max_examples=300)
@given(json_values | documents)
def test_sanitize_always_returns_a_valid_document(raw):
    assert is_valid(progress.sanitize(raw, SLUGS))


@settings(max_examples=300)
@given(documents)
def test_sanitize_keeps_every_valid_entry(raw):
    doc = progress.sanitize(raw, SLUGS)
    stages = raw.get("stages")
    if not isinstance(stages, dict):
        return
    for slug, entry in stages.items():
        if slug not in SLUGS or not isinstance(entry, dict):
            continue
        if entry.get("completed") is True:
            assert doc["stages"][slug]["completed"] is True
        if entry.get("visited") is True:
            assert doc["stages"][slug]["visited"] is True
        score = entry.get("quiz_best")
        if type(score) is float and 0 <= score <= 1:
            assert doc["stages"][slug]["quiz_best"] == score


@given(json_values | documents)
def test_sanitize_is_idempotent(raw):
    once = progress.sanitize(raw, SLUGS)
    assert progress.sanitize(once, SLUGS) == once


def test_completed_implies_visited_and_unknown_stages_are_dropped():
    doc = progress.sanitize(
        {
            "version": 1,
            "stages": {"training": {"completed": True}, "hacking": {"completed": True}},
            "last_stage": "hacking",
        },
        SLUGS,
    )
    assert doc["stages"]["training"] == {"visited": True, "completed": True, "quiz_best": None}
    assert "hacking" not in doc["stages"]
    assert doc["last_stage"] is None


def test_version_0_lists_are_migrated():
    doc = progress.sanitize({"completed": ["overview"], "visited": ["training", 3]}, SLUGS)
    assert progress.status(doc, "overview") == "completed"
    assert progress.status(doc, "training") == "in-progress"
    assert progress.status(doc, "evaluation") == "not-started"


def test_updates_mark_visit_complete_undo_and_keep_the_best_quiz_score():
    doc = progress.empty(SLUGS)
    doc = progress.mark_visited(doc, "training")
    assert doc["last_stage"] == "training"
    doc = progress.set_completed(doc, "training", True)
    assert progress.completed_count(doc) == 1
    doc = progress.set_completed(doc, "training", False)
    assert progress.status(doc, "training") == "in-progress"
    doc = progress.record_quiz(doc, "overview", 0.5)
    doc = progress.record_quiz(doc, "overview", 0.25)
    assert doc["stages"]["overview"]["quiz_best"] == 0.5


def test_continue_points_at_the_last_unfinished_stage_else_the_first_not_done():
    doc = progress.empty(SLUGS)
    assert progress.continue_slug(doc, SLUGS) == "overview"
    doc = progress.mark_visited(doc, "training")
    assert progress.continue_slug(doc, SLUGS) == "training"
    doc = progress.set_completed(doc, "training", True)
    assert progress.continue_slug(doc, SLUGS) == "overview"
