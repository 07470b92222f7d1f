"""Deduplication: MinHash + LSH for near duplicates (Broder 1997; Leskovec et al., MMDS ch. 3)."""

from __future__ import annotations


def match_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two documents of Jaccard similarity s share at least one LSH band:
    1 − (1 − s^rows)^bands (Leskovec, Rajaraman & Ullman, Mining of Massive Datasets, 3.4)."""
    if not 0 <= similarity <= 1:
        raise ValueError("Similarity must be between 0 and 1.")
    if bands < 1 or rows < 1:
        raise ValueError("Bands and rows must be at least 1.")
    return 1 - (1 - similarity**rows) ** bands


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
    base = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")
            for s in items]
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
        sig_a[i * rows : (i + 1) * rows] == sig_b[i * rows : (i + 1) * rows]
        for i in range(bands)
    )


def threshold(bands: int, rows: int) -> float:
    """The similarity where the S-curve is steepest, about (1/bands)^(1/rows)."""
    return (1 / bands) ** (1 / rows)
