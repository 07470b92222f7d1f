"""Show the code for the fine-tuning planner: PEFT's LoraConfig, and for QLoRA the
BitsAndBytesConfig (NF4, double quantisation, bf16 compute)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, html

from app.components.code_panel import code_panel, follow_planner, snippet_blocks
from app.components.model_picker import SELECTED, resolve_model
from app.core.codegen import model_id, peft
from app.core.finetune import finetune_memory, qlora_peak_memory
from app.core.units import human_bytes
from app.validation import InputError, parse_choice, parse_number

LAB = "finetune_planner_code"
PLANNER = "finetune_planner"
FIELDS = ("model", "rank", "seq", "targets")
DEFAULTS = ("llama-2-7b", 16, 2048, ["q", "k", "v", "o"])
METHODS = {"qlora": "QLoRA (4-bit base)", "lora": "LoRA (16-bit base)"}


def peak_note(cfg, rank: int, seq: int, targets: list[str]) -> str:
    """QLoRA's realistic peak, beside the planner's floor (app.core.finetune)."""
    parts = qlora_peak_memory(cfg, rank=rank, targets=tuple(targets), seq_len=seq)
    floor = finetune_memory(cfg, "qlora", rank=rank, targets=tuple(targets), seq_len=seq)
    return (
        f"Expect about {human_bytes(sum(parts.values()))} at the peak of the backward pass "
        f"with one {seq:,}-token sequence, not only the {human_bytes(floor.total)} of the 4-bit "
        "base, adapters and saved layer inputs: the embeddings and output layer stay in 16 "
        "bits, the layer being recomputed needs its full working set, and the logits are "
        "held in fp32."
    )


def plan_snippets(model, rank, seq, targets, method, selected):
    _, cfg = resolve_model(model, selected)
    rank = int(parse_number(rank, "LoRA rank", minimum=1, maximum=cfg.d_model, integer=True))
    seq = int(parse_number(seq, "Sequence length", minimum=1, maximum=1_000_000, integer=True))
    method = parse_choice(method, "Method", list(METHODS))
    targets = targets if isinstance(targets, list) else []
    if not targets:
        raise InputError("Choose at least one weight matrix to adapt.")
    repo = model_id("" if model == SELECTED else str(model))
    snippets = peft.snippets(
        cfg, rank=rank, targets=targets, qlora=method == "qlora", model_id=repo
    )
    try:
        notes = [peak_note(cfg, rank, seq, targets)] if method == "qlora" else []
    except ValueError as err:  # e.g. a gate matrix on a GELU model
        raise InputError(str(err)) from None
    return snippets, notes


def layout():
    controls = html.Div(
        [
            dbc.Label("Method", html_for=f"{LAB}-method", className="small mb-0"),
            dbc.RadioItems(
                id=f"{LAB}-method",
                options=[{"label": v, "value": k} for k, v in METHODS.items()],
                value="qlora",
                inline=True,
            ),
        ],
        className="mb-2",
    )
    return code_panel(
        LAB,
        "PEFT LoraConfig (and QLoRA's 4-bit loading)",
        "The rank and target matrices above as PEFT's LoraConfig, with the module names of "
        "the Hugging Face model; for QLoRA, the BitsAndBytesConfig that loads the base in "
        "4-bit NF4. Alpha is set to twice the rank, a common starting point.",
        snippet_blocks(LAB, *plan_snippets(*DEFAULTS, "qlora", None)),
        controls=controls,
        sources=[
            ("PEFT LoRA", "https://huggingface.co/docs/peft/package_reference/lora"),
            (
                "bitsandbytes in transformers",
                "https://huggingface.co/docs/transformers/quantization/bitsandbytes",
            ),
        ],
    )


update = follow_planner(
    LAB,
    [
        *[Input(f"{PLANNER}-{f}", "value") for f in FIELDS],
        Input(f"{LAB}-method", "value"),
    ],
    plan_snippets,
)
