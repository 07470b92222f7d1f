"""Padding versus packing documents into fixed-length training sequences.

- Padding: one document per row; shorter ones are filled with a pad token (wasted
  compute), longer ones are cut (lost tokens, unless the rest starts a new row).
- Packing: documents joined with an end-of-document token and cut into rows of exactly
  seq_len; nothing is wasted but the last row's tail. A causal mask alone would let a
  token attend to the previous document in the same row, so packed training uses a
  document-boundary (block-diagonal causal) mask (Krell et al. 2021, "Efficient Sequence
  Packing without Cross-contamination"; Llama 3 paper §3.2 masks across documents too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PaddingStats:
    rows: int
    pad_share: float  # share of all row slots that are padding
    truncated_share: float  # share of the corpus's tokens cut off


def padding_stats(lengths, seq_len: int) -> PaddingStats:
    """One row per document, truncated to seq_len."""
    lengths = np.asarray(lengths, int)
    if seq_len < 1 or len(lengths) == 0 or (lengths < 0).any():
        raise ValueError("Give a positive sequence length and document lengths.")
    kept = np.minimum(lengths, seq_len)
    slots = len(lengths) * seq_len
    total = int(lengths.sum())
    return PaddingStats(
        len(lengths), float(1 - kept.sum() / slots), float((total - kept.sum()) / max(total, 1))
    )


@dataclass(frozen=True)
class PackingStats:
    rows: int
    pad_share: float  # only the last row's tail
    split_documents: int  # documents that continue into the next row


def packing_stats(lengths, seq_len: int, eod: int = 1) -> PackingStats:
    """All documents (each + `eod` end-of-document tokens) concatenated and cut into rows."""
    lengths = np.asarray(lengths, int) + eod
    if seq_len < 1 or len(lengths) == 0:
        raise ValueError("Give a positive sequence length and document lengths.")
    total = int(lengths.sum())
    rows = -(-total // seq_len)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    split = int(np.sum(starts // seq_len != (ends - 1) // seq_len))
    return PackingStats(rows, float(1 - total / (rows * seq_len)), split)


def packed_row_documents(lengths, seq_len: int, row: int = 0, eod: int = 1) -> np.ndarray:
    """For row `row` of the packed stream, the document index of every position."""
    lengths = np.asarray(lengths, int) + eod
    doc_of = np.repeat(np.arange(len(lengths)), lengths)
    start = row * seq_len
    if start >= len(doc_of):
        raise ValueError("There is no such row.")
    return doc_of[start : start + seq_len]


def boundary_mask(doc_ids) -> np.ndarray:
    """(T, T) boolean: position i may attend to j when j ≤ i and both are in the same
    document (block-diagonal causal mask)."""
    d = np.asarray(doc_ids)
    t = len(d)
    return np.tril(np.ones((t, t), bool)) & (d[:, None] == d[None, :])


TOKENIZER_VOCAB = 4_000


def corpus_token_lengths(vocab_size: int = TOKENIZER_VOCAB) -> np.ndarray:
    """Token count of every good page of the stage-03 crawl (those a perfect pipeline keeps), with
    stage 03's byte-level BPE trained on the guide's default text."""
    from app.core.data.corpus import KEEP_LABELS, default_corpus
    from app.core.data.tokenization import train_tokenizer

    tok = train_tokenizer("bpe", vocab_size)
    texts = [d.text for d in default_corpus() if d.label in KEEP_LABELS]
    return np.array([len(e.ids) for e in tok.encode_batch(texts)])
