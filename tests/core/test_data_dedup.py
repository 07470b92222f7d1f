"""Exact and near deduplication of whole corpora (MinHash: Broder 1997; LSH banding:
Leskovec, Rajaraman & Ullman, Mining of Massive Datasets §3.4; FineWeb's 5-grams and
14 bands × 8 rows: Penedo et al. 2024)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from app.core.data.corpus import GOOD, NEAR_DUPLICATE, default_corpus
from app.core.data.dedup import (
    EMPTY,
    exact_duplicates,
    hash_parameters,
    jaccard,
    lsh_candidate_groups,
    match_probability,
    minhash_signatures,
    near_duplicates,
    shingle_hashes,
    shingles,
    threshold,
)

WORDS = [f"w{i}" for i in range(400)]


def pair_with_jaccard(target: float, size: int = 200) -> tuple[str, str]:
    """Two texts of distinct words whose 1-gram sets have Jaccard similarity `target`:
    shared k words, each with (size - k) of its own, so J = k / (2·size − k)."""
    k = round(2 * size * target / (1 + target))
    a = WORDS[:size]
    b = WORDS[:k] + WORDS[size : 2 * size - k]
    return " ".join(a), " ".join(b)


def test_exact_duplicates_ignore_case_and_spacing_only():
    texts = ["Hello  world", "hello world", "Hello world!", "HELLO\nWORLD", "other"]
    assert exact_duplicates(texts) == [[0, 1, 3]]
    assert exact_duplicates(["a", "b"]) == []


def test_shingle_hashes_match_the_shingles_of_the_single_pair_functions():
    text = "The quick brown fox jumps over the lazy dog and the quick brown fox sleeps"
    hashes = shingle_hashes(text, 5)
    assert len(hashes) == len(text.split()) - 4
    assert len(set(hashes.tolist())) == len(shingles(text, 5))  # "the quick brown fox" x2
    assert hashes.max() < 2**32
    assert len(shingle_hashes("two words", 5)) == 1 and len(shingle_hashes("", 5)) == 0


def test_the_hash_family_is_multiply_add_shift_computed_exactly():
    """h(x) = ((a·x + b) mod 2^64) >> 32 (Dietzfelbinger 1996): NumPy's wrapping uint64
    arithmetic gives the same numbers as exact integer arithmetic."""
    a, b = hash_parameters(50, seed=1)
    assert all(int(v) % 2 == 1 for v in a)
    x = shingle_hashes("one two three four five six seven eight nine ten", 5)
    sig = minhash_signatures(["one two three four five six seven eight nine ten"], 50, 5, 1)
    for j in range(50):
        exact = min(((int(a[j]) * int(v) + int(b[j])) % 2**64) >> 32 for v in x)
        assert int(sig[0, j]) == exact
    assert sig.max() < EMPTY and (minhash_signatures([""], 4) == EMPTY).all()


@pytest.mark.parametrize("target", [0.2, 0.5, 0.8, 0.95])
def test_minhash_estimates_the_exact_jaccard_similarity(target):
    """With k hashes the estimate is a mean of k Bernoulli(J) draws: standard error
    √(J(1−J)/k) ≤ 0.016 for k = 1,000, so 0.065 is four standard errors."""
    a, b = pair_with_jaccard(target)
    exact = jaccard(shingles(a, 1), shingles(b, 1))
    assert exact == pytest.approx(target, abs=0.01)
    sig = minhash_signatures([a, b], num_hashes=1000, n_gram=1, seed=3)
    estimate = float((sig[0] == sig[1]).mean())
    tolerance = 4 * math.sqrt(exact * (1 - exact) / 1000) + 1e-9
    assert abs(estimate - exact) <= max(tolerance, 0.01)


def test_lsh_catches_pairs_as_often_as_the_s_curve_says():
    """Over many independent hash seeds, the share of seeds that put a pair in a shared
    band matches 1 − (1 − s^r)^b (MMDS §3.4.2) within sampling error."""
    bands, rows, trials = 14, 8, 300
    for target in (0.6, 0.75, 0.9):
        a, b = pair_with_jaccard(target)
        s = jaccard(shingles(a, 1), shingles(b, 1))
        caught = sum(
            bool(lsh_candidate_groups(minhash_signatures([a, b], 112, 1, seed), bands, rows))
            for seed in range(trials)
        )
        expected = match_probability(s, bands, rows)
        sd = math.sqrt(expected * (1 - expected) / trials)
        assert abs(caught / trials - expected) <= 4 * sd + 0.02, (target, caught, expected)


def test_s_curve_threshold_formula():
    assert threshold(14, 8) == pytest.approx((1 / 14) ** (1 / 8))
    assert threshold(14, 8) == pytest.approx(0.719, abs=0.001)
    assert match_probability(threshold(20, 5), 20, 5) == pytest.approx(1 - (1 - 1 / 20) ** 20)


def test_lsh_refuses_impossible_banding():
    sig = minhash_signatures(["a b c"], 16)
    with pytest.raises(ValueError, match="shorter than"):
        lsh_candidate_groups(sig, 5, 4)
    with pytest.raises(ValueError, match="at least 1"):
        near_duplicates(["a"], bands=0)


def test_empty_documents_are_never_grouped():
    assert near_duplicates(["", "   ", "", "some words here"]) == []


def test_near_duplicates_finds_the_planted_near_copies_and_not_unrelated_pages():
    docs = [d for d in default_corpus() if d.label in (GOOD, NEAR_DUPLICATE)]
    texts = [d.text for d in docs]
    start = time.perf_counter()
    groups = near_duplicates(texts)
    seconds = time.perf_counter() - start
    assert seconds < 10  # about 1 s on an idle laptop core
    position = {d.id: i for i, d in enumerate(docs)}
    group_of = {i: k for k, g in enumerate(groups) for i in g}
    copies = [d for d in docs if d.label == NEAR_DUPLICATE]
    found = [
        d
        for d in copies
        if group_of.get(position[d.id], -1) == group_of.get(position[d.source_id], -2)
    ]
    similarities = [
        jaccard(shingles(d.text), shingles(default_corpus()[d.source_id].text)) for d in copies
    ]
    expected = np.mean([match_probability(s, 14, 8) for s in similarities])
    assert len(found) / len(copies) >= 0.9
    assert len(found) / len(copies) >= expected - 0.05  # as good as the S-curve promises
    # unrelated good pages (different originals) are never put in one group
    for g in groups:
        originals = {docs[i].source_id if docs[i].source_id is not None else docs[i].id for i in g}
        assert len(originals) == 1, [docs[i].id for i in g]


def test_near_duplicates_takes_corpus_documents_as_well_as_texts():
    from app.core.data.corpus import generate
    from app.core.data.dedup import near_duplicates

    docs = generate(300, seed=0)
    assert near_duplicates(docs) == near_duplicates([d.text for d in docs])
    assert near_duplicates(docs), "the generated crawl has planted near duplicates"
