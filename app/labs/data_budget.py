"""Data collection lab: how much text does a model need, and which open datasets are that
big? Compute-optimal tokens from Hoffmann et al. 2022; "over-trained like Llama 3" from Meta's
model card; documents and bytes from stated, sourced assumptions (app.core.mixtures)."""

from __future__ import annotations

from functools import lru_cache

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import (
    choice_rule,
    field_errors,
    invalid_flags,
    number_rule,
    share_settings,
    spec_field,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import model_select, preset_options, resolve_model
from app.core.architecture import count_params
from app.core.compute import chinchilla_tokens_for_params
from app.core.datasets import list_datasets
from app.core.mixtures import (
    BYTES_PER_TOKEN_ENGLISH,
    BYTES_PER_TOKEN_SOURCE,
    LLAMA3_SOURCE,
    llama3_tokens_per_param,
    web_tokens_per_document,
)
from app.core.presets import get_preset
from app.core.units import human_bytes, human_count
from app.figures.theme import (
    GRAPH_CONFIG,
    PALETTE,
    PRIMARY,
    add_marks,
    figure,
    themed,
    vline,
)
from app.validation import InputError, NumberSpec, parse_fields

LAB = "data_budget"
# A sentinel: the tokens-per-document input was not passed (plain-function calls), so the
# sourced default is used; Dash always passes the field's value, even when it is empty.
_DEFAULT = object()

DEFAULT_MODEL = "llama-3-8b"


@lru_cache(maxsize=1)
def llama3_ratio() -> float:
    """Llama 3 8B's tokens per parameter: 15T (model card) / its counted parameters."""
    return llama3_tokens_per_param(count_params(get_preset("llama-3-8b")).total)


@lru_cache(maxsize=1)
def fields() -> tuple[NumberSpec, ...]:
    """Every number field, described once: its input, its parsing and its message."""
    doc_tokens = round(web_tokens_per_document())
    return (
        NumberSpec(
            "ratio",
            "Over-train ×",
            1,
            0.01,
            10_000,
            help="1 = compute-optimal (about 20 tokens per parameter).",
        ),
        NumberSpec(
            "bytes",
            "Bytes of text per token",
            BYTES_PER_TOKEN_ENGLISH,
            0.5,
            32,
            help="About 4 for English.",
        ),
        NumberSpec(
            "doc_tokens",
            "Tokens per document",
            doc_tokens,
            1,
            10_000_000,
            help=f"A web page averages about {doc_tokens} (Dolma v1).",
        ),
    )


NAMES = ["ratio", "bytes", "doc_tokens"]


def layout():
    ratio, bytes_spec, doc_spec = fields()
    doc_tokens = doc_spec.default
    stats, fig, _, table, *_ = update(
        DEFAULT_MODEL, ratio.default, bytes_spec.default, None, doc_spec.default
    )
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", DEFAULT_MODEL), xs=12, md=6, lg=3),
                    *(dbc.Col(spec_field(LAB, f), xs=6, md=6, lg=3) for f in fields()),
                ],
                className="g-2",
            ),
            html.Div(
                [
                    html.Span("Set the plan to: ", className="small me-1"),
                    dbc.Button(
                        "Compute-optimal",
                        id=f"{LAB}-optimal",
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="me-1 mb-1",
                    ),
                    dbc.Button(
                        f"Like Llama 3 ({llama3_ratio():,.0f} tokens per parameter)",
                        id=f"{LAB}-llama3",
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="mb-1",
                    ),
                ],
                className="mb-1",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            html.Div(table, id=f"{LAB}-regimes", className="table-responsive"),
            dcc.Graph(
                id=f"{LAB}-chart", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            formula_note(
                "tokens = D_opt(N) × over-train factor, where C solves N = 0.0992·C^0.498 "
                "and D_opt = C ÷ (6N), about 20 tokens per parameter; text = tokens × bytes "
                "per token; documents = tokens ÷ tokens per document",
                "Hoffmann et al. 2022, Table 3",
                "https://arxiv.org/abs/2203.15556",
            ),
            html.Div(
                [
                    "Assumptions: ",
                    html.A(
                        "about 4 characters (bytes) of English per token",
                        href=BYTES_PER_TOKEN_SOURCE[1],
                        target="_blank",
                        rel="noopener noreferrer",
                    ),
                    f"; about {doc_tokens} tokens per web page (Dolma v1's Common Crawl: "
                    "tokens ÷ documents); ",
                    html.A(
                        "Llama 3 8B read over 15 trillion tokens",
                        href=LLAMA3_SOURCE[1],
                        target="_blank",
                        rel="noopener noreferrer",
                    ),
                    ". Code, other languages and long documents change all three.",
                ],
                className="small text-muted mt-1",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Tokens, documents and bytes to train on",
        "Pick a model (yours from stage 04 is chosen when you have built one) and how far past "
        "compute-optimal to train it. See the tokens, documents and bytes of clean text that "
        "takes, next to the largest open datasets.",
        body,
        icon="bi-database-check",
        sources=[(d.name, d.source_url) for d in list_datasets()] + [LLAMA3_SOURCE],
        updates="fields",
    )


def datasets_figure(needed: float) -> dict:
    rows = sorted(list_datasets(), key=lambda d: d.tokens)
    bar = {
        "type": "bar",
        "x": [d.tokens for d in rows],
        "y": [d.name for d in rows],
        "orientation": "h",
        "marker": {"color": [PRIMARY if d.tokens >= needed else "#b8c4ee" for d in rows]},
        "text": [human_count(d.tokens) for d in rows],
        "textposition": "auto",
        "customdata": [d.source for d in rows],
        "hovertemplate": "<b>%{y}</b>: %{text} tokens<br>%{customdata}<extra></extra>",
    }
    fig = figure([bar], xaxis={"type": "log", "title": {"text": "Tokens (log scale)"}})
    add_marks(fig, *vline(needed, f"your model needs {human_count(needed)}", PALETTE[3], log=True))
    return themed(fig, title="Open datasets: big enough (dark) or not", height=320)


def regimes_table(n_params: float, ratio: float, bytes_per_token: float, doc_tokens: float):
    """Compute-optimal, the learner's plan and Llama 3's ratio, side by side."""
    optimal = chinchilla_tokens_for_params(n_params)
    plans = [
        ("Compute-optimal", optimal),
        (f"Your plan (× {ratio:g})", optimal * ratio),
        ("Like Llama 3 8B", llama3_ratio() * n_params),
    ]
    rows = [
        html.Tr(
            [
                html.Td(label),
                html.Td(human_count(tokens)),
                html.Td(f"{tokens / n_params:,.0f}"),
                html.Td(human_count(tokens / doc_tokens)),
                html.Td(human_bytes(tokens * bytes_per_token)),
            ]
        )
        for label, tokens in plans
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th("Plan"),
                html.Th("Tokens"),
                html.Th("Per param."),
                html.Th("Documents"),
                html.Th("Text"),
            ]
        )
    )
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, className="small mb-2")


@callback(
    Output(f"{LAB}-ratio", "value", allow_duplicate=True),
    Input(f"{LAB}-optimal", "n_clicks"),
    Input(f"{LAB}-llama3", "n_clicks"),
    State(f"{LAB}-model", "value"),
    State("selected-model", "data"),
    prevent_initial_call=True,
)
def set_ratio(_optimal, _llama3, choice, selected):
    """The over-train factor for a plan: 1, or Llama 3's tokens per parameter ÷ optimal."""
    if dash.ctx.triggered_id != f"{LAB}-llama3":
        return 1
    try:
        _, cfg = resolve_model(choice, selected)
    except InputError:
        return no_update
    n = count_params(cfg).total
    return round(llama3_ratio() * n / chinchilla_tokens_for_params(n), 2)


@callback(
    output=[
        Output(f"{LAB}-stats", "children"),
        Output(f"{LAB}-chart", "figure"),
        Output(f"{LAB}-error", "children"),
        Output(f"{LAB}-regimes", "children"),
        *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    ],
    inputs=dict(
        choice=Input(f"{LAB}-model", "value"),
        ratio=Input(f"{LAB}-ratio", "value"),
        bytes_per_token=Input(f"{LAB}-bytes", "value"),
        doc_tokens=Input(f"{LAB}-doc_tokens", "value"),
    ),
    state=dict(selected=State("selected-model", "data")),
    prevent_initial_call=True,  # the layout already shows the defaults
)
def update(choice, ratio, bytes_per_token, selected, doc_tokens=_DEFAULT):
    """Stats, chart, error and the plans table. Called with four arguments (as the tests
    do), it uses the sourced tokens-per-document default and returns the first three."""
    plain_call = doc_tokens is _DEFAULT
    specs = fields() if not plain_call else fields()[:2]
    raw = {"ratio": ratio, "bytes": bytes_per_token, "doc_tokens": doc_tokens}
    values, errors = parse_fields(specs, raw)
    try:
        name, cfg = resolve_model(choice, selected)
    except InputError as err:
        errors["model"] = str(err)
    if errors:
        keep = [no_update, no_update, field_errors(errors), no_update]
        return tuple(keep[:3]) if plain_call else (*keep, *invalid_flags(NAMES, errors))
    ratio, bytes_per_token = values["ratio"], values["bytes"]
    doc_tokens = web_tokens_per_document() if plain_call else values["doc_tokens"]
    n = count_params(cfg).total
    tokens = chinchilla_tokens_for_params(n) * ratio
    stats = [
        stat("Parameters", human_count(n), hint=name, id=f"{LAB}-params"),
        stat(
            "Training tokens",
            human_count(tokens),
            id=f"{LAB}-tokens",
            hint=f"{tokens / n:,.0f} per parameter",
        ),
        stat(
            "Documents",
            human_count(tokens / doc_tokens),
            id=f"{LAB}-documents",
            hint=f"at {doc_tokens:,.0f} tokens each",
        ),
        stat("Clean text", human_bytes(tokens * bytes_per_token), id=f"{LAB}-text"),
        stat(
            "Open datasets big enough",
            str(sum(d.tokens >= tokens for d in list_datasets())),
            hint=f"of {len(list_datasets())} listed",
        ),
    ]
    out = (
        stats,
        datasets_figure(tokens),
        None,
        regimes_table(n, ratio, bytes_per_token, doc_tokens),
    )
    return out[:3] if plain_call else (*out, *invalid_flags(NAMES, {}))


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-model", preset_options(), DEFAULT_MODEL),
        *(number_rule(LAB, f) for f in fields()),
    ],
    model=f"{LAB}-model",
)
