"""What the model really sees: a chat rendered through a real chat template (ChatML,
Llama 3, Gemma) into text with special tokens, tokenized by the stage-03 BPE tokenizer,
with tokens per part, a context-window budget and how far characters ÷ 4 is off.
The science is app.core.prompting.templates."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.prompting import templates as tp
from app.core.prompting.scoring import shorten
from app.figures.inside import PRE_STYLE
from app.validation import InputError, parse_number

LAB = "prompt_templates"
MAX_EXAMPLES = 3
DEFAULTS = {
    "fmt": "llama3",
    "system": "You answer questions about how language models are made, in one sentence.",
    "user": "What does a tokenizer do?",
    "examples": "1",
    "window": 512,
    "reply": 128,
}
# Few-shot examples: questions and (shortened) answers from stage 06's task.
EXAMPLES = [
    ("What is meant by Perplexity?", "e raised to the average loss in nats."),
    ("What is meant by Epoch?", "One full pass over the training data."),
    ("What is meant by Tokenizer?", "The tool that splits text into tokens."),
]
# Each part of the rendered chat is coloured by a CSS class `chat-<kind>`
# (assets/zz-site/site.css), so that dark mode can change it.


def _messages(system: str, user: str, n_examples: int) -> list[tuple[str, str]]:
    msgs = [("system", system)] if system.strip() else []
    for q, a in EXAMPLES[:n_examples]:
        msgs += [("user", q), ("assistant", shorten(a))]
    return msgs + [("user", user)]


def _part_name(part: tp.Part, messages, system_first: bool) -> str:
    if part.kind in ("special", "markup"):
        return "Special tokens and markup"
    if part.kind == "system":
        return "System prompt"
    index = part.message
    if index == len(messages) - 1:
        return "Your question"
    return "Examples"


def compute(fmt, system, user, examples, window, reply) -> dict:
    """Everything the lab shows; InputError with one sentence for a bad field."""
    if fmt not in tp.FORMATS:
        raise InputError("Format: choose one of the formats in the list.")
    for text, what in ((system, "System prompt"), (user, "User message")):
        if not isinstance(text, str):
            raise InputError(f"{what}: type some text.")
        if len(text) > tp.MAX_MESSAGE_CHARS:
            raise InputError(f"{what}: at most {tp.MAX_MESSAGE_CHARS:,} characters.")
    if not user.strip():
        raise InputError("User message: type a question.")
    n_examples = int(
        parse_number(examples, "Examples", minimum=0, maximum=MAX_EXAMPLES, integer=True)
    )
    window = int(
        parse_number(window, "Context window", minimum=16, maximum=2_000_000, integer=True)
    )
    reply = int(parse_number(reply, "Room for the reply", minimum=0, maximum=window, integer=True))
    messages = _messages(system, user, n_examples)
    try:
        count = tp.count_tokens(fmt, messages)
    except ValueError as err:
        raise InputError(str(err)) from None
    per_part: dict[str, int] = {}
    for part, n in zip(count.parts, count.tokens_per_part, strict=True):
        name = _part_name(part, messages, bool(system.strip()))
        per_part[name] = per_part.get(name, 0) + n
    return {
        "count": count,
        "per_part": per_part,
        "budget": tp.budget(count, window, reply),
    }


def _rendered(count: tp.TokenCount):
    spans = [
        html.Span(p.text, className=f"chat-part chat-{p.kind}", title=p.kind) for p in count.parts
    ]
    return html.Pre(spans, id=f"{LAB}-rendered", className="small p-2 border", style=PRE_STYLE)


def _budget_bar(b: dict):
    window = b["window"]
    bars = [
        dbc.Progress(
            value=100 * min(b["prompt"], window) / window,
            color="primary",
            bar=True,
            label=f"prompt {b['prompt']:,}",
        ),
        dbc.Progress(
            value=100 * min(b["reply"], max(0, window - b["prompt"])) / window,
            color="success",
            bar=True,
            label=f"reply {b['reply']:,}",
        ),
    ]
    note = (
        f"{b['free']:,} of {window:,} tokens left."
        if not b["over"]
        else f"Over the window by {b['over']:,} tokens: the model would never read the start."
    )
    return html.Div(
        [
            dbc.Progress(bars, style={"height": "1.4rem"}, className="my-1"),
            html.Div(note, className="small text-muted", id=f"{LAB}-budget-note"),
        ]
    )


def views(result: dict):
    count = result["count"]
    rows = [
        html.Tr([html.Td(k), html.Td(f"{v:,}", className="text-end")])
        for k, v in result["per_part"].items()
    ]
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th("Part"), html.Th("Tokens", className="text-end")])),
            html.Tbody(rows),
        ],
        size="sm",
        className="small",
        id=f"{LAB}-table",
    )
    err = 100 * count.rule_error
    stats = [
        stat("Real tokens (BPE)", f"{count.total_tokens:,}", id=f"{LAB}-tokens"),
        stat("Characters", f"{count.total_chars:,}"),
        stat("Characters ÷ 4", f"{count.chars_over_4:,}", id=f"{LAB}-rule"),
        stat(
            "Rule is off by",
            f"{err:+.0f}%",
            id=f"{LAB}-rule-error",
            hint="over-counts" if err > 0 else "under-counts" if err < 0 else "exact",
        ),
    ]
    return _rendered(count), table, _budget_bar(result["budget"]), stats


def layout():
    d = DEFAULTS
    result = compute(**d)
    rendered, table, bar, stats = views(result)
    controls = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        select_field(
                            f"{LAB}-fmt",
                            "Chat format",
                            [{"label": v, "value": k} for k, v in tp.FORMATS.items()],
                            d["fmt"],
                        ),
                        xs=12,
                        md=4,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-examples",
                            "Solved examples (few-shot)",
                            [str(i) for i in range(MAX_EXAMPLES + 1)],
                            d["examples"],
                        ),
                        xs=12,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-window",
                            "Context window",
                            d["window"],
                            unit="tokens",
                            help="Llama 3: 8,192; ours: 128 characters.",
                        ),
                        xs=6,
                        md=2,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-reply", "Room for the reply", d["reply"], unit="tokens"
                        ),
                        xs=6,
                        md=2,
                    ),
                ],
                className="g-2",
            ),
            dbc.Label("System prompt", html_for=f"{LAB}-system", className="small mb-1"),
            dbc.Textarea(
                id=f"{LAB}-system",
                value=d["system"],
                rows=2,
                maxLength=tp.MAX_MESSAGE_CHARS,
                className="mb-2",
                debounce=True,
            ),
            dbc.Label("User message", html_for=f"{LAB}-user", className="small mb-1"),
            dbc.Textarea(
                id=f"{LAB}-user",
                value=d["user"],
                rows=2,
                maxLength=tp.MAX_MESSAGE_CHARS,
                className="mb-2",
                debounce=True,
            ),
        ]
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            html.Div(bar, id=f"{LAB}-budget"),
            dbc.Row(
                [
                    dbc.Col(html.Div(rendered, id=f"{LAB}-text-box"), lg=8),
                    dbc.Col(html.Div(table, id=f"{LAB}-table-box"), lg=4),
                ],
                className="g-3 mt-1",
            ),
            html.Div(
                [
                    html.Span("special token", className="chat-special me-3"),
                    html.Span("markup", className="chat-markup me-3"),
                    html.Span("system", className="chat-system me-3"),
                    html.Span("assistant", className="chat-assistant"),
                ],
                className="small",
            ),
            formula_note(
                "tokens: stage 03's byte-level BPE (2,000 tokens, trained on this guide) with "
                "each special token added whole; rule of thumb: ⌈characters ÷ 4⌉",
                "OpenAI, What are tokens and how to count them?",
                "https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them",
            ),
        ]
    )
    return lab_card(
        LAB,
        "What the model really sees",
        "Type a chat and pick a model family's **chat template**: the exact text the model "
        "reads, with its special tokens, then the tokens each part costs.",
        body,
        icon="bi-chat-square-text",
        sources=[
            ("ChatML", "https://github.com/openai/openai-python/blob/release-v0.28.0/chatml.md"),
            (
                "Llama 3 format",
                "https://www.llama.com/docs/model-cards-and-prompt-formats/meta-llama-3/",
            ),
            ("Gemma format", "https://ai.google.dev/gemma/docs/core/prompt-structure"),
        ],
    )


@callback(
    Output(f"{LAB}-text-box", "children"),
    Output(f"{LAB}-table-box", "children"),
    Output(f"{LAB}-budget", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-fmt", "value"),
    Input(f"{LAB}-system", "value"),
    Input(f"{LAB}-user", "value"),
    Input(f"{LAB}-examples", "value"),
    Input(f"{LAB}-window", "value"),
    Input(f"{LAB}-reply", "value"),
    prevent_initial_call=True,
)
def update(fmt, system, user, examples, window, reply):
    try:
        result = compute(fmt, system or "", user or "", examples, window, reply)
    except InputError as err:
        return None, None, None, None, field_error(str(err))
    return (*views(result), None)
