"""Evaluation lab: BLEU and ROUGE of the tiny GPT's continuation against a reference,
computed with sacrebleu and rouge-score, and what the two scores miss."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error
from app.components.lab_card import lab_card, stat
from app.core.text_overlap import OverlapScores, overlap_scores
from app.validation import InputError

LAB = "bleu_rouge"
MAX_CHARS = 2_000
PROMPT = "The loss is "
REFERENCE = "The loss is the average surprise of the model at each real next token."
CANDIDATE = "The loss is the model's average surprise at every true next token."
NEW_CHARS = 80
WEAKNESSES = [
    "Both count shared words and word sequences only: a correct paraphrase with other "
    "words scores low, and a fluent answer that says the opposite can score high.",
    "BLEU was designed for whole test sets (Papineni et al. 2002); on one sentence it is "
    "noisy, and it is zero when no 4-word sequence matches.",
    "Scores depend on tokenisation and on the references: report sacrebleu's signature, "
    "and compare only scores computed the same way (Post 2018).",
    "Neither checks facts, coherence or helpfulness; for chat models people and model "
    "judges replaced them.",
]


def _text(raw, label: str) -> str:
    text = raw if isinstance(raw, str) else ""
    if not text.strip():
        raise InputError(f"{label}: type some words.")
    if len(text) > MAX_CHARS:
        raise InputError(f"{label}: keep it to at most {MAX_CHARS:,} characters.")
    return text


def stats(s: OverlapScores) -> list:
    p = " / ".join(f"{x:.0f}" for x in s.bleu_precisions)
    return [
        stat("BLEU", f"{s.bleu:.1f}", id=f"{LAB}-bleu", hint=f"n-gram precisions {p}%"),
        stat("Brevity penalty", f"{s.brevity_penalty:.2f}", hint="1 = not too short"),
        stat("ROUGE-1", f"{s.rouge1:.2f}", id=f"{LAB}-rouge1", hint="F, single words"),
        stat("ROUGE-2", f"{s.rouge2:.2f}", hint="F, word pairs"),
        stat("ROUGE-L", f"{s.rougeL:.2f}", hint="F, longest common subsequence"),
    ]


def layout():
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                "Reference (the answer you expect)",
                                html_for=f"{LAB}-reference",
                                className="small mb-1",
                            ),
                            dbc.Textarea(
                                id=f"{LAB}-reference",
                                value=REFERENCE,
                                rows=3,
                                maxLength=MAX_CHARS,
                                debounce=True,
                            ),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(
                                "Candidate (the model's answer)",
                                html_for=f"{LAB}-candidate",
                                className="small mb-1",
                            ),
                            dbc.Textarea(
                                id=f"{LAB}-candidate",
                                value=CANDIDATE,
                                rows=3,
                                maxLength=MAX_CHARS,
                                debounce=True,
                            ),
                        ],
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            html.Div(
                [
                    dbc.Button(
                        "Let the tiny GPT write the candidate",
                        id=f"{LAB}-generate",
                        size="sm",
                        color="primary",
                        outline=True,
                    ),
                    html.Span(
                        f" It continues the reference's first {len(PROMPT)} characters, greedily.",
                        className="small text-muted",
                    ),
                ],
                className="my-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(
                stats(overlap_scores(CANDIDATE, REFERENCE)),
                id=f"{LAB}-stats",
                className="stat-row my-3",
            ),
            html.H4("What they miss", className="h6"),
            html.Ul([html.Li(w) for w in WEAKNESSES], className="small mb-0"),
        ]
    )
    return lab_card(
        LAB,
        "BLEU and ROUGE: scoring by word overlap",
        "BLEU (machine translation) and ROUGE (summarisation) score an answer by the words "
        "and word sequences it shares with a reference. The default candidate means the same "
        "as the reference in other words: see how little credit it gets. Then let the tiny "
        "GPT write one, or type your own.",
        body,
        sources=[
            ("Papineni et al. 2002 (BLEU)", "https://aclanthology.org/P02-1040/"),
            ("Lin 2004 (ROUGE)", "https://aclanthology.org/W04-1013/"),
            ("Post 2018 (sacreBLEU)", "https://aclanthology.org/W18-6319/"),
        ],
        icon="bi-card-text",
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-candidate", "value"),
    Input(f"{LAB}-reference", "value"),
)
def score(candidate, reference):
    try:
        s = overlap_scores(_text(candidate, "Candidate"), _text(reference, "Reference"))
    except (InputError, ValueError) as err:
        return None, field_error(str(err))
    return stats(s), None


@callback(
    Output(f"{LAB}-candidate", "value"),
    Output(f"{LAB}-error", "children", allow_duplicate=True),
    Input(f"{LAB}-generate", "n_clicks"),
    State(f"{LAB}-reference", "value"),
    prevent_initial_call=True,
)
def generate(_clicks, reference):
    """The shipped tiny GPT continues the reference's opening (greedy, so repeatable)."""
    from dash import no_update

    from app.services.tinygpt import generation
    from app.services.tinygpt.models import PRETRAINED, resolve

    try:
        reference = _text(reference, "Reference")
        prompt = reference[: len(PROMPT)]
        req = generation.parse_request(PRETRAINED, prompt, 0, 0, 1, NEW_CHARS, 0)
        text = generation.generate(resolve(PRETRAINED), req).text
    except InputError as err:
        return no_update, field_error(str(err))
    except (KeyError, ValueError):  # a character the tiny model never saw
        return no_update, field_error(
            "The tiny GPT knows only the characters of this guide; start the reference "
            "with plain English letters."
        )
    return prompt + text, None
