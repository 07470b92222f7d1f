"""Architecture lab: multi-head, grouped-query and multi-query attention, drawn, with the
KV cache each one needs (Ainslie et al. 2023; Shazeer 2019)."""

from __future__ import annotations

from dataclasses import replace

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
from app.components.model_picker import context_note, model_select, preset_options, resolve_model
from app.core.architecture import count_params
from app.core.serving import kv_cache_bytes, weights_bytes
from app.core.units import human_bytes
from app.figures.attention import heads_figure, kv_variants_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_fields

LAB = "attention_variants"
DEFAULT_MODEL = "llama-2-70b"
# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec("context", "Context", 4096, 1, 10_000_000, True, "tokens"),
    NumberSpec("batch", "Batch", 8, 1, 100_000, True),
)
NAMES = [f.name for f in FIELDS]


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
    options, kv = kv_options(DEFAULT_MODEL, None)
    heads, chart, stats, note = view(DEFAULT_MODEL, kv, *(f.default for f in FIELDS), None)
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", DEFAULT_MODEL), md=6, lg=4),
                    *(dbc.Col(spec_field(LAB, f), xs=6, md=3, lg=2) for f in FIELDS),
                ],
                className="g-2",
            ),
            html.Div(
                [
                    html.Div("Key/value heads", className="form-label small mb-1"),
                    dbc.RadioItems(
                        id=f"{LAB}-kv",
                        options=options,
                        value=kv,
                        inline=True,
                        className="small",
                    ),
                ],
                className="mb-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(note, id=f"{LAB}-note"),
            dcc.Graph(
                id=f"{LAB}-heads",
                figure=heads,
                config={**GRAPH_CONFIG, "displayModeBar": False},
            ),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", figure=chart, config=GRAPH_CONFIG),
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
        "Share key/value heads: MHA, GQA, MQA",
        "Choose how many key/value heads the query heads share. Fewer KV heads means a "
        "smaller cache to keep while generating, so longer contexts and bigger batches fit.",
        body,
        icon="bi-diagram-2",
        updates="fields",
    )


@callback(
    Output(f"{LAB}-kv", "options"),
    Output(f"{LAB}-kv", "value"),
    Input(f"{LAB}-model", "value"),
    State("selected-model", "data"),
    prevent_initial_call=True,  # the layout already offers the default model's choices
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


def view(choice, kv, context, batch, selected):
    """(heads figure, cache figure, stats, context note); InputError's second argument is
    {field name: message} for every bad field."""
    values, errors = parse_fields(FIELDS, {"context": context, "batch": batch})
    try:
        name, cfg = resolve_model(choice, selected)
    except InputError as err:
        errors["model"], cfg = str(err), None
    if cfg is not None:
        kv = cfg.kv_heads if kv in (None, "") else kv
        if not isinstance(kv, int) or isinstance(kv, bool) or not 1 <= kv <= cfg.n_heads:
            errors["kv"] = "Key/value heads: choose one of the options."
        elif cfg.n_heads % kv:
            errors["kv"] = f"Key/value heads ({kv}) must divide the {cfg.n_heads} heads."
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    context, batch = values["context"], values["batch"]
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
    group = cfg.n_heads // kv
    stats = [
        stat(
            "Variant",
            variant_name(cfg.n_heads, kv),
            hint=f"{group} query {'head' if group == 1 else 'heads'} per KV head",
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
        context_note(name, cfg, context),
    )


@callback(
    Output(f"{LAB}-heads", "figure"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-kv", "value"),
    Input(f"{LAB}-context", "value"),
    Input(f"{LAB}-batch", "value"),
    State("selected-model", "data"),
    prevent_initial_call=True,  # the layout already shows the default model
)
def show(choice, kv, context, batch, selected):
    """A bad input names every bad field and marks it, and keeps the last good view."""
    try:
        result = view(choice, kv, context, batch, selected)
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return *[no_update] * 4, field_errors(errors), *invalid_flags(NAMES, errors)
    return *result, None, *invalid_flags(NAMES, {})


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-model", preset_options(), DEFAULT_MODEL),
        *(number_rule(LAB, f) for f in FIELDS),
    ],
    model=f"{LAB}-model",
)
