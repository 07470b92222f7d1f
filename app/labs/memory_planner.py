"""Training lab: memory per GPU (weights, gradients, optimizer states, activations) under
ZeRO and 3D parallelism (Rajbhandari et al. 2020; Korthikanti et al. 2022)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.gpus import get_gpu, list_gpus
from app.core.memory import PRECISIONS, RECOMPUTE, training_memory
from app.core.units import human_bytes
from app.figures.memory import memory_bars_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "memory_planner"
PRECISION_LABELS = {
    "mixed_adam": "bf16 + fp32 master, Adam (16 B/param)",
    "mixed_adam_8bit": "bf16 + fp32 master, 8-bit Adam (10 B/param)",
    "mixed_sgd_momentum": "bf16 + fp32 master, SGD momentum (12 B/param)",
    "fp32_adam": "fp32, Adam (16 B/param)",
}
RECOMPUTE_LABELS = {"none": "None", "selective": "Selective", "full": "Full"}
ZERO_LABELS = [
    "ZeRO 0 (plain data parallel)",
    "ZeRO 1 (optimizer)",
    "ZeRO 2 (+ gradients)",
    "ZeRO 3 (+ weights)",
]

follow_stage_04(f"{LAB}-model")


def _opts(labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"label": v, "value": k} for k, v in labels.items()]


def layout():
    whole = dict(min=1, step=1)
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", "llama-2-7b"), md=6, lg=4),
                    dbc.Col(
                        select_field(
                            f"{LAB}-gpu", "GPU", [g.name for g in list_gpus()], "A100 80GB SXM"
                        ),
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-precision",
                            "Precision and optimizer",
                            _opts(PRECISION_LABELS),
                            "mixed_adam",
                        ),
                        md=12,
                        lg=4,
                    ),
                ],
                className="g-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        number_field(
                            f"{LAB}-micro",
                            "Micro-batch",
                            1,
                            **whole,
                            help="Sequences per GPU per step.",
                        ),
                        xs=6,
                        md=2,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-seq", "Sequence length", 4096, **whole), xs=6, md=2
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-dp", "Data parallel", 8, **whole, help="Copies of the model."
                        ),
                        xs=4,
                        md=2,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-tp", "Tensor parallel", 1, **whole, help="Splits each layer."
                        ),
                        xs=4,
                        md=2,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-pp", "Pipeline parallel", 1, **whole, help="Splits the layers."
                        ),
                        xs=4,
                        md=2,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-recompute",
                            "Recompute activations",
                            _opts(RECOMPUTE_LABELS),
                            "selective",
                            help="Selective: attention only.",
                        ),
                        xs=12,
                        md=2,
                    ),
                ],
                className="g-2 mt-1",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Div("ZeRO stage", className="form-label small mb-1"),
                            dbc.RadioItems(
                                id=f"{LAB}-zero",
                                options=[{"label": str(i), "value": i} for i in range(4)],
                                value=1,
                                inline=True,
                                className="small",
                            ),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        dbc.Checklist(
                            id=f"{LAB}-sp",
                            options=[
                                {
                                    "label": "Sequence parallelism (with tensor parallel)",
                                    "value": "sp",
                                }
                            ],
                            value=[],
                            switch=True,
                            className="small mt-md-4",
                        ),
                        md=6,
                    ),
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error", className="mt-2"),
            html.Div(id=f"{LAB}-verdict", className="mt-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
            formula_note(
                "model states = (2 + 2 + 12)·Ψ / (TP·PP), sharded over DP by ZeRO stage; "
                "activations per layer = s·b·h·(10 + 24/t + 5·a·s/(h·t)) bytes",
                "Rajbhandari et al. 2020 (ZeRO) §3; Korthikanti et al. 2022, Table 2",
                "https://arxiv.org/abs/2205.05198",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Memory planner",
        "Will it fit? See the memory each GPU needs to train the model, and how ZeRO "
        "sharding, tensor and pipeline parallelism and recomputing activations shrink it.",
        body,
        icon="bi-memory",
        sources=[
            ("ZeRO paper", "https://arxiv.org/abs/1910.02054"),
            ("Korthikanti et al. 2022", "https://arxiv.org/abs/2205.05198"),
        ],
    )


def plan(choice, selected, gpu_name, precision, micro, seq, dp, tp, pp, recompute, zero, sp):
    name, cfg = resolve_model(choice, selected)
    gpu = get_gpu(parse_choice(gpu_name, "GPU", [g.name for g in list_gpus()]))
    precision = parse_choice(precision, "Precision", list(PRECISIONS))
    recompute = parse_choice(recompute, "Recompute", list(RECOMPUTE))
    zero = int(parse_choice(zero, "ZeRO stage", [0, 1, 2, 3]))
    ints = {}
    for key, raw, label, hi in (
        ("micro", micro, "Micro-batch", 4096),
        ("seq", seq, "Sequence length", 10_000_000),
        ("dp", dp, "Data parallel", 1_000_000),
        ("tp", tp, "Tensor parallel", 1024),
        ("pp", pp, "Pipeline parallel", 1024),
    ):
        ints[key] = int(parse_number(raw, label, minimum=1, maximum=hi, integer=True))
    kwargs = dict(
        dp=ints["dp"],
        tp=ints["tp"],
        pp=ints["pp"],
        recompute=recompute,
        sequence_parallel=bool(sp) and ints["tp"] > 1,
        precision=precision,
    )
    try:
        by_stage = [
            training_memory(cfg, ints["micro"], ints["seq"], zero_stage=z, **kwargs)
            for z in range(4)
        ]
    except ValueError as err:
        raise InputError(str(err)) from None
    mem = by_stage[zero]
    capacity = gpu.memory_gb * 1e9
    fits = mem.total <= capacity
    n_gpus = ints["dp"] * ints["tp"] * ints["pp"]
    verdict = dbc.Alert(
        [
            html.I(className=f"bi {'bi-check-circle' if fits else 'bi-x-circle'} me-2"),
            html.Strong("Fits" if fits else "Does not fit"),
            f": {human_bytes(mem.total)} of {gpu.memory_gb:g} GB per GPU "
            f"({100 * mem.total / capacity:.0f}%), on {n_gpus:,} GPUs.",
        ],
        color="success" if fits else "danger",
        className="py-2 small mb-0",
        id=f"{LAB}-fits",
    )
    stats = [
        stat("Weights", human_bytes(mem.weights)),
        stat("Gradients", human_bytes(mem.gradients)),
        stat("Optimizer states", human_bytes(mem.optimizer)),
        stat("Activations", human_bytes(mem.activations)),
        stat("Total per GPU", human_bytes(mem.total), id=f"{LAB}-total"),
    ]
    bars = [(ZERO_LABELS[z].split(" (")[0], m.as_dict()) for z, m in enumerate(by_stage)]
    fig = memory_bars_figure(
        bars,
        capacity,
        f"{gpu.name}: {gpu.memory_gb:g} GB",
        title=f"{name}: memory per GPU at each ZeRO stage",
        highlight=f"ZeRO {zero}",
    )
    return verdict, stats, fig


@callback(
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-precision", "value"),
    Input(f"{LAB}-micro", "value"),
    Input(f"{LAB}-seq", "value"),
    Input(f"{LAB}-dp", "value"),
    Input(f"{LAB}-tp", "value"),
    Input(f"{LAB}-pp", "value"),
    Input(f"{LAB}-recompute", "value"),
    Input(f"{LAB}-zero", "value"),
    Input(f"{LAB}-sp", "value"),
    State("selected-model", "data"),
)
def update(choice, gpu, precision, micro, seq, dp, tp, pp, recompute, zero, sp, selected):
    try:
        verdict, stats, fig = plan(
            choice, selected, gpu, precision, micro, seq, dp, tp, pp, recompute, zero, sp
        )
    except InputError as err:
        return (
            None,
            None,
            message_figure("Fix the input above to see the memory."),
            (field_error(str(err))),
        )
    return verdict, stats, fig, None
