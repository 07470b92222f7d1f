"""Who do the quality filters drop? Stage 03's rules on good pages from labelled groups.

Dodge et al. 2021 ("Documenting Large Webtext Corpora: A Case Study on the Colossal Clean
Crawled Corpus", §5) found that C4's word blocklist removed text in African-American
English and Hispanic-aligned English, and text mentioning sexual orientations, at higher
rates than other text. Here each group is a set of *good* pages, so every removal is a
mistake, and we compare removal rates.

The pages are generated separately from the stage-03 crawl (its numbers do not change):
stage 03's own good-article generator (app.core.data.corpus) writes a page, and a group
rewrites it:

- standard: the page as written.
- informal: the same content as a community post: one short line per clause and little
  closing punctuation, as in chat, forum and social-media writing.
- dialect: the same content with dialect spellings of common words written here
  (e.g. "going" → "goin'", "you" → "ya", "them" → "dem"), a stand-in for the many
  non-standard written varieties of English.
- identity: the page plus a sentence mentioning an identity group, using words that
  blocklists in the style of C4's also contain (IDENTITY_TERMS).

Measurements come from `quality.measure`, the pass/fail tests from `quality.RULE_LIST`: the
same rules, the same code, as the stage-03 pipeline.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import numpy as np

from app.core.data import corpus, quality

GROUPS = ("standard", "informal", "dialect", "identity")
GROUP_NAMES = {
    "standard": "Standard articles",
    "informal": "Informal posts",
    "dialect": "Dialect spelling",
    "identity": "Mention identity terms",
}
PAGES_PER_GROUP = 150
SEED = 2021  # not the stage-03 crawl's seed: a separate set of pages
# A blocklist in the style of C4's: the words are innocent in most pages that use them.
IDENTITY_TERMS = ("gay", "lesbian", "queer", "sex")
IDENTITY_SENTENCES = (
    "The {t} community centre hosted the meeting and everyone was welcome.",
    "Several {t} members of the club wrote the guide together.",
    "The library runs a reading group for {t} teenagers and their parents.",
    "Our {t} neighbours helped organise the street festival this year.",
)
DIALECT = {
    "going": "goin'",
    "doing": "doin'",
    "nothing": "nothin'",
    "something": "somethin'",
    "you": "ya",
    "your": "yer",
    "them": "dem",
    "they": "dey",
    "the": "da",
    "that": "dat",
    "with": "wit",
    "and": "an'",
    "of": "o'",
    "to": "ta",
    "because": "'cause",
    "about": "'bout",
    "want to": "wanna",
    "going to": "gonna",
}
_DIALECT_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, DIALECT), key=len, reverse=True)) + r")\b", re.I
)
# The thresholds a learner may move: those the rules compare with a page's measurements
# (the ones that change the measurements themselves stay at their defaults).
ADJUSTABLE = {
    "min_doc_words": ("gopher_min_words", "Gopher: at least N words", 0, 400),
    "min_avg_word_length": ("gopher_mean_word_length", "Gopher: mean word length ≥", 0, 6),
    "min_stop_words": ("gopher_stop_words", "Gopher: at least N stop words", 0, 20),
    "c4_min_sentences": ("c4_sentences", "C4: at least N sentences", 0, 20),
    "min_line_punct_ratio": ("fineweb_line_punct", "FineWeb: lines ending in punctuation >", 0, 1),
    "max_short_line_ratio": ("fineweb_short_lines", "FineWeb: short lines <", 0, 1),
}


def _informal(text: str, rng: random.Random) -> str:
    lines = []
    for part in re.split(r"(?<=[.!?,;:])\s+", text.replace("\n", " ")):
        part = part.strip()
        if part and rng.random() < 0.7:
            part = part.rstrip(".!?,;:")
        if part:
            lines.append(part[0].lower() + part[1:] if rng.random() < 0.5 else part)
    return "\n".join(lines)


def _dialect(text: str) -> str:
    def swap(m: re.Match) -> str:
        word = m.group(0)
        new = DIALECT[word.lower()]
        return new[0].upper() + new[1:] if word[0].isupper() else new

    return _DIALECT_RE.sub(swap, text)


def _identity(text: str, rng: random.Random) -> str:
    sentence = rng.choice(IDENTITY_SENTENCES).format(t=rng.choice(IDENTITY_TERMS))
    paragraphs = text.split("\n")
    paragraphs.insert(rng.randint(1, len(paragraphs)), sentence)
    return "\n".join(paragraphs)


@lru_cache(maxsize=1)
def group_pages(n: int = PAGES_PER_GROUP, seed: int = SEED) -> dict[str, tuple[str, ...]]:
    """{group: pages}; page i of every group rewrites the same good article."""
    rng = random.Random(seed)
    base = [corpus._good_text(rng) for _ in range(n)]
    return {
        "standard": tuple(base),
        "informal": tuple(_informal(t, rng) for t in base),
        "dialect": tuple(_dialect(t) for t in base),
        "identity": tuple(_identity(t, rng) for t in base),
    }


@lru_cache(maxsize=1)
def group_measurements() -> dict[str, tuple[dict, ...]]:
    """quality.measure of every page (default line and punctuation settings)."""
    return {g: tuple(quality.measure(t) for t in pages) for g, pages in group_pages().items()}


def blocklist_hits() -> dict[str, np.ndarray]:
    return {
        g: np.array([quality.bad_word_hits(t, IDENTITY_TERMS) for t in pages])
        for g, pages in group_pages().items()
    }


def removal_rates(
    thresholds: quality.Thresholds = quality.DEFAULT_THRESHOLDS, use_blocklist: bool = False
) -> dict[str, dict[str, float]]:
    """{rule: {group: share of the group's good pages the rule alone would drop}}, for the
    Gopher quality, C4 and FineWeb rules (and the blocklist when `use_blocklist`); plus
    'any rule': the share the whole quality step drops."""
    rules = [
        r
        for r in quality.RULE_LIST
        if r.group in ("gopher_quality", "c4", "fineweb")
        and (r.name != "c4_bad_words" or use_blocklist)
    ]
    hits = blocklist_hits()
    out: dict[str, dict[str, float]] = {r.name: {} for r in rules}
    out["any rule"] = {}
    for g, ms in group_measurements().items():
        fails = np.array(
            [
                [not rule.passes({**m, "bad_words": int(hits[g][i])}, thresholds) for rule in rules]
                for i, m in enumerate(ms)
            ]
        )
        for j, rule in enumerate(rules):
            out[rule.name][g] = float(fails[:, j].mean())
        out["any rule"][g] = float(fails.any(axis=1).mean())
    return out
