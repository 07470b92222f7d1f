"""Measured throughput of each stage-03 step, in one process and in several, and the
peak memory of streaming documents versus loading them all.

Each step is the per-document work of the stage-03 pipeline (app.core.data), uncached:
language ID, the quality measurements, PII redaction, the exact-dedup hash and the
MinHash signature. Documents are independent for all of them, so they parallelise by
splitting the documents into chunks, one per worker process; only deduplication's
*grouping* needs to see every hash at once (in datatrove that is a separate stage).
Measurements are bounded: at most MAX_DOCS documents.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import time
import tracemalloc
from collections.abc import Iterable, Iterator

from app.core.data import dedup, langid, pii, quality
from app.core.data.corpus import default_corpus, generate

MAX_DOCS = 600
MAX_WORKERS = 4
STEPS = ("language", "quality", "pii", "exact_hash", "minhash")
STEP_NAMES = {
    "language": "Language ID",
    "quality": "Quality measurements",
    "pii": "PII redaction",
    "exact_hash": "Exact-dedup hash",
    "minhash": "MinHash signature",
}


def _work(step: str, text: str):
    if step == "language":
        return langid.identify(text)
    if step == "quality":
        return quality.measure(text)
    if step == "pii":
        return pii.redact(text)
    if step == "exact_hash":
        return hashlib.sha1(dedup.normalise(text).encode()).digest()
    if step == "minhash":
        return dedup.minhash_signatures([text], num_hashes=112)
    raise ValueError(f"Unknown step {step!r}; choose from {', '.join(STEPS)}.")


def _chunk(args: tuple[str, list[str]]) -> int:
    step, texts = args
    for t in texts:
        _work(step, t)
    return len(texts)


def documents(n: int) -> list[str]:
    if not 1 <= n <= MAX_DOCS:
        raise ValueError(f"Measure between 1 and {MAX_DOCS} documents.")
    return [d.text for d in default_corpus()[:n]]


def docs_per_second(step: str, texts: list[str], workers: int = 1) -> float:
    """Documents per second for `step` over `texts` with `workers` processes (1 = this
    process). Process start-up is included for workers > 1: it is part of the real cost."""
    if step not in STEPS:
        raise ValueError(f"Unknown step {step!r}; choose from {', '.join(STEPS)}.")
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"Use between 1 and {MAX_WORKERS} worker processes.")
    start = time.perf_counter()
    if workers == 1:
        _chunk((step, texts))
    else:
        size = -(-len(texts) // workers)
        chunks = [(step, texts[i : i + size]) for i in range(0, len(texts), size)]
        with mp.get_context("spawn").Pool(workers) as pool:
            sum(pool.map(_chunk, chunks))
    return len(texts) / (time.perf_counter() - start)


def stream_documents(n: int) -> Iterator[str]:
    """Documents one at a time from the generator, without keeping a list."""
    for d in generate(n_docs=n, seed=1):
        yield d.text


def peak_memory(n: int, streaming: bool) -> tuple[int, int]:
    """(peak bytes allocated, documents processed) while measuring `n` generated
    documents: streaming keeps one at a time; loading holds all texts and all results."""
    tracemalloc.start()
    try:
        if streaming:
            count = sum(1 for t in stream_documents(n) if quality.measure(t))
        else:
            texts: Iterable[str] = [d.text for d in generate(n_docs=n, seed=1)]
            results = [quality.measure(t) for t in texts]
            count = len(results)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, count
