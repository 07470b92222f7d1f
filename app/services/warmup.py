"""Compute the labs' default results once per process, in the background, at start-up.

The cleaning pipeline on the whole corpus, the tokenizer compression curves and the
training corpus each take a few seconds the first time and are cached afterwards. Doing
that work before the first learner arrives means no one waits behind a spinner for it.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

WARMED = threading.Event()  # set once this process's warm-up has run (see /healthz)


def _warm(first: tuple[tuple[str, object], ...] = ()) -> None:
    from app.core.data.pipeline import PipelineConfig, run_on_default_corpus
    from app.core.data.tokenization import default_compression_curves
    from app.core.tinylm import load_pretrained
    from app.services.tinygpt.training import baselines
    from app.services.topics_warmup import warm_topics

    for name, work in (
        *first,
        ("cleaning pipeline", lambda: run_on_default_corpus(PipelineConfig())),
        ("training corpus", baselines),
        ("pretrained tiny GPT", load_pretrained),
        ("tokenizer curves", default_compression_curves),
        ("topic labs (embeddings, RAG, agents)", warm_topics),
    ):
        try:
            work()
        except Exception:  # a failed warm-up only means the first learner computes it
            log.exception("warm-up of the %s failed", name)
    WARMED.set()


def start_warmup(*first: tuple[str, object]) -> threading.Thread:
    """Start warming the caches in a daemon thread (it never blocks serving); `first`:
    (name, function) pairs to run before the labs' own, e.g. building the page layouts."""
    thread = threading.Thread(target=_warm, args=(first,), name="ogelo-warmup", daemon=True)
    thread.start()
    return thread
