"""Show the code for the compute planner: the plan as a short Python script with the
formulas and the papers they come from."""

from __future__ import annotations

from dash import Input

from app.components.code_panel import code_panel, follow_planner, snippet_blocks
from app.components.model_picker import resolve_model
from app.core.architecture import count_params
from app.core.codegen import compute_snippet
from app.core.compute import chinchilla_optimal
from app.core.gpus import get_gpu, list_gpus
from app.validation import parse_choice, parse_number

LAB = "compute_planner_code"
PLANNER = "compute_planner"
FIELDS = ("unit", "budget", "mode", "shrink", "model", "gpu", "gpus", "mfu", "price")
DEFAULTS = ("flops", 5.76e23, "optimal", 4, "llama-3-8b", "H100 SXM", 1024, 40, None)


def plan_snippets(unit, budget, mode, shrink, model, gpu_name, n_gpus, mfu_pct, price, selected):
    """The planner's inputs, parsed with its bounds, → the snippet."""
    unit = parse_choice(unit, "Budget unit", ["flops", "gpu_hours"])
    mode = parse_choice(mode, "Model size", ["optimal", "overtrain", "fixed"])
    gpu = get_gpu(parse_choice(gpu_name, "GPU", [g.name for g in list_gpus()]))
    n_gpus = int(parse_number(n_gpus, "GPUs", minimum=1, maximum=1_000_000, integer=True))
    mfu = parse_number(mfu_pct, "MFU", minimum=1, maximum=100, unit="%") / 100
    price = (
        gpu.price_per_hour
        if price in (None, "")
        else parse_number(price, "Price per GPU-hour", minimum=0, maximum=1_000, unit="$")
    )
    if unit == "flops":
        compute = parse_number(budget, "Compute budget", minimum=1e15, maximum=1e30, unit="FLOPs")
    else:
        hours = parse_number(budget, "Compute budget", minimum=1, maximum=1e12, unit="GPU-hours")
        compute = hours * 3600 * gpu.bf16_tflops * 1e12 * mfu
    n_opt, _ = chinchilla_optimal(compute)
    if mode == "optimal":
        n = n_opt
    elif mode == "overtrain":
        n = n_opt / parse_number(shrink, "Smaller by", minimum=1, maximum=10_000, unit="×")
    else:
        n = count_params(resolve_model(model, selected)[1]).total
    return compute_snippet.snippets(
        compute_flops=compute,
        n_params=n,
        gpu_name=gpu.name,
        peak_tflops=gpu.bf16_tflops,
        n_gpus=n_gpus,
        mfu=mfu,
        price_per_hour=price,
    )


def layout():
    return code_panel(
        LAB,
        "the plan as Python",
        "The numbers above as a short Python script you can run and change: 6·N·D, the "
        "Chinchilla fits, and time and cost from the GPUs' peak speed and MFU.",
        snippet_blocks(LAB, plan_snippets(*DEFAULTS, None)),
        sources=[
            ("Kaplan et al. 2020", "https://arxiv.org/abs/2001.08361"),
            ("Hoffmann et al. 2022", "https://arxiv.org/abs/2203.15556"),
        ],
    )


update = follow_planner(
    LAB,
    [
        *[Input(f"{PLANNER}-{f}", "value") for f in FIELDS],
    ],
    plan_snippets,
)
