"""Show the code for the fine-tuning planner: PEFT's LoraConfig, and for QLoRA the
BitsAndBytesConfig (NF4, double quantisation, bf16 compute)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from app.components.code_panel import code_panel, snippet_blocks
from app.components.inputs import field_error
from app.components.model_picker import SELECTED, resolve_model
from app.core.codegen import model_id, peft
from app.validation import InputError, parse_choice, parse_number

LAB = "finetune_planner_code"
PLANNER = "finetune_planner"
FIELDS = ("model", "rank", "targets")
DEFAULTS = ("llama-2-7b", 16, ["q", "k", "v", "o"])
METHODS = {"qlora": "QLoRA (4-bit base)", "lora": "LoRA (16-bit base)"}


def plan_snippets(model, rank, targets, method, selected):
    _, cfg = resolve_model(model, selected)
    rank = int(parse_number(rank, "LoRA rank", minimum=1, maximum=cfg.d_model, integer=True))
    method = parse_choice(method, "Method", list(METHODS))
    targets = targets if isinstance(targets, list) else []
    if not targets:
        raise InputError("Choose at least one weight matrix to adapt.")
    repo = model_id("" if model == SELECTED else str(model))
    return peft.snippets(cfg, rank=rank, targets=targets, qlora=method == "qlora", model_id=repo)


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
        snippet_blocks(LAB, plan_snippets(*DEFAULTS, "qlora", None)),
        controls=controls,
        sources=[
            ("PEFT LoRA", "https://huggingface.co/docs/peft/package_reference/lora"),
            (
                "bitsandbytes in transformers",
                "https://huggingface.co/docs/transformers/quantization/bitsandbytes",
            ),
        ],
    )


@callback(
    Output(f"{LAB}-out", "children"),
    Output(f"{LAB}-error", "children"),
    *[Input(f"{PLANNER}-{f}", "value") for f in FIELDS],
    Input(f"{LAB}-method", "value"),
    State("selected-model", "data"),
)
def update(*values):
    try:
        snippets = plan_snippets(*values)
    except (InputError, ValueError) as err:
        return [], field_error(str(err))
    return snippet_blocks(LAB, snippets), None
