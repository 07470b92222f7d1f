"""Preprocessing lab: type text and see it cut into tokens by a tokenizer trained here, on the
guide's corpus, at the vocabulary size the learner picks: byte-level BPE (Sennrich et al.
2016; GPT-2), WordPiece (BERT) or Unigram (Kudo 2018)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, ctx, dcc, html, no_update

from app.components.inputs import (
    choice_rule,
    field_error,
    number_field,
    select_field,
    share_settings,
)
from app.components.lab_card import count, formula_note, lab_card, stat
from app.core.data import tokenization as tz
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.figures.tokens import compression_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "tokenizer_playground"
MAX_CHARS = 5_000
BREAK = "\u200b"
MAX_ID_CHIPS = 400  # the id list stops here; the coloured text always shows every token
N_MERGES = 20
N_COLOURS = 5  # soft background colours, cycled so that neighbouring tokens differ
DEFAULT_KIND = "bpe"
DEFAULT_VOCAB_SIZE = 1_000

SAMPLES = {
    "english": (
        "English",
        "The quick brown fox jumps over the lazy dog. A tokenizer cuts text into pieces "
        "that a language model can look up, count and learn from.",
    ),
    "code": (
        "Code",
        'def mean(values):\n    """Average of a list of numbers."""\n    if not values:\n'
        "        return 0.0\n    return sum(values) / len(values)\n",
    ),
    "numbers": (
        "Numbers",
        "On 2024-03-15 invoice #48213 came to $1,234,567.89, paid in 12 instalments of "
        "102,880.66 at 3.75% interest.",
    ),
    "german_french": (
        "German & French",
        "Die Straßenbahnhaltestelle liegt gegenüber dem Hauptbahnhof. Le petit-déjeuner est "
        "servi à sept heures : n'oubliez pas vos clés !",
    ),
    "emoji": ("Emoji", "🤖🚀✨ Tokens 👍🏽 for 🇩🇪 and 👩‍💻 😀😀😀"),
}

# How each kind writes its tokens: shown under the coloured text.
MARKERS = {
    "bpe": "In the token list, 'Ġ' is GPT-2's way of writing a space (byte 32) inside a "
    "token and 'Ċ' a new line. An emoji or accented letter the tokenizer has no token for "
    "is split into its UTF-8 bytes (dashed boxes): nothing is ever unknown.",
    "wordpiece": "'##' marks a piece that continues a word. Spaces are not tokens at all: "
    "they are thrown away before tokenizing, so the text cannot be rebuilt exactly. A word "
    "with a character never seen in training becomes [UNK] (red).",
    "unigram": "'▁' marks a space, kept as part of the next piece, so text decodes back "
    "exactly, except characters never seen in training: they become <unk> (red).",
}
VISIBLE = {" ": "·", "\t": "→", "\n": "↵\n"}


def layout():
    view, chips, stats, markers, count_text, _ = tokenize(
        SAMPLES["english"][1], DEFAULT_KIND, DEFAULT_VOCAB_SIZE
    )
    samples = html.Div(
        [
            html.Span("Load a sample:", className="small text-muted me-2"),
            *[
                dbc.Button(
                    label,
                    id=f"{LAB}-sample-{key}",
                    size="sm",
                    outline=True,
                    color="secondary",
                    className="me-1 mb-1",
                )
                for key, (label, _) in SAMPLES.items()
            ],
        ],
        className="tokens-samples mb-2",
    )
    body = html.Div(
        [
            samples,
            dbc.Label("Your text", html_for=f"{LAB}-text", className="small mb-1"),
            dbc.Textarea(
                id=f"{LAB}-text",
                value=SAMPLES["english"][1],
                rows=4,
                debounce=400,
                className="small tokens-input",
                spellCheck=False,
            ),
            html.Div(count_text, id=f"{LAB}-count", className="form-text small mb-2"),
            dcc.Store(id=f"{LAB}-restore"),
            dbc.Row(
                [
                    dbc.Col(
                        select_field(
                            f"{LAB}-kind",
                            "Tokenizer",
                            [{"label": tz.KIND_NAMES[k], "value": k} for k in tz.KINDS],
                            DEFAULT_KIND,
                        ),
                        xs=12,
                        sm=6,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-vocab",
                            "Vocabulary size",
                            DEFAULT_VOCAB_SIZE,
                            # No browser min/max/step: an out-of-range number would reach
                            # the server as "empty"; parse_number says what is wrong instead.
                            unit="tokens",
                            help=f"{tz.MIN_VOCAB_SIZE:,}–{tz.MAX_VOCAB_SIZE:,}. Byte-level BPE "
                            f"needs {tz.BYTE_ALPHABET_SIZE} tokens for single bytes before it "
                            "learns any merge.",
                        ),
                        xs=12,
                        sm=6,
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            html.H4("Your text, token by token", className="h6 mb-1"),
            dcc.Loading(
                html.Div(view, id=f"{LAB}-tokens", className="tokens-view"), delay_show=300
            ),
            html.Div(markers, id=f"{LAB}-markers", className="small text-muted mt-1"),
            html.Details(
                [
                    html.Summary("Token strings and ids", className="small fw-semibold"),
                    html.Div(chips, id=f"{LAB}-ids", className="tokens-ids mt-2"),
                ],
                className="mt-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Loading(
                            dcc.Graph(
                                id=f"{LAB}-chart",
                                config={**GRAPH_CONFIG, "displayModeBar": False},
                                figure=compression(DEFAULT_KIND, DEFAULT_VOCAB_SIZE),
                            ),
                            delay_show=300,
                        ),
                        lg=8,
                    ),
                    dbc.Col(
                        html.Div(
                            pieces(DEFAULT_KIND, DEFAULT_VOCAB_SIZE),
                            id=f"{LAB}-merges",
                            className="tokens-merges",
                        ),
                        lg=4,
                    ),
                ],
                className="g-3 mt-2",
            ),
            formula_note(
                "characters per token = characters ÷ tokens; tokens per word = tokens ÷ "
                "whitespace-separated words",
                "Sennrich et al. 2016, Subword Units (BPE)",
                "https://arxiv.org/abs/1508.07909",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Tokenizer playground",
        "Type or paste text, or load a sample. It is cut into tokens by a tokenizer trained "
        f"right here on {tz.default_corpus_source()}. Change the vocabulary size and the "
        "tokenizer type and watch the number of tokens change: English prose compresses well, "
        "code, numbers, other languages and emoji much less.",
        body,
        icon="bi-scissors",
        updates="typing",
        sources=[
            ("Sennrich et al. 2016 (BPE)", "https://arxiv.org/abs/1508.07909"),
            (
                "Radford et al. 2019 (GPT-2, byte-level BPE)",
                "https://cdn.openai.com/better-language-models/"
                "language_models_are_unsupervised_multitask_learners.pdf",
            ),
            ("Kudo 2018 (Unigram)", "https://arxiv.org/abs/1804.10959"),
            ("Hugging Face tokenizers", "https://huggingface.co/docs/tokenizers"),
        ],
    )


# ---- pieces of the result ---------------------------------------------------------------------
def visible(text: str) -> str:
    """`text` with its whitespace drawn: '·' for a space, '→' a tab, '↵' a new line."""
    return "".join(VISIBLE.get(c, c) for c in text)


def token_view(text: str, tokens: list[tz.Token], unk_id: int | None) -> list:
    """The text as alternately coloured spans, one per token, built from plain strings (never
    HTML). Byte tokens of one character share its span and are shown as one dashed box;
    text no token covers (WordPiece's spaces) is shown uncoloured."""
    groups: list[list[tz.Token]] = []
    for token in tokens:
        if groups and groups[-1][0].span == token.span and token.span[0] < token.span[1]:
            groups[-1].append(token)
        else:
            groups.append([token])
    children: list = []
    pos = 0
    for i, group in enumerate(groups):
        start, end = group[0].span
        if start > pos:
            children.append(html.Span(visible(text[pos:start]), className="tok-gap"))
        if start < pos:  # overlapping span: show the token's own spelling instead
            start = pos
        ids = ", ".join(str(t.id) for t in group)
        classes = f"tok tok-{i % N_COLOURS}"
        if unk_id is not None and any(t.id == unk_id for t in group):
            classes += " tok-unk"
        if len(group) > 1:
            classes += " tok-bytes"
            title = f"{len(group)} byte tokens for one character: ids {ids}"
        else:
            title = f"{group[0].text!r} → id {ids}"
        if end <= start:  # a token that stands for no character, e.g. Unigram's leading '▁'
            classes += " tok-virtual"
        surface = text[start:end] if end > start else group[0].text
        if children:
            # Lines may break between tokens, never inside one. A zero-width space, not a
            # <wbr>: plain text costs the page nothing, each component costs it time.
            children.append(BREAK)
        children.append(html.Span(visible(surface), className=classes, title=title))
        pos = max(pos, end)
    if pos < len(text):
        children.append(html.Span(visible(text[pos:]), className="tok-gap"))
    return children


def id_chips(text: str, tokens: list[tz.Token], unk_id: int | None) -> list:
    """Each token's own spelling and its id, in order (the first MAX_ID_CHIPS); hovering
    shows the characters of the text it stands for."""
    chips = [
        html.Span(  # one component per chip: the id is drawn by CSS from data-id
            t.text,
            className="tok-chip" + (" tok-unk" if t.id == unk_id else ""),
            title=f"from the text: {text[t.span[0] : t.span[1]]!r}, id {t.id}",
            **{"data-id": str(t.id)},
        )
        for t in tokens[:MAX_ID_CHIPS]
    ]
    if len(tokens) > MAX_ID_CHIPS:
        chips.append(
            html.Span(f"… and {len(tokens) - MAX_ID_CHIPS:,} more", className="small text-muted")
        )
    return chips


def parse_inputs(kind, vocab_size) -> tuple[str, int]:
    kind = parse_choice(kind, "Tokenizer", tz.KINDS)
    vocab_size = int(
        parse_number(
            vocab_size,
            "Vocabulary size",
            minimum=tz.MIN_VOCAB_SIZE,
            maximum=tz.MAX_VOCAB_SIZE,
            integer=True,
            unit="tokens",
        )
    )
    return kind, vocab_size


# ---- callbacks --------------------------------------------------------------------------------
@callback(
    Output(f"{LAB}-text", "value"),
    *[Input(f"{LAB}-sample-{key}", "n_clicks") for key in SAMPLES],
    prevent_initial_call=True,
)
def load_sample(*_clicks):
    key = str(ctx.triggered_id or "").removeprefix(f"{LAB}-sample-")
    return SAMPLES[key][1] if key in SAMPLES else no_update


@callback(
    Output(f"{LAB}-tokens", "children"),
    Output(f"{LAB}-ids", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-markers", "children"),
    Output(f"{LAB}-count", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-text", "value"),
    Input(f"{LAB}-kind", "value"),
    Input(f"{LAB}-vocab", "value"),
    prevent_initial_call=True,  # the layout already shows the sample's tokens
)
def tokenize(text, kind, vocab_size):
    text = text if isinstance(text, str) else ""
    counter = f"{len(text):,} / {MAX_CHARS:,} characters"
    try:
        kind, vocab_size = parse_inputs(kind, vocab_size)
        if len(text) > MAX_CHARS:
            raise InputError(
                f"Your text has {len(text):,} characters; the playground takes "
                f"at most {MAX_CHARS:,}. Shorten it to see its tokens."
            )
    except InputError as err:
        return no_update, no_update, no_update, no_update, counter, field_error(str(err))
    if not text.strip():
        empty = html.Span(
            "Type or paste some text above, or load a sample.", className="text-muted"
        )
        return empty, None, None, None, counter, None
    tok = tz.train_tokenizer(kind, vocab_size)
    tokens = tz.encode(tok, text)
    unk_id = tz.unknown_id(tok)
    n_unknown = sum(t.id == unk_id for t in tokens) if unk_id is not None else 0
    exact = tz.round_trips(tok, text)
    actual = tok.get_vocab_size()
    stats = [
        stat("Tokens", f"{len(tokens):,}", id=f"{LAB}-n-tokens"),
        stat(
            "Tokens per word",
            f"{tz.tokens_per_word(tok, text):.2f}",
            hint=count(tz.count_words(text), "word"),
        ),
        stat(
            "Characters per token",
            f"{tz.chars_per_token(tok, text):.2f}",
            hint=count(len(text), "character"),
        ),
        stat(
            "Vocabulary",
            f"{actual:,}",
            hint="tokens"
            if actual == vocab_size
            else f"of {vocab_size:,} asked: this small corpus has no more to learn",
        ),
        stat(
            "Decodes back exactly?",
            "yes" if exact else "no",
            id=f"{LAB}-exact",
            hint=f"{n_unknown:,} unknown"
            if n_unknown
            else ("spaces are lost" if not exact else "text → ids → text"),
        ),
    ]
    return (
        token_view(text, tokens, unk_id),
        id_chips(text, tokens, unk_id),
        stats,
        MARKERS[kind],
        counter,
        None,
    )


@callback(
    Output(f"{LAB}-chart", "figure"),
    Input(f"{LAB}-kind", "value"),
    Input(f"{LAB}-vocab", "value"),
    prevent_initial_call=True,  # the layout draws the default tokenizer's chart
)
def compression(kind, vocab_size):
    """The chart: its curves are trained once per process (~3 s), then only the star moves."""
    try:
        kind, vocab_size = parse_inputs(kind, vocab_size)
    except InputError:
        return message_figure("Fix the input above.")
    curves = tz.default_compression_curves()
    mine = tz.chars_per_token(tz.train_tokenizer(kind, vocab_size), tz.default_held_out_text())
    return compression_figure(tz.CURVE_VOCAB_SIZES, curves, tz.KIND_NAMES, kind, vocab_size, mine)


PIECES_TITLE = {
    "bpe": "The first merges BPE learned",
    "wordpiece": "The first pieces WordPiece learned",
    "unigram": "Unigram's likeliest pieces",
}
PIECES_NOTE = {
    "bpe": "Each merge glues the pair of neighbouring tokens that was most frequent in the "
    "training text at that point into one new token: first the commonest pairs of bytes, "
    "then whole syllables and words. 'Ġ' is a space.",
    "wordpiece": "WordPiece adds pieces in the order it learns them, choosing the pair whose "
    "merge most raises the training text's likelihood. '##' marks a piece that continues "
    "a word rather than starting one.",
    "unigram": "Unigram starts from many candidate pieces and drops those that help least; "
    "each piece keeps a probability, and a word is cut into its likeliest pieces. "
    "'▁' is a space.",
}


def piece_list(kind: str, learned: list[tuple[str, str]]) -> html.Ol:
    """The tokenizer's own pieces: BPE's merges as 'a + b → ab', the others' pieces with
    how likely they are (Unigram). One plain-text line each (never read as markup, and
    cheap for the page: no element inside a line)."""
    items = []
    for piece, how in learned:
        if kind == "bpe":
            left, right = how.split(" + ", 1)
            line = f"{left} + {right} → {piece}   “{tz.byte_level_text(piece)}”"
        else:
            line = f"{piece}   {how}" if how else piece
        items.append(html.Li(line))
    return html.Ol(items, className="small mb-1")


def pieces(kind, vocab_size):
    """The side panel: the pieces of the tokenizer that is shown (its title, list and a
    note on how that kind learns), or None for a bad setting (the error says why)."""
    try:
        kind, vocab_size = parse_inputs(kind, vocab_size)
    except InputError:
        return None
    learned = tz.learned_pieces(tz.train_tokenizer(kind, vocab_size), N_MERGES)
    return [
        html.H4(PIECES_TITLE[kind], className="h6 mt-3"),
        piece_list(kind, learned),
        html.P(PIECES_NOTE[kind], className="small text-muted"),
    ]


@callback(
    Output(f"{LAB}-merges", "children"),
    Input(f"{LAB}-kind", "value"),
    Input(f"{LAB}-vocab", "value"),
    prevent_initial_call=True,  # the layout already shows the default tokenizer's pieces
)
def merges(kind, vocab_size):
    return pieces(kind, vocab_size)


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-kind", list(tz.KINDS), DEFAULT_KIND),
        {
            "id": f"{LAB}-vocab",
            "kind": "number",
            "min": tz.MIN_VOCAB_SIZE,
            "max": tz.MAX_VOCAB_SIZE,
            "integer": True,
            "dflt": DEFAULT_VOCAB_SIZE,
        },
    ],
    # through a store: the chart's first drawing waits on nothing (Dash drops the first call
    # of a callback whose inputs another first call left unchanged)
    store=f"{LAB}-restore",
)


@callback(
    Output(f"{LAB}-kind", "value"),
    Output(f"{LAB}-vocab", "value"),
    Input(f"{LAB}-restore", "data"),
    prevent_initial_call=True,
)
def restore(values):
    """A link's or the session's settings (the browser checked them against the range)."""
    if not isinstance(values, dict):
        return no_update, no_update
    return values.get(f"{LAB}-kind", no_update), values.get(f"{LAB}-vocab", no_update)
