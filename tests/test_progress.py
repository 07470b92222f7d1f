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

TOPICS = list(progress.TOPIC_SLUGS)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(max_size=20)
            | st.sampled_from(SLUGS + TOPICS + ["stages", "topics", "version", "last_page"]),
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
pages = st.sampled_from(SLUGS + TOPICS) | st.text(max_size=12)
# Version 1 documents: the pipeline only, and "last_stage".
v1_documents = st.fixed_dictionaries(
    {},
    optional={
        "version": json_values,
        "stages": st.dictionaries(pages, entries | json_values, max_size=12),
        "last_stage": st.sampled_from(SLUGS) | json_values,
    },
)
v2_documents = st.fixed_dictionaries(
    {},
    optional={
        "version": json_values,
        "stages": st.dictionaries(pages, entries | json_values, max_size=12),
        "topics": st.dictionaries(pages, entries | json_values, max_size=12),
        "last_page": st.sampled_from(SLUGS + TOPICS) | json_values,
    },
)
documents = v1_documents | v2_documents


def is_valid(doc) -> bool:
    json.dumps(doc)  # must be storable
    assert doc["version"] == progress.VERSION
    assert list(doc["stages"]) == SLUGS
    assert list(doc["topics"]) == TOPICS
    for entry in [*doc["stages"].values(), *doc["topics"].values()]:
        assert set(entry) == {"visited", "completed", "quiz_best"}
        assert isinstance(entry["visited"], bool) and isinstance(entry["completed"], bool)
        assert not entry["completed"] or entry["visited"]
        assert entry["quiz_best"] is None or 0 <= entry["quiz_best"] <= 1
    assert doc["last_page"] is None or doc["last_page"] in SLUGS + TOPICS
    assert set(doc) == {"version", "stages", "topics", "last_page"}
    return True


@settings(max_examples=300)
@given(json_values | documents)
def test_sanitize_always_returns_a_valid_document(raw):
    assert is_valid(progress.sanitize(raw, SLUGS))


@settings(max_examples=400)
@given(documents)
def test_sanitize_migrates_every_older_document_keeping_everything_valid(raw):
    """Version 1 and 2 documents (and tampered mixes): every valid entry survives, in its
    own track, whichever track the document filed it under."""
    doc = progress.sanitize(raw, SLUGS)
    for track in ("stages", "topics"):
        filed = raw.get(track)
        if not isinstance(filed, dict):
            continue
        for slug, entry in list(filed.items())[: progress.MAX_KEYS_SCANNED]:
            if slug not in SLUGS + TOPICS or not isinstance(entry, dict):
                continue
            kept = progress.entry(doc, slug)
            if entry.get("completed") is True:
                assert kept["completed"] is True
            if entry.get("visited") is True:
                assert kept["visited"] is True
            score = entry.get("quiz_best")
            if type(score) is float and 0 <= score <= 1:
                assert kept["quiz_best"] >= score
    last = raw.get("last_page", raw.get("last_stage"))
    if isinstance(last, str) and last in SLUGS + TOPICS:
        assert doc["last_page"] == last


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
    assert doc["last_page"] is None


def test_a_version_1_document_becomes_version_2_with_nothing_lost():
    v1 = {
        "version": 1,
        "stages": {"training": {"visited": True, "completed": True, "quiz_best": 0.75}},
        "last_stage": "training",
    }
    doc = progress.sanitize(v1, SLUGS)
    assert doc["version"] == 2
    assert doc["stages"]["training"] == {"visited": True, "completed": True, "quiz_best": 0.75}
    assert doc["last_page"] == "training"
    assert all(
        e == {"visited": False, "completed": False, "quiz_best": None}
        for e in doc["topics"].values()
    )


def test_topics_are_tracked_and_counted_apart_from_the_stages():
    doc = progress.empty(SLUGS)
    doc = progress.mark_visited(doc, "rag")
    doc = progress.set_completed(doc, "rag", True)
    doc = progress.record_quiz(doc, "rag", 0.5)
    assert doc["topics"]["rag"] == {"visited": True, "completed": True, "quiz_best": 0.5}
    assert doc["last_page"] == "rag"
    assert progress.completed_count(doc) == 0  # the pipeline's count
    assert progress.completed_count(doc, TOPICS) == 1
    # a topic filed under "stages" by a tampered document moves to its own track
    moved = progress.sanitize({"stages": {"rag": {"completed": True}}}, SLUGS)
    assert moved["topics"]["rag"]["completed"] is True and "rag" not in moved["stages"]


def test_version_0_lists_are_migrated():
    doc = progress.sanitize({"completed": ["overview"], "visited": ["training", 3]}, SLUGS)
    assert progress.status(doc, "overview") == "completed"
    assert progress.status(doc, "training") == "in-progress"
    assert progress.status(doc, "evaluation") == "not-started"


def test_updates_mark_visit_complete_undo_and_keep_the_best_quiz_score():
    doc = progress.empty(SLUGS)
    doc = progress.mark_visited(doc, "training")
    assert doc["last_page"] == "training"
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
