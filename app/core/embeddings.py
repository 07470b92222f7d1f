"""Word vectors, the tiny GPT's character vectors, and nearest-neighbour search.

Word vectors: word2vec skip-gram with negative sampling (Mikolov et al. 2013a, 2013b),
trained with gensim on three English texts, nothing downloaded:
1. this guide's own words (stage and topic pages, glossary), as the retrieval engine sees them;
2. the Lee background corpus, 300 Australian Broadcasting Corporation news articles
   (Lee, Pincombe & Welsh 2005) that the gensim package ships as test data
   (gensim/test/test_data/lee_background.cor, gensim is LGPL-2.1);
3. `embeddings_data/everyday_english.txt`, ~1,000 words of plain sentences written for
   this guide (royalty, capitals, days, verb tenses...), repeated EVERYDAY_REPEATS times.
`python -m app.core.embeddings` trains (seeded, one worker: the same vectors every time)
and writes `embeddings_data/word_vectors.npz`, which the app loads.

Nearest neighbours: exact (every vector scored) versus an inverted-file index (IVF,
as in Jégou et al. 2011 and FAISS): k-means (scikit-learn) splits the vectors into
`n_lists` cells; a query scores only the vectors of its `n_probe` nearest cells.
"""

from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "embeddings_data"
VECTORS_PATH = DATA_DIR / "word_vectors.npz"
EVERYDAY_PATH = DATA_DIR / "everyday_english.txt"
EVERYDAY_REPEATS = 5
MAX_WORD_CHARS = 40
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+")

# The training settings, all shipped with the vectors.
W2V_SETTINGS = dict(
    vector_size=48, window=5, min_count=3, sg=1, negative=5, epochs=20, seed=7, workers=1
)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _sentences(text: str) -> list[list[str]]:
    return [w for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(w := words_of(s)) > 1]


def training_sentences(content_dir=None) -> tuple[list[list[str]], dict[str, int]]:
    """The tokenised training sentences and how many words each source gave."""
    from app.core.paths import SHIPPED_CONTENT_DIR
    from app.core.retrieval.corpus import guide_sections

    guide = [
        s
        for sec in guide_sections(content_dir or SHIPPED_CONTENT_DIR)
        for s in _sentences(sec.text)
    ]
    lee_path = Path(__import__("gensim").__file__).parent / "test" / "test_data"
    lee = _sentences((lee_path / "lee_background.cor").read_text(encoding="utf-8"))
    everyday = _sentences(EVERYDAY_PATH.read_text(encoding="utf-8")) * EVERYDAY_REPEATS
    counts = {
        "guide": sum(map(len, guide)),
        "lee": sum(map(len, lee)),
        "everyday": sum(map(len, everyday)),
    }
    return guide + lee + everyday, counts


def _stable_hash(text: str) -> int:
    # gensim seeds each word's starting vector from hash(word + seed); Python's str hash
    # changes per process, so use a fixed one for vectors that are the same every time.
    return zlib.crc32(text.encode("utf-8"))


def train_vectors(content_dir=None, sentences=None):
    """Train word2vec (a few seconds) → (KeyedVectors, words per source). `sentences`:
    tokenised sentences to train on instead of `training_sentences(content_dir)`."""
    from gensim.models import Word2Vec

    if sentences is None:
        sentences, counts = training_sentences(content_dir)
    else:
        counts = {"given": sum(map(len, sentences))}
    model = Word2Vec(sentences, hashfxn=_stable_hash, **W2V_SETTINGS)
    return model.wv, counts


def save_vectors(path: Path = VECTORS_PATH) -> dict:
    wv, counts = train_vectors()
    words = np.array(wv.index_to_key)
    np.savez_compressed(
        path,
        words=words,
        vectors=wv.vectors.astype(np.float16),
        counts=np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key], dtype=np.int32),
        sources=np.array([f"{k}={v}" for k, v in counts.items()]),
    )
    return {"words": len(words), **counts}


@dataclass(frozen=True)
class WordVectors:
    """The shipped vectors: words sorted by frequency, unit and raw vectors."""

    words: tuple[str, ...]
    vectors: np.ndarray  # (V, d), float32, as trained (not normalised)
    counts: np.ndarray
    source_words: dict[str, int]

    @property
    def index(self) -> dict[str, int]:
        return _index(self.words)

    @property
    def unit(self) -> np.ndarray:
        return _unit(id(self.vectors), self.vectors)

    def has(self, word: str) -> bool:
        return word in self.index

    def vector(self, word: str) -> np.ndarray:
        return self.vectors[self.index[check_word(self, word)]]


@lru_cache(maxsize=4)
def _index(words: tuple[str, ...]) -> dict[str, int]:
    return {w: i for i, w in enumerate(words)}


_UNIT: dict[int, np.ndarray] = {}


def _unit(key: int, vectors: np.ndarray) -> np.ndarray:
    if key not in _UNIT:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        _UNIT[key] = vectors / np.maximum(norms, 1e-12)
    return _UNIT[key]


@lru_cache(maxsize=1)
def load_vectors(path: Path = VECTORS_PATH) -> WordVectors:
    with np.load(path) as data:
        sources = dict(s.split("=") for s in data["sources"].tolist())
        return WordVectors(
            tuple(data["words"].tolist()),
            data["vectors"].astype(np.float32),
            data["counts"],
            {k: int(v) for k, v in sources.items()},
        )


def check_word(wv: WordVectors, word: str) -> str:
    """`word` cleaned (lower case, stripped) if the vectors know it, else ValueError."""
    clean = str(word).strip().lower()[:MAX_WORD_CHARS]
    if not clean:
        raise ValueError("Please type a word.")
    if clean not in wv.index:
        raise ValueError(
            f"'{clean}' is not in the vocabulary (words seen at least "
            f"{W2V_SETTINGS['min_count']} times in the training text)."
        )
    return clean


def neighbours(wv: WordVectors, word: str, n: int = 10) -> list[tuple[str, float]]:
    """The `n` words with the highest cosine similarity to `word` (itself excluded)."""
    word = check_word(wv, word)
    sims = wv.unit @ wv.unit[wv.index[word]]
    order = np.argsort(-sims, kind="stable")
    return [(wv.words[i], float(sims[i])) for i in order if wv.words[i] != word][:n]


def analogy(wv: WordVectors, a: str, b: str, c: str, n: int = 5) -> list[tuple[str, float]]:
    """Words nearest to a − b + c (3CosAdd, Mikolov et al. 2013b; unit vectors), the three
    input words excluded as in the paper's evaluation. 'king' − 'man' + 'woman' → ?"""
    a, b, c = (check_word(wv, w) for w in (a, b, c))
    u = wv.unit
    target = u[wv.index[a]] - u[wv.index[b]] + u[wv.index[c]]
    target /= max(np.linalg.norm(target), 1e-12)
    sims = u @ target
    order = np.argsort(-sims, kind="stable")
    return [(wv.words[i], float(sims[i])) for i in order if wv.words[i] not in {a, b, c}][:n]


@dataclass(frozen=True)
class PairMeasures:
    cosine: float
    dot: float
    euclidean: float
    norm_a: float
    norm_b: float


def compare(wv: WordVectors, a: str, b: str) -> PairMeasures:
    """Cosine similarity, dot product and Euclidean distance of two words' raw vectors."""
    va, vb = wv.vector(a), wv.vector(b)
    na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
    return PairMeasures(
        float(va @ vb / max(na * nb, 1e-12)), float(va @ vb), float(np.linalg.norm(va - vb)), na, nb
    )


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """2-D PCA coordinates of `vectors` and the share of variance each axis keeps."""
    from sklearn.decomposition import PCA

    vectors = np.asarray(vectors, dtype=np.float64)
    if len(vectors) < 2:
        raise ValueError("A map needs at least two points.")
    n = min(2, len(vectors), vectors.shape[1])
    pca = PCA(n_components=n, random_state=0)
    xy = pca.fit_transform(vectors)
    if n == 1:
        xy = np.hstack([xy, np.zeros_like(xy)])
    ratio = tuple(pca.explained_variance_ratio_.tolist()) + (0.0,) * (2 - n)
    return xy, (float(ratio[0]), float(ratio[1]))


# ---- the tiny GPT's character embeddings --------------------------------------------------
def char_kind(ch: str) -> str:
    if ch.lower() in "aeiou":
        return "vowel"
    if ch.isalpha():
        return "consonant"
    if ch.isdigit():
        return "digit"
    if ch.isspace():
        return "space"
    return "punctuation and symbols"


@lru_cache(maxsize=1)
def char_embedding_map() -> tuple[tuple[str, ...], np.ndarray, tuple[float, float]]:
    """(characters, their 2-D PCA coordinates, variance kept) of the shipped tiny GPT's
    token-embedding table `wte` (one learned row per character)."""
    from app.core.tinylm import load_pretrained

    model, tokenizer, _ = load_pretrained()
    xy, ratio = pca_2d(model.params["wte"])
    return tuple(tokenizer.chars), xy, ratio


def kind_separation(chars, vectors: np.ndarray) -> dict[str, float]:
    """Mean cosine similarity within each kind minus the mean across kinds: > 0 means a
    kind's characters sit closer to each other than to the rest."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sims = unit @ unit.T
    kinds = np.array([char_kind(c) for c in chars])
    out = {}
    for kind in sorted(set(kinds)):
        inside = kinds == kind
        if inside.sum() < 2:
            continue
        block = sims[np.ix_(inside, inside)]
        within = (block.sum() - np.trace(block)) / (inside.sum() * (inside.sum() - 1))
        across = sims[np.ix_(inside, ~inside)].mean()
        out[kind] = float(within - across)
    return out


# ---- exact vs approximate nearest neighbours ------------------------------------------------
def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Ids of the k highest inner products for each query (rows), best first."""
    scores = queries @ vectors.T
    top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
    order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(top, order, axis=1)


@dataclass
class IVFIndex:
    centroids: np.ndarray  # (n_lists, d)
    lists: list[np.ndarray]  # ids of the vectors in each cell
    vectors: np.ndarray

    def search(self, query: np.ndarray, k: int, n_probe: int) -> tuple[np.ndarray, int]:
        """(ids of the k best among the probed cells, how many vectors were scored)."""
        n_probe = max(1, min(n_probe, len(self.lists)))
        cells = np.argsort(-(self.centroids @ query), kind="stable")[:n_probe]
        ids = np.concatenate([self.lists[c] for c in cells])
        scores = self.vectors[ids] @ query
        best = ids[np.argsort(-scores, kind="stable")[:k]]
        return best, len(ids)


def build_ivf(vectors: np.ndarray, n_lists: int, seed: int = 0) -> IVFIndex:
    from sklearn.cluster import KMeans

    if not 1 <= n_lists <= len(vectors):
        raise ValueError(f"The number of cells must be 1–{len(vectors)}.")
    km = KMeans(n_clusters=n_lists, n_init=1, random_state=seed, max_iter=50).fit(vectors)
    lists = [np.flatnonzero(km.labels_ == c) for c in range(n_lists)]
    centroids = km.cluster_centers_ / np.maximum(
        np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True), 1e-12
    )
    return IVFIndex(centroids.astype(np.float32), lists, vectors)


@dataclass(frozen=True)
class ProbePoint:
    n_probe: int
    recall_at_k: float  # share of the exact top k that the index also returned
    scanned_share: float  # vectors scored / all vectors
    ms_per_query: float


def recall_sweep(index: IVFIndex, queries: np.ndarray, k: int = 10) -> list[ProbePoint]:
    """recall@k against the exact search, share scanned and time, for every n_probe."""
    truth = exact_top_k(index.vectors, queries, k)
    n = len(index.vectors)
    points = []
    for n_probe in range(1, len(index.lists) + 1):
        start = time.perf_counter()
        found = [index.search(q, k, n_probe) for q in queries]
        ms = (time.perf_counter() - start) * 1000 / len(queries)
        recall = np.mean(
            [len(set(f[0]) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)]
        )
        scanned = np.mean([f[1] for f in found]) / n
        points.append(ProbePoint(n_probe, float(recall), float(scanned), ms))
    return points


def exact_ms_per_query(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> float:
    start = time.perf_counter()
    for q in queries:
        exact_top_k(vectors, q[None, :], k)
    return (time.perf_counter() - start) * 1000 / len(queries)


ANN_CHUNK_SIZE, ANN_CHUNK_OVERLAP = 40, 20  # small chunks of the guide: more vectors


@lru_cache(maxsize=8)
def chunk_search_sweep(content_dir: str, n_lists: int, k: int = 10):
    """IVF on the guide's chunk vectors (dense index, small chunks), queried with the RAG
    questions: (sweep points, exact ms per query, n vectors, n queries)."""
    from app.core.retrieval.evaluate import load_questions
    from app.core.retrieval.index import get_index

    index = get_index(content_dir, ANN_CHUNK_SIZE, ANN_CHUNK_OVERLAP)
    queries = index.embed([q.question for q in load_questions(content_dir)])
    queries = queries[np.linalg.norm(queries, axis=1) > 0.5]  # no known word: all scores tie
    ivf = build_ivf(index.vectors, n_lists)
    points = recall_sweep(ivf, queries, k)
    exact = exact_ms_per_query(index.vectors, queries, k)
    return points, exact, len(index.vectors), len(queries)


if __name__ == "__main__":
    print(save_vectors())
