"""A checklist for a candidate pretraining source: rate it on each criterion, get a weighted
score and a verdict with reasons.

The criteria follow the questions a dataset's datasheet answers (Gebru et al. 2021,
"Datasheets for Datasets": collection, consent, personal data, maintenance). The levels,
points and weights are this guide's teaching choices, written down so they can be argued
with; they are a rough screen, not legal advice.

Verdict rules, in order:
1. any level marked "block" (e.g. all rights reserved)                  → avoid
2. score below AVOID_BELOW                                              → avoid
3. any level marked "filter" (e.g. PII-heavy) or score below USE_FROM   → use with filtering
4. otherwise                                                            → use
"""

from __future__ import annotations

from dataclasses import dataclass

AVOID_BELOW = 50.0  # score out of 100
USE_FROM = 75.0
VERDICTS = ("use", "use with filtering", "avoid")


@dataclass(frozen=True)
class Level:
    key: str
    label: str  # what the level means, shown to the learner
    points: float  # 0..1 of the criterion's weight
    flag: str | None = None  # None | "filter" | "block"
    reason: str = ""  # the sentence a verdict quotes when this level decides it


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    question: str
    weight: int
    levels: tuple[Level, ...]

    def level(self, key: str) -> Level:
        for lv in self.levels:
            if lv.key == key:
                return lv
        raise ValueError(f"{self.title}: choose one of the listed levels.")


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "licence",
        "Licence and consent",
        "May you copy and train on it?",
        3,
        (
            Level(
                "forbidden",
                "All rights reserved, or the terms forbid copying or scraping",
                0.0,
                "block",
                "The licence does not allow copying the text.",
            ),
            Level(
                "unclear",
                "No licence stated, or the terms are unclear",
                0.3,
                "filter",
                "Nobody has said you may use it; the risk is yours.",
            ),
            Level(
                "conditions",
                "Open licence with conditions (attribution, share-alike)",
                0.85,
                None,
                "An open licence allows reuse if you follow its conditions.",
            ),
            Level(
                "open",
                "Public domain or permissive (CC0, MIT, Apache, BSD)",
                1.0,
                None,
                "Public domain or a permissive licence: reuse is allowed; MIT, Apache and BSD "
                "still require keeping the copyright and licence notice.",
            ),
        ),
    ),
    Criterion(
        "size",
        "Size after cleaning",
        "How many tokens remain after filtering and deduplication?",
        1,
        (
            Level(
                "tiny",
                "Under 100 million tokens",
                0.0,
                None,
                "Too small to matter for pretraining.",
            ),
            Level(
                "small",
                "100 million to 1 billion tokens",
                0.35,
                None,
                "Small: useful only as a specialised slice.",
            ),
            Level("medium", "1 to 100 billion tokens", 0.7, None, "A useful amount of text."),
            Level("large", "Over 100 billion tokens", 1.0, None, "Large enough to matter."),
        ),
    ),
    Criterion(
        "quality",
        "Quality",
        "Is it written by people for people, or spam and boilerplate?",
        2,
        (
            Level(
                "spam",
                "Mostly spam, boilerplate or machine-made pages",
                0.0,
                "filter",
                "Most of it is noise that must be filtered out.",
            ),
            Level(
                "mixed",
                "Mixed: needs heavy filtering and deduplication",
                0.4,
                "filter",
                "Quality is mixed: plan filtering and deduplication.",
            ),
            Level("good", "Mostly good writing, some noise", 0.75, None, "Mostly good writing."),
            Level(
                "edited",
                "Edited or curated (reviewed before publishing)",
                1.0,
                None,
                "Edited, curated text.",
            ),
        ),
    ),
    Criterion(
        "freshness",
        "Freshness",
        "Does it cover recent events and current tools?",
        1,
        (
            Level(
                "old",
                "Frozen, mostly older than 5 years",
                0.0,
                None,
                "Old text: it will not know recent events.",
            ),
            Level(
                "recent", "A few years old, updated now and then", 0.5, None, "Somewhat up to date."
            ),
            Level("current", "Updated at least monthly", 1.0, None, "Kept up to date."),
        ),
    ),
    Criterion(
        "pii",
        "Personal data risk",
        "How much private information (names, emails, phone numbers) might it hold?",
        2,
        (
            Level(
                "high",
                "High: private messages, profiles, emails",
                0.0,
                "filter",
                "Likely full of personal data: remove or mask it first.",
            ),
            Level(
                "medium",
                "Medium: some names, emails or keys appear",
                0.5,
                "filter",
                "Some personal data: scan for and mask emails, phone numbers and keys.",
            ),
            Level(
                "low",
                "Low: public, edited writing about public matters",
                0.85,
                None,
                "Little personal data.",
            ),
            Level(
                "none", "Very low: no people-related content", 1.0, None, "Almost no personal data."
            ),
        ),
    ),
    Criterion(
        "fit",
        "Language and domain fit",
        "Is it in the languages and subjects your model must handle?",
        1,
        (
            Level(
                "poor",
                "Poor: wrong language or subject",
                0.0,
                None,
                "It does not match what the model is for.",
            ),
            Level("partial", "Partial: some of it fits", 0.5, None, "Only part of it fits."),
            Level(
                "good",
                "Good: the languages and subjects you need",
                1.0,
                None,
                "It fits the model's purpose.",
            ),
        ),
    ),
)
MAX_POINTS = sum(c.weight for c in CRITERIA)


def criterion(key: str) -> Criterion:
    for c in CRITERIA:
        if c.key == key:
            return c
    raise ValueError(f"Unknown criterion {key!r}.")


@dataclass(frozen=True)
class Assessment:
    score: float  # 0..100
    verdict: str  # one of VERDICTS
    reasons: tuple[str, ...]  # the sentences that decided the verdict, worst first
    strengths: tuple[str, ...]
    points: dict[str, float]  # criterion key → weighted points earned (of its weight)


def assess(ratings: dict[str, str]) -> Assessment:
    """Score `ratings` (criterion key → level key) and explain the verdict.

    Raises ValueError if a criterion is missing or a level is not one of its levels."""
    chosen: list[tuple[Criterion, Level]] = []
    for c in CRITERIA:
        if c.key not in ratings or ratings[c.key] in (None, ""):
            raise ValueError(f"{c.title}: please choose a level.")
        chosen.append((c, c.level(ratings[c.key])))
    points = {c.key: c.weight * lv.points for c, lv in chosen}
    score = 100 * sum(points.values()) / MAX_POINTS
    blocks = [lv.reason for _, lv in chosen if lv.flag == "block"]
    filters = [lv.reason for _, lv in chosen if lv.flag == "filter"]
    weak = [lv.reason for c, lv in chosen if lv.flag is None and lv.points < 0.5]
    strengths = tuple(lv.reason for _, lv in chosen if lv.points >= 0.75)
    if blocks:
        verdict, reasons = "avoid", blocks + filters
    elif score < AVOID_BELOW:
        verdict = "avoid"
        reasons = [f"The score is under {AVOID_BELOW:.0f}.", *filters, *weak]
    elif filters or score < USE_FROM:
        verdict = "use with filtering"
        reasons = filters + weak if filters or weak else [f"The score is under {USE_FROM:.0f}."]
    else:
        verdict, reasons = "use", weak
    return Assessment(score, verdict, tuple(reasons), strengths, points)


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str  # factual, plain language
    ratings: dict[str, str]


PRESETS: tuple[Preset, ...] = (
    Preset(
        "wikipedia",
        "Wikipedia dump",
        "The full text of an encyclopedia, downloadable as regular database dumps. The text "
        "is under CC BY-SA (attribution, share-alike). Articles are edited by many people; "
        "biographies name real, mostly public, people.",
        dict(
            licence="conditions",
            size="medium",
            quality="edited",
            freshness="current",
            pii="low",
            fit="good",
        ),
    ),
    Preset(
        "forum",
        "Scraped forum, no licence",
        "Posts copied from a discussion forum whose terms say nothing about reuse. Threads are "
        "current and varied, but members write about their lives and sometimes post emails or "
        "phone numbers.",
        dict(
            licence="unclear",
            size="small",
            quality="mixed",
            freshness="current",
            pii="high",
            fit="good",
        ),
    ),
    Preset(
        "github",
        "GitHub code, permissive licences",
        "Public repositories kept only if their licence is MIT, Apache or BSD (as LLaMA did). "
        "Large and current, with many near-duplicate and generated files, and some emails and "
        "API keys inside the code.",
        dict(
            licence="open",
            size="large",
            quality="mixed",
            freshness="current",
            pii="medium",
            fit="good",
        ),
    ),
    Preset(
        "pdf_books",
        "PDF library of copyrighted books",
        "A collection of commercial books in PDF, copied without the publishers' permission. "
        "Well edited, long-form writing, but the copyright holders have not agreed to reuse.",
        dict(
            licence="forbidden",
            size="medium",
            quality="edited",
            freshness="recent",
            pii="low",
            fit="good",
        ),
    ),
    Preset(
        "gutenberg",
        "Public-domain books (Project Gutenberg)",
        "Books whose copyright has expired, mostly older literature. Free to reuse and well "
        "edited, but the language and facts are decades old.",
        dict(
            licence="open",
            size="medium",
            quality="edited",
            freshness="old",
            pii="none",
            fit="partial",
        ),
    ),
)


def preset(key: str) -> Preset:
    for p in PRESETS:
        if p.key == key:
            return p
    raise ValueError("Choose one of the example sources.")
