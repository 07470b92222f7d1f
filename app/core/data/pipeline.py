"""A whole cleaning pipeline on a labelled corpus: what each step keeps, drops, and why.

The steps run in the order FineWeb and most web pipelines use (Penedo et al. 2024, §3):

    language ID → quality filters → repetition filters → PII redaction
                → exact deduplication → near deduplication (MinHash + LSH)

After each step we count the documents and tokens still in the corpus (the funnel), and
for each dropped document we record the step, the rule, the measured value and the
threshold. Because the corpus (`app.core.data.corpus`) knows which documents should
survive, we can score the result: precision = share of kept documents that are good,
recall = share of good documents that were kept.

Tokens are approximated as characters / 4, the usual rule of thumb for English with a
GPT-style BPE tokenizer (about 4 characters, or ¾ of a word, per token). We use
characters rather than words × 1.3 because the corpus also holds code, symbols and other
languages, where "a word" is ill-defined but characters are always countable.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace

from app.core.data import dedup, langid, pii, quality
from app.core.data.corpus import KEEP_LABELS, Document, default_corpus

STEPS = ("input", "language", "quality", "repetition", "pii", "exact_dedup", "near_dedup")
STEP_NAMES = {
    "input": "Raw crawl",
    "language": "Language ID",
    "quality": "Quality filters",
    "repetition": "Repetition filters",
    "pii": "PII redaction",
    "exact_dedup": "Exact dedup",
    "near_dedup": "Near dedup",
}
QUALITY_GROUPS = ("gopher_quality", "c4", "fineweb")  # the repetition group is its own step
CHARS_PER_TOKEN = 4
NEAR_DEDUP_START = 2 / 3  # share of the progress bar the steps before near dedup fill


def approx_tokens(text: str) -> int:
    """Characters / 4, rounded: see the module docstring for why."""
    return round(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class PipelineConfig:
    """Every switch and threshold of the pipeline; the defaults are the published ones.

    language_id: keep documents identified as `language` with confidence at least
        `min_language_confidence` (FineWeb keeps fastText English scores ≥ 0.65; our
        stop-word identifier's confidence is on its own scale, see `langid`).
    quality_groups: which of the quality rule groups run ("gopher_quality", "c4",
        "fineweb"); the Gopher repetition rules are the `repetition` step.
    thresholds: every rule threshold (`quality.Thresholds`).
    n_gram, bands, rows, seed: MinHash near deduplication (FineWeb: 5-grams, 14 × 8).
    """

    language_id: bool = True
    language: str = "en"
    min_language_confidence: float = 0.65
    quality_groups: tuple[str, ...] = QUALITY_GROUPS
    repetition: bool = True
    redact_pii: bool = True
    exact_dedup: bool = True
    near_dedup: bool = True
    n_gram: int = 5
    bands: int = 14
    rows: int = 8
    seed: int = 0
    thresholds: quality.Thresholds = field(default_factory=quality.Thresholds)

    def __post_init__(self):
        unknown = sorted(set(self.quality_groups) - set(QUALITY_GROUPS))
        if unknown:
            raise ValueError(f"Unknown quality group(s): {', '.join(unknown)}.")
        if not 0 <= self.min_language_confidence <= 1:
            raise ValueError("The language confidence threshold must be between 0 and 1.")
        if self.n_gram < 1 or self.bands < 1 or self.rows < 1:
            raise ValueError("Shingle size, bands and rows must each be at least 1.")
        if self.bands * self.rows > 1000:
            raise ValueError("Bands × rows must be at most 1,000 hashes.")

    def with_thresholds(self, **overrides) -> PipelineConfig:
        """This config with some thresholds changed (names of `quality.Thresholds`)."""
        return replace(self, thresholds=replace(self.thresholds, **overrides))


@dataclass(frozen=True)
class StepCount:
    step: str
    name: str
    docs: int
    tokens: int


@dataclass(frozen=True)
class Dropped:
    """One document a step removed, with the evidence."""

    doc_id: int
    step: str
    rule: str
    value: float
    threshold: str
    reason: str
    label: str


@dataclass(frozen=True)
class Scores:
    """Kept vs should-keep (labels in KEEP_LABELS): positive = should keep."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class PipelineResult:
    config: PipelineConfig
    funnel: tuple[StepCount, ...]
    dropped: tuple[Dropped, ...]
    kept_ids: tuple[int, ...]
    texts: dict[int, str]  # the kept documents' final (redacted) text, by id
    pii_counts: dict[str, int]
    exact_groups: tuple[tuple[int, ...], ...]  # document ids, the first one kept
    near_groups: tuple[tuple[int, ...], ...]
    scores: Scores
    seconds: float

    def dropped_by_step(self) -> dict[str, int]:
        out = {s: 0 for s in STEPS[1:]}
        for d in self.dropped:
            out[d.step] += 1
        return out


def _language_step(cfg, alive, dropped) -> list[Document]:
    """Drop pages confidently identified as another language. A page this identifier
    cannot place (few or no function words: lists, keyword spam, code) passes on: the
    quality rules judge it, as they do in FineWeb, where fastText calls English spam
    English and the Gopher rules remove it."""
    target = langid.LANGUAGE_NAMES.get(cfg.language, cfg.language)
    survivors = []
    for d in alive:
        lang, confidence = langid.cached_identify(d.text)
        if lang in (cfg.language, "unknown") or confidence < cfg.min_language_confidence:
            survivors.append(d)
            continue
        other = langid.LANGUAGE_NAMES.get(lang, lang)
        dropped.append(
            Dropped(
                d.id,
                "language",
                "language_id",
                confidence,
                f"not another language with ≥ {cfg.min_language_confidence:.2f}",
                f"Reads as {other} (confidence {confidence:.2f}), not {target}.",
                d.label,
            )
        )
    return survivors


def _rule_step(step, groups, cfg, alive, dropped) -> list[Document]:
    t = cfg.thresholds
    survivors = []
    for d in alive:
        m = quality.cached_measure(
            d.text, t.c4_min_words_per_line, t.c4_terminal_punctuation, t.short_line_length
        )
        hits = quality.bad_word_hits(d.text, t.c4_bad_words)
        failed = quality.first_failure(m, t, groups, hits)
        if failed is None:
            survivors.append(d)
        else:
            dropped.append(
                Dropped(
                    d.id, step, failed.rule, failed.value, failed.threshold, failed.reason, d.label
                )
            )
    return survivors


ProgressHook = Callable[[tuple["StepCount", ...], float], None]


def run_pipeline(
    docs: Sequence[Document],
    config: PipelineConfig | None = None,
    on_progress: ProgressHook | None = None,
) -> PipelineResult:
    """Run every enabled step on `docs`, in order; see the module docstring.

    `on_progress(funnel so far, fraction done)` is called after each step, and while the
    near-duplicate signatures are computed (the slowest step, so it owns the last third)."""
    cfg = config or PipelineConfig()
    start = time.perf_counter()
    alive: list[Document] = list(docs)  # kept in corpus order
    texts = {d.id: d.text for d in docs}
    dropped: list[Dropped] = []
    funnel = [
        StepCount(
            "input", STEP_NAMES["input"], len(alive), sum(approx_tokens(d.text) for d in alive)
        )
    ]

    def report(fraction: float) -> None:
        if on_progress is not None:
            on_progress(tuple(funnel), fraction)

    def count(step: str) -> None:
        funnel.append(
            StepCount(
                step, STEP_NAMES[step], len(alive), sum(approx_tokens(texts[d.id]) for d in alive)
            )
        )
        done = len(funnel) - 1  # steps finished, the raw crawl not counted
        report(1.0 if step == "near_dedup" else NEAR_DEDUP_START * done / (len(STEPS) - 2))

    if cfg.language_id:
        alive = _language_step(cfg, alive, dropped)
    count("language")
    if cfg.quality_groups:
        groups = [g for g in quality.GROUPS if g in cfg.quality_groups]
        alive = _rule_step("quality", groups, cfg, alive, dropped)
    count("quality")
    if cfg.repetition:
        alive = _rule_step("repetition", ["gopher_repetition"], cfg, alive, dropped)
    count("repetition")
    pii_counts = {kind: 0 for kind in pii.KINDS}
    if cfg.redact_pii:
        for d in alive:
            texts[d.id], found = pii.cached_redact(d.text)
            for kind, n in found.items():
                pii_counts[kind] += n
    count("pii")

    exact_groups: list[tuple[int, ...]] = []
    if cfg.exact_dedup:
        for group in dedup.exact_duplicates([texts[d.id] for d in alive]):
            ids = tuple(alive[i].id for i in group)
            exact_groups.append(ids)
        drop = {i: g[0] for g in exact_groups for i in g[1:]}
        for d in [d for d in alive if d.id in drop]:
            dropped.append(
                Dropped(
                    d.id,
                    "exact_dedup",
                    "exact_duplicate",
                    1.0,
                    "identical after normalising",
                    f"Same text as document #{drop[d.id]} (ignoring case and "
                    "spacing); the first copy is kept.",
                    d.label,
                )
            )
        alive = [d for d in alive if d.id not in drop]
    count("exact_dedup")

    near_groups: list[tuple[int, ...]] = []
    if cfg.near_dedup and len(alive) > 1:
        sig = dedup.minhash_signatures(
            [texts[d.id] for d in alive],
            cfg.bands * cfg.rows,
            cfg.n_gram,
            cfg.seed,
            cache_shingles=True,
            on_progress=lambda f: report(NEAR_DEDUP_START + (1 - NEAR_DEDUP_START) * f),
        )
        groups = dedup.lsh_candidate_groups(sig, cfg.bands, cfg.rows)
        cut = dedup.threshold(cfg.bands, cfg.rows)
        doomed = []
        for group in groups:
            near_groups.append(tuple(alive[i].id for i in group))
            first = group[0]
            for i in group[1:]:
                similarity = float((sig[i] == sig[first]).mean())
                doomed.append(
                    Dropped(
                        alive[i].id,
                        "near_dedup",
                        "near_duplicate",
                        similarity,
                        f"a shared band ({cfg.bands} × {cfg.rows}, s ≈ {cut:.2f})",
                        f"Shares a MinHash band with document #{alive[first].id}; estimated "
                        f"similarity {similarity:.2f}. The first copy is kept.",
                        alive[i].label,
                    )
                )
        gone = {d.doc_id for d in doomed}
        alive = [d for d in alive if d.id not in gone]
        dropped += sorted(doomed, key=lambda d: d.doc_id)
    count("near_dedup")

    kept = {d.id for d in alive}
    tp = sum(1 for d in docs if d.id in kept and d.label in KEEP_LABELS)
    fp = len(kept) - tp
    fn = sum(1 for d in docs if d.id not in kept and d.label in KEEP_LABELS)
    tn = len(docs) - tp - fp - fn
    return PipelineResult(
        config=cfg,
        funnel=tuple(funnel),
        dropped=tuple(dropped),
        kept_ids=tuple(d.id for d in alive),
        texts={d.id: texts[d.id] for d in alive},
        pii_counts=pii_counts,
        exact_groups=tuple(exact_groups),
        near_groups=tuple(near_groups),
        scores=Scores(tp, fp, fn, tn),
        seconds=time.perf_counter() - start,
    )


_RESULTS: OrderedDict[PipelineConfig, PipelineResult] = OrderedDict()  # newest last
RESULTS_KEPT = 16


def cached_result(config: PipelineConfig | None = None) -> PipelineResult | None:
    """The default corpus's result for `config` if this process has it, else None."""
    cfg = config or PipelineConfig()
    result = _RESULTS.get(cfg)
    if result is not None:
        _RESULTS.move_to_end(cfg)
    return result


def run_on_default_corpus(
    config: PipelineConfig | None = None, on_progress: ProgressHook | None = None
) -> PipelineResult:
    """`run_pipeline` on the default 3,000-document corpus, remembered for the last
    RESULTS_KEPT configs (a remembered result reports no progress: it is ready)."""
    cfg = config or PipelineConfig()
    result = cached_result(cfg)
    if result is None:
        result = run_pipeline(default_corpus(), cfg, on_progress)
        _RESULTS[cfg] = result
        while len(_RESULTS) > RESULTS_KEPT:
            _RESULTS.popitem(last=False)
    return result


def config_fields() -> list[str]:
    return [f.name for f in fields(PipelineConfig)]
