"""Fine-tuning lab: full fine-tuning vs LoRA vs QLoRA, trainable parameters and memory on one
GPU (Hu et al. 2021; Dettmers et al. 2023)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.architecture import count_params
from app.core.finetune import TARGETS, finetune_memory, lora_params
from app.core.gpus import get_gpu, list_gpus
from app.core.units import human_bytes, human_count
from app.figures.memory import memory_bars_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

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

follow_stage_04(f"{LAB}-model")


def layout():
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(model_select(f"{LAB}-model", "llama-2-7b"), md=6, lg=4),
                    dbc.Col(
                        select_field(
                            f"{LAB}-gpu", "GPU", [g.name for g in list_gpus()], "RTX 4090"
                        ),
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-rank", "LoRA rank r", 16, min=1, step=1, help="8–64 is common."
                        ),
                        xs=6,
                        lg=2,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-seq", "Sequence length", 2048, min=1, step=1),
                        xs=6,
                        lg=2,
                    ),
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
                        value=["q", "k", "v", "o"],
                        inline=True,
                        className="small",
                    ),
                ],
                className="my-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
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
    )


def plan(choice, selected, gpu_name, rank, seq, targets):
    name, cfg = resolve_model(choice, selected)
    gpu = get_gpu(parse_choice(gpu_name, "GPU", [g.name for g in list_gpus()]))
    rank = int(parse_number(rank, "LoRA rank", minimum=1, maximum=cfg.d_model, integer=True))
    seq = int(parse_number(seq, "Sequence length", minimum=1, maximum=1_000_000, integer=True))
    if not targets:
        raise InputError("Choose at least one weight matrix to adapt.")
    if not isinstance(targets, list) or any(t not in TARGETS for t in targets):
        raise InputError("Choose weight matrices from the list.")
    if cfg.mlp != "swiglu":
        targets = [t for t in targets if t != "gate"]  # GELU MLPs have no gate matrix
        if not targets:
            raise InputError("This model's MLP has no gate; choose another matrix.")
    try:
        trainable = lora_params(cfg, rank, tuple(targets))
        mems = {
            m: finetune_memory(cfg, m, rank=rank, targets=tuple(targets), seq_len=seq)
            for m in METHOD_LABELS
        }
    except ValueError as err:
        raise InputError(str(err)) from None
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
    return stats, fig


@callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-rank", "value"),
    Input(f"{LAB}-seq", "value"),
    Input(f"{LAB}-targets", "value"),
    State("selected-model", "data"),
)
def update(choice, gpu, rank, seq, targets, selected):
    try:
        stats, fig = plan(choice, selected, gpu, rank, seq, targets)
    except InputError as err:
        return (
            None,
            message_figure("Fix the input above to compare methods."),
            (field_error(str(err))),
        )
    return stats, fig, None
