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
