"""An extractive, cited answer: the retrieved sentences that best support the question,
each with its source section, or "not in the guide" when support is too weak.

Nothing is generated. Support of a sentence = cosine similarity between its TF-IDF
vector and the question's (the index's own vocabulary and idf). If the best sentence's
support is below `threshold`, the answer abstains. On the shipped questions,
`threshold_tradeoff` counts, per threshold, right answers, wrong answers (cited from the
wrong section, or any answer to a question the guide does not cover) and abstentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.preprocessing import normalize

from app.core.retrieval.corpus import Section
from app.core.retrieval.index import GuideIndex

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
MIN_SENTENCE_CHARS = 25


@dataclass(frozen=True)
class Supported:
    sentence: str
    support: float  # cosine(question, sentence) in TF-IDF space, 0..1
    section: Section


@dataclass(frozen=True)
class Answer:
    sentences: tuple[Supported, ...]  # best first; empty when abstaining
    best_support: float
    abstained: bool

    @property
    def sources(self) -> list[Section]:
        out: list[Section] = []
        for s in self.sentences:
            if s.section not in out:
                out.append(s.section)
        return out


def split_sentences(text: str) -> list[str]:
    parts = (p.strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if len(p) >= MIN_SENTENCE_CHARS]


def supported_sentences(
    index: GuideIndex, question: str, retriever: str = "hybrid", k_chunks: int = 4
) -> list[Supported]:
    """Every sentence of the `k_chunks` best chunks, scored by support, best first."""
    hits = index.search(question, retriever, k_chunks)
    items = [(s, h.section) for h in hits for s in split_sentences(h.chunk.text)]
    if not items:
        return []
    vectorizer = index.vectorizer
    matrix = normalize(vectorizer.transform([s for s, _ in items]))
    q = normalize(vectorizer.transform([question]))
    support = np.asarray((matrix @ q.T).todense()).ravel()
    order = np.argsort(-support, kind="stable")
    seen: set[str] = set()
    out = []
    for i in order:  # overlapping chunks repeat sentences: keep each once
        sentence, section = items[i]
        if sentence not in seen:
            seen.add(sentence)
            out.append(Supported(sentence, float(support[i]), section))
    return out


def answer(
    index: GuideIndex,
    question: str,
    *,
    retriever: str = "hybrid",
    threshold: float = 0.2,
    n_sentences: int = 2,
    k_chunks: int = 4,
) -> Answer:
    """The best `n_sentences` supported sentences, or an abstention under `threshold`."""
    if not 0 <= threshold <= 1:
        raise ValueError("The threshold must be between 0 and 1.")
    ranked = supported_sentences(index, question, retriever, k_chunks)
    best = ranked[0].support if ranked else 0.0
    if best < threshold or best <= 0:
        return Answer((), best, True)
    chosen = [s for s in ranked[:n_sentences] if s.support >= threshold]
    return Answer(tuple(chosen), best, False)


@dataclass(frozen=True)
class Outcome:
    """One shipped question: its best support and whether the top sentence's section is
    the labelled one (always False for a question the guide does not answer)."""

    support: float
    right_section: bool
    answerable: bool


def outcomes(index: GuideIndex, questions, retriever: str) -> list[Outcome]:
    out = []
    for q in questions:
        ranked = supported_sentences(index, q.question, retriever)
        best = ranked[0] if ranked else None
        right = bool(best and q.key and best.section.key == q.key)
        out.append(Outcome(best.support if best else 0.0, right, q.key is not None))
    return out


@dataclass(frozen=True)
class Tradeoff:
    thresholds: tuple[float, ...]
    right: tuple[float, ...]  # share of all questions answered from the right section
    wrong: tuple[float, ...]  # answered from a wrong section, or answered when unanswerable
    abstained_wrongly: tuple[float, ...]  # abstained though the guide answers it
    abstained_rightly: tuple[float, ...]  # abstained on a question the guide does not answer


def threshold_tradeoff(results: list[Outcome], thresholds) -> Tradeoff:
    n = len(results)
    if not n:
        raise ValueError("No questions.")
    cols: list[list[float]] = [[], [], [], []]
    for t in thresholds:
        counts = [0, 0, 0, 0]
        for r in results:
            answered = r.support >= t and r.support > 0
            if answered:
                counts[0 if r.right_section else 1] += 1
            else:
                counts[2 if r.answerable else 3] += 1
        for col, c in zip(cols, counts, strict=True):
            col.append(c / n)
    return Tradeoff(tuple(thresholds), *(tuple(c) for c in cols))


@lru_cache(maxsize=12)
def cached_outcomes(content_dir: str, size: int, retriever: str) -> tuple[Outcome, ...]:
    from app.core.retrieval.evaluate import load_questions
    from app.core.retrieval.index import get_index

    index = get_index(content_dir, size, size // 4)
    return tuple(outcomes(index, load_questions(content_dir), retriever))
