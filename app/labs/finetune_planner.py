"""Fine-tuning lab: full fine-tuning vs LoRA vs QLoRA, trainable parameters and memory on one
GPU (Hu et al. 2021; Dettmers et al. 2023)."""

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
from app.core.architecture import count_params
from app.core.finetune import TARGETS, finetune_memory, lora_params
from app.core.gpus import get_gpu, list_gpus
from app.core.units import human_bytes, human_count
from app.figures.memory import memory_bars_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

LAB = "finetune_planner"
METHOD_LABELS = {
    "full": "Full fine-tuning",
    "lora": "LoRA (16-bit base)",
    "qlora": "QLoRA (4-bit base)",
}
TARGET_LABELS = {
    "q": "query",
    "k": "key",
    "v": "value",
    "o": "output",
    "gate": "gate",
    "up": "up",
    "down": "down",
}

GPUS = [g.name for g in list_gpus()]
# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec("rank", "LoRA rank r", 16, 1, 65_536, True, help="8–64 is common."),
    NumberSpec("seq", "Sequence length", 2048, 1, 1_000_000, True, "tokens"),
)
NAMES = [f.name for f in FIELDS]
DEFAULTS = dict(model="llama-2-7b", gpu="RTX 4090", targets=["q", "k", "v", "o"])


def layout():
    stats, fig, note = plan(
        DEFAULTS["model"], None, DEFAULTS["gpu"], *(f.default for f in FIELDS), DEFAULTS["targets"]
    )
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", DEFAULTS["model"]), md=6, lg=4),
                    dbc.Col(select_field(f"{LAB}-gpu", "GPU", GPUS, DEFAULTS["gpu"]), md=6, lg=4),
                    *(dbc.Col(spec_field(LAB, f), xs=6, lg=2) for f in FIELDS),
                ],
                className="g-2",
            ),
            html.Div(
                [
                    html.Div(
                        "Adapt these weight matrices in every layer",
                        className="form-label small mb-1",
                    ),
                    dbc.Checklist(
                        id=f"{LAB}-targets",
                        options=[{"label": TARGET_LABELS[t], "value": t} for t in TARGETS],
                        value=DEFAULTS["targets"],
                        inline=True,
                        className="small",
                    ),
                ],
                className="my-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(note, id=f"{LAB}-note"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "LoRA trainable = Σ layers, matrices r·(d_in + d_out); memory: full 16 B/param; "
                "LoRA 2 B/param base; QLoRA 4.127 bits/param base; adapters 16 B/param",
                "Hu et al. 2021 §4; Dettmers et al. 2023 §3",
                "https://arxiv.org/abs/2305.14314",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Fine-tuning planner",
        "Compare updating every weight with training small low-rank adapters (LoRA), and with "
        "adapters on a 4-bit base model (QLoRA). Micro-batch 1 with activation "
        "checkpointing, as people fine-tune on a single GPU.",
        body,
        icon="bi-sliders",
        sources=[
            ("LoRA paper", "https://arxiv.org/abs/2106.09685"),
            ("QLoRA paper", "https://arxiv.org/abs/2305.14314"),
        ],
        updates="fields",
    )


def plan(choice, selected, gpu_name, rank, seq, targets):
    """Every validated input → (stats, figure, context note). InputError's second argument
    is {field name: message} for every bad field."""
    values, errors = parse_fields(FIELDS, {"rank": rank, "seq": seq})
    try:
        name, cfg = resolve_model(choice, selected)
    except InputError as err:
        errors["model"], cfg = str(err), None
    try:
        gpu = get_gpu(parse_choice(gpu_name, "GPU", GPUS))
    except InputError as err:
        errors["gpu"] = str(err)
    if cfg is not None and "rank" not in errors and values["rank"] > cfg.d_model:
        errors["rank"] = f"LoRA rank r: must be at most {name}'s width ({cfg.d_model:,})."
    if not targets:
        errors["targets"] = "Choose at least one weight matrix to adapt."
    elif not isinstance(targets, list) or any(t not in TARGETS for t in targets):
        errors["targets"] = "Choose weight matrices from the list."
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    rank, seq = values["rank"], values["seq"]
    if cfg.mlp != "swiglu":
        targets = [t for t in targets if t != "gate"]  # GELU MLPs have no gate matrix
        if not targets:
            message = "This model's MLP has no gate; choose another matrix."
            raise InputError(message, {"targets": message})
    try:
        trainable = lora_params(cfg, rank, tuple(targets))
        mems = {
            m: finetune_memory(cfg, m, rank=rank, targets=tuple(targets), seq_len=seq)
            for m in METHOD_LABELS
        }
    except ValueError as err:
        raise InputError(str(err), {"core": str(err)}) from None
    total = count_params(cfg).total
    capacity = gpu.memory_gb * 1e9
    fits = [METHOD_LABELS[m].split(" (")[0] for m, mem in mems.items() if mem.total <= capacity]
    stats = [
        stat("Full: trainable", human_count(total)),
        stat(
            "LoRA: trainable",
            human_count(trainable),
            id=f"{LAB}-trainable",
            hint=f"{100 * trainable / total:.2f}% of the model",
        ),
        *[
            stat(METHOD_LABELS[m].split(" (")[0], human_bytes(mem.total), id=f"{LAB}-{m}")
            for m, mem in mems.items()
        ],
        stat(f"Fits on one {gpu.name}", ", ".join(fits) if fits else "none", id=f"{LAB}-fits"),
    ]
    bars = [(METHOD_LABELS[m], mem.as_dict()) for m, mem in mems.items()]
    fig = memory_bars_figure(
        bars,
        capacity,
        f"{gpu.name}: {gpu.memory_gb:g} GB",
        title=f"{name}: memory to fine-tune on one GPU",
    )
    return stats, fig, context_note(name, cfg, seq)


@callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-rank", "value"),
    Input(f"{LAB}-seq", "value"),
    Input(f"{LAB}-targets", "value"),
    State("selected-model", "data"),
    prevent_initial_call=True,  # the layout already shows the defaults
)
def update(choice, gpu, rank, seq, targets, selected):
    """A bad input names every bad field and marks it, and keeps the last good result."""
    try:
        stats, fig, note = plan(choice, selected, gpu, rank, seq, targets)
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    return stats, fig, note, None, *invalid_flags(NAMES, {})


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-model", preset_options(), DEFAULTS["model"]),
        choice_rule(f"{LAB}-gpu", GPUS, DEFAULTS["gpu"]),
        *(number_rule(LAB, f) for f in FIELDS),
        choice_rule(f"{LAB}-targets", list(TARGETS), DEFAULTS["targets"], many=True),
    ],
    model=f"{LAB}-model",
)
