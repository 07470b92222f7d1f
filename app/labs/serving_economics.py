"""Deployment lab: decode speed as the batch grows (the roofline), where decode turns
compute-bound, and what a million tokens costs at the GPU's hourly price."""

from __future__ import annotations

import html as html_lib

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.architecture import count_params
from app.core.gpus import get_gpu, list_gpus
from app.core.serving import WEIGHT_FORMATS
from app.core.serving_economics import cost_per_million_tokens, decode_step_seconds, roofline
from app.core.units import human_bytes
from app.figures.roofline import roofline_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "serving_economics"
FORMATS = {"bf16": "bf16 (16-bit)", "int8": "int8", "int4-g128": "int4, groups of 128"}
DEFAULTS = ("llama-2-7b", "A100 80GB SXM", "bf16", 1, 4096, 16, None)
MAX_BATCH = 1024

follow_stage_04(f"{LAB}-model")


def plan(model, gpu_name, fmt, n_gpus, context, batch, price, selected):
    name, cfg = resolve_model(model, selected)
    gpu = get_gpu(parse_choice(gpu_name, "GPU", [g.name for g in list_gpus()]))
    fmt = parse_choice(fmt, "Weight format", list(WEIGHT_FORMATS))
    n_gpus = int(parse_number(n_gpus, "GPUs", minimum=1, maximum=64, integer=True))
    context = int(
        parse_number(context, "Context", minimum=1, maximum=1_000_000, integer=True, unit="tokens")
    )
    batch = int(parse_number(batch, "Batch", minimum=1, maximum=MAX_BATCH, integer=True))
    price = (
        gpu.price_per_hour
        if price in (None, "")
        else parse_number(price, "Price per GPU-hour", minimum=0, maximum=1_000, unit="$")
    )
    r = roofline(
        cfg,
        weight_format=fmt,
        context=context,
        n_gpus=n_gpus,
        peak_tflops=gpu.bf16_tflops,
        bandwidth_tbs=gpu.bandwidth_tbs,
        max_batch=MAX_BATCH,
    )
    p = count_params(cfg)
    step = decode_step_seconds(
        batch,
        active_params=p.active,
        weight_bytes=r.weight_bytes,
        kv_bytes=r.kv_bytes_per_sequence,
        peak_flops=n_gpus * gpu.bf16_tflops * 1e12,
        bandwidth=n_gpus * gpu.bandwidth_tbs * 1e12,
    )
    tps = batch / step
    memory = r.weight_bytes * p.total / p.active + batch * r.kv_bytes_per_sequence
    fits = memory <= n_gpus * gpu.memory_gb * 1e9
    cost = cost_per_million_tokens(price, n_gpus, tps)
    stats = [
        stat("Decode speed", f"{tps:,.0f} tokens/s", id=f"{LAB}-tps", hint=f"batch {batch}"),
        stat("Per sequence", f"{1 / step:,.1f} tokens/s"),
        stat(
            "Compute-bound from batch",
            f"≈{r.crossover_batch:,.0f}",
            id=f"{LAB}-crossover",
            hint="for the weights' matrix products",
        ),
        stat("Prefill speed", f"{r.compute_bound_ceiling:,.0f} tokens/s", hint="compute-bound"),
        stat(
            "Cost per million output tokens",
            f"${cost:,.2f}",
            id=f"{LAB}-cost",
            hint=f"{n_gpus} × ${price:,.2f}/h, kept busy",
        ),
    ]
    warning = None
    if not fits:
        warning = field_error(
            f"This batch needs about {human_bytes(memory)} for weights and KV cache, more "
            f"than {n_gpus} × {gpu.memory_gb:g} GB: lower the batch or the context."
        )
    title = html_lib.escape(f"{name} on {n_gpus} × {gpu.name}, {context:,}-token context")
    return stats, roofline_figure(r, batch, title), warning


def layout():
    gpus = [g.name for g in list_gpus()]
    fields = dbc.Row(
        [
            dbc.Col(model_select(f"{LAB}-model", DEFAULTS[0]), xs=12, md=4),
            dbc.Col(select_field(f"{LAB}-gpu", "GPU", gpus, DEFAULTS[1]), xs=6, md=4),
            dbc.Col(
                select_field(
                    f"{LAB}-format",
                    "Weights",
                    [{"label": v, "value": k} for k, v in FORMATS.items()],
                    DEFAULTS[2],
                ),
                xs=6,
                md=4,
            ),
            dbc.Col(number_field(f"{LAB}-gpus", "GPUs", DEFAULTS[3], min=1, step=1), xs=6, md=3),
            dbc.Col(
                number_field(f"{LAB}-context", "Context", DEFAULTS[4], min=1, unit="tokens"),
                xs=6,
                md=3,
            ),
            dbc.Col(
                number_field(
                    f"{LAB}-batch", "Batch", DEFAULTS[5], min=1, max=MAX_BATCH, help="Up to 1,024."
                ),
                xs=6,
                md=3,
            ),
            dbc.Col(
                number_field(
                    f"{LAB}-price",
                    "Price per GPU-hour",
                    DEFAULTS[6],
                    min=0,
                    unit="$",
                    help="Blank: the GPU table's price.",
                ),
                xs=6,
                md=3,
            ),
        ],
        className="g-2",
    )
    stats, fig, warning = plan(*DEFAULTS, None)
    body = html.Div(
        [
            fields,
            html.Div(warning, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-graph", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "step = max(2·N·b / peak, W / bandwidth) + b·KV / bandwidth;  "
                "$ per 10⁶ tokens = price × GPUs / (tokens/s × 3,600 / 10⁶)",
                "Pope et al. 2022; Williams et al. 2009 (roofline)",
                "https://arxiv.org/abs/2211.05102",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Decode speed, batch size and the price of a token",
        "Each decode step reads all the weights, whatever the batch, so a bigger batch "
        "shares that cost: tokens per second climb until the arithmetic catches up with the "
        "reading. Past that batch decode is compute-bound. Every sequence's KV cache must be "
        "read too, so long contexts keep it slower. Cost per million tokens falls as "
        "throughput rises.",
        body,
        sources=[
            ("Pope et al. 2022", "https://arxiv.org/abs/2211.05102"),
            ("Williams et al. 2009 (roofline)", "https://doi.org/10.1145/1498765.1498785"),
        ],
        icon="bi-speedometer2",
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-graph", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-format", "value"),
    Input(f"{LAB}-gpus", "value"),
    Input(f"{LAB}-context", "value"),
    Input(f"{LAB}-batch", "value"),
    Input(f"{LAB}-price", "value"),
    State("selected-model", "data"),
)
def update(*values):
    try:
        return plan(*values)
    except (InputError, ValueError) as err:
        return None, message_figure("Fix the field named above."), field_error(str(err))
