"""Evaluation lab: paste a test passage and see its 13-word overlaps with the training
text of this guide's models (the tiny GPT's corpus and the stage-03 crawl), the check the
GPT-3 paper ran on its benchmarks."""

from __future__ import annotations

import threading

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error
from app.components.lab_card import lab_card, stat
from app.core.text_overlap import (
    CONTAMINATION_N,
    contaminated_share,
    find_overlaps,
    guide_index,
    words,
)
from app.validation import InputError

LAB = "contamination_checker"
MAX_CHARS = 5_000
MAX_SHOWN = 10
# A test passage half copied from stage 07's text, half new.
SAMPLE = (
    "Question: why do test scores overstate ability? Teams search their training data for "
    "long word sequences shared with the test and report scores on the clean part. A "
    "model that memorised the answers has not learned the skill the benchmark measures."
)


def _warm() -> None:
    threading.Thread(target=guide_index, name="contamination-index", daemon=True).start()


def check(passage) -> html.Div:
    text = passage if isinstance(passage, str) else ""
    if not text.strip():
        raise InputError("Passage: paste some text to check.")
    if len(text) > MAX_CHARS:
        raise InputError(f"Passage: keep it to at most {MAX_CHARS:,} characters.")
    n_words = len(words(text))
    if n_words < CONTAMINATION_N:
        raise InputError(
            f"Passage: it has {n_words} words; a {CONTAMINATION_N}-word overlap needs at "
            f"least {CONTAMINATION_N}."
        )
    overlaps = find_overlaps(text, guide_index())
    share = contaminated_share(text, overlaps)
    verdict = (
        "Dirty: it shares at least one 13-word sequence with the training text."
        if overlaps
        else "Clean: no 13-word sequence of it appears in the training text."
    )
    items = [
        html.Li(
            [html.Span(o.source, className="fw-semibold"), f": “{o.text}”"],
            className="mb-1",
        )
        for o in overlaps[:MAX_SHOWN]
    ]
    more = len(overlaps) - MAX_SHOWN
    return html.Div(
        [
            html.Div(
                [
                    stat("Words", f"{n_words:,}"),
                    stat("Overlapping stretches", f"{len(overlaps):,}", id=f"{LAB}-count"),
                    stat("Share of words covered", f"{100 * share:.0f}%", id=f"{LAB}-share"),
                ],
                className="stat-row my-3",
            ),
            dbc.Alert(verdict, color="danger" if overlaps else "success", className="py-2 small"),
            html.Ol(items, className="small", id=f"{LAB}-overlaps") if items else None,
            html.P(f"… and {more} more.", className="small text-muted") if more > 0 else None,
        ]
    )


def layout():
    _warm()  # build the index in the background while the page is read
    body = html.Div(
        [
            dbc.Label("Test passage", html_for=f"{LAB}-passage", className="small mb-1"),
            dbc.Textarea(
                id=f"{LAB}-passage",
                value=SAMPLE,
                rows=4,
                maxLength=MAX_CHARS,
                debounce=True,
                spellcheck=False,
            ),
            dbc.Button("Check", id=f"{LAB}-check", size="sm", className="mt-2"),
            html.Div(id=f"{LAB}-error", className="mt-2"),
            html.Div(id=f"{LAB}-result"),
            html.P(
                "Words are lower-cased and punctuation dropped before comparing, as in the "
                "paper. A long shared sequence is strong evidence of copying; no match does "
                "not prove the model never saw the idea, only not these words.",
                className="small text-muted mb-0",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Contamination checker: 13-word overlaps",
        "Paste a test question or passage. It is compared with everything this guide's "
        "models were trained on: the tiny GPT's text (this guide) and the made-up crawl of "
        "stage 03. The sample is half copied from the text above.",
        body,
        sources=[("Brown et al. 2020, Appendix C", "https://arxiv.org/abs/2005.14165")],
        icon="bi-shield-exclamation",
    )


@first_view_callback(
    Output(f"{LAB}-result", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-check", "n_clicks"),
    Input(f"{LAB}-passage", "value"),
)
def update(_clicks, passage):
    try:
        return check(passage), None
    except InputError as err:
        return None, field_error(str(err))
