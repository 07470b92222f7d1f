"""Architecture lab: multi-head, grouped-query and multi-query attention, drawn, with the
KV cache each one needs (Ainslie et al. 2023; Shazeer 2019)."""

from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.architecture import count_params
from app.core.serving import kv_cache_bytes, weights_bytes
from app.core.units import human_bytes
from app.figures.attention import heads_figure, kv_variants_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_number

LAB = "attention_variants"


follow_stage_04(f"{LAB}-model")


def kv_choices(n_heads: int) -> list[int]:
    """n_heads, its power-of-two divisors below it, and 1: MHA → GQA groups → MQA."""
    out = {n_heads, 1}
    k = 1
    while k < n_heads:
        if n_heads % k == 0:
            out.add(k)
        k *= 2
    return sorted(out, reverse=True)


def variant_name(n_heads: int, kv: int) -> str:
    return "MHA" if kv == n_heads else ("MQA" if kv == 1 else f"GQA-{kv}")


def layout():
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", "llama-2-70b"), md=6, lg=4),
                    dbc.Col(
                        number_field(
                            f"{LAB}-context", "Context", 4096, min=1, step=1, unit="tokens"
                        ),
                        xs=6,
                        md=3,
                        lg=2,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-batch", "Batch", 8, min=1, step=1), xs=6, md=3, lg=2
                    ),
                ],
                className="g-2",
            ),
            html.Div(
                [
                    html.Div("Key/value heads", className="form-label small mb-1"),
                    dbc.RadioItems(id=f"{LAB}-kv", inline=True, className="small"),
                ],
                className="mb-2",
            ),
            html.Div(id=f"{LAB}-error"),
            dcc.Graph(id=f"{LAB}-heads", config={**GRAPH_CONFIG, "displayModeBar": False}),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
            formula_note(
                "KV cache = 2 (K and V) × layers × KV heads × head size × tokens × batch × "
                "2 bytes (16-bit)",
                "Pope et al. 2022; Ainslie et al. 2023",
                "https://arxiv.org/abs/2305.13245",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Attention variants and the KV cache",
        "Choose how many key/value heads the query heads share. Fewer KV heads means a "
        "smaller cache to keep while generating, so longer contexts and bigger batches fit.",
        body,
        icon="bi-diagram-2",
    )


@callback(
    Output(f"{LAB}-kv", "options"),
    Output(f"{LAB}-kv", "value"),
    Input(f"{LAB}-model", "value"),
    State("selected-model", "data"),
)
def kv_options(choice, selected):
    try:
        _, cfg = resolve_model(choice, selected)
    except InputError:
        return [], None
    options = [
        {"label": f"{k} ({variant_name(cfg.n_heads, k)})", "value": k}
        for k in kv_choices(cfg.n_heads)
    ]
    if cfg.kv_heads not in kv_choices(cfg.n_heads):
        options.append({"label": f"{cfg.kv_heads} (GQA)", "value": cfg.kv_heads})
    return options, cfg.kv_heads


@callback(
    Output(f"{LAB}-heads", "figure"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-kv", "value"),
    Input(f"{LAB}-context", "value"),
    Input(f"{LAB}-batch", "value"),
    State("selected-model", "data"),
)
def show(choice, kv, context, batch, selected):
    try:
        name, cfg = resolve_model(choice, selected)
        context = int(
            parse_number(
                context, "Context", minimum=1, maximum=10_000_000, integer=True, unit="tokens"
            )
        )
        batch = int(parse_number(batch, "Batch", minimum=1, maximum=100_000, integer=True))
        kv = cfg.kv_heads if kv in (None, "") else kv
        kv = int(parse_number(kv, "Key/value heads", minimum=1, maximum=cfg.n_heads, integer=True))
        if cfg.n_heads % kv:
            raise InputError(f"Key/value heads ({kv}) must divide the {cfg.n_heads} heads.")
    except InputError as err:
        blank = message_figure("Fix the input above to see the cache.")
        return blank, blank, None, field_error(str(err))
    weights = weights_bytes(count_params(cfg).total, 16)
    choices = sorted(set(kv_choices(cfg.n_heads)) | {cfg.kv_heads, kv}, reverse=True)
    rows = [
        (
            f"{k} ({variant_name(cfg.n_heads, k)})",
            k,
            kv_cache_bytes(replace(cfg, n_kv_heads=k), context, batch),
        )
        for k in choices
    ]
    chosen = kv_cache_bytes(replace(cfg, n_kv_heads=kv), context, batch)
    per_token = kv_cache_bytes(replace(cfg, n_kv_heads=kv), 1, 1)
    mha = kv_cache_bytes(replace(cfg, n_kv_heads=cfg.n_heads), context, batch)
    stats = [
        stat(
            "Variant",
            variant_name(cfg.n_heads, kv),
            hint=f"{cfg.n_heads // kv} query heads per KV head",
        ),
        stat("KV cache per token", human_bytes(per_token)),
        stat(
            "KV cache, whole batch",
            human_bytes(chosen),
            id=f"{LAB}-total",
            hint=f"{context:,} tokens × {batch}",
        ),
        stat("vs multi-head", f"{mha / chosen:.0f}× smaller" if chosen < mha else "same"),
    ]
    return (
        heads_figure(cfg.n_heads, kv),
        kv_variants_figure(rows, kv, weights, human_bytes),
        stats,
        None,
    )
