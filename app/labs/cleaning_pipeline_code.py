"""Show the code for the cleaning pipeline: the same steps in huggingface/datatrove, with
the learner's thresholds (every rule's datatrove keyword comes from the rule registry)."""

from __future__ import annotations

from dash import Input, Output, callback

from app.components.code_panel import code_panel, snippet_blocks
from app.components.inputs import field_error
from app.core.codegen import datatrove_pipeline
from app.core.data.pipeline import PipelineConfig
from app.validation import InputError, parse_number

LAB = "cleaning_pipeline_code"
PLANNER = "cleaning_pipeline"
FIELDS = ("steps", "min_words", "symbol_ratio", "dup_lines", "n_gram", "bands", "rows")
STEPS = ("language", "gopher_quality", "c4", "fineweb", "gopher_repetition", "pii")
STEPS += ("exact_dedup", "near_dedup")
DEFAULTS = (list(STEPS), 50, 0.1, 0.3, 5, 14, 8)


def plan_config(steps, min_words, symbol_ratio, dup_lines, n_gram, bands, rows) -> PipelineConfig:
    """The pipeline lab's settings, parsed with the same bounds as the lab."""
    steps = steps if isinstance(steps, list) else []
    if any(s not in STEPS for s in steps):
        raise InputError("Steps: choose from the list.")
    min_words = int(parse_number(min_words, "Min words", minimum=0, maximum=100_000, integer=True))
    symbol_ratio = parse_number(symbol_ratio, "Max '#' or '...' per word", minimum=0, maximum=10)
    dup_lines = parse_number(dup_lines, "Max share of repeated lines", minimum=0, maximum=1)
    n_gram = int(parse_number(n_gram, "Shingle size", minimum=1, maximum=20, integer=True))
    bands = int(parse_number(bands, "Bands", minimum=1, maximum=100, integer=True))
    rows = int(parse_number(rows, "Rows", minimum=1, maximum=50, integer=True))
    try:
        return PipelineConfig(
            language_id="language" in steps,
            quality_groups=tuple(g for g in ("gopher_quality", "c4", "fineweb") if g in steps),
            repetition="gopher_repetition" in steps,
            redact_pii="pii" in steps,
            exact_dedup="exact_dedup" in steps,
            near_dedup="near_dedup" in steps,
            n_gram=n_gram,
            bands=bands,
            rows=rows,
        ).with_thresholds(
            min_doc_words=min_words,
            max_symbol_word_ratio=float(symbol_ratio),
            max_dup_line_frac=float(dup_lines),
        )
    except ValueError as err:
        raise InputError(str(err)) from None


def layout():
    return code_panel(
        LAB,
        "the same pipeline in datatrove",
        "The steps and thresholds above as a datatrove pipeline, the library FineWeb was "
        "built with: its Gopher, C4 and FineWeb filters with your thresholds, then MinHash "
        "deduplication with your shingle size, bands and rows.",
        snippet_blocks(LAB, datatrove_pipeline.snippets(plan_config(*DEFAULTS))),
        sources=[("datatrove", "https://github.com/huggingface/datatrove")],
    )


@callback(
    Output(f"{LAB}-out", "children"),
    Output(f"{LAB}-error", "children"),
    *[Input(f"{PLANNER}-{f}", "value") for f in FIELDS],
    prevent_initial_call=True,  # the layout shows the defaults' code
)
def update(*values):
    try:
        return snippet_blocks(LAB, datatrove_pipeline.snippets(plan_config(*values))), None
    except InputError as err:
        return [], field_error(str(err))
