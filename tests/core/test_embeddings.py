"""Word vectors (shipped, trained here), closeness measures, PCA maps, the tiny GPT's
character embeddings, and exact vs IVF nearest-neighbour search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import embeddings as emb


@pytest.fixture(scope="module")
def wv():
    return emb.load_vectors()


def test_shipped_vectors_say_where_their_words_came_from(wv):
    assert len(wv.words) > 2000 and wv.vectors.shape == (len(wv.words), 48)
    assert set(wv.source_words) == {"guide", "lee", "everyday"}
    assert all(v > 0 for v in wv.source_words.values())
    assert {"king", "queen", "token", "attention"} <= set(wv.words)


def test_neighbours_are_sorted_and_exclude_the_word(wv):
    found = emb.neighbours(wv, "Monday ", 8)  # cleaned: lower case, stripped
    words = [w for w, _ in found]
    sims = [s for _, s in found]
    assert "monday" not in words and sims == sorted(sims, reverse=True)
    assert "tuesday" in words  # the days share their contexts
    with pytest.raises(ValueError, match="not in the vocabulary"):
        emb.neighbours(wv, "qwertyuiop")
    with pytest.raises(ValueError, match="type a word"):
        emb.neighbours(wv, "  ")


def test_analogy_excludes_its_inputs_and_finds_royalty(wv):
    found = [w for w, _ in emb.analogy(wv, "king", "man", "woman", 5)]
    assert not {"king", "man", "woman"} & set(found)
    assert "queen" in found


def test_the_three_measures_agree_with_their_definitions(wv):
    m = emb.compare(wv, "king", "queen")
    assert m.cosine == pytest.approx(m.dot / (m.norm_a * m.norm_b), rel=1e-5)
    assert m.euclidean**2 == pytest.approx(m.norm_a**2 + m.norm_b**2 - 2 * m.dot, rel=1e-4)
    assert -1 <= m.cosine <= 1


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 12), st.integers(2, 10), st.integers(0, 10_000))
def test_pca_keeps_at_most_all_the_spread(n, d, seed):
    x = np.random.default_rng(seed).normal(size=(n, d))
    xy, ratio = emb.pca_2d(x)
    assert xy.shape == (n, 2)
    assert 0 <= ratio[1] <= ratio[0] + 1e-9 and sum(ratio) <= 1 + 1e-9


def test_the_tiny_gpt_puts_digits_together():
    chars, xy, _ = emb.char_embedding_map()
    assert len(chars) == len(xy) and "a" in chars and "7" in chars
    from app.core.tinylm import load_pretrained

    model, tok, _ = load_pretrained()
    separation = emb.kind_separation(tok.chars, model.params["wte"])
    assert separation["digit"] > 0.1  # measured: digits sit closer to each other than to the rest
    assert emb.char_kind("e") == "vowel" and emb.char_kind("7") == "digit"
    assert emb.char_kind(",") == "punctuation and symbols"


def test_exact_top_k_matches_brute_force():
    rng = np.random.default_rng(0)
    vectors, queries = rng.normal(size=(200, 8)), rng.normal(size=(5, 8))
    top = emb.exact_top_k(vectors, queries, 10)
    for q, row in zip(queries, top, strict=True):
        assert list(row) == list(np.argsort(-(vectors @ q))[:10])


def test_ivf_probing_every_cell_is_exact_and_fewer_cells_scan_less():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ivf = emb.build_ivf(vectors, 8)
    assert sorted(np.concatenate(ivf.lists).tolist()) == list(range(300))
    points = emb.recall_sweep(ivf, vectors[:20], k=10)
    assert [p.n_probe for p in points] == list(range(1, 9))
    assert points[-1].recall_at_k == pytest.approx(1) and points[-1].scanned_share == 1
    assert points[0].scanned_share < 0.5
    shares = [p.scanned_share for p in points]
    assert shares == sorted(shares)
    with pytest.raises(ValueError):
        emb.build_ivf(vectors, 0)


def test_training_is_deterministic():
    text = emb.EVERYDAY_PATH.read_text(encoding="utf-8")
    sentences = [emb.words_of(line) for line in text.splitlines() if line.strip()] * 3
    first, _ = emb.train_vectors(sentences=sentences)
    second, _ = emb.train_vectors(sentences=sentences)
    assert list(first.index_to_key) == list(second.index_to_key)
    np.testing.assert_array_equal(first.vectors, second.vectors)
