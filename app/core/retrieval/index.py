"""BM25, dense and hybrid retrieval over the guide's chunks.

- BM25 (Robertson & Zaragoza 2009) with the `bm25s` library, Lucene's variant (its
  default): score(q, d) = Σ_t idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl)),
  idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)), k1 = 1.5, b = 0.75. Lucene drops the
  (k1 + 1) factor of the original formula: it scales every score alike, so ranks agree.
- Dense: TF-IDF vectors (scikit-learn) reduced by truncated SVD to a few dozen dimensions
  (latent semantic analysis, Deerwester et al. 1990), L2-normalised; score = cosine.
  Runs on the CPU, nothing downloaded; words that co-occur share dimensions, so a query
  can match a chunk that uses a related word.
- Hybrid: reciprocal rank fusion (Cormack, Clarke & Büttcher 2009),
  RRF(d) = Σ_r 1 / (k + rank_r(d)) with k = 60, over the BM25 and dense rankings.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from app.core.paths import SHIPPED_CONTENT_DIR
from app.core.retrieval.chunking import Chunk, check_chunking, chunk_sections
from app.core.retrieval.corpus import Section, guide_sections

RETRIEVERS = ("bm25", "dense", "hybrid")
RETRIEVER_NAMES = {"bm25": "BM25", "dense": "Dense (TF-IDF + SVD)", "hybrid": "Hybrid (RRF)"}
RRF_K = 60  # Cormack et al. 2009 found k = 60 near-optimal and robust
DENSE_DIMS = 96
MAX_QUERY_CHARS = 300
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-cased words and numbers, English stop words removed (for BM25)."""
    return [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


def rrf_fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of several rankings (lists of ids, best first; rank 1 first).

    Returns (id, Σ 1 / (k + rank)) sorted by fused score, ties broken by smaller id."""
    if k < 0:
        raise ValueError("RRF's k must be at least 0.")
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # the retriever's own score (BM25, cosine, or RRF)
    rank: int  # 1 = best

    @property
    def section(self) -> Section:
        return self.chunk.section


class GuideIndex:
    """Chunks of the guide with a BM25 index and dense vectors, built once."""

    def __init__(self, sections, size: int = 120, overlap: int = 30, dims: int = DENSE_DIMS):
        self.size, self.overlap = check_chunking(size, overlap)
        self.chunks: list[Chunk] = chunk_sections(sections, size, overlap)
        if not self.chunks:
            raise ValueError("There is no text to index.")
        texts = [f"{c.section.heading}. {c.text}" for c in self.chunks]
        self.bm25 = bm25s.BM25()  # Lucene variant, k1 = 1.5, b = 0.75
        self.bm25.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
        self.vectorizer = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b\w[\w'-]*\w\b"
        )
        tfidf = self.vectorizer.fit_transform(texts)
        n_dims = max(1, min(dims, tfidf.shape[0] - 1, tfidf.shape[1] - 1))
        self.svd = TruncatedSVD(n_components=n_dims, random_state=0)
        # One BLAS thread: on a small matrix, threads fighting over a busy machine's cores
        # made this several times slower, not faster.
        with threadpool_limits(1):
            self.vectors = normalize(self.svd.fit_transform(tfidf)).astype(np.float32)

    # ---- scoring --------------------------------------------------------------------------
    def bm25_scores(self, query: str) -> np.ndarray:
        words = [w for w in tokenize(query) if w in self.bm25.vocab_dict]
        if not words:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Dense unit vectors of `texts` in the index's space (zero vector if no known word)."""
        return normalize(self.svd.transform(self.vectorizer.transform(texts))).astype(np.float32)

    def dense_scores(self, query: str) -> np.ndarray:
        return self.vectors @ self.embed([query])[0]

    def ranking(self, query: str, retriever: str = "hybrid") -> list[tuple[int, float]]:
        """Every chunk that matches at all, as (chunk id, score), best first."""
        if retriever not in RETRIEVERS:
            raise ValueError(f"Retriever must be one of {', '.join(RETRIEVERS)}.")
        query = str(query)[:MAX_QUERY_CHARS]
        if retriever == "bm25":
            return _ranked(self.bm25_scores(query))
        if retriever == "dense":
            return _ranked(self.dense_scores(query))
        lists = [[i for i, _ in _ranked(self.bm25_scores(query))]]
        lists.append([i for i, _ in _ranked(self.dense_scores(query))])
        return rrf_fuse(lists)

    def search(self, query: str, retriever: str = "hybrid", k: int = 5) -> list[Hit]:
        """The `k` best chunks for `query`."""
        ranked = self.ranking(query, retriever)[: max(0, int(k))]
        return [Hit(self.chunks[i], float(s), r) for r, (i, s) in enumerate(ranked, start=1)]

    def search_sections(self, query: str, retriever: str = "hybrid", k: int = 5) -> list[Hit]:
        """The best chunk of each of the `k` best sections (one result per section)."""
        seen: set[tuple[str, str, str]] = set()
        hits: list[Hit] = []
        for i, score in self.ranking(query, retriever):
            chunk = self.chunks[i]
            key = (chunk.section.slug, chunk.section.heading, chunk.section.anchor)
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(chunk, float(score), len(hits) + 1))
            if len(hits) >= k:
                break
        return hits


def _ranked(scores: np.ndarray) -> list[tuple[int, float]]:
    order = np.argsort(-scores, kind="stable")
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


_build_lock = threading.Lock()


def get_index(
    content_dir: str | Path = SHIPPED_CONTENT_DIR, size: int = 120, overlap: int = 30
) -> GuideIndex:
    """The index of the guide at `content_dir` for these chunk settings, built once per
    process and then shared (building takes ~0.1–0.5 s; a search ~1 ms)."""
    size, overlap = check_chunking(size, overlap)
    with _build_lock:
        return _cached_index(str(content_dir), size, overlap)


@lru_cache(maxsize=12)
def _cached_index(content_dir: str, size: int, overlap: int) -> GuideIndex:
    return GuideIndex(guide_sections(content_dir), size, overlap)
