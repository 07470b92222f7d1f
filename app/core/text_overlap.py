"""Overlap between texts: BLEU and ROUGE (with the field's packages), and GPT-3's 13-word
contamination check.

- BLEU: Papineni et al. 2002, computed with sacrebleu (Post 2018), whose fixed
  tokenisation makes scores comparable across papers.
- ROUGE-1, ROUGE-2, ROUGE-L: Lin 2004, computed with Google's rouge-score package.
- Contamination: Brown et al. 2020 (GPT-3), Appendix C: a test item is flagged when it
  shares any 13-gram of words with the training data; words are lower-cased and
  punctuation is dropped first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

CONTAMINATION_N = 13
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class OverlapScores:
    bleu: float  # 0-100
    bleu_precisions: tuple[float, ...]  # 1- to 4-gram precisions, %
    brevity_penalty: float
    rouge1: float  # F-measure, 0-1
    rouge2: float
    rougeL: float


def overlap_scores(candidate: str, reference: str) -> OverlapScores:
    """Sentence BLEU and ROUGE F-measures of `candidate` against one `reference`."""
    import sacrebleu
    from rouge_score import rouge_scorer

    if not candidate.strip() or not reference.strip():
        raise ValueError("Both the candidate and the reference need some words.")
    bleu = sacrebleu.sentence_bleu(candidate, [reference])
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    r = scorer.score(reference, candidate)  # rouge-score takes (target, prediction)
    return OverlapScores(
        bleu=bleu.score,
        bleu_precisions=tuple(bleu.precisions),
        brevity_penalty=bleu.bp,
        rouge1=r["rouge1"].fmeasure,
        rouge2=r["rouge2"].fmeasure,
        rougeL=r["rougeL"].fmeasure,
    )


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation (GPT-3, Appendix C)."""
    return _WORD.findall(text.lower())


def ngrams(tokens: list[str], n: int = CONTAMINATION_N) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


@dataclass(frozen=True)
class Overlap:
    """A run of the passage's words covered by shared 13-grams."""

    start: int  # word index in the passage
    end: int  # exclusive
    text: str
    source: str


_PRIME = np.uint64(1_000_003)


@dataclass(frozen=True)
class NgramIndex:
    """Every n-gram of some sources as a sorted array of 64-bit rolling hashes, with the
    source each came from: a few MB for half a million n-grams, and looked up with a
    binary search. Word ids come from `vocabulary`; a passage word not in it cannot match."""

    n: int
    vocabulary: dict[str, int]
    hashes: np.ndarray  # uint64, sorted
    source_of: np.ndarray  # index into `names`, parallel to `hashes`
    names: tuple[str, ...]


def _rolling(ids: np.ndarray, n: int) -> np.ndarray:
    """Polynomial hash of every window of n ids (arithmetic mod 2^64)."""
    count = len(ids) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(count, dtype=np.uint64)
    for j in range(n):
        h = h * _PRIME + ids[j : j + count]
    return h


def build_index(sources: Iterable[tuple[str, str]], n: int = CONTAMINATION_N) -> NgramIndex:
    vocabulary: dict[str, int] = {}
    names, hashes, owners = [], [], []
    for k, (name, text) in enumerate(sources):
        ws = words(text)
        names.append(name)
        ids = np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary)) for w in ws), dtype=np.uint64, count=len(ws)
        )
        h = _rolling(ids, n)
        hashes.append(h)
        owners.append(np.full(len(h), k, dtype=np.int32))
    all_hashes = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    all_owners = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int32)
    order = np.argsort(all_hashes, kind="stable")  # the first source wins a tie
    return NgramIndex(n, vocabulary, all_hashes[order], all_owners[order], tuple(names))


def find_overlaps(passage: str, index: NgramIndex) -> list[Overlap]:
    """Every stretch of `passage` made of n-grams found in `index`, merged into runs."""
    tokens = words(passage)
    n = index.n
    if len(tokens) < n or not len(index.hashes):
        return []
    unknown = len(index.vocabulary)  # one id no indexed word has
    ids = np.array([index.vocabulary.get(w, unknown) for w in tokens], dtype=np.uint64)
    h = _rolling(ids, n)
    pos = np.searchsorted(index.hashes, h)
    pos_clipped = np.minimum(pos, len(index.hashes) - 1)
    found = index.hashes[pos_clipped] == h
    runs: list[list] = []
    for i in np.flatnonzero(found):
        source = index.names[int(index.source_of[pos_clipped[i]])]
        if runs and i <= runs[-1][1] and runs[-1][2] == source:
            runs[-1][1] = int(i) + n
        else:
            runs.append([int(i), int(i) + n, source])
    return [Overlap(a, b, " ".join(tokens[a:b]), s) for a, b, s in runs]


def contaminated_share(passage: str, overlaps: list[Overlap]) -> float:
    """Share of the passage's words inside some overlap."""
    total = len(words(passage))
    covered = set()
    for o in overlaps:
        covered.update(range(o.start, o.end))
    return len(covered) / total if total else 0.0


@lru_cache(maxsize=1)
def guide_index() -> NgramIndex:
    """The tiny GPT's training text and the made-up crawl of stage 03, as one index."""
    from app.core.data.corpus import default_corpus
    from app.core.paths import SHIPPED_CONTENT_DIR
    from app.core.tinylm import load_corpus

    train, _ = load_corpus(SHIPPED_CONTENT_DIR)
    sources = [("the tiny GPT's training text", train)]
    sources += [(f"crawl page #{d.id}", d.text) for d in default_corpus()]
    return build_index(sources)
