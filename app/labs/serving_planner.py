"""Deployment lab: will the model fit for serving, how big is its KV cache, and how fast can
it decode? (Pope et al. 2022; Kwon et al. 2023)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.gpus import get_gpu, list_gpus
from app.core.serving import WEIGHT_FORMATS, plan_serving
from app.core.units import human_bytes
from app.figures.serving import serving_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "serving_planner"
FORMAT_LABELS = {
    "bf16": "bf16 (16-bit)",
    "int8": "int8 (8-bit)",
    "int4-g128": "int4, group 128 (GPTQ/AWQ)",
}
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)

follow_stage_04(f"{LAB}-model")


def layout():
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", "llama-2-7b"), md=6, lg=4),
                    dbc.Col(
                        select_field(
                            f"{LAB}-format",
                            "Weight format",
                            [{"label": v, "value": k} for k, v in FORMAT_LABELS.items()],
                            "bf16",
                        ),
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-gpu", "GPU", [g.name for g in list_gpus()], "A100 80GB SXM"
                        ),
                        md=6,
                        lg=4,
                    ),
                ],
                className="g-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        number_field(
                            f"{LAB}-gpus",
                            "GPUs",
                            1,
                            min=1,
                            step=1,
                            help="Weights split over them (tensor parallel).",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-context",
                            "Context per sequence",
                            4096,
                            min=1,
                            step=1,
                            unit="tokens",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-batch",
                            "Batch",
                            8,
                            min=1,
                            step=1,
                            help="Sequences decoded together.",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-reserve",
                            "Kept free",
                            10,
                            min=0,
                            max=90,
                            unit="%",
                            help="For activations and fragmentation.",
                        ),
                        xs=6,
                        md=3,
                    ),
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-verdict", className="mt-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
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
        "the weights from memory, so memory bandwidth, not compute, sets the speed.",
        body,
        icon="bi-hdd-rack",
        sources=[
            ("Pope et al. 2022", "https://arxiv.org/abs/2211.05102"),
            ("vLLM / PagedAttention", "https://arxiv.org/abs/2309.06180"),
        ],
    )


def plan(choice, selected, fmt, gpu_name, n_gpus, context, batch, reserve):
    name, cfg = resolve_model(choice, selected)
    fmt = parse_choice(fmt, "Weight format", list(WEIGHT_FORMATS))
    gpu = get_gpu(parse_choice(gpu_name, "GPU", [g.name for g in list_gpus()]))
    n_gpus = int(parse_number(n_gpus, "GPUs", minimum=1, maximum=1024, integer=True))
    context = int(
        parse_number(context, "Context", minimum=1, maximum=10_000_000, integer=True, unit="tokens")
    )
    batch = int(parse_number(batch, "Batch", minimum=1, maximum=100_000, integer=True))
    reserve = parse_number(reserve, "Kept free", minimum=0, maximum=90, unit="%") / 100
    common = dict(
        weight_format=fmt,
        context=context,
        n_gpus=n_gpus,
        gpu_memory_gb=gpu.memory_gb,
        gpu_bandwidth_tbs=gpu.bandwidth_tbs,
        reserve_fraction=reserve,
    )
    if cfg.n_heads % n_gpus:
        raise InputError(
            f"GPUs: the weights are split by attention heads (tensor parallel), so the GPU "
            f"count must divide {name}'s {cfg.n_heads} heads (1, 2, 4, 8, …)."
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
    else:
        verdict = (
            f"Does not fit: weights + KV cache need {human_bytes(p.total_bytes)}, "
            f"{human_bytes(p.memory_bytes)} usable. Lower the batch to "
            f"{p.max_batch} or the context."
        )
    alert = dbc.Alert(
        verdict,
        color="success" if p.fits else "danger",
        className="py-2 small mb-0",
        id=f"{LAB}-fits",
    )
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
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-format", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-gpus", "value"),
    Input(f"{LAB}-context", "value"),
    Input(f"{LAB}-batch", "value"),
    Input(f"{LAB}-reserve", "value"),
    State("selected-model", "data"),
)
def update(choice, fmt, gpu, n_gpus, context, batch, reserve, selected):
    try:
        alert, stats, fig = plan(choice, selected, fmt, gpu, n_gpus, context, batch, reserve)
    except InputError as err:
        return (
            None,
            None,
            message_figure("Fix the input above to see the plan."),
            (field_error(str(err))),
        )
    return alert, stats, fig, None
