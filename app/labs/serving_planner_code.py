"""Show the code for the serving planner: the `vllm serve` command that matches the plan."""

from __future__ import annotations

from dash import Input

from app.components.code_panel import code_panel, follow_planner, snippet_blocks
from app.components.model_picker import SELECTED, resolve_model
from app.core.codegen import model_id, vllm
from app.core.serving import WEIGHT_FORMATS
from app.validation import parse_choice, parse_number

LAB = "serving_planner_code"
PLANNER = "serving_planner"
FIELDS = ("model", "format", "gpus", "context", "batch", "reserve")
DEFAULTS = ("llama-2-7b", "bf16", 1, 4096, 8, 10)


def plan_snippets(model, fmt, n_gpus, context, batch, reserve, selected):
    _, cfg = resolve_model(model, selected)
    fmt = parse_choice(fmt, "Weight format", list(WEIGHT_FORMATS))
    n_gpus = int(parse_number(n_gpus, "GPUs", minimum=1, maximum=1024, integer=True))
    context = int(
        parse_number(context, "Context", minimum=1, maximum=10_000_000, integer=True, unit="tokens")
    )
    batch = int(parse_number(batch, "Batch", minimum=1, maximum=100_000, integer=True))
    reserve = parse_number(reserve, "Kept free", minimum=0, maximum=90, unit="%") / 100
    repo = model_id("" if model == SELECTED else str(model))
    snippets = vllm.snippets(
        repo, weight_format=fmt, n_gpus=n_gpus, context=context, batch=batch, reserve=reserve
    )
    return snippets, vllm.notes(cfg, fmt, n_gpus)


def layout():
    snippets, notes = plan_snippets(*DEFAULTS, None)
    return code_panel(
        LAB,
        "vllm serve command",
        "The plan above as a vLLM server: the model split over your GPUs (tensor parallel), "
        "the longest context, the most sequences at once, the share of memory vLLM may use, "
        "and the weight format.",
        snippet_blocks(LAB, snippets, notes),
        sources=[
            ("vLLM engine arguments", "https://docs.vllm.ai/en/latest/serving/engine_args.html")
        ],
    )


update = follow_planner(
    LAB,
    [
        *[Input(f"{PLANNER}-{f}", "value") for f in FIELDS],
    ],
    plan_snippets,
)
