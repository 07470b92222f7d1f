"""Glossary terms in a page's text link to their definitions, once per page, never inside
code, links, headings or fact placeholders; the glossary page has the anchors they use."""

from __future__ import annotations

import pytest

from app.components import stage_page
from app.components.glossary_links import link_terms, term_anchor
from app.content import get_content


@pytest.fixture(scope="module")
def glossary(guide_app):
    """Page modules register their route at import, which needs the app to exist."""
    import importlib

    return importlib.import_module("app.pages.glossary")


def test_the_first_mention_of_a_term_links_to_its_definition():
    text = "A **token** is what the tokenizer makes; more tokens follow."
    out = link_terms(text)
    assert "**[token](/glossary#section-token)**" in out
    assert "[tokenizer](/glossary#section-tokenizer)" in out
    assert out.count("/glossary#section-token)") == 1  # once, not for 'tokens' again


def test_code_links_headings_and_facts_are_left_alone():
    text = "`token` and [a token](https://example.com) and {{fact:gpt2_params}}\n## Tokens\n"
    assert link_terms(text) == text


def test_a_term_with_an_abbreviation_is_found_by_either_name():
    out = link_terms("BPE starts from bytes.")
    assert out == "[BPE](/glossary#section-byte-pair-encoding-bpe) starts from bytes."


def test_a_page_links_each_term_once_across_its_sections():
    seen: set[str] = set()
    first = link_terms("MinHash here.", seen)
    second = link_terms("MinHash again.", seen)
    assert "/glossary#section-minhash" in first and second == "MinHash again."


def test_every_linked_anchor_exists_on_the_glossary_page(glossary):
    anchors = {e.term and term_anchor(e.term) for e in get_content().glossary}
    for entry in get_content().glossary[:5]:
        assert glossary.entry_view(entry).children[0].id == term_anchor(entry.term)
    page = stage_page.stage_layout("data-preprocessing")
    text = str(page.to_plotly_json())
    linked = {a.split(")")[0] for a in text.split("/glossary#")[1:]}
    assert linked and linked <= anchors
