"""Heuristic quality filters of published pre-training pipelines, one named rule at a time.

Four groups of rules, each threshold a named field of `Thresholds` with the paper's default:

- ``gopher_quality``: Rae et al. 2021, *Scaling Language Models: Methods, Analysis &
  Insights from Training Gopher*, Appendix A.1.1 (MassiveWeb quality filters).
- ``gopher_repetition``: the same paper, Table A1 (repetition removal).
- ``c4``: Raffel et al. 2020, *Exploring the Limits of Transfer Learning with a Unified
  Text-to-Text Transformer*, §2.2 (the C4 cleaning rules); numbers as in TensorFlow
  Datasets' ``c4_utils.py`` (at least 5 words per line, at least 3 sentences per page).
- ``fineweb``: Penedo et al. 2024, *The FineWeb Datasets*, §3.5 (custom filters).

Implementation notes are checked against huggingface/datatrove's
``gopher_quality_filter.py``, ``gopher_repetition_filter.py``, ``c4_filters.py`` and
``fineweb_quality_filter.py``; where we differ, the docstring of the measure says why.

Each rule is one `Rule` record in `RULE_LIST` (name, measurement, comparison, threshold
field, reason, source), the one place to add or change a rule. Each returns a `RuleResult`
that explains itself: the measured value, the threshold
and one plain sentence. `measure()` computes the threshold-free numbers once (cached per
text), so moving a threshold re-judges a corpus without re-reading it.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from functools import lru_cache

GROUPS = ("gopher_quality", "gopher_repetition", "c4", "fineweb")
GROUP_NAMES = {
    "gopher_quality": "Gopher quality",
    "gopher_repetition": "Gopher repetition",
    "c4": "C4",
    "fineweb": "FineWeb",
}
# Gopher's stop words (Rae et al. 2021, A.1.1): "the, be, to, of, and, that, have, with".
STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
BULLETS = ("•", "●", "▪", "‣", "◦", "-", "*", "–", "·")
PUNCTUATION = string.punctuation + "…“”‘’«»–—•●▪‣◦·"
C4_END_PUNCTUATION = (".", "?", "!", '"')  # TFDS c4_utils._END_MARKS
C4_POLICY_PHRASES = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)  # TFDS c4_utils._POLICY_SUBSTRINGS
C4_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
FINEWEB_END_PUNCTUATION = (".", "'", '"', "!", "?")  # datatrove FineWebQualityFilter
SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")
PARAGRAPH_BREAK = re.compile(r"\n{2,}")
HAS_LETTER = re.compile(r"[^\W\d_]")
MAX_WORD_CHARS = 1000  # C4 drops lines with a word longer than this (TFDS c4_utils)


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of every rule, defaults as published (see the module docstring)."""

    # Gopher quality (Rae et al. 2021, A.1.1)
    min_doc_words: int = 50
    max_doc_words: int = 100_000
    min_avg_word_length: float = 3.0
    max_avg_word_length: float = 10.0
    max_symbol_word_ratio: float = 0.1  # for '#' and for '...'/'…', each
    max_bullet_lines_ratio: float = 0.9
    max_ellipsis_lines_ratio: float = 0.3
    min_alpha_words_ratio: float = 0.8
    min_stop_words: int = 2
    # Gopher repetition (Rae et al. 2021, Table A1)
    max_dup_line_frac: float = 0.30
    max_dup_para_frac: float = 0.30
    max_dup_line_char_frac: float = 0.20
    max_dup_para_char_frac: float = 0.20
    max_top_2gram_char_frac: float = 0.20
    max_top_3gram_char_frac: float = 0.18
    max_top_4gram_char_frac: float = 0.16
    max_dup_5gram_char_frac: float = 0.15
    max_dup_6gram_char_frac: float = 0.14
    max_dup_7gram_char_frac: float = 0.13
    max_dup_8gram_char_frac: float = 0.12
    max_dup_9gram_char_frac: float = 0.11
    max_dup_10gram_char_frac: float = 0.10
    # C4 (Raffel et al. 2020, §2.2; TFDS c4_utils)
    c4_min_sentences: int = 3
    c4_min_words_per_line: int = 5
    c4_terminal_punctuation: bool = True  # FineWeb turned this one off (too aggressive)
    c4_bad_words: tuple[str, ...] = ()  # the paper's list is not shipped; empty = rule off
    # FineWeb (Penedo et al. 2024, §3.5)
    min_line_punct_ratio: float = 0.12  # drop if ≤ this share of lines end in punctuation
    max_short_line_ratio: float = 0.67  # drop if ≥ this share of lines are short
    short_line_length: int = 30  # characters: a line this long or shorter is "short"
    max_dup_line_chars_ratio: float = 0.1  # drop if ≥ this share of characters is in repeats

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "c4_bad_words":
                if isinstance(value, str) or not all(isinstance(w, str) for w in value):
                    raise ValueError("c4_bad_words must be a list of words.")
                continue
            if isinstance(value, bool) != (f.type == "bool"):
                raise ValueError(
                    f"{f.name} must be {'true or false' if f.type == 'bool' else 'a number'}."
                )
            if not isinstance(value, bool) and (not math.isfinite(value) or value < 0):
                raise ValueError(f"{f.name} must be a number of at least 0, got {value!r}.")
        if self.min_avg_word_length > self.max_avg_word_length:
            raise ValueError("The smallest mean word length must not exceed the largest.")
        if self.min_doc_words > self.max_doc_words:
            raise ValueError("The minimum number of words must not exceed the maximum.")


DEFAULT_THRESHOLDS = Thresholds()


def thresholds_from(**overrides) -> Thresholds:
    """`Thresholds` with some fields changed; unknown names raise ValueError."""
    names = {f.name for f in fields(Thresholds)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise ValueError(f"Unknown threshold(s): {', '.join(unknown)}.")
    return replace(DEFAULT_THRESHOLDS, **overrides)


@dataclass(frozen=True)
class RuleResult:
    """What one rule says about one document, in words a learner can read."""

    rule: str
    group: str
    passed: bool
    value: float
    threshold: str  # e.g. "≥ 50"
    reason: str


# ---- measuring -----------------------------------------------------------------------------
def _duplicates(items: list[str]) -> tuple[int, int]:
    """(number of items seen before, their characters): datatrove's find_duplicates."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def _ngram_fractions(words: list[str]) -> dict[str, float]:
    """Gopher's n-gram repetition measures over normalised words (lower case, no punctuation).

    top n-gram (n = 2, 3, 4): characters of the most frequent n-gram × its count, over all
    word characters. Duplicated n-grams (n = 5..10): characters of words covered by any
    n-gram that occurs more than once, each word counted once. This is Table A1's
    definition as RedPajama-V2 implements it; datatrove divides by len(text) instead."""
    total = sum(map(len, words)) or 1
    out: dict[str, float] = {}
    for n in (2, 3, 4):
        counts = Counter(zip(*(words[i:] for i in range(n)), strict=False))
        top = max(counts.values(), default=0)
        if top < 2:  # no phrase repeats
            out[f"top_{n}"] = 0.0
            continue
        best = max(sum(map(len, g)) for g in [g for g, c in counts.items() if c == top])
        out[f"top_{n}"] = best * top / total
    grams5 = list(zip(*(words[i:] for i in range(5)), strict=False))
    if len(set(grams5)) == len(grams5):  # the common case: no 5-gram, so no longer one, repeats
        out.update({f"dup_{n}": 0.0 for n in range(5, 11)})
        return out
    for n in range(5, 11):
        grams = grams5 if n == 5 else list(zip(*(words[i:] for i in range(n)), strict=False))
        counts = Counter(grams)
        covered = bytearray(len(words))
        for i, g in enumerate(grams):
            if counts[g] > 1:
                covered[i : i + n] = b"\x01" * n
        out[f"dup_{n}"] = sum(len(w) for w, c in zip(words, covered, strict=True) if c) / total
    return out


def measure(
    text: str,
    c4_min_words_per_line: int = 5,
    c4_terminal_punctuation: bool = True,
    short_line_length: int = 30,
) -> dict[str, float]:
    """Every threshold-free number the rules compare, for one text.

    Words are whitespace-separated tokens with the punctuation around them stripped; a
    token that is all punctuation (such as "#" or "—") is not a word but still counts
    as a token for the share of tokens with a letter. Blank lines are not lines: the
    papers count lines of text, and counting blanks (as datatrove does) would flag every
    page with empty lines between its paragraphs."""
    tokens = text.split()
    words = [w for w in (t.strip(PUNCTUATION) for t in tokens) if w]
    n_words = len(words)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    n_lines = len(lines) or 1
    m: dict[str, float] = {
        "n_words": n_words,
        "mean_word_length": sum(map(len, words)) / n_words if n_words else 0.0,
        "hash_ratio": text.count("#") / max(n_words, 1),
        "ellipsis_ratio": (text.count("...") + text.count("…")) / max(n_words, 1),
        "bullet_lines": sum(line.startswith(BULLETS) for line in lines) / n_lines,
        "ellipsis_lines": sum(line.endswith(("...", "…")) for line in lines) / n_lines,
        "alpha_words": (
            sum(1 for t in tokens if t.isalpha() or HAS_LETTER.search(t)) / len(tokens)
            if tokens
            else 0.0
        ),
        "stop_words": sum(w.lower() in STOP_WORDS for w in words),
    }
    # Gopher repetition: paragraphs and lines
    stripped = text.strip()
    paragraphs = PARAGRAPH_BREAK.split(stripped) if stripped else []
    n_chars = len(text) or 1
    dup_paras, dup_para_chars = _duplicates(paragraphs)
    dup_lines, dup_line_chars = _duplicates(lines)
    m["dup_para_frac"] = dup_paras / len(paragraphs) if paragraphs else 0.0
    m["dup_para_char_frac"] = dup_para_chars / n_chars
    m["dup_line_frac"] = dup_lines / len(lines) if lines else 0.0
    m["dup_line_char_frac"] = dup_line_chars / n_chars
    normalised = [w.lower() for w in words]
    m.update(_ngram_fractions(normalised))
    # C4: which lines survive its line rules, and how many sentences they hold
    kept, sentences = 0, 0
    for line in lines:
        if len(line) > MAX_WORD_CHARS and any(len(w) > MAX_WORD_CHARS for w in line.split()):
            continue
        line = C4_CITATION.sub("", line).strip()
        if c4_terminal_punctuation and (
            not line.endswith(C4_END_PUNCTUATION) or line.endswith("...")
        ):
            continue
        if len(line.split()) < c4_min_words_per_line:
            continue
        lower = line.lower()
        if "javascript" in lower or any(p in lower for p in C4_POLICY_PHRASES):
            continue
        kept += 1
        sentences += max(1, len(SENTENCE_END.findall(line)))
    m["c4_lines_kept"] = kept
    m["c4_lines_total"] = len(lines)
    m["c4_sentences"] = sentences
    lower_text = text.lower()
    m["lorem_ipsum"] = lower_text.count("lorem ipsum")
    m["curly_brackets"] = text.count("{")
    # FineWeb
    m["line_punct"] = (
        sum(line.endswith(FINEWEB_END_PUNCTUATION) for line in lines) / len(lines) if lines else 0.0
    )
    m["short_lines"] = (
        sum(len(line) <= short_line_length for line in lines) / len(lines) if lines else 1.0
    )
    m["dup_line_chars"] = dup_line_chars / (len(text.replace("\n", "")) or 1)
    return m


# The pipeline measures the same corpus pages again and again (one run per setting), so it
# uses this cache; one-off texts (a learner's paste) go through `measure` and are not kept.
cached_measure = lru_cache(maxsize=8192)(measure)


# ---- the rules ----------------------------------------------------------------------------
def _fmt(x: float) -> str:
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.2f}" if x >= 0.1 or x == 0 else f"{x:.3f}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


_COMPARE = {
    ">=": lambda v, lo, hi: v >= lo,
    "<=": lambda v, lo, hi: v <= lo,
    ">": lambda v, lo, hi: v > lo,
    "<": lambda v, lo, hi: v < lo,
    "==0": lambda v, lo, hi: v == 0,
    "between": lambda v, lo, hi: lo <= v <= hi,
}
GOPHER = "Rae et al. 2021 (Gopher), Appendix A.1.1"
GOPHER_REP = "Rae et al. 2021 (Gopher), Table A1"
C4 = "Raffel et al. 2020 (C4), §2.2; TFDS c4_utils"
FINEWEB = "Penedo et al. 2024 (FineWeb), §3.5"


@dataclass(frozen=True)
class Rule:
    """One quality rule, everything about it in one record (datatrove style).

    name: the rule's id; group: one of GROUPS; label: a short title for people.
    measure: the key of `measure()`'s output the rule compares.
    compare: ">=", "<=", ">", "<" (value vs the threshold), "between" (two thresholds)
        or "==0" (no threshold: any occurrence fails).
    threshold: the `Thresholds` field(s) the value is compared with.
    percent: show the threshold as a percentage.
    reason: one sentence for a learner, from the measurements `m` and thresholds `t`.
    source: the paper (and table) the rule and its default come from.
    datatrove: the keyword(s) of the datatrove filter of this group that set the same
        threshold, parallel to `threshold` ("top_n_grams:2" = the entry for n = 2 of that
        tuple argument; for a "==0" rule, the switch that turns it on).
    """

    name: str
    group: str
    label: str
    measure: str
    compare: str
    threshold: tuple[str, ...]
    reason: Callable[[dict, Thresholds], str]
    source: str
    percent: bool = False
    datatrove: tuple[str, ...] = ()

    def limits(self, t: Thresholds) -> tuple[float, ...]:
        return tuple(getattr(t, name) for name in self.threshold)

    def passes(self, m: dict, t: Thresholds) -> bool:
        limits = self.limits(t) + (None, None)
        return bool(_COMPARE[self.compare](m[self.measure], limits[0], limits[1]))

    def threshold_text(self, t: Thresholds) -> str:
        show = _pct if self.percent else _fmt
        if self.compare == "==0":
            return "= 0"
        if self.compare == "between":
            lo, hi = self.limits(t)
            return f"{show(lo)}–{show(hi)}"
        op = {">=": "≥", "<=": "≤"}.get(self.compare, self.compare)
        return f"{op} {show(self.limits(t)[0])}"

    def result(self, m: dict, t: Thresholds) -> RuleResult:
        return RuleResult(
            self.name,
            self.group,
            self.passes(m, t),
            float(m[self.measure]),
            self.threshold_text(t),
            self.reason(m, t),
        )


def _repetition_rules() -> list[Rule]:
    def rule(name, label, key, field, text, datatrove):
        return Rule(
            name,
            "gopher_repetition",
            label,
            key,
            "<=",
            (field,),
            lambda m, t, key=key, text=text: f"{_pct(m[key])} {text}",
            GOPHER_REP,
            percent=True,
            datatrove=(datatrove,),
        )

    rules = [
        rule(
            "gopher_dup_para_frac",
            "Few repeated paragraphs",
            "dup_para_frac",
            "max_dup_para_frac",
            "of paragraphs repeat an earlier one.",
            "dup_para_frac",
        ),
        rule(
            "gopher_dup_para_char_frac",
            "Few characters in repeated paragraphs",
            "dup_para_char_frac",
            "max_dup_para_char_frac",
            "of characters are in repeated paragraphs.",
            "dup_para_char_frac",
        ),
        rule(
            "gopher_dup_line_frac",
            "Few repeated lines",
            "dup_line_frac",
            "max_dup_line_frac",
            "of lines repeat an earlier line.",
            "dup_line_frac",
        ),
        rule(
            "gopher_dup_line_char_frac",
            "Few characters in repeated lines",
            "dup_line_char_frac",
            "max_dup_line_char_frac",
            "of characters are in repeated lines.",
            "dup_line_char_frac",
        ),
    ]
    rules += [
        rule(
            f"gopher_top_{n}gram",
            f"No dominant {n}-word phrase",
            f"top_{n}",
            f"max_top_{n}gram_char_frac",
            f"of word characters are the most frequent {n}-word phrase.",
            f"top_n_grams:{n}",
        )
        for n in (2, 3, 4)
    ]
    rules += [
        rule(
            f"gopher_dup_{n}gram",
            f"Few repeated {n}-word phrases",
            f"dup_{n}",
            f"max_dup_{n}gram_char_frac",
            f"of word characters are in {n}-word phrases that occur more than once.",
            f"dup_n_grams:{n}",
        )
        for n in range(5, 11)
    ]
    return rules


def _c4_sentences_reason(m: dict, t: Thresholds) -> str:
    ending = 'ending in . ! ? or ", ' if t.c4_terminal_punctuation else ""
    return (
        f"C4 keeps {_fmt(m['c4_lines_kept'])} of {_fmt(m['c4_lines_total'])} lines ({ending}"
        f"with ≥ {t.c4_min_words_per_line} words, no 'javascript' or cookie notice), holding "
        f"{_fmt(m['c4_sentences'])} sentences; it drops pages with fewer than "
        f"{_fmt(t.c4_min_sentences)}."
    )


# Every rule, in the order it runs (datatrove's order within each group). To add a rule,
# add its measurement to `measure()` and one record here.
RULE_LIST: tuple[Rule, ...] = (
    Rule(
        "gopher_min_words",
        "gopher_quality",
        "At least 50 words",
        "n_words",
        ">=",
        ("min_doc_words",),
        lambda m, t: (
            f"{_fmt(m['n_words'])} words; Gopher drops pages with fewer than "
            f"{_fmt(t.min_doc_words)}."
        ),
        GOPHER,
        datatrove=("min_doc_words",),
    ),
    Rule(
        "gopher_max_words",
        "gopher_quality",
        "At most 100,000 words",
        "n_words",
        "<=",
        ("max_doc_words",),
        lambda m, t: (
            f"{_fmt(m['n_words'])} words; Gopher drops pages with more than "
            f"{_fmt(t.max_doc_words)}."
        ),
        GOPHER,
        datatrove=("max_doc_words",),
    ),
    Rule(
        "gopher_mean_word_length",
        "gopher_quality",
        "Mean word length 3–10 characters",
        "mean_word_length",
        "between",
        ("min_avg_word_length", "max_avg_word_length"),
        lambda m, t: (
            f"Words are {m['mean_word_length']:.1f} characters long on average; "
            "natural prose is 3–10."
        ),
        GOPHER,
        datatrove=("min_avg_word_length", "max_avg_word_length"),
    ),
    Rule(
        "gopher_hash_ratio",
        "gopher_quality",
        "Few '#' symbols per word",
        "hash_ratio",
        "<=",
        ("max_symbol_word_ratio",),
        lambda m, t: (
            f"{m['hash_ratio']:.2f} '#' per word; more than "
            f"{_fmt(t.max_symbol_word_ratio)} looks like tags or teasers, not prose."
        ),
        GOPHER,
        datatrove=("max_symbol_word_ratio",),
    ),
    Rule(
        "gopher_ellipsis_ratio",
        "gopher_quality",
        "Few '...' per word",
        "ellipsis_ratio",
        "<=",
        ("max_symbol_word_ratio",),
        lambda m, t: (
            f"{m['ellipsis_ratio']:.2f} '...' per word; more than "
            f"{_fmt(t.max_symbol_word_ratio)} looks like tags or teasers, not prose."
        ),
        GOPHER,
        datatrove=("max_symbol_word_ratio",),
    ),
    Rule(
        "gopher_bullet_lines",
        "gopher_quality",
        "Not nearly all lines bullets",
        "bullet_lines",
        "<=",
        ("max_bullet_lines_ratio",),
        lambda m, t: (
            f"{_pct(m['bullet_lines'])} of lines start with a bullet; a page of "
            "nothing but bullets is a list."
        ),
        GOPHER,
        percent=True,
        datatrove=("max_bullet_lines_ratio",),
    ),
    Rule(
        "gopher_ellipsis_lines",
        "gopher_quality",
        "Few lines ending in '...'",
        "ellipsis_lines",
        "<=",
        ("max_ellipsis_lines_ratio",),
        lambda m, t: f"{_pct(m['ellipsis_lines'])} of lines end in '...', typical of teaser links.",
        GOPHER,
        percent=True,
        datatrove=("max_ellipsis_lines_ratio",),
    ),
    Rule(
        "gopher_alpha_words",
        "gopher_quality",
        "Most words contain a letter",
        "alpha_words",
        ">=",
        ("min_alpha_words_ratio",),
        lambda m, t: (
            f"{_pct(m['alpha_words'])} of tokens contain a letter; symbols and "
            "numbers are the rest."
        ),
        GOPHER,
        percent=True,
        datatrove=("max_non_alpha_words_ratio",),
    ),
    Rule(
        "gopher_stop_words",
        "gopher_quality",
        "Contains common English words",
        "stop_words",
        ">=",
        ("min_stop_words",),
        lambda m, t: (
            f"{_fmt(m['stop_words'])} uses of the, be, to, of, and, that, have, with; "
            f"English prose has many, fewer than {_fmt(t.min_stop_words)} suggests it is not "
            "prose."
        ),
        GOPHER,
        datatrove=("min_stop_words",),
    ),
    *_repetition_rules(),
    Rule(
        "c4_sentences",
        "c4",
        "Enough full sentences in clean lines",
        "c4_sentences",
        ">=",
        ("c4_min_sentences",),
        _c4_sentences_reason,
        C4,
        datatrove=("min_num_sentences",),
    ),
    Rule(
        "c4_lorem_ipsum",
        "c4",
        "No 'lorem ipsum'",
        "lorem_ipsum",
        "==0",
        (),
        lambda m, t: (
            "Contains 'lorem ipsum', placeholder text." if m["lorem_ipsum"] else "No 'lorem ipsum'."
        ),
        C4,
        datatrove=("filter_lorem_ipsum",),
    ),
    Rule(
        "c4_curly_bracket",
        "c4",
        "No curly bracket '{'",
        "curly_brackets",
        "==0",
        (),
        lambda m, t: (
            f"{_fmt(m['curly_brackets'])} '{{' found; C4 drops any page with a curly "
            "bracket, as it is usually code."
            if m["curly_brackets"]
            else "No curly bracket."
        ),
        C4,
        datatrove=("filter_curly_bracket",),
    ),
    Rule(
        "c4_bad_words",
        "c4",
        "No word from the bad-words list",
        "bad_words",
        "==0",
        (),
        lambda m, t: f"{m['bad_words']} word(s) from the bad-words list.",
        C4 + " (the list itself is not shipped: the rule runs only with a list)",
        datatrove=(),
    ),
    Rule(
        "fineweb_line_punct",
        "fineweb",
        "Enough lines end in punctuation",
        "line_punct",
        ">",
        ("min_line_punct_ratio",),
        lambda m, t: (
            f"{_pct(m['line_punct'])} of lines end in . ! ? or a quote; menus and lists rarely do."
        ),
        FINEWEB,
        percent=True,
        datatrove=("line_punct_thr",),
    ),
    Rule(
        "fineweb_short_lines",
        "fineweb",
        "Not mostly short lines",
        "short_lines",
        "<",
        ("max_short_line_ratio",),
        lambda m, t: (
            f"{_pct(m['short_lines'])} of lines have at most {t.short_line_length} characters."
        ),
        FINEWEB,
        percent=True,
        datatrove=("short_line_thr",),
    ),
    Rule(
        "fineweb_dup_line_chars",
        "fineweb",
        "Few characters in repeated lines",
        "dup_line_chars",
        "<",
        ("max_dup_line_chars_ratio",),
        lambda m, t: (
            f"{_pct(m['dup_line_chars'])} of characters are in lines that repeat an earlier line."
        ),
        FINEWEB,
        percent=True,
        datatrove=("char_duplicates_ratio",),
    ),
)
# datatrove's filter class for each group, and the Thresholds fields that set a whole
# group's measurement rather than one rule's threshold (huggingface/datatrove,
# pipeline/filters/*.py)
DATATROVE_FILTERS = {
    "gopher_quality": "GopherQualityFilter",
    "gopher_repetition": "GopherRepetitionFilter",
    "c4": "C4QualityFilter",
    "fineweb": "FineWebQualityFilter",
}
DATATROVE_GROUP_SETTINGS = {
    "c4": {
        "c4_min_words_per_line": "min_words_per_line",
        "c4_terminal_punctuation": "filter_no_terminal_punct",
    },
    "fineweb": {"short_line_length": "short_line_length"},
}
RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULE_LIST}
# name → (group, label): the short view the pages use
RULES: dict[str, tuple[str, str]] = {r.name: (r.group, r.label) for r in RULE_LIST}


def _rules_of(t: Thresholds, groups: Iterable[str]) -> list[Rule]:
    groups = set(groups)
    return [
        r for r in RULE_LIST if r.group in groups and (r.name != "c4_bad_words" or t.c4_bad_words)
    ]


def first_failure(
    m: dict[str, float],
    t: Thresholds = DEFAULT_THRESHOLDS,
    groups: Iterable[str] = GROUPS,
    bad_word_hits: int = 0,
) -> RuleResult | None:
    """The first rule (in `RULE_LIST` order) that `m` fails, or None; cheaper than `judge`
    because only the failing rule's explanation is written."""
    m = {**m, "bad_words": bad_word_hits}
    for rule in _rules_of(t, groups):
        if not rule.passes(m, t):
            return rule.result(m, t)
    return None


def judge(
    m: dict[str, float],
    t: Thresholds = DEFAULT_THRESHOLDS,
    groups: Iterable[str] = GROUPS,
    bad_word_hits: int = 0,
) -> list[RuleResult]:
    """Compare measurements `m` (from `measure`) with thresholds `t`, for the groups asked:
    one explained result per rule, in `RULE_LIST` order."""
    m = {**m, "bad_words": bad_word_hits}
    return [rule.result(m, t) for rule in _rules_of(t, groups)]


def bad_word_hits(text: str, bad_words: tuple[str, ...]) -> int:
    """How many of `bad_words` occur in `text` as whole words (case-insensitive)."""
    if not bad_words:
        return 0
    words = {w.lower() for w in (t.strip(PUNCTUATION) for t in text.split()) if w}
    return sum(w.lower() in words for w in bad_words)


def evaluate(text: str, groups: Iterable[str] = GROUPS, **thresholds) -> list[RuleResult]:
    """Every rule of the chosen groups on `text`, in order, passed or not.

    Keyword arguments override `Thresholds` fields by name (e.g. ``min_doc_words=100``);
    an unknown name or a bad value raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("The text must be a string.")
    groups = tuple(groups)
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        raise ValueError(f"Unknown rule group(s): {', '.join(unknown)}.")
    t = thresholds_from(**thresholds)
    m = measure(text, t.c4_min_words_per_line, t.c4_terminal_punctuation, t.short_line_length)
    return judge(m, t, groups, bad_word_hits(text, t.c4_bad_words))


def keep(
    text: str, enabled_rules: Iterable[str] | None = None, **thresholds
) -> tuple[bool, RuleResult | None]:
    """(keep?, the first failing rule or None). `enabled_rules`: group or rule names
    (default: every group)."""
    enabled = set(GROUPS if enabled_rules is None else enabled_rules)
    unknown = sorted(enabled - set(GROUPS) - set(RULES))
    if unknown:
        raise ValueError(f"Unknown rule(s): {', '.join(unknown)}.")
    groups = [
        g for g in GROUPS if g in enabled or any(RULES[r][0] == g for r in enabled if r in RULES)
    ]
    for result in evaluate(text, groups, **thresholds):
        if (result.group in enabled or result.rule in enabled) and not result.passed:
            return False, result
    return True, None
