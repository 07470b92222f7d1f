"""The retrieval engine: chunking, BM25 against a hand-computed case, RRF, ranking
metrics on toy rankings, the guide's sections and the shipped questions, answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.retrieval import chunk_sections, get_index, guide_sections, rrf_fuse
from app.core.retrieval.answer import Outcome, answer, threshold_tradeoff
from app.core.retrieval.chunking import check_chunking, window_starts
from app.core.retrieval.corpus import Section
from app.core.retrieval.evaluate import evaluate, load_questions
from app.core.retrieval.index import GuideIndex
from app.core.retrieval.metrics import ndcg_at_k, recall_at_k, reciprocal_rank
from app.core.text import heading_anchor


def _sections(*texts: str) -> list[Section]:
    return [Section("page", "Page", "", "", t) for t in texts]


# ---- BM25: Robertson & Zaragoza 2009, Lucene's variant (bm25s default) -----------------
def test_bm25_matches_a_hand_computed_score():
    # N = 3 chunks; "cache" occurs in 1 of them, twice, in a 4-word chunk; avgdl = 3.
    index = GuideIndex(_sections("kv cache grows cache", "loss falls", "batch size grows"), 20, 0)
    idf = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    k1, b = 1.5, 0.75
    expected = idf * 2 / (2 + k1 * (1 - b + b * 4 / 3))
    scores = index.bm25_scores("cache")
    assert scores[0] == pytest.approx(expected, rel=1e-5)  # 0.5062
    assert scores[0] == pytest.approx(0.50624, abs=1e-4)
    assert scores[1] == scores[2] == 0


def test_bm25_prefers_the_rarer_word():
    index = GuideIndex(_sections("cache grows", "cache falls", "loss falls"), 20, 0)
    scores = index.bm25_scores("cache loss")
    assert scores[2] > scores[0]  # 'loss' is in 1 chunk, 'cache' in 2


# ---- RRF: Cormack, Clarke & Büttcher 2009 ---------------------------------------------
def test_rrf_adds_reciprocal_ranks_with_k_60():
    fused = dict(rrf_fuse([[7, 1, 2], [1, 2, 7]]))
    assert fused[7] == pytest.approx(1 / 61 + 1 / 63)
    assert fused[1] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 63 + 1 / 62)
    assert [d for d, _ in rrf_fuse([[7, 1, 2], [1, 2, 7]])] == [1, 7, 2]


def test_rrf_counts_items_missing_from_a_list_once_and_rejects_negative_k():
    fused = dict(rrf_fuse([[1, 2], [3]], k=0))
    assert fused == {1: 1.0, 2: 0.5, 3: 1.0}
    with pytest.raises(ValueError):
        rrf_fuse([[1]], k=-1)


@given(st.lists(st.permutations(list(range(6))), min_size=1, max_size=4))
def test_rrf_of_identical_rankings_keeps_their_order(rankings):
    first = rankings[0]
    assert [d for d, _ in rrf_fuse([first] * len(rankings))] == first


# ---- metrics: recall@k, MRR, nDCG (Järvelin & Kekäläinen 2002) -------------------------
def test_metrics_on_a_toy_ranking():
    ranked, relevant = ["a", "b", "c", "d"], {"b", "d"}
    assert recall_at_k(ranked, relevant, 1) == 0
    assert recall_at_k(ranked, relevant, 2) == 0.5
    assert recall_at_k(ranked, relevant, 4) == 1
    assert reciprocal_rank(ranked, relevant) == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranked, relevant, 4) == pytest.approx(dcg / ideal)  # 0.6509
    assert ndcg_at_k(ranked, relevant, 4) == pytest.approx(0.6509, abs=1e-4)
    assert reciprocal_rank(ranked, {"z"}) == 0


def test_metrics_refuse_bad_k_and_empty_relevance():
    with pytest.raises(ValueError):
        recall_at_k(["a"], {"a"}, 0)
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], set(), 3)


@given(
    st.permutations(list(range(8))),
    st.sets(st.integers(0, 7), min_size=1),
    st.integers(1, 8),
)
def test_metrics_stay_in_range_and_recall_grows_with_k(ranked, relevant, k):
    assert 0 <= ndcg_at_k(ranked, relevant, k) <= 1 + 1e-12
    assert recall_at_k(ranked, relevant, k) <= recall_at_k(ranked, relevant, min(8, k + 1))
    assert recall_at_k(ranked, relevant, 8) == 1


# ---- chunking ----------------------------------------------------------------------------
@given(st.integers(0, 400), st.integers(20, 120), st.data())
def test_windows_cover_every_word_and_overlap_as_asked(n_words, size, data):
    overlap = data.draw(st.integers(0, size - 1))
    starts = window_starts(n_words, size, overlap)
    covered = set()
    for s in starts:
        covered |= set(range(s, min(s + size, n_words)))
    assert covered == set(range(n_words))
    assert starts == sorted(set(starts))
    for a, b in zip(starts[:-2], starts[1:-1], strict=True):
        assert b - a == size - overlap  # every step but the last is exactly size − overlap


def test_chunks_stay_inside_their_section_and_refuse_bad_settings():
    sections = _sections(" ".join(f"w{i}" for i in range(50)), "short one here")
    chunks = chunk_sections(sections, 20, 5)
    assert all(len(c.text.split()) <= 20 for c in chunks)
    assert [c.section for c in chunks].count(sections[1]) == 1
    assert chunks[-2].text.split()[-1] == "w49"
    for size, overlap in ((10, 0), (2000, 0), (60, 60), (60, -1)):
        with pytest.raises(ValueError):
            check_chunking(size, overlap)


# ---- the guide as a corpus -------------------------------------------------------------
def test_every_page_heading_gets_the_anchor_the_page_renders():
    sections = guide_sections()
    kv = next(s for s in sections if s.slug == "deployment" and s.heading == "The KV cache")
    assert kv.anchor == heading_anchor("The KV cache") == "section-the-kv-cache"
    assert kv.href == "/deployment#section-the-kv-cache"
    assert {s.slug for s in sections} >= {"overview", "deployment", "rag", "glossary"}
    assert all(s.text.strip() and "{{" not in s.text for s in sections)


def test_every_shipped_question_points_at_a_real_section():
    questions = load_questions()
    keys = {s.key for s in guide_sections()}
    answerable = [q for q in questions if q.key]
    assert len(answerable) >= 100
    assert len(questions) - len(answerable) >= 10  # some the guide does not answer
    assert [q.key for q in answerable if q.key not in keys] == []


def test_search_finds_the_kv_cache_section():
    hits = get_index().search_sections("how big is the kv cache per token", "hybrid", 5)
    assert "/deployment#section-the-kv-cache" in [h.section.href for h in hits]
    assert len({h.section.key for h in hits}) == len(hits)  # one hit per section


def test_retrievers_reach_a_useful_recall_on_the_shipped_questions():
    index = get_index(size=120, overlap=30)
    scores = {r: evaluate(index, load_questions(), r) for r in ("bm25", "dense", "hybrid")}
    for s in scores.values():
        assert s.recall[10] >= 0.85 and 0 < s.mrr <= 1
        assert s.recall[1] <= s.recall[3] <= s.recall[5] <= s.recall[10]


# ---- the extractive answer -----------------------------------------------------------------
def test_answer_quotes_the_guide_with_sources_or_abstains():
    index = get_index()
    result = answer(
        index, "How many bytes per parameter does mixed-precision Adam need?", threshold=0.1
    )
    assert not result.abstained and result.sources
    text = " ".join(s.sentence for s in result.sentences)
    assert "16 bytes" in text
    for quoted in result.sentences:  # quoted word for word from the section it cites
        assert quoted.sentence in " ".join(quoted.section.text.split())
    assert answer(index, "How do I bake sourdough bread at home?", threshold=0.3).abstained
    assert answer(index, "anything at all", threshold=1.0).abstained
    with pytest.raises(ValueError):
        answer(index, "x", threshold=2)


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans(), st.booleans()), min_size=1))
def test_threshold_tradeoff_shares_sum_to_one_and_abstentions_grow(rows):
    results = [Outcome(s, right and answerable, answerable) for s, right, answerable in rows]
    t = threshold_tradeoff(results, [0.0, 0.2, 0.5, 1.0])
    for i in range(4):
        total = t.right[i] + t.wrong[i] + t.abstained_wrongly[i] + t.abstained_rightly[i]
        assert total == pytest.approx(1)
    abstained = [a + b for a, b in zip(t.abstained_wrongly, t.abstained_rightly, strict=True)]
    assert abstained == sorted(abstained)
