"""Training data for induction heads: random tokens with one segment repeated.

Each sequence is T uniformly random tokens in which a segment of random length L, at a
random place, is followed at once by a copy of itself. Tokens are random, so nothing but
the earlier copy can predict the later one: the loss on the second copy falls only when the
model learns to look back in its own context (Olsson et al. 2022, section 2). Varying L
and the place stops a head from simply looking a fixed distance back.
"""

from __future__ import annotations

import numpy as np

MIN_SEGMENT = 3


def batch(rng: np.random.Generator, batch_size: int, seq_len: int, vocab_size: int):
    """(x, y): (B, T) inputs and next-token targets, from (B, T+1) sequences."""
    seqs = rng.integers(0, vocab_size, size=(batch_size, seq_len + 1))
    half = (seq_len + 1) // 2
    for row in seqs:
        length = int(rng.integers(max(MIN_SEGMENT, half // 2), half + 1))
        start = int(rng.integers(0, seq_len + 2 - 2 * length))
        row[start + length : start + 2 * length] = row[start : start + length]
    return seqs[:, :-1], seqs[:, 1:]


def repeated_segment(rng: np.random.Generator, seq_len: int, vocab_size: int, n: int = 1):
    """[random segment, the same segment again] filling the context: (x, y) of shape (n, T),
    where the segment is (T+1)//2 long; positions >= segment-1 predict the second copy."""
    length = (seq_len + 1) // 2
    seg = rng.integers(0, vocab_size, size=(n, length))
    seqs = np.concatenate([seg, seg], axis=1)[:, : seq_len + 1]
    return seqs[:, :-1], seqs[:, 1:], length
