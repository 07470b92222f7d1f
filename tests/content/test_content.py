"""Every content file loads and validates; mistakes are reported by file and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.content import ContentError, load_content

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
EXPECTED = [
    ("overview", "Overview"),
    ("data-collection", "Data Collection"),
    ("data-preprocessing", "Data Preprocessing"),
    ("model-architecture", "Model Architecture"),
    ("training", "Training"),
    ("fine-tuning", "Fine-Tuning"),
    ("evaluation", "Evaluation"),
    ("deployment", "Deployment"),
]


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT / "content")


def test_the_eight_stages_load_in_pipeline_order(content):
    assert [(s.slug, s.title) for s in content.stages] == EXPECTED
    assert [s.order for s in content.stages] == list(range(1, 9))


def test_every_stage_is_complete(content):
    for s in content.stages:
        assert 4 <= len(s.key_concepts) <= 8, s.slug
        assert len(s.sections) >= 3, s.slug
        assert s.pitfalls and s.sources, s.slug
        assert s.word_count >= 400, f"{s.slug} reads as a stub ({s.word_count} words)"
        assert len(s.quiz) >= 3, f"{s.slug} has no quiz"


def test_every_lab_placed_in_content_exists_and_every_lab_is_placed(content):
    placed = [lab for s in content.pages for lab in s.labs]  # stages and topics
    from app.labs import import_all_labs

    modules = set(import_all_labs())
    assert sorted(set(placed) - modules) == [], "content places labs that do not exist"
    assert sorted(modules - set(placed)) == [], "labs exist that no page shows"
    assert len(placed) == len(set(placed)), "a lab is placed twice"


def test_every_fact_placeholder_is_defined_and_renders(content):
    from app.core.facts import FACTS

    used = set().union(*(s.fact_names() for s in content.stages))
    assert sorted(used - set(FACTS)) == []
    for name in sorted(used):
        value = FACTS[name]()
        assert isinstance(value, str) and value.strip() and "nan" not in value.lower(), name


def test_internal_links_point_at_real_routes(content):
    routes = {"/", "/glossary"} | {s.path for s in content.stages}
    for s in content.stages:
        texts = [s.intro, s.worked_example_body] + [
            b.value for sec in s.sections for b in sec.blocks if b.kind == "markdown"
        ]
        for target in re.findall(r"\]\((/[^)\s#]*)", "\n".join(texts)):
            assert target in routes, f"{s.slug} links to unknown page {target}"


def test_glossary_is_substantial_and_unique(content):
    terms = [e.term.lower() for e in content.glossary]
    assert len(terms) >= 40
    assert len(terms) == len(set(terms)), "a glossary term appears twice"


def test_landmark_models_each_carry_a_source(content):
    rows = content.landmark_models
    assert len(rows) >= 8
    for r in rows:
        assert r["source"] and r["source_url"].startswith("http"), r["model"]
        assert r["params"] > 0 and r["training_tokens"] > 0 and 2017 <= r["year"] <= 2026


# ---- broken files give a clear message naming file and field ------------------------


@pytest.fixture
def broken(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_fixture_itself_is_valid(broken):
    assert len(load_content(broken).stages) == 8


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("summary: A one-line summary of training.\n", "", "field 'summary' is missing"),
        ("order: 5", "order: five", "field 'order' must be int"),
        ("slug: training", "slug: Training Stage", "field 'slug' must be lowercase"),
        ("url: https://arxiv.org/abs/2001.08361", "url: arxiv", "is not an http(s) link"),
        (
            "key_concepts:\n  - term: Term A\n",
            "key_concepts:\n  - ter: Term A\n",
            "key_concepts[0]: field 'term' is missing",
        ),
        ("title: Training\n", "title: [unclosed\n", "front matter is not valid YAML"),
        ("## First section", "# Only a top heading", None),
    ],
)
def test_broken_front_matter_names_file_and_field(broken, old, new, message):
    stage = broken / "stages" / "05-training.md"
    edit(stage, old, new)
    if message is None:
        edit(stage, "## Second section", "Second section")
        message = "needs at least one '## ' section"
    with pytest.raises(ContentError) as err:
        load_content(broken)
    assert "05-training.md" in str(err.value)
    assert message in str(err.value)


def test_a_quiz_answer_must_index_an_option(broken):
    edit(broken / "quizzes" / "overview.yaml", "answer: 0", "answer: 3")
    with pytest.raises(ContentError, match=r"overview.yaml \[0\]: field 'answer'"):
        load_content(broken)


def test_a_glossary_entry_must_name_a_real_stage(broken):
    edit(broken / "glossary.yaml", "stage: training", "stage: trainin")
    with pytest.raises(ContentError, match="unknown stage or topic 'trainin'"):
        load_content(broken)


def test_duplicate_stage_orders_are_refused(broken):
    edit(broken / "stages" / "06-fine-tuning.md", "order: 6", "order: 5")
    with pytest.raises(ContentError, match="'order' values must be 1..8"):
        load_content(broken)


def _add_topic(root: Path, order: int, slug: str) -> Path:
    """A topic page made from the fixture's overview stage, renumbered."""
    text = (root / "stages" / "01-overview.md").read_text()
    text = text.replace("slug: overview", f"slug: {slug}", 1).replace(
        "order: 1", f"order: {order}", 1
    )
    (root / "topics").mkdir(exist_ok=True)
    path = root / "topics" / f"{order:02d}-{slug}.md"
    path.write_text(text)
    return path


def test_a_topic_file_adds_a_beyond_the_pipeline_page_with_its_glossary_terms(broken):
    _add_topic(broken, 12, "rag")
    edit(broken / "glossary.yaml", "stage: training", "stage: rag")
    content = load_content(broken)
    assert content.slugs == [s.slug for s in content.stages] and len(content.stages) == 8
    assert content.topic_slugs == ["rag"]
    rag = content.stage("rag")
    assert rag.is_topic and rag.kind == "topic" and rag.path == "/rag" and rag.number == "12"
    assert content.track_of(rag) == content.topics
    assert any(e.stage == "rag" for e in content.glossary)


def test_a_topic_must_use_the_route_of_its_number(broken):
    _add_topic(broken, 12, "retrieval")
    with pytest.raises(ContentError, match="topic 12 must have the slug 'rag'"):
        load_content(broken)
