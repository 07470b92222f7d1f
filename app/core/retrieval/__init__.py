"""One retrieval engine over the guide's own words (stages, topics, glossary).

- `corpus`: the guide as sections (page slug, heading, anchor, plain text).
- `chunking`: sections cut into overlapping word windows.
- `index`: BM25 (bm25s), dense TF-IDF + truncated SVD (scikit-learn) and their
  reciprocal rank fusion; `get_index()` caches one built index per (content, settings).
- `metrics`: recall@k, MRR and nDCG of a ranking.
- `answer`: an extractive, cited answer, or "not in the guide".
"""

from app.core.retrieval.chunking import Chunk, chunk_sections
from app.core.retrieval.corpus import Section, guide_sections
from app.core.retrieval.index import RETRIEVERS, GuideIndex, Hit, get_index, rrf_fuse

__all__ = [
    "RETRIEVERS",
    "Chunk",
    "GuideIndex",
    "Hit",
    "Section",
    "chunk_sections",
    "get_index",
    "guide_sections",
    "rrf_fuse",
]
