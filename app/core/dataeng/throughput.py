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

from app.core.data import dedup, langid, pii, quality
from app.core.data.corpus import default_corpus

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


def docs_per_second(step: str, texts: list[str], workers: int = 1, pool=None) -> float:
    """Documents per second for `step` over `texts` with `workers` processes (1 = this
    process). Give a running `pool` of that many processes to leave its start-up out."""
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
        if pool is None:
            with mp.get_context("spawn").Pool(workers) as own:
                own.map(_chunk, chunks)
        else:
            pool.map(_chunk, chunks)
    return len(texts) / (time.perf_counter() - start)


def measure_steps(texts: list[str], workers: int, on_step=None) -> dict:
    """{"one": {step: docs/s}, "many": {step: docs/s}, "startup_s": seconds}: every step in
    this process, then in a pool of `workers` processes (started once, timed apart; each
    worker warms up on a few documents first so imports are not counted as work).
    `on_step(out)` is called after each measurement; returning True stops there."""
    if not 2 <= workers <= MAX_WORKERS:
        raise ValueError(f"Compare with between 2 and {MAX_WORKERS} worker processes.")
    out = {"one": {}, "many": {}, "workers": workers, "documents": len(texts), "startup_s": 0.0}
    for step in STEPS:
        _chunk((step, texts[:2]))  # warm up caches and imports, as the workers do
        out["one"][step] = docs_per_second(step, texts)
        if on_step and on_step(out):
            return out
    if mp.current_process().daemon:
        # e.g. a Celery prefork worker: a daemonic process may not start child processes
        out["no_workers"] = "This job runner cannot start worker processes."
        return out
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(workers) as pool:
        for step in STEPS:
            pool.map(_chunk, [(step, texts[:2])] * workers)
        out["startup_s"] = time.perf_counter() - t0
        for step in STEPS:
            out["many"][step] = docs_per_second(step, texts, workers, pool)
            if on_step and on_step(out):
                return out
    return out


MAX_MEMORY_DOCS = 3000


def peak_memory(n: int, streaming: bool) -> tuple[int, int]:
    """(peak bytes allocated by Python, documents processed) while measuring the quality
    numbers of `n` documents read from a JSON-lines file (written first, not measured):
    streaming reads and measures one line at a time, keeping only running counts; loading
    reads every document into a list and keeps every result, as a naive script does."""
    import json
    import tempfile

    if not 1 <= n <= MAX_MEMORY_DOCS:
        raise ValueError(f"Measure between 1 and {MAX_MEMORY_DOCS:,} documents.")
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/docs.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for d in default_corpus()[:n]:
                f.write(json.dumps({"text": d.text}) + "\n")
        tracemalloc.start()
        try:
            with open(path, encoding="utf-8") as f:
                if streaming:
                    count = sum(1 for line in f if quality.measure(json.loads(line)["text"]))
                else:
                    texts = [json.loads(line)["text"] for line in f]
                    results = [quality.measure(t) for t in texts]
                    count = len(results)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return peak, count
