"""Retrieval quality on the shipped questions (content/tables/rag_questions.yaml).

A question's relevant item is the one section (page slug, heading) that answers it. The
ranked chunks are reduced to ranked sections (a section counts at its best chunk), then
scored with recall@k, MRR and nDCG@k (`metrics`). Questions the guide does not answer
(`slug: null`) are left out of these scores; they test the answer's abstention instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.core.paths import SHIPPED_CONTENT_DIR
from app.core.retrieval.index import RETRIEVERS, GuideIndex, get_index
from app.core.retrieval.metrics import mean, ndcg_at_k, recall_at_k, reciprocal_rank

CHUNK_SIZES = (60, 120, 250)  # words; overlap is a quarter of the size
KS = (1, 3, 5, 10)


@dataclass(frozen=True)
class Question:
    question: str
    slug: str | None
    heading: str | None

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.slug, self.heading) if self.slug else None


@lru_cache(maxsize=4)
def load_questions(content_dir: str | Path = SHIPPED_CONTENT_DIR) -> tuple[Question, ...]:
    path = Path(content_dir) / "tables" / "rag_questions.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for i, row in enumerate(data.get("questions") or []):
        if not isinstance(row, dict) or not str(row.get("question", "")).strip():
            raise ValueError(f"{path.name}: question {i + 1} has no text")
        slug, heading = row.get("slug"), row.get("heading")
        if bool(slug) != bool(heading):
            raise ValueError(f"{path.name}: question {i + 1} needs both slug and heading")
        out.append(Question(str(row["question"]), slug or None, heading or None))
    return tuple(out)


def ranked_sections(index: GuideIndex, query: str, retriever: str) -> list[tuple[str, str]]:
    """Section keys (slug, heading) in the order of their best chunk."""
    seen: dict[tuple[str, str], None] = {}
    for i, _ in index.ranking(query, retriever):
        seen.setdefault(index.chunks[i].section.key, None)
    return list(seen)


@dataclass(frozen=True)
class Scores:
    retriever: str
    chunk_size: int
    n_questions: int
    recall: dict[int, float]  # k → mean recall@k
    mrr: float
    ndcg: dict[int, float]  # k → mean nDCG@k


def evaluate(index: GuideIndex, questions, retriever: str) -> Scores:
    """Mean recall@k, MRR and nDCG@k of `retriever` over the answerable `questions`."""
    answerable = [q for q in questions if q.key]
    if not answerable:
        raise ValueError("No answerable questions to evaluate.")
    runs = [(ranked_sections(index, q.question, retriever), {q.key}) for q in answerable]
    return Scores(
        retriever,
        index.size,
        len(answerable),
        {k: mean(recall_at_k(r, rel, k) for r, rel in runs) for k in KS},
        mean(reciprocal_rank(r, rel) for r, rel in runs),
        {k: mean(ndcg_at_k(r, rel, k) for r, rel in runs) for k in KS},
    )


@lru_cache(maxsize=4)
def evaluation_table(content_dir: str = str(SHIPPED_CONTENT_DIR)) -> tuple[Scores, ...]:
    """Scores for every retriever at every chunk size in CHUNK_SIZES (a few seconds; the
    app computes it once at warm-up)."""
    questions = load_questions(content_dir)
    out = []
    for size in CHUNK_SIZES:
        index = get_index(content_dir, size, size // 4)
        out += [evaluate(index, questions, r) for r in RETRIEVERS]
    return tuple(out)
