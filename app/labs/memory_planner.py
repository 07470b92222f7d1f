"""Training lab: memory per GPU (weights, gradients, optimizer states, activations) under
ZeRO and 3D parallelism (Rajbhandari et al. 2020; Korthikanti et al. 2022)."""

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
from app.components.model_picker import (
    context_note,
    model_select,
    preset_options,
    resolve_model,
)
from app.core.gpus import get_gpu, list_gpus
from app.core.memory import PRECISIONS, RECOMPUTE, training_memory
from app.core.units import human_bytes
from app.figures.memory import memory_bars_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

LAB = "memory_planner"
PRECISION_LABELS = {
    "mixed_adam": "bf16 + fp32 master, Adam (16 B/param)",
    "mixed_adam_8bit": "bf16 + fp32 master, 8-bit Adam (10 B/param)",
    "mixed_sgd_momentum": "bf16 + fp32 master, SGD momentum (12 B/param)",
    "fp32_adam": "fp32, Adam (16 B/param)",
}
RECOMPUTE_LABELS = {"none": "None", "selective": "Selective", "full": "Full"}
GPUS = [g.name for g in list_gpus()]
ZERO_LABELS = [
    "ZeRO 0 (plain data parallel)",
    "ZeRO 1 (optimizer)",
    "ZeRO 2 (+ gradients)",
    "ZeRO 3 (+ weights)",
]

# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec("micro", "Micro-batch", 1, 1, 4096, True, help="Sequences per GPU per step."),
    NumberSpec("seq", "Sequence length", 4096, 1, 10_000_000, True, "tokens"),
    NumberSpec("dp", "Data parallel", 8, 1, 1_000_000, True, help="Copies of the model."),
    NumberSpec("tp", "Tensor parallel", 1, 1, 1024, True, help="Splits each layer."),
    NumberSpec("pp", "Pipeline parallel", 1, 1, 1024, True, help="Splits the layers."),
)
NAMES = [f.name for f in FIELDS]
SPEC = {f.name: f for f in FIELDS}
DEFAULTS = dict(
    model="llama-2-7b",
    gpu="A100 80GB SXM",
    precision="mixed_adam",
    recompute="selective",
    zero=1,
    sp=[],
)


def _opts(labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"label": v, "value": k} for k, v in labels.items()]


def layout():
    verdict, stats, fig = plan(
        DEFAULTS["model"],
        None,
        DEFAULTS["gpu"],
        DEFAULTS["precision"],
        *(f.default for f in FIELDS),
        DEFAULTS["recompute"],
        DEFAULTS["zero"],
        DEFAULTS["sp"],
    )
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", DEFAULTS["model"]), md=6, lg=4),
                    dbc.Col(
                        select_field(f"{LAB}-gpu", "GPU", GPUS, DEFAULTS["gpu"]),
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-precision",
                            "Precision and optimizer",
                            _opts(PRECISION_LABELS),
                            DEFAULTS["precision"],
                        ),
                        md=12,
                        lg=4,
                    ),
                ],
                className="g-2",
            ),
            dbc.Row(
                [
                    *(
                        dbc.Col(spec_field(LAB, f), xs=6 if i < 2 else 4, md=2)
                        for i, f in enumerate(FIELDS)
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-recompute",
                            "Recompute activations",
                            _opts(RECOMPUTE_LABELS),
                            DEFAULTS["recompute"],
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
                                value=DEFAULTS["zero"],
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
                            value=DEFAULTS["sp"],
                            switch=True,
                            className="small mt-md-4",
                        ),
                        md=6,
                    ),
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error", className="mt-2"),
            html.Div(verdict, id=f"{LAB}-verdict", className="mt-2"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
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
        updates="fields",
    )


def parse(choice, selected, gpu_name, precision, raw: dict, recompute, zero):
    """Validated inputs, or InputError naming every bad field ({name: message} in .args[1])."""
    values, errors = parse_fields(FIELDS, raw)
    try:
        name, cfg = resolve_model(choice, selected)
    except InputError as err:
        errors["model"] = str(err)
        name = cfg = None
    try:
        gpu = get_gpu(parse_choice(gpu_name, "GPU", GPUS))
        precision = parse_choice(precision, "Precision", list(PRECISIONS))
        recompute = parse_choice(recompute, "Recompute", list(RECOMPUTE))
        zero = int(parse_choice(zero, "ZeRO stage", [0, 1, 2, 3]))
    except InputError as err:
        errors["choice"] = str(err)
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    return name, cfg, gpu, precision, values, recompute, zero


def plan(choice, selected, gpu_name, precision, micro, seq, dp, tp, pp, recompute, zero, sp):
    raw = dict(zip(NAMES, (micro, seq, dp, tp, pp), strict=True))
    name, cfg, gpu, precision, ints, recompute, zero = parse(
        choice, selected, gpu_name, precision, raw, recompute, zero
    )
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
        raise InputError(str(err), {"core": str(err)}) from None
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
    verdict = [verdict, context_note(name, cfg, ints["seq"])]
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
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
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
    prevent_initial_call=True,  # the layout already shows the defaults
)
def update(choice, gpu, precision, micro, seq, dp, tp, pp, recompute, zero, sp, selected):
    """A bad input names every bad field and marks it, and keeps the last good result."""
    try:
        verdict, stats, fig = plan(
            choice, selected, gpu, precision, micro, seq, dp, tp, pp, recompute, zero, sp
        )
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    return verdict, stats, fig, None, *invalid_flags(NAMES, {})


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-model", preset_options(), DEFAULTS["model"]),
        choice_rule(f"{LAB}-gpu", GPUS, DEFAULTS["gpu"]),
        choice_rule(f"{LAB}-precision", list(PRECISION_LABELS), DEFAULTS["precision"]),
        *(number_rule(LAB, f) for f in FIELDS),
        choice_rule(f"{LAB}-recompute", list(RECOMPUTE_LABELS), DEFAULTS["recompute"]),
        choice_rule(f"{LAB}-zero", [0, 1, 2, 3], DEFAULTS["zero"]),
        choice_rule(f"{LAB}-sp", ["sp"], DEFAULTS["sp"], many=True),
    ],
    model=f"{LAB}-model",
)
