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

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, select_field, spec_field
from app.components.job_controls import JobLab, job_controls, job_lab, persist
from app.components.lab_card import formula_note, lab_card
from app.core.data import langid, pii, quality
from app.core.data.pipeline import STEP_NAMES, STEPS, PipelineConfig, run_on_default_corpus
from app.figures.funnel import funnel_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.labs.cleaning_pipeline.job import (
    FIELDS,
    FORM,
    MAX_HASHES,  # noqa: F401 (re-exported for tests)
    TOGGLES,
    CleaningResult,
    parse_config,
    quick_result,
)
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
from app.validation import InputError, parse_choice

MAX_TEXT_CHARS = 20_000
SPEC = {spec.name: spec for spec in FIELDS}
NUMBER_FIELDS = tuple(SPEC)
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
                    spec_field(LAB, SPEC["min_words"]),
                    spec_field(LAB, SPEC["symbol_ratio"]),
                    spec_field(LAB, SPEC["dup_lines"]),
                ],
                xs=12,
                sm=6,
                md=4,
            ),
            dbc.Col(
                [
                    spec_field(LAB, SPEC["n_gram"]),
                    dbc.Row(
                        [
                            dbc.Col(
                                spec_field(LAB, SPEC["bands"]),
                                xs=6,
                            ),
                            dbc.Col(
                                spec_field(LAB, SPEC["rows"]),
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
            persist(html.Fieldset(controls, id=f"{LAB}-controls")),
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
            html.Div(dropped_view(dropped_summary(default), "all"), id=f"{LAB}-dropped"),
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
    verdict, rules, redacted, _ = check_text(None, SAMPLE_TEXT)
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
            html.Div(verdict, id=f"{LAB}-verdict", className="mt-2"),
            html.Div(rules, id=f"{LAB}-rules"),
            html.Div(redacted, id=f"{LAB}-redacted"),
        ]
    )


# ---- running the pipeline -----------------------------------------------------------------
def funnel_so_far(funnel) -> object:
    """The funnel figure of the steps finished so far."""
    return funnel_figure(
        [f.name for f in funnel], [f.docs for f in funnel], [f.tokens for f in funnel]
    )


def result_figure(result):
    return funnel_so_far(result.funnel)


class StepView:
    """One funnel step from a progress report (name, pages, tokens)."""

    def __init__(self, name, docs, tokens):
        self.name, self.docs, self.tokens = str(name), int(docs), int(tokens)


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


def _parse_job(raw: dict) -> dict:
    """The form, checked (FormErrors names every bad field); the job parses it again."""
    form = [raw[name] for name in FORM]
    parse_config(*form)
    return {"form": form}


def _progress(progress: dict):
    funnel = [StepView(*f) for f in progress["funnel"]]
    return progress_view(funnel, float(progress["fraction"]), float(progress["elapsed_s"]))


def _final(result: dict):
    r = CleaningResult.from_json(result)
    return progress_view(r.funnel, 1.0, r.seconds)


def _show_result(result: dict):
    r = CleaningResult.from_json(result)
    return (stats_view(r), labels_view(r), clusters_view(r), r.dropped, funnel_data(r))


def _restore_funnel(funnel):
    """A cancelled run shows nothing half-done: the last finished funnel comes back."""
    try:
        names, docs, tokens = (list(col) for col in zip(*funnel, strict=True))
        return funnel_figure(names, [int(d) for d in docs], [int(t) for t in tokens])
    except (TypeError, ValueError):  # no finished run, or a tampered store
        return message_figure("Cancelled. Press Run to run the pipeline again.")


@callback(
    Output(f"{LAB}-error", "children"),
    *[Output(f"{LAB}-{name}", "invalid") for name in NUMBER_FIELDS],
    *[Input(f"{LAB}-{name}", "value") for name in FORM],
)
def check_settings(*values):
    """While editing: every bad setting named at once, each marked on its own box."""
    try:
        parse_config(*values)
    except InputError as err:
        errors = getattr(err, "errors", {})
        return field_error(str(err)), *[name in errors for name in NUMBER_FIELDS]
    return None, *[False] * len(NUMBER_FIELDS)


callbacks = job_lab(
    JobLab(
        lab=LAB,
        kind="cleaning",
        fields=FORM,
        parse=_parse_job,
        progress_view=_progress,
        result_outputs=(
            Output(f"{LAB}-stats", "children"),
            Output(f"{LAB}-labels", "children"),
            Output(f"{LAB}-clusters", "children"),
            Output(f"{LAB}-dropped-data", "data"),
            Output(f"{LAB}-funnel-data", "data"),
        ),
        result_view=_show_result,
        cancelled_note="Cancelled. The results below are from the last run that finished.",
        invalid_fields=NUMBER_FIELDS,
        quick=quick_result,
        final_progress=_final,
        failed_note="The cleaning run failed",
        cancel_states=(State(f"{LAB}-funnel-data", "data"),),
        cancelled_figure=_restore_funnel,
    )
)
start, poll, cancel = callbacks["start"], callbacks["poll"], callbacks["cancel"]


@callback(
    Output(f"{LAB}-dropped", "children"),
    Input(f"{LAB}-dropped_step", "value"),
    Input(f"{LAB}-dropped-data", "data"),
    prevent_initial_call=True,  # the layout lists the default run's dropped pages
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
    prevent_initial_call=True,  # the layout shows the verdict on the sample text
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
