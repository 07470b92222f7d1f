"""Warm the Embeddings, RAG and Agents labs' caches (indexes, evaluation tables, word
vectors, router, tokenizer) so the first learner does not wait for them."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm_topics(content_dir: str | None = None) -> None:
    from app.config import settings
    from app.core import embeddings as emb
    from app.core.agents.context import count_tokens
    from app.core.agents.router import train_router
    from app.core.retrieval.answer import cached_outcomes
    from app.core.retrieval.evaluate import CHUNK_SIZES, evaluation_table
    from app.core.retrieval.index import RETRIEVERS, get_index

    content = str(content_dir or settings.content_dir)
    work = [
        ("search index", lambda: get_index(content, 120, 30)),
        ("word vectors", emb.load_vectors),
        ("router", lambda: train_router(content)),
        ("agent tokenizer", lambda: count_tokens("warm")),
        ("retrieval evaluation", lambda: evaluation_table(content)),
        *[
            (f"answer outcomes {r}", lambda r=r: cached_outcomes(content, 120, r))
            for r in RETRIEVERS
        ],
        ("character map", emb.char_embedding_map),
        *[(f"IVF {n}", lambda n=n: emb.chunk_search_sweep(content, n)) for n in (4, 8, 16, 32)],
        *[(f"index {s}", lambda s=s: get_index(content, s, s // 4)) for s in CHUNK_SIZES],
    ]
    for name, job in work:
        try:
            job()
        except Exception:  # a failed warm-up only means the first learner computes it
            log.exception("warm-up of the %s failed", name)
