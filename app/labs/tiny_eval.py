"""Evaluation lab: measure the tiny GPT on a sentence. Every character is coloured by how
surprised the model was (−ln p), and the mean surprise becomes loss, bits per character
and perplexity, next to the baselines and the model's held-out validation loss.

The model is the shipped checkpoint or one of the learner's stage-05 runs
(`app.tiny_models`); the science is `app.core.surprise` and `app.core.evaluation`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, callback, ctx, dcc, html, no_update

from app.components.inputs import field_error
from app.components.lab_card import formula_note, lab_card, stat
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.core.evaluation import bits_per_character, perplexity, unigram_cross_entropy
from app.core.surprise import default_stride, token_surprise
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.figures.tiny import (
    SURPRISE_MAX_NATS,
    char_label,
    loss_comparison_figure,
    surprise_colours,
    surprise_gradient_css,
)
from app.tiny_models import (
    VAL_WINDOWS,
    corpus_ids,
    resolve,
    validation_loss,
)
from app.validation import InputError

LAB = "tiny_eval"
MAX_CHARS = 256  # characters measured; more are cut, with a note
MAX_PASTE = 5000  # the text box refuses longer pastes outright
TOP_GUESSES = 3
SAMPLE_LABELS = {
    "guide": "A sentence from the guide",
    "shuffled": "Same words, shuffled",
    "random": "Random letters",
}


# ------------------------------------------------------------------ samples


@lru_cache(maxsize=1)
def samples() -> dict[str, str]:
    """Three texts that show perplexity rise: a sentence from the guide's validation text
    (held out from training), the same words in a random order, and random letters."""
    from app.core.tinylm import load_corpus

    train_text, val_text = load_corpus()
    known = set(train_text)
    sentences = (s for para in val_text.split("\n\n") for s in re.split(r"(?<=[.!?])\s+", para))
    sentence = next(
        (
            s
            for s in sentences
            if 80 <= len(s) <= 150
            and len(s.split()) >= 12
            and s[0].isupper()
            and not set(s) & set(":`\n")
            and set(s) <= known
        ),
        "Data collection decides what the model will know, which languages it speaks.",
    )
    rng = np.random.default_rng(0)
    words = sentence.split()
    shuffled = " ".join(words[i] for i in rng.permutation(len(words)))
    letters = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=len(sentence)))
    return {"guide": sentence, "shuffled": shuffled, "random": letters}


def sample_text(name) -> str:
    """The text of sample `name` (one of SAMPLE_LABELS); ValueError otherwise."""
    if name not in SAMPLE_LABELS:
        raise ValueError(f"Unknown sample {name!r}.")
    return samples()[name]


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Measurement:
    """One text measured by one model. Per character: whether it is scored (in the
    vocabulary), its surprise in nats (nan if not scored) and the hover text."""

    model_key: str
    chars: tuple[str, ...]
    scored: tuple[bool, ...]
    surprise_nats: tuple[float, ...]
    hover: tuple[str, ...]
    mean_nats: float
    unigram_nats: float
    uniform_nats: float
    vocab_size: int
    context: int
    cut_from: int | None  # the text's length when it was cut to MAX_CHARS

    @property
    def perplexity(self) -> float:
        return perplexity(self.mean_nats)

    @property
    def bits_per_character(self) -> float:
        return bits_per_character(self.mean_nats, 1.0)  # one token is one character

    @property
    def unknown(self) -> list[str]:
        return sorted({c for c, s in zip(self.chars, self.scored, strict=True) if not s})


def _quote(ch: str) -> str:
    return f"'{char_label(ch)}'"


@lru_cache(maxsize=64)
def _measure(model_key: str, text: str, cut_from: int | None) -> Measurement:
    loaded = resolve(model_key)
    model, tokenizer = loaded.model, loaded.tokenizer
    vocab = set(tokenizer.chars)
    # The first character is predicted after a paragraph break, as at the start of every
    # document the model trained on (documents are separated by a blank line).
    prefix = "\n\n" if "\n" in vocab else " "
    stand_in = _quote(tokenizer.chars[tokenizer.fallback_id])
    ids = tokenizer.encode(prefix + text)
    result = token_surprise(model, ids, start=len(prefix), top=TOP_GUESSES)
    scored = tuple(c in vocab for c in text)
    surprise, hover = [], []
    for i, ch in enumerate(text):
        if not scored[i]:
            surprise.append(math.nan)
            hover.append(
                f"{_quote(ch)} is not in this model's vocabulary: it reads {stand_in} "
                "instead, and this character is not scored."
            )
            continue
        s = float(result.surprise_nats[i])
        guesses = ", ".join(
            f"{_quote(tokenizer.chars[int(g)])} {100 * float(p):.0f}%"
            for g, p in zip(result.top_ids[i], result.top_probs[i], strict=True)
        )
        surprise.append(s)
        hover.append(
            f"{_quote(ch)}: p = {100 * math.exp(-s):.1f}%, surprise {s:.2f} nats. "
            f"Top guesses: {guesses}"
        )
    values = np.asarray(surprise)[list(scored)]
    targets = np.asarray(ids[len(prefix) :])[list(scored)]
    return Measurement(
        model_key=loaded.key,
        chars=tuple(text),
        scored=scored,
        surprise_nats=tuple(surprise),
        hover=tuple(hover),
        mean_nats=float(values.mean()),
        unigram_nats=unigram_cross_entropy(
            corpus_ids(loaded.key)[0], targets, tokenizer.vocab_size
        ),
        uniform_nats=math.log(tokenizer.vocab_size),
        vocab_size=tokenizer.vocab_size,
        context=model.config.seq_len,
        cut_from=cut_from,
    )


def measure_text(value, raw_text):
    """(LoadedModel, Measurement) for a dropdown value and the learner's text, or
    InputError with one sentence saying what to change."""
    text = raw_text if isinstance(raw_text, str) else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("Type or paste a sentence to measure, or load one of the samples.")
    cut_from = None
    if len(text) > MAX_CHARS:
        cut_from, text = len(text), text[:MAX_CHARS]
    loaded = resolve(value)
    if not any(c in set(loaded.tokenizer.chars) for c in text):
        raise InputError(
            "None of these characters are in the model's vocabulary (it only knows the "
            f"{loaded.tokenizer.vocab_size} characters of this guide's text). Try English."
        )
    return loaded, _measure(loaded.key, text, cut_from)


# ------------------------------------------------------------------ layout


def layout():
    sample_buttons = [
        dbc.Button(
            label,
            id=f"{LAB}-sample-{name}",
            color="secondary",
            outline=True,
            size="sm",
            className="me-2 mb-2",
        )
        for name, label in SAMPLE_LABELS.items()
    ]
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        tiny_model_select(f"{LAB}-model", "Model"),
                        md=6,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.Div("Load a sample", className="form-label small mb-1"),
                                html.Div(sample_buttons),
                            ]
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Label("Your text", html_for=f"{LAB}-input", className="form-label small mb-1"),
            dbc.Textarea(
                id=f"{LAB}-input",
                value=sample_text("guide"),
                rows=3,
                maxLength=MAX_PASTE,
                debounce=500,
                spellcheck=False,
                style={"fontFamily": "ui-monospace, Menlo, Consolas, monospace"},
            ),
            html.Div(
                f"Plain text; the first {MAX_CHARS} characters are measured.",
                className="form-text small mb-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-about", className="small text-muted mb-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            html.Div(id=f"{LAB}-text", **{"aria-label": "Your text, coloured by surprise"}),
            _legend(),
            dcc.Graph(
                id=f"{LAB}-chart",
                config={**GRAPH_CONFIG, "displayModeBar": False},
                className="mt-3",
            ),
            html.Div(id=f"{LAB}-notes", className="small"),
            formula_note(
                "surprise = −ln p(character | the characters before it); loss = mean surprise; "
                "perplexity = e^loss; bits per character = loss / ln 2",
                "Jurafsky & Martin, Speech and Language Processing, ch. 3",
                "https://web.stanford.edu/~jurafsky/slp3/3.pdf",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Measure the tiny GPT",
        "Type or paste a sentence and see how surprised the model is by each character: pale "
        "where it expected that character, dark red where it did not. The average surprise "
        "is the model's **loss** on your text, and e raised to it is the **perplexity**. "
        "Load the three samples in turn and watch perplexity rise.",
        body,
        icon="bi-rulers",
        sources=[
            (
                "Hugging Face: perplexity of fixed-length models",
                "https://huggingface.co/docs/transformers/perplexity",
            ),
        ],
    )


def _legend():
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


# ------------------------------------------------------------------ callbacks


@callback(
    Output(f"{LAB}-input", "value"),
    *[Input(f"{LAB}-sample-{name}", "n_clicks") for name in SAMPLE_LABELS],
    prevent_initial_call=True,
)
def load_sample(*clicks):
    name = str(ctx.triggered_id or "").removeprefix(f"{LAB}-sample-")
    return sample_text(name) if name in SAMPLE_LABELS and any(clicks) else no_update


@callback(
    Output(f"{LAB}-about", "children"),
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-text", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-notes", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-input", "value"),
)
def update(value, text):
    """Measure the text with the chosen model."""
    try:
        loaded, m = measure_text(value, text)
        val = validation_loss(loaded.key)
    except InputError as err:
        return (
            None,
            field_error(str(err)),
            None,
            None,
            message_figure("Type a sentence above to measure it."),
            None,
        )
    except (OSError, ValueError) as err:  # e.g. the shipped checkpoint is missing
        return (
            None,
            field_error(f"The model could not be loaded: {err}"),
            None,
            None,
            message_figure("No model to measure with."),
            None,
        )
    about = [html.Span(loaded.description)]
    if loaded.note:
        about.insert(0, dbc.Alert(loaded.note, color="warning", className="py-2 small mb-1"))
    stats = [
        stat(
            "Loss on your text",
            f"{m.mean_nats:.2f}",
            id=f"{LAB}-loss",
            hint="nats per character: mean surprise",
        ),
        stat("Bits per character", f"{m.bits_per_character:.2f}", id=f"{LAB}-bpc"),
        stat(
            "Perplexity",
            _ppl(m.perplexity),
            id=f"{LAB}-perplexity",
            hint="as unsure as choosing among this many characters",
        ),
        stat(
            "Held-out guide text",
            f"{val:.2f}",
            id=f"{LAB}-val",
            hint=f"validation loss; perplexity {_ppl(perplexity(val))}",
        ),
        stat(
            "Letter frequencies only",
            f"{m.unigram_nats:.2f}",
            hint=f"unigram baseline; perplexity {_ppl(perplexity(m.unigram_nats))}",
        ),
        stat(
            "Random guessing",
            f"{m.uniform_nats:.2f}",
            hint=f"ln {m.vocab_size}; perplexity {m.vocab_size}",
        ),
    ]
    rows = [
        ("Your text", m.mean_nats, f"perplexity {_ppl(m.perplexity)}"),
        (
            "Held-out guide text",
            val,
            f"this model on {VAL_WINDOWS} windows of the validation text it never trained on",
        ),
        (
            "Letter frequencies only",
            m.unigram_nats,
            "knows only how common each character is in the training text",
        ),
        ("Random guessing", m.uniform_nats, f"every one of {m.vocab_size} characters equally"),
    ]
    return (about, None, stats, coloured_text(m), loss_comparison_figure(rows), _notes(m))


def _ppl(x: float) -> str:
    """Perplexity for reading: one decimal while small, whole numbers once large."""
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def _notes(m: Measurement):
    stride = default_stride(m.context)
    notes = [
        html.P(
            f"Each character is scored given the characters before it, up to the model's "
            f"{m.context}-character window (in a longer text, at least "
            f"{m.context - stride + 1} of them). The first one is predicted after a blank "
            "line, as at the start of every paragraph the model trained on.",
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
        shown = " ".join(_quote(c) for c in m.unknown[:8]) + (" …" if len(m.unknown) > 8 else "")
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


fill_models = follow_trained_runs(f"{LAB}-model")
