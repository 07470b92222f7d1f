"""Preprocessing lab: run a whole cleaning pipeline on a labelled 3,000-page crawl.

Language ID → Gopher/C4/FineWeb quality rules → Gopher repetition rules → PII redaction →
exact and MinHash near deduplication (Rae et al. 2021; Raffel et al. 2020; Penedo et al.
2024). The learner switches steps, moves thresholds and sees the funnel, precision and
recall, the dropped pages with the rule that dropped them, and near-duplicate clusters;
then pastes their own text to see which rules fire and what redaction does to it.

The page opens on the result for the published defaults (computed once per process, at
start-up). A run with other settings is a background job with a progress bar, the funnel
growing step by step, and Cancel: near dedup with many hashes takes seconds. A job forked
from the web process inherits its cached page measurements, so it pays only for what the
new settings change; the defaults are answered from that cache, without a job.
"""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.job_controls import job_callback_options, job_controls
from app.components.lab_card import formula_note, lab_card
from app.core.data import langid, pii, quality
from app.core.data.pipeline import (
    STEP_NAMES,
    STEPS,
    PipelineConfig,
    cached_result,
    run_on_default_corpus,
)
from app.figures.funnel import funnel_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.labs.cleaning_pipeline.views import (
    LAB,
    PRE_STYLE,
    clusters_view,
    dropped_summary,
    dropped_view,
    labels_view,
    rules_view,
    stats_view,
)
from app.services.jobs import JobsBusy, job_slot
from app.validation import InputError, parse_choice, parse_number

MAX_TEXT_CHARS = 20_000
MAX_HASHES = 400  # bands × rows; more adds run time without teaching more
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
SAMPLE_TEXT = (
    "Best cheap flights London! Cheap flights London, best cheap flights.\n"
    "Contact our team at bookings@example.com or call +44 20 7946 0958.\n"
    "Home | Deals | Contact"
)


def layout():
    d = PipelineConfig()
    default = run_on_default_corpus(d)
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Steps", className="form-label small mb-1"),
                    dbc.Checklist(
                        id=f"{LAB}-steps",
                        options=[{"label": v, "value": k} for k, v in TOGGLES.items()],
                        value=list(TOGGLES),
                        switch=True,
                        className="small",
                    ),
                ],
                xs=12,
                md=4,
            ),
            dbc.Col(
                [
                    number_field(
                        f"{LAB}-min_words",
                        "Min words (Gopher)",
                        d.thresholds.min_doc_words,
                        min=0,
                        max=100_000,
                        step=1,
                        help="Gopher: 50.",
                    ),
                    number_field(
                        f"{LAB}-symbol_ratio",
                        "Max '#' or '...' per word",
                        d.thresholds.max_symbol_word_ratio,
                        min=0,
                        max=10,
                        step=0.01,
                        help="Gopher: 0.1.",
                    ),
                    number_field(
                        f"{LAB}-dup_lines",
                        "Max share of repeated lines",
                        d.thresholds.max_dup_line_frac,
                        min=0,
                        max=1,
                        step=0.05,
                        help="Gopher: 0.30.",
                    ),
                ],
                xs=12,
                sm=6,
                md=4,
            ),
            dbc.Col(
                [
                    number_field(
                        f"{LAB}-n_gram",
                        "Shingle size",
                        d.n_gram,
                        min=1,
                        max=20,
                        step=1,
                        unit="words",
                        help="FineWeb: 5-word shingles.",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                number_field(
                                    f"{LAB}-bands", "Bands", d.bands, min=1, max=100, step=1
                                ),
                                xs=6,
                            ),
                            dbc.Col(
                                number_field(f"{LAB}-rows", "Rows", d.rows, min=1, max=50, step=1),
                                xs=6,
                            ),
                        ],
                        className="g-2",
                    ),
                    html.Div("FineWeb: 14 bands × 8 rows.", className="form-text small"),
                ],
                xs=12,
                sm=6,
                md=4,
            ),
        ],
        className="g-3",
    )
    body = html.Div(
        [
            html.Fieldset(controls, id=f"{LAB}-controls"),
            *job_controls(LAB, "Run the pipeline"),
            html.Div(id=f"{LAB}-error", className="mt-2"),
            html.Div(stats_view(default), id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(
                id=f"{LAB}-chart",
                figure=result_figure(default),
                config={**GRAPH_CONFIG, "displayModeBar": False},
            ),
            html.Div(labels_view(default), id=f"{LAB}-labels"),
            formula_note(
                "precision = good pages kept / all pages kept; "
                "recall = good pages kept / all good pages",
                "ground-truth labels of the generated crawl",
            ),
            html.H4("Dropped pages", className="h6 mt-4"),
            dbc.Row(
                dbc.Col(
                    select_field(
                        f"{LAB}-dropped_step",
                        "Show pages dropped by",
                        [{"label": "every step", "value": "all"}]
                        + [{"label": STEP_NAMES[s], "value": s} for s in STEPS[1:] if s != "pii"],
                        "all",
                    ),
                    xs=12,
                    sm=6,
                    md=4,
                ),
            ),
            html.Div(id=f"{LAB}-dropped"),
            dcc.Store(id=f"{LAB}-dropped-data", data=dropped_summary(default)),
            dcc.Store(id=f"{LAB}-funnel-data", data=funnel_data(default)),
            html.H4("Near-duplicate clusters", className="h6 mt-4"),
            html.Div(clusters_view(default), id=f"{LAB}-clusters"),
            html.Hr(className="my-4"),
            your_text_section(),
        ]
    )
    return lab_card(
        LAB,
        "Clean a crawl, step by step",
        "A made-up crawl of 3,000 web pages, each labelled: good articles, some with phone "
        "numbers or e-mail addresses, and junk (menus, spam, fragments, lists, code, other "
        "languages, copies). Switch steps on and off, move the thresholds and press **Run**: "
        "see what survives each step, which good pages you lost (recall) and how much junk "
        "got through (precision).",
        body,
        icon="bi-funnel",
        sources=[
            ("Rae et al. 2021 (Gopher, App. A)", "https://arxiv.org/abs/2112.11446"),
            ("Raffel et al. 2020 (C4)", "https://arxiv.org/abs/1910.10683"),
            ("Penedo et al. 2024 (FineWeb)", "https://arxiv.org/abs/2406.17557"),
        ],
    )


def your_text_section():
    return html.Div(
        [
            html.H4("Try your own text", className="h6"),
            dbc.Label(
                "Paste a page (plain text, up to 20,000 characters)",
                html_for=f"{LAB}-text",
                className="small",
            ),
            dbc.Textarea(id=f"{LAB}-text", value=SAMPLE_TEXT, rows=6, className="small"),
            dbc.Button("Check this text", id=f"{LAB}-check", color="secondary", className="mt-2"),
            html.Div(id=f"{LAB}-text_error", className="mt-2"),
            html.Div(id=f"{LAB}-verdict", className="mt-2"),
            html.Div(id=f"{LAB}-rules"),
            html.Div(id=f"{LAB}-redacted"),
        ]
    )


# ---- running the pipeline -----------------------------------------------------------------
def parse_config(steps, min_words, symbol_ratio, dup_lines, n_gram, bands, rows) -> PipelineConfig:
    """The learner's settings as a PipelineConfig, or InputError naming the field."""
    steps = steps if isinstance(steps, list) else []
    unknown = [s for s in steps if s not in TOGGLES]
    if unknown:
        raise InputError("Steps: choose from the list.")
    min_words = int(parse_number(min_words, "Min words", minimum=0, maximum=100_000, integer=True))
    symbol_ratio = float(
        parse_number(symbol_ratio, "Max '#' or '...' per word", minimum=0, maximum=10)
    )
    dup_lines = float(parse_number(dup_lines, "Max share of repeated lines", minimum=0, maximum=1))
    n_gram = int(parse_number(n_gram, "Shingle size", minimum=1, maximum=20, integer=True))
    bands = int(parse_number(bands, "Bands", minimum=1, maximum=100, integer=True))
    rows = int(parse_number(rows, "Rows", minimum=1, maximum=50, integer=True))
    if bands * rows > MAX_HASHES:
        raise InputError(
            f"Bands × rows must be at most {MAX_HASHES} hashes (you asked for {bands * rows})."
        )
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
        min_doc_words=min_words, max_symbol_word_ratio=symbol_ratio, max_dup_line_frac=dup_lines
    )


def funnel_so_far(funnel) -> object:
    """The funnel figure of the steps finished so far."""
    return funnel_figure(
        [f.name for f in funnel], [f.docs for f in funnel], [f.tokens for f in funnel]
    )


def result_figure(result):
    return funnel_so_far(result.funnel)


def funnel_data(result) -> list[list]:
    """The finished run's funnel as plain JSON, to redraw it after a cancelled run."""
    return [[f.name, f.docs, f.tokens] for f in result.funnel]


def progress_view(funnel, fraction: float, elapsed_s: float):
    """(bar value, bar label, funnel so far, live line) for one progress report."""
    first, last = funnel[0], funnel[-1]
    label = f"{fraction:.0%} · {elapsed_s:.1f} s"
    if fraction >= 1:
        text = f"Finished in {elapsed_s:.1f} s: {last.docs:,} of {first.docs:,} pages kept."
    else:
        text = f"After {last.name.lower()}: {last.docs:,} pages left"
    live = html.Span(text, className="small text-muted")
    return round(100 * fraction), label, funnel_so_far(funnel), live


@callback(
    Output(f"{LAB}-chart", "figure", allow_duplicate=True),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-labels", "children"),
    Output(f"{LAB}-clusters", "children"),
    Output(f"{LAB}-dropped-data", "data"),
    Output(f"{LAB}-funnel-data", "data"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-start", "n_clicks"),
    State(f"{LAB}-steps", "value"),
    State(f"{LAB}-min_words", "value"),
    State(f"{LAB}-symbol_ratio", "value"),
    State(f"{LAB}-dup_lines", "value"),
    State(f"{LAB}-n_gram", "value"),
    State(f"{LAB}-bands", "value"),
    State(f"{LAB}-rows", "value"),
    background=True,
    **job_callback_options(LAB),
    prevent_initial_call=True,
)
def run(set_progress, n_clicks, steps, min_words, symbol_ratio, dup_lines, n_gram, bands, rows):
    """The pipeline with the learner's settings: from this process's cache when it has
    the result, else holding a job slot and reporting the funnel after every step."""
    if not n_clicks:
        return (no_update,) * 7
    try:
        config = parse_config(steps, min_words, symbol_ratio, dup_lines, n_gram, bands, rows)
    except InputError as err:
        fig = message_figure("Fix the setting above, then run again.")
        set_progress((0, "", fig, None))  # no stale "finished" line beside the error
        return fig, None, None, None, None, no_update, field_error(str(err))
    result = cached_result(config)
    if result is None:
        started = time.monotonic()
        try:
            with job_slot() as lease:

                def report(funnel, fraction):
                    lease.renew()
                    set_progress(progress_view(funnel, fraction, time.monotonic() - started))

                result = run_on_default_corpus(config, on_progress=report)
        except JobsBusy as err:
            return (no_update,) * 6 + (field_error(str(err)),)
    set_progress(progress_view(result.funnel, 1.0, result.seconds))
    return (
        result_figure(result),
        stats_view(result),
        labels_view(result),
        clusters_view(result),
        dropped_summary(result),
        funnel_data(result),
        None,
    )


@callback(
    Output(f"{LAB}-chart", "figure", allow_duplicate=True),
    Output(f"{LAB}-progress", "value", allow_duplicate=True),
    Output(f"{LAB}-progress", "label", allow_duplicate=True),
    Output(f"{LAB}-live", "children", allow_duplicate=True),
    Input(f"{LAB}-cancel", "n_clicks"),
    State(f"{LAB}-funnel-data", "data"),
    prevent_initial_call=True,
)
def after_cancel(_n, funnel):
    """A cancelled run shows nothing half-done: the last finished funnel comes back."""
    note = html.Span(
        "Cancelled. The results below are from the last run that finished.",
        className="small text-muted",
    )
    try:
        names, docs, tokens = (list(col) for col in zip(*funnel, strict=True))
        figure = funnel_figure(names, [int(d) for d in docs], [int(t) for t in tokens])
    except (TypeError, ValueError):  # no finished run, or a tampered store
        figure = message_figure("Cancelled. Press Run to run the pipeline again.")
    return figure, 0, "", note


@callback(
    Output(f"{LAB}-dropped", "children"),
    Input(f"{LAB}-dropped_step", "value"),
    Input(f"{LAB}-dropped-data", "data"),
)
def show_dropped(dropped_step, summary):
    """The dropped pages of one step (or of every step) from the last run's summary."""
    try:
        step = parse_choice(dropped_step or "all", "Show pages dropped by", ["all", *STEPS[1:]])
    except InputError as err:
        return field_error(str(err))
    if not summary:
        return html.P("Run the pipeline to see the pages it drops.", className="small text-muted")
    try:
        return dropped_view(summary, step)
    except (KeyError, TypeError, ValueError, AttributeError):  # a tampered store
        return html.P("Run the pipeline again to see the pages it drops.", className="small")


# ---- the learner's own text -----------------------------------------------------------------


@callback(
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-rules", "children"),
    Output(f"{LAB}-redacted", "children"),
    Output(f"{LAB}-text_error", "children"),
    Input(f"{LAB}-check", "n_clicks"),
    State(f"{LAB}-text", "value"),
)
def check_text(_n, text):
    if not isinstance(text, str) or not text.strip():
        return None, None, None, field_error("Paste some text to check.")
    if len(text) > MAX_TEXT_CHARS:
        return (
            None,
            None,
            None,
            field_error(
                f"The text has {len(text):,} characters; paste at most {MAX_TEXT_CHARS:,}."
            ),
        )
    results = quality.evaluate(text)
    failed = [r for r in results if not r.passed]
    lang, confidence = langid.identify(text)
    redacted, counts = pii.redact(text)
    language = langid.LANGUAGE_NAMES.get(lang, lang)
    if failed:
        verdict = dbc.Alert(
            f"Dropped: {len(failed)} of {len(results)} rules fail, first "
            f"“{quality.RULES[failed[0].rule][1]}”. Language: {language} "
            f"(confidence {confidence:.2f}).",
            color="danger",
            className="py-2 small mb-0",
            id=f"{LAB}-verdict-text",
        )
    else:
        verdict = dbc.Alert(
            f"Kept: all {len(results)} rules pass. Language: {language} "
            f"(confidence {confidence:.2f}).",
            color="success",
            className="py-2 small mb-0",
            id=f"{LAB}-verdict-text",
        )
    found = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "nothing"
    redacted_view = html.Div(
        [
            html.Div(f"After PII redaction (found: {found}):", className="small fw-semibold mt-2"),
            html.Pre(redacted, className="small", style=PRE_STYLE, id=f"{LAB}-redacted-text"),
        ]
    )
    return verdict, rules_view(results), redacted_view, None
