"""Deployment lab: will the model fit for serving, how big is its KV cache, and how fast can
it decode? (Pope et al. 2022; Kwon et al. 2023)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import (
    choice_rule,
    field_errors,
    invalid_flags,
    number_rule,
    select_field,
    share_settings,
    spec_field,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import context_note, model_select, preset_options, resolve_model
from app.core.gpus import get_gpu, list_gpus
from app.core.serving import WEIGHT_FORMATS, plan_serving
from app.core.units import human_bytes
from app.figures.serving import serving_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

LAB = "serving_planner"
FORMAT_LABELS = {
    "bf16": "bf16 (16-bit)",
    "int8": "int8 (8-bit)",
    "int4-g128": "int4, group 128 (GPTQ/AWQ)",
}
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)

GPUS = [g.name for g in list_gpus()]
# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec("gpus", "GPUs", 1, 1, 1024, True, help="Weights split over them (tensor parallel)."),
    NumberSpec("context", "Context per sequence", 4096, 1, 10_000_000, True, "tokens"),
    NumberSpec("batch", "Batch", 8, 1, 100_000, True, help="Sequences decoded together."),
    NumberSpec(
        "reserve", "Kept free", 10, 0, 90, unit="%", help="For activations and fragmentation."
    ),
)
NAMES = [f.name for f in FIELDS]
DEFAULTS = dict(model="llama-2-7b", format="bf16", gpu="A100 80GB SXM")


def layout():
    alert, stats, fig = plan(
        DEFAULTS["model"], None, DEFAULTS["format"], DEFAULTS["gpu"], *(f.default for f in FIELDS)
    )
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", DEFAULTS["model"]), md=6, lg=4),
                    dbc.Col(
                        select_field(
                            f"{LAB}-format",
                            "Weight format",
                            [{"label": v, "value": k} for k, v in FORMAT_LABELS.items()],
                            DEFAULTS["format"],
                        ),
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(select_field(f"{LAB}-gpu", "GPU", GPUS, DEFAULTS["gpu"]), md=6, lg=4),
                ],
                className="g-2",
            ),
            dbc.Row(
                [dbc.Col(spec_field(LAB, f), xs=6, md=3) for f in FIELDS],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(alert, id=f"{LAB}-verdict", className="mt-2"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "KV cache = 2·layers·KV heads·head size·context·batch·2 bytes; decode step ≥ "
                "(weight bytes + KV bytes) / memory bandwidth",
                "Pope et al. 2022, Efficiently Scaling Transformer Inference",
                "https://arxiv.org/abs/2211.05102",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Serving planner",
        "Plan how to serve a model: the memory its weights and KV cache take, the largest "
        "batch that fits, and the fastest it could generate. Each new token must read all "
        "the weights from memory, so at small batch sizes memory bandwidth, not compute, "
        "sets the speed.",
        body,
        icon="bi-hdd-rack",
        sources=[
            ("Pope et al. 2022", "https://arxiv.org/abs/2211.05102"),
            ("vLLM / PagedAttention", "https://arxiv.org/abs/2309.06180"),
        ],
        updates="fields",
    )


def plan(choice, selected, fmt, gpu_name, n_gpus, context, batch, reserve):
    """Every validated input → (verdict, stats, figure). Raises InputError whose second
    argument is {field name: message} for every bad field."""
    raw = dict(zip(NAMES, (n_gpus, context, batch, reserve), strict=True))
    values, errors = parse_fields(FIELDS, raw)
    try:
        name, cfg = resolve_model(choice, selected)
    except InputError as err:
        errors["model"], cfg = str(err), None
    try:
        fmt = parse_choice(fmt, "Weight format", list(WEIGHT_FORMATS))
        gpu = get_gpu(parse_choice(gpu_name, "GPU", GPUS))
    except InputError as err:
        errors["choice"] = str(err)
    if cfg is not None and "gpus" not in errors and cfg.n_heads % values["gpus"]:
        errors["gpus"] = (
            f"GPUs: the weights are split by attention heads (tensor parallel), so the GPU "
            f"count must divide {name}'s {cfg.n_heads} heads (1, 2, 4, 8, …)."
        )
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    n_gpus, context, batch = values["gpus"], values["context"], values["batch"]
    reserve = values["reserve"] / 100
    common = dict(
        weight_format=fmt,
        context=context,
        n_gpus=n_gpus,
        gpu_memory_gb=gpu.memory_gb,
        gpu_bandwidth_tbs=gpu.bandwidth_tbs,
        reserve_fraction=reserve,
    )
    p = plan_serving(cfg, batch=batch, **common)
    batches = sorted(set(BATCHES) | {batch})
    plans = [plan_serving(cfg, batch=b, **common) for b in batches]
    # no speed for a batch that does not fit: nothing would run
    speeds = [q.decode_tokens_per_second if q.fits else None for q in plans]
    if p.fits:
        verdict = (
            f"Fits: {human_bytes(p.total_bytes)} of {human_bytes(p.memory_bytes)} "
            f"usable on {n_gpus} × {gpu.name}."
        )
    elif p.weights_bytes > p.memory_bytes:
        verdict = (
            f"Does not fit: the weights alone ({human_bytes(p.weights_bytes)}) exceed "
            f"the {human_bytes(p.memory_bytes)} usable. Quantise or add GPUs."
        )
    elif p.max_batch < 1:
        verdict = (
            f"Does not fit: even one sequence of {context:,} tokens needs "
            f"{human_bytes(p.weights_bytes + p.kv_bytes_per_sequence)}, "
            f"{human_bytes(p.memory_bytes)} usable. Shorten the context, quantise or add GPUs."
        )
    else:
        sequences = "sequence" if p.max_batch == 1 else "sequences"
        verdict = (
            f"Does not fit: weights + KV cache need {human_bytes(p.total_bytes)}, "
            f"{human_bytes(p.memory_bytes)} usable. Lower the batch to "
            f"{p.max_batch:,} {sequences} or shorten the context."
        )
    alert = dbc.Alert(
        verdict,
        color="success" if p.fits else "danger",
        className="py-2 small mb-0",
        id=f"{LAB}-fits",
    )
    alert = [alert, context_note(name, cfg, context)]
    stats = [
        stat("Weights", human_bytes(p.weights_bytes), id=f"{LAB}-weights", hint=FORMAT_LABELS[fmt]),
        stat(
            "KV cache per sequence",
            human_bytes(p.kv_bytes_per_sequence),
            hint=f"{context:,} tokens",
        ),
        stat("KV cache, batch", human_bytes(p.kv_bytes), id=f"{LAB}-kv"),
        stat("Largest batch that fits", f"{p.max_batch:,}", id=f"{LAB}-max-batch"),
        stat(
            "Decode speed ≤",
            f"{p.per_sequence_tokens_per_second:,.0f} tok/s",
            hint=f"per sequence; {p.decode_tokens_per_second:,.0f} tok/s in all",
        )
        if p.fits
        else stat("Decode speed", "—", hint="does not fit, so nothing runs"),
    ]
    fig = serving_figure(
        batches,
        p.weights_bytes,
        p.kv_bytes_per_sequence,
        speeds,
        p.memory_bytes,
        batch,
        title=f"{name}: memory and decode speed by batch size",
    )
    return alert, stats, fig


@callback(
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-format", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-gpus", "value"),
    Input(f"{LAB}-context", "value"),
    Input(f"{LAB}-batch", "value"),
    Input(f"{LAB}-reserve", "value"),
    State("selected-model", "data"),
    prevent_initial_call=True,  # the layout already shows the defaults
)
def update(choice, fmt, gpu, n_gpus, context, batch, reserve, selected):
    """A bad input names every bad field and marks it, and keeps the last good plan."""
    try:
        alert, stats, fig = plan(choice, selected, fmt, gpu, n_gpus, context, batch, reserve)
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    return alert, stats, fig, None, *invalid_flags(NAMES, {})


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-model", preset_options(), DEFAULTS["model"]),
        choice_rule(f"{LAB}-format", list(FORMAT_LABELS), DEFAULTS["format"]),
        choice_rule(f"{LAB}-gpu", GPUS, DEFAULTS["gpu"]),
        *(number_rule(LAB, f) for f in FIELDS),
    ],
    model=f"{LAB}-model",
)
