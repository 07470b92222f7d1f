"""Show the code for the memory planner: a DeepSpeed config and the launch line."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input

from app.components.code_panel import code_panel, follow_planner, snippet_blocks
from app.components.inputs import number_field
from app.components.model_picker import resolve_model
from app.core.codegen import deepspeed
from app.core.memory import PRECISIONS, RECOMPUTE
from app.validation import parse_choice, parse_number

LAB = "memory_planner_code"
PLANNER = "memory_planner"
# The planner's fields, in its order (ids memory_planner-*), and its defaults.
FIELDS = ("model", "precision", "micro", "seq", "dp", "tp", "pp", "recompute", "zero", "sp")
DEFAULTS = ("llama-2-7b", "mixed_adam", 1, 4096, 8, 1, 1, "selective", 1, [])
DEFAULT_ACCUM = 8


def plan_snippets(model, precision, micro, seq, dp, tp, pp, recompute, zero, sp, accum, selected):
    """The planner's raw values (parsed as the planner parses them) → (snippets, notes)."""
    _, cfg = resolve_model(model, selected)
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
        ("accum", accum, "Gradient accumulation steps", 100_000),
    ):
        ints[key] = int(parse_number(raw, label, minimum=1, maximum=hi, integer=True))
    snippets = deepspeed.snippets(
        cfg=cfg,
        micro_batch=ints["micro"],
        grad_accum=ints["accum"],
        seq_len=ints["seq"],
        dp=ints["dp"],
        tp=ints["tp"],
        pp=ints["pp"],
        zero_stage=zero,
        precision=precision,
        recompute=recompute,
        sequence_parallel=bool(sp) and ints["tp"] > 1,
    )
    return snippets, deepspeed.notes(zero_stage=zero, pp=ints["pp"], precision=precision)


def layout():
    snippets, notes = plan_snippets(*DEFAULTS, DEFAULT_ACCUM, None)
    controls = dbc.Row(
        dbc.Col(
            number_field(
                f"{LAB}-accum",
                "Gradient accumulation steps",
                DEFAULT_ACCUM,
                min=1,
                step=1,
                help="Micro-batches added up before each update; the batch is micro × this × DP.",
            ),
            xs=12,
            md=4,
        ),
        className="mb-2",
    )
    return code_panel(
        LAB,
        "DeepSpeed config and launch line",
        "The plan above as a DeepSpeed configuration (ZeRO stage, micro-batch, gradient "
        "accumulation, bf16) and a Megatron-DeepSpeed launch over TP × PP × DP GPUs, with "
        "the activation recomputation you chose.",
        snippet_blocks(LAB, snippets, notes),
        controls=controls,
        sources=[
            ("DeepSpeed config JSON", "https://www.deepspeed.ai/docs/config-json/"),
            ("Megatron-DeepSpeed", "https://github.com/microsoft/Megatron-DeepSpeed"),
        ],
    )


update = follow_planner(
    LAB,
    [
        *[Input(f"{PLANNER}-{f}", "value") for f in FIELDS],
        Input(f"{LAB}-accum", "value"),
    ],
    plan_snippets,
)
