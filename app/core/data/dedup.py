"""Deduplication: MinHash + LSH for near duplicates (Broder 1997; Leskovec et al., MMDS ch. 3).

The first functions explain one pair of documents (the stage-03 dedup explorer); the
second half deduplicates whole corpora: exact duplicates by hashing normalised text, near
duplicates with NumPy MinHash signatures, LSH banding and union-find (as FineWeb does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np


def match_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two documents of Jaccard similarity s share at least one LSH band:
    1 − (1 − s^rows)^bands (Leskovec, Rajaraman & Ullman, Mining of Massive Datasets, 3.4)."""
    if not 0 <= similarity <= 1:
        raise ValueError("Similarity must be between 0 and 1.")
    if bands < 1 or rows < 1:
        raise ValueError("Bands and rows must be at least 1.")
    return 1 - (1 - similarity**rows) ** bands


# The most MinHash hashes (bands × rows) a lab computes: more adds time without teaching
# more. One number for the near-duplicate lab and the cleaning pipeline (they differed).
MAX_HASHES = 400
MERSENNE = (1 << 61) - 1  # a prime for universal hashing: h(x) = (a·x + b) mod p


def shingles(text: str, n: int = 5) -> set[str]:
    """The set of word n-grams of `text` (lower-cased, split on whitespace); a text shorter
    than n words is one shingle."""
    if n < 1:
        raise ValueError("The n-gram size must be at least 1.")
    words = text.lower().split()
    if len(words) <= n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / |A ∪ B|: the share of shingles two documents have in common."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def minhash_signature(items: set[str], num_hashes: int, seed: int = 0) -> list[int]:
    """For each of `num_hashes` random hash functions, the smallest hash over `items`
    (Broder 1997). Two sets agree on a position with probability equal to their Jaccard
    similarity."""
    import hashlib
    import random

    rng = random.Random(seed)
    params = [(rng.randrange(1, MERSENNE), rng.randrange(0, MERSENNE)) for _ in range(num_hashes)]
    if not items:
        return [MERSENNE] * num_hashes
    base = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in items
    ]
    return [min((a * x + b) % MERSENNE for x in base) for a, b in params]


def estimated_similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Share of signature positions where two MinHash signatures agree."""
    if len(sig_a) != len(sig_b) or not sig_a:
        raise ValueError("Signatures must be non-empty and of the same length.")
    return sum(x == y for x, y in zip(sig_a, sig_b, strict=True)) / len(sig_a)


def candidate_pair(sig_a: list[int], sig_b: list[int], bands: int, rows: int) -> bool:
    """LSH banding: the pair is a candidate if all `rows` values of any band agree."""
    if len(sig_a) < bands * rows:
        raise ValueError("The signatures are shorter than bands × rows.")
    return any(
        sig_a[i * rows : (i + 1) * rows] == sig_b[i * rows : (i + 1) * rows] for i in range(bands)
    )


def threshold(bands: int, rows: int) -> float:
    """The similarity where the S-curve is steepest, about (1/bands)^(1/rows)."""
    return (1 / bands) ** (1 / rows)


# ---- whole corpora: exact and near-duplicate groups -----------------------------------------
# The functions above explain one pair; those below deduplicate thousands of documents at
# once, with NumPy. FineWeb's defaults: word 5-grams, 14 bands × 8 rows = 112 hashes
# (Penedo et al. 2024, §3.4; datatrove's MinhashConfig).

EMPTY = 1 << 32  # the signature value of a text without words: no 32-bit hash can equal it


def normalise(text: str) -> str:
    """What "the same text" means for exact deduplication: lower case, whitespace collapsed."""
    return " ".join(text.lower().split())


def exact_duplicates(texts: Sequence[str]) -> list[list[int]]:
    """Groups (sorted indices, size ≥ 2) of texts whose normalised form is identical,
    found by hashing (SHA-1 of the normalised text), in order of their first member."""
    import hashlib

    groups: dict[bytes, list[int]] = {}
    for i, text in enumerate(texts):
        key = hashlib.sha1(normalise(text).encode()).digest()
        groups.setdefault(key, []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def shingle_hashes(text: str, n: int = 5) -> np.ndarray:
    """One 32-bit hash (as uint64, below 2^32) per word n-gram of `text`, the same
    n-grams as `shingles` (lower case, whitespace split; a text shorter than n words is one
    shingle). Each word is hashed once with BLAKE2b; an n-gram's hash is a polynomial in its
    words' hashes, computed with wrapping uint64 arithmetic (wrap-around is harmless here:
    we only need equal n-grams to get equal hashes and different ones to rarely collide)."""
    if n < 1:
        raise ValueError("The n-gram size must be at least 1.")
    words = text.lower().split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    width = min(n, len(ids))
    count = len(ids) - width + 1
    h = np.zeros(count, dtype=np.uint64)
    mult = np.uint64(1_000_003)
    for k in range(width):
        h = h * mult + ids[k : k + count]
    return (h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))  # fold 64 bits into 32


@lru_cache(maxsize=8192)
def _cached_shingle_hashes(text: str, n: int) -> np.ndarray:
    out = shingle_hashes(text, n)
    out.setflags(write=False)  # shared by every caller: nobody may change it
    return out


def hash_parameters(num_hashes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of each hash function h(x) = ((a·x + b) mod 2^64) >> 32, for 32-bit x:
    Dietzfelbinger's multiply-add-shift family (Dietzfelbinger 1996, *Universal hashing and
    k-wise independent random variables via integer arithmetic without primes*), with a and
    b uniform 64-bit numbers, a odd. The "mod 2^64" is NumPy's uint64 wrap-around, so the
    overflow is the arithmetic, not an error; the top 32 bits are the hash."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**64, size=num_hashes, dtype=np.uint64, endpoint=False) | np.uint64(1)
    b = rng.integers(0, 2**64, size=num_hashes, dtype=np.uint64, endpoint=False)
    return a, b


def minhash_signatures(
    texts: Sequence[str],
    num_hashes: int = 112,
    n_gram: int = 5,
    seed: int = 0,
    cache_shingles: bool = False,
    on_progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """MinHash signatures of many texts at once: a (len(texts), num_hashes) uint64 array.

    Entry [d, j] is the smallest h_j(x) over the shingles x of text d (Broder 1997), with
    h_j from `hash_parameters`; every value is below 2^32. A text with no words gets
    EMPTY (2^32) everywhere, a value no shingle can take. `cache_shingles` remembers each
    text's shingle hashes: for a corpus that is deduplicated again with other settings.
    `on_progress(fraction)` is called after each block of hash functions."""
    if num_hashes < 1:
        raise ValueError("Use at least one hash function.")
    if n_gram < 1:
        raise ValueError("The n-gram size must be at least 1.")
    shingle = _cached_shingle_hashes if cache_shingles else shingle_hashes
    per_doc = [shingle(t, n_gram) for t in texts]
    sig = np.full((len(texts), num_hashes), EMPTY, dtype=np.uint64)
    filled = [i for i, h in enumerate(per_doc) if len(h)]
    if not filled:
        return sig
    x = np.concatenate([per_doc[i] for i in filled])
    starts = np.cumsum([0] + [len(per_doc[i]) for i in filled[:-1]])
    a, b = hash_parameters(num_hashes, seed)
    shift = np.uint64(32)
    block = max(1, 4_000_000 // max(len(x), 1))  # keep each (block × shingles) array small
    for j in range(0, num_hashes, block):
        # uint64 wraps around: that is the "mod 2^64" of multiply-add-shift, on purpose
        vals = (a[j : j + block, None] * x[None, :] + b[j : j + block, None]) >> shift
        sig[filled, j : j + block] = np.minimum.reduceat(vals, starts, axis=1).T
        if on_progress is not None:
            on_progress(min(j + block, num_hashes) / num_hashes)
    return sig


def lsh_candidate_groups(signatures: np.ndarray, bands: int = 14, rows: int = 8) -> list[list[int]]:
    """Groups of documents that share all `rows` values of at least one band, merged
    transitively with union-find (as FineWeb's MinhashDedupCluster does: no pairwise check
    of the true similarity afterwards). Documents without words are never grouped."""
    n_docs, n_hashes = signatures.shape
    if bands < 1 or rows < 1:
        raise ValueError("Bands and rows must be at least 1.")
    if bands * rows > n_hashes:
        raise ValueError("The signatures are shorter than bands × rows.")
    parent = list(range(n_docs))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    has_words = ~np.all(signatures == EMPTY, axis=1)
    docs = np.flatnonzero(has_words)
    for band in range(bands):
        cols = signatures[docs, band * rows : (band + 1) * rows]
        _, bucket = np.unique(cols, axis=0, return_inverse=True)
        bucket = bucket.ravel()
        order = np.argsort(bucket, kind="stable")
        same = np.flatnonzero(bucket[order][1:] == bucket[order][:-1])
        for k in same:
            i, j = root(int(docs[order[k]])), root(int(docs[order[k + 1]]))
            if i != j:
                parent[max(i, j)] = min(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n_docs):
        groups.setdefault(root(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def near_duplicates(
    docs: Sequence, n_gram: int = 5, bands: int = 14, rows: int = 8, seed: int = 0
) -> list[list[int]]:
    """Groups (sorted indices, size ≥ 2) of near-duplicate documents (texts, or objects
    with a `.text` such as corpus Documents): MinHash over word `n_gram`-shingles, LSH with
    `bands` × `rows`, union-find over shared buckets.
    Defaults are FineWeb's (Penedo et al. 2024): 5-grams, 14 × 8."""
    texts = [getattr(d, "text", d) for d in docs]
    if n_gram < 1:
        raise ValueError("The n-gram size must be at least 1.")
    if bands < 1 or rows < 1:
        raise ValueError("Bands and rows must be at least 1.")
    sig = minhash_signatures(texts, bands * rows, n_gram, seed)
    return lsh_candidate_groups(sig, bands, rows)
