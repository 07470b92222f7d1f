"""The cleaning run as a job (kind "cleaning"), and its typed result. No Dash here.

The form's fields are described once in `FIELDS` (NumberSpecs) and the step switches in
`TOGGLES`; `parse_config` turns the form into a `PipelineConfig` or names every bad field.
The job runs `app.core.data.pipeline.run_on_default_corpus` with progress after every
step; its result travels as JSON (`CleaningResult.to_json()`), holding what the views
need (the corpus itself is rebuilt, deterministically, in every process).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from app.core.data.dedup import MAX_HASHES  # bands × rows, one limit for every lab
from app.core.data.pipeline import (
    PipelineConfig,
    Scores,
    StepCount,
    cached_result,
    run_on_default_corpus,
)
from app.services.jobs import FormErrors, JobGuard, job_kind
from app.validation import NumberSpec, parse_fields

TOGGLES = {
    "language": "Language ID (English)",
    "gopher_quality": "Gopher quality",
    "c4": "C4 rules",
    "fineweb": "FineWeb rules",
    "gopher_repetition": "Gopher repetition",
    "pii": "PII redaction",
    "exact_dedup": "Exact dedup",
    "near_dedup": "Near dedup (MinHash)",
}
_D = PipelineConfig()
FIELDS = (
    NumberSpec(
        "min_words",
        "Min words (Gopher)",
        _D.thresholds.min_doc_words,
        0,
        100_000,
        True,
        help="Gopher: 50.",
    ),
    NumberSpec(
        "symbol_ratio",
        "Max '#' or '...' per word",
        _D.thresholds.max_symbol_word_ratio,
        0,
        10,
        help="Gopher: 0.1.",
    ),
    NumberSpec(
        "dup_lines",
        "Max share of repeated lines",
        _D.thresholds.max_dup_line_frac,
        0,
        1,
        help="Gopher: 0.30.",
    ),
    NumberSpec(
        "n_gram",
        "Shingle size",
        _D.n_gram,
        1,
        20,
        True,
        "words",
        help="FineWeb: 5-word shingles.",
    ),
    NumberSpec("bands", "Bands", _D.bands, 1, 100, integer=True),
    NumberSpec("rows", "Rows", _D.rows, 1, 50, integer=True),
)
FORM = ("steps", *(spec.name for spec in FIELDS))


def parse_config(steps, min_words, symbol_ratio, dup_lines, n_gram, bands, rows) -> PipelineConfig:
    """The learner's settings as a PipelineConfig, or FormErrors naming every bad field."""
    values_in = (steps, min_words, symbol_ratio, dup_lines, n_gram, bands, rows)
    raw = dict(zip(FORM, values_in, strict=True))
    values, errors = parse_fields(FIELDS, raw)
    steps = steps if isinstance(steps, list) else []
    if any(not isinstance(s, str) or s not in TOGGLES for s in steps):
        errors["steps"] = "Steps: choose from the list."
    if "bands" in values and "rows" in values and values["bands"] * values["rows"] > MAX_HASHES:
        errors["rows"] = (
            f"Bands × rows must be at most {MAX_HASHES} hashes (you asked for "
            f"{values['bands'] * values['rows']})."
        )
    if errors:
        raise FormErrors(errors)
    return PipelineConfig(
        language_id="language" in steps,
        quality_groups=tuple(g for g in ("gopher_quality", "c4", "fineweb") if g in steps),
        repetition="gopher_repetition" in steps,
        redact_pii="pii" in steps,
        exact_dedup="exact_dedup" in steps,
        near_dedup="near_dedup" in steps,
        n_gram=int(values["n_gram"]),
        bands=int(values["bands"]),
        rows=int(values["rows"]),
    ).with_thresholds(
        min_doc_words=int(values["min_words"]),
        max_symbol_word_ratio=float(values["symbol_ratio"]),
        max_dup_line_frac=float(values["dup_lines"]),
    )


@dataclass(frozen=True)
class ClusterSettings:
    near_dedup: bool
    n_gram: int
    bands: int
    rows: int


@dataclass(frozen=True)
class CleaningResult:
    """A finished cleaning run: what its views read (same names as PipelineResult)."""

    config: ClusterSettings
    funnel: tuple[StepCount, ...]
    scores: Scores
    seconds: float
    kept_ids: tuple[int, ...]
    near_groups: tuple[tuple[int, ...], ...]  # clusters of two or more pages
    dropped: dict  # `views.dropped_summary` of the run

    @classmethod
    def of(cls, result) -> CleaningResult:
        from app.labs.cleaning_pipeline.views import dropped_summary

        c = result.config
        return cls(
            ClusterSettings(c.near_dedup, c.n_gram, c.bands, c.rows),
            tuple(result.funnel),
            result.scores,
            result.seconds,
            tuple(result.kept_ids),
            tuple(tuple(g) for g in result.near_groups if len(g) >= 2),
            dropped_summary(result),
        )

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> CleaningResult:
        return cls(
            ClusterSettings(**data["config"]),
            tuple(StepCount(**f) for f in data["funnel"]),
            Scores(**data["scores"]),
            float(data["seconds"]),
            tuple(int(i) for i in data["kept_ids"]),
            tuple(tuple(int(i) for i in g) for g in data["near_groups"]),
            dict(data["dropped"]),
        )


def funnel_json(funnel) -> list[list]:
    return [[f.name, f.docs, f.tokens] for f in funnel]


class _Stopped(Exception):
    """Raised from the progress hook to leave the pipeline between steps."""


def quick_result(params: dict) -> dict | None:
    """The result from this process's cache (the defaults are computed at start-up)."""
    result = cached_result(parse_config(*params["form"]))
    return CleaningResult.of(result).to_json() if result is not None else None


@job_kind("cleaning")
def cleaning_job(params: dict, guard: JobGuard) -> dict:
    """The job: params {"form": the form values in FORM order}. Progress is the funnel so
    far, the fraction done and the seconds taken."""
    config = parse_config(*params["form"])
    started = time.monotonic()

    def report(funnel, fraction):
        if guard.stop_now():
            raise _Stopped
        payload = {
            "funnel": funnel_json(funnel),
            "fraction": fraction,
            "elapsed_s": time.monotonic() - started,
        }
        guard.report(payload, force=fraction >= 1)

    try:
        result = run_on_default_corpus(config, on_progress=report)
    except _Stopped:
        return {}
    return CleaningResult.of(result).to_json()
