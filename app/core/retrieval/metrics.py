"""Ranking quality of one query, given its relevant items (binary relevance).

- recall@k: the share of relevant items among the first k results.
- reciprocal rank: 1 / rank of the first relevant result (0 if none); its mean over
  queries is MRR (Voorhees 1999, TREC-8 question answering).
- nDCG@k (Järvelin & Kekäläinen 2002): DCG@k = Σ_{i≤k} rel_i / log2(i + 1), divided by
  the DCG of the ideal ranking, so a perfect ranking scores 1.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k must be a whole number of at least 1.")
    return k


def recall_at_k(ranked: Sequence[Hashable], relevant: set, k: int) -> float:
    _check_k(k)
    if not relevant:
        raise ValueError("A query needs at least one relevant item.")
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranked: Sequence[Hashable], relevant: set) -> float:
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[Hashable], relevant: set, k: int) -> float:
    _check_k(k)
    if not relevant:
        raise ValueError("A query needs at least one relevant item.")
    dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(ranked[:k], start=1) if d in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
