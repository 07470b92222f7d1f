"""What the evaluation lab shows: pure builders of its views (no callbacks).

Kept apart from `tiny_eval.py`, which owns the layout and the callbacks."""

from __future__ import annotations

import math

from dash import html

from app.components.lab_card import stat
from app.core.evaluation import perplexity
from app.core.surprise import default_stride
from app.figures.tiny import SURPRISE_MAX_NATS, surprise_colours, surprise_gradient_css
from app.services.tinygpt.measuring import MAX_CHARS, Measurement, quote
from app.services.tinygpt.models import VAL_WINDOWS

LAB = "tiny_eval"


def legend():
    scale = html.Span(
        [
            html.Span("expected", className="me-2"),
            html.Span(
                style={
                    "display": "inline-block",
                    "width": "min(12rem, 30vw)",
                    "height": "0.8rem",
                    "borderRadius": "0.2rem",
                    "background": surprise_gradient_css(),
                    "verticalAlign": "middle",
                }
            ),
            html.Span(f"surprised ({SURPRISE_MAX_NATS:.0f}+ nats)", className="ms-2 text-nowrap"),
        ],
        className="me-3",
    )
    unknown = html.Span(
        [html.Span("é", style=_unknown_style()), " not in the vocabulary"],
        className="text-nowrap",
    )
    return html.Div(
        [scale, unknown],
        className="mt-2 small text-muted d-flex flex-wrap align-items-center row-gap-1",
        id=f"{LAB}-legend",
    )


def _unknown_style() -> dict:
    return {
        "background": "#f1f3f5",
        "color": "#6c757d",
        "outline": "1.5px dashed #8a94a8",
        "outlineOffset": "-1.5px",
        "borderRadius": "3px",
        "padding": "0 0.15em",
    }


TEXT_BOX_STYLE = {
    "background": "#fff",
    "border": "1px solid #e6e9ef",
    "borderRadius": "0.4rem",
    "padding": "0.6rem 0.7rem",
    "fontFamily": "ui-monospace, SFMono-Regular, Menlo, monospace",
    "fontSize": "0.95rem",
    "lineHeight": "1.9",
    "whiteSpace": "pre-wrap",
    "overflowWrap": "anywhere",
    "maxHeight": "18rem",
    "overflowY": "auto",
}


def coloured_text(m: Measurement):
    """The text as spans coloured by surprise, each with its probability and the model's
    top guesses on hover (plain text children: nothing the learner types becomes HTML)."""
    colours = iter(surprise_colours([s for s in m.surprise_nats if not math.isnan(s)]))
    spans = []
    for ch, ok, tip in zip(m.chars, m.scored, m.hover, strict=True):
        shown = "↵\n" if ch == "\n" else ch
        if not ok:
            spans.append(html.Span(shown, title=tip, style=_unknown_style()))
            continue
        bg, fg = next(colours)
        spans.append(
            html.Span(
                shown, title=tip, style={"background": bg, "color": fg, "borderRadius": "2px"}
            )
        )
    return html.Div(spans, style=TEXT_BOX_STYLE, id=f"{LAB}-coloured")


def ppl(x: float) -> str:
    """Perplexity for reading: one decimal while small, whole numbers once large."""
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def notes_view(m: Measurement):
    stride = default_stride(m.context)
    notes = [
        html.P(
            f"Each character is scored on what comes before it: the model sees at most "
            f"{m.context} characters back (deep into a long text, between "
            f"{m.context - stride + 1} and {m.context}). The first one is predicted after a "
            "blank line, as at the start of every paragraph the model trained on.",
            className="mb-1 mt-2",
        )
    ]
    if m.mean_nats > m.uniform_nats:
        notes.append(
            html.P(
                "Worse than random guessing? Yes, that can happen: the model bets heavily on "
                "the characters that usually come next in English, and on text like this it "
                "loses those bets. Guessing evenly never loses that badly.",
                className="mb-1",
                id=f"{LAB}-worse-than-random",
            )
        )
    if m.cut_from:
        notes.append(
            html.P(
                f"Your text has {m.cut_from:,} characters; only the first "
                f"{MAX_CHARS} are measured.",
                className="mb-1 text-warning-emphasis",
            )
        )
    if m.unknown:
        shown = " ".join(quote(c) for c in m.unknown[:8]) + (" …" if len(m.unknown) > 8 else "")
        notes.append(
            html.P(
                f"Not in the vocabulary: {shown}. This model knows only the {m.vocab_size} "
                "characters that occur in the guide's text, so it cannot give any other character "
                "a probability. It reads each one as a space, and it is left out of the averages. "
                "Real LLM tokenizers avoid this by falling back to bytes (stage 03).",
                className="mb-1",
                id=f"{LAB}-unknown",
            )
        )
    return notes


def stats_view(m: Measurement, val: float) -> list:
    """The numbers: loss, bits per character and perplexity on the text, then the
    held-out loss and the two baselines to compare them with."""
    return [
        stat(
            "Loss on your text",
            f"{m.mean_nats:.2f}",
            id=f"{LAB}-loss",
            hint="nats per character: mean surprise",
        ),
        stat("Bits per character", f"{m.bits_per_character:.2f}", id=f"{LAB}-bpc"),
        stat(
            "Perplexity",
            ppl(m.perplexity),
            id=f"{LAB}-perplexity",
            hint=(
                "as unsure as choosing among this many characters"
                if m.perplexity <= m.vocab_size
                else f"worse than choosing among all {m.vocab_size} at random"
            ),
        ),
        stat(
            "Held-out guide text",
            f"{val:.2f}",
            id=f"{LAB}-val",
            hint=f"validation loss; perplexity {ppl(perplexity(val))}",
        ),
        stat(
            "Letter frequencies only",
            f"{m.unigram_nats:.2f}",
            hint=f"on your text; perplexity {ppl(perplexity(m.unigram_nats))}",
        ),
        stat(
            "Random guessing",
            f"{m.uniform_nats:.2f}",
            hint=f"ln {m.vocab_size}; perplexity {m.vocab_size}",
        ),
    ]


def comparison_rows(m: Measurement, val: float) -> list[tuple[str, float, str]]:
    """(name, loss, hover note) rows of the loss comparison chart."""
    return [
        ("Your text", m.mean_nats, f"perplexity {ppl(m.perplexity)}"),
        (
            "Held-out guide text",
            val,
            f"this model on {VAL_WINDOWS} windows of the validation text it never trained on",
        ),
        (
            "Letter frequencies only",
            m.unigram_nats,
            "on your text, knowing only how common each character is in the training text",
        ),
        ("Random guessing", m.uniform_nats, f"every one of {m.vocab_size} characters equally"),
    ]
