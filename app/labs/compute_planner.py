"""Training lab: a compute budget → how big a model, how many tokens, how long, how much
(Hoffmann et al. 2022; Kaplan et al. 2020)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import follow_stage_04, model_select, resolve_model
from app.core.architecture import count_params
from app.core.compute import (
    chinchilla_loss,
    chinchilla_optimal,
    chinchilla_tokens_for_params,
    gpu_hours,
    isoflop_curve,
    parametric_optimum,
    training_cost,
    training_seconds,
)
from app.core.gpus import get_gpu, list_gpus
from app.core.units import human_count, scientific, significant
from app.figures.scaling import isoflop_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "compute_planner"
MODES = {
    "optimal": "Compute-optimal model",
    "overtrain": "Smaller model, more tokens",
    "fixed": "A model I choose",
}
UNITS = {"flops": "FLOPs", "gpu_hours": "GPU-hours"}

follow_stage_04(f"{LAB}-model")


def layout():
    gpus = [g.name for g in list_gpus()]
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Div("Budget in", className="form-label small mb-1"),
                            dbc.RadioItems(
                                id=f"{LAB}-unit",
                                options=[{"label": v, "value": k} for k, v in UNITS.items()],
                                value="flops",
                                inline=True,
                                className="small mb-1",
                            ),
                            number_field(
                                f"{LAB}-budget",
                                "Compute budget",
                                5.76e23,
                                min=0,
                                help="Gopher's budget: 5.76 × 10²³ FLOPs. Type 1e22, 2.5e24 …",
                            ),
                        ],
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        [
                            html.Div("Model size", className="form-label small mb-1"),
                            dbc.RadioItems(
                                id=f"{LAB}-mode",
                                options=[{"label": v, "value": k} for k, v in MODES.items()],
                                value="optimal",
                                className="small mb-1",
                            ),
                        ],
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        [
                            number_field(
                                f"{LAB}-shrink",
                                "Smaller by",
                                4,
                                min=1,
                                unit="×",
                                help="For 'smaller model': N = N_opt ÷ this.",
                            ),
                            model_select(
                                f"{LAB}-model", "llama-3-8b", label="Model (for 'a model I choose')"
                            ),
                        ],
                        md=12,
                        lg=4,
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(select_field(f"{LAB}-gpu", "GPU", gpus, "H100 SXM"), xs=12, md=3),
                    dbc.Col(number_field(f"{LAB}-gpus", "GPUs", 1024, min=1, step=1), xs=6, md=3),
                    dbc.Col(
                        number_field(
                            f"{LAB}-mfu",
                            "MFU",
                            40,
                            min=1,
                            max=100,
                            unit="%",
                            help="Share of peak FLOP/s really used; 35–55% is typical at scale.",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-price",
                            "Price per GPU-hour",
                            None,
                            min=0,
                            unit="$",
                            help="Blank: the table's list price.",
                        ),
                        xs=12,
                        md=3,
                    ),
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            html.Div(id=f"{LAB}-note", className="small text-muted mb-2"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
            formula_note(
                "C = 6·N·D; N_opt ≈ 0.0992·C^0.498 (fit to Chinchilla Table 3); "
                "L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28; time = C / (GPUs × peak × MFU)",
                "Hoffmann et al. 2022, Table 3 and eq. 10",
                "https://arxiv.org/abs/2203.15556",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Compute planner",
        "Give a compute budget. See the model size and amount of data that make the best "
        "use of it, the loss the Chinchilla fit predicts, and how long and how much the run "
        "takes on your GPUs.",
        body,
        icon="bi-cpu",
        sources=[
            ("Hoffmann et al. 2022 (Chinchilla)", "https://arxiv.org/abs/2203.15556"),
            ("Kaplan et al. 2020", "https://arxiv.org/abs/2001.08361"),
            ("Besiroglu et al. 2024 (Chinchilla replication)", "https://arxiv.org/abs/2404.10102"),
        ],
    )


def plan_note(ratio: float, above_minimum: float, n_fit: float) -> list:
    """What the plan means. `ratio`: its tokens over Table 3's compute-optimal tokens for
    its size; `above_minimum`: its predicted loss minus the loss curve's minimum."""
    if ratio > 1.5:
        verdict = (
            f"This model sees {ratio:,.1f}× the tokens that would be compute-optimal for its "
            "size (Table 3). By that rule the same compute would reach a lower loss with a "
            "bigger model, but the smaller one is cheaper to serve for ever after (Llama 3 8B: "
            "about 90×)."
        )
    elif ratio < 1 / 1.5:
        verdict = (
            f"This model sees only {significant(ratio, 2)}× its compute-optimal tokens "
            "(Table 3): it is too big for the budget, and a smaller model trained longer "
            "would do better."
        )
    else:
        verdict = "This is close to compute-optimal by Table 3: about 20 tokens per parameter."
    fit = (
        f" The loss fit predicts {above_minimum:.3f} above its own minimum (the diamond, at "
        f"{human_count(n_fit)} parameters). That minimum sits at a smaller model than Table 3 "
        "says: the paper's loss fit (eq. 10) disagrees with its other two methods. Besiroglu "
        "et al. 2024 refitted the same data and got sizes that agree with Table 3, so trust "
        "the table for sizes and the curve for its shape."
    )
    return [verdict, fit]


def plan(unit, budget, mode, shrink, choice, selected, gpu_name, n_gpus, mfu_pct, price):
    """Every validated input → (stats, note, figure). Raises InputError."""
    unit = parse_choice(unit, "Budget unit", list(UNITS))
    mode = parse_choice(mode, "Model size", list(MODES))
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
    n_opt, d_opt = chinchilla_optimal(compute)
    name = "Compute-optimal model"
    if mode == "optimal":
        n = n_opt
    elif mode == "overtrain":
        n = n_opt / parse_number(shrink, "Smaller by", minimum=1, maximum=10_000, unit="×")
        name = "Smaller, over-trained model"
    else:
        name, cfg = resolve_model(choice, selected)
        n = count_params(cfg).total
    d = compute / (6 * n)
    if d < 1:
        raise InputError("That budget is too small to train this model on even one token.")
    loss = chinchilla_loss(n, d)
    seconds = training_seconds(compute, n_gpus, gpu.bf16_tflops, mfu)
    hours = gpu_hours(compute, gpu.bf16_tflops, mfu)
    cost = training_cost(compute, gpu.bf16_tflops, mfu, price)
    optimal_tokens = chinchilla_tokens_for_params(n)
    stats = [
        stat("Compute", f"{scientific(compute)} FLOPs", id=f"{LAB}-compute"),
        stat("Parameters", human_count(n), id=f"{LAB}-params", hint=name),
        stat(
            "Training tokens",
            human_count(d),
            id=f"{LAB}-tokens",
            hint=f"{significant(d / n, 3)} tokens per parameter",
        ),
        stat("Predicted loss", f"{loss:.3f}", hint="nats per token (Chinchilla fit)"),
        stat(
            "Wall-clock",
            _duration(seconds),
            hint=f"{n_gpus:,} × {gpu.name} at {100 * mfu:.0f}% MFU",
        ),
        stat("GPU-hours", human_count(hours)),
        stat(
            "Cost",
            f"${human_count(cost)}",
            id=f"{LAB}-cost",
            hint=f"at ${price:,.2f}/GPU-hour ({gpu.price_date})",
        ),
    ]
    n_fit, d_fit = parametric_optimum(compute)
    note = plan_note(d / optimal_tokens, loss - chinchilla_loss(n_fit, d_fit), n_fit)
    curves = [(c, isoflop_curve(c)) for c in (compute / 10, compute, compute * 10)]
    points = [
        {"label": "Your plan", "params": n, "tokens": d, "loss": loss, "symbol": "star"},
        {
            "label": "Minimum of the loss fit",
            "params": n_fit,
            "tokens": d_fit,
            "loss": chinchilla_loss(n_fit, d_fit),
            "symbol": "diamond",
        },
    ]
    if mode != "optimal":
        points.insert(
            1,
            {
                "label": "Compute-optimal (Table 3)",
                "params": n_opt,
                "tokens": d_opt,
                "loss": chinchilla_loss(n_opt, d_opt),
            },
        )
    return stats, note, isoflop_figure(curves, points)


def _duration(seconds: float) -> str:
    """A wall-clock time in the unit a person would use: seconds up to years."""
    for size, unit in ((365 * 86_400, "years"), (86_400, "days"), (3600, "hours"), (60, "minutes")):
        if seconds >= size:
            return f"{significant(seconds / size, 3)} {unit}"
    return f"{significant(seconds, 2)} seconds"


@callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-unit", "value"),
    Input(f"{LAB}-budget", "value"),
    Input(f"{LAB}-mode", "value"),
    Input(f"{LAB}-shrink", "value"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-gpu", "value"),
    Input(f"{LAB}-gpus", "value"),
    Input(f"{LAB}-mfu", "value"),
    Input(f"{LAB}-price", "value"),
    State("selected-model", "data"),
)
def update(unit, budget, mode, shrink, choice, gpu, n_gpus, mfu, price, selected):
    try:
        stats, note, fig = plan(
            unit, budget, mode, shrink, choice, selected, gpu, n_gpus, mfu, price
        )
    except InputError as err:
        return (
            None,
            None,
            message_figure("Fix the input above to see the plan."),
            (field_error(str(err))),
        )
    return stats, note, fig, None


DEFAULT_BUDGETS = {"flops": 5.76e23, "gpu_hours": 1e6}  # Gopher's budget; a big 2024 run


@callback(
    Output(f"{LAB}-budget", "value"),
    Input(f"{LAB}-unit", "value"),
    State(f"{LAB}-budget", "value"),
    State(f"{LAB}-gpu", "value"),
    State(f"{LAB}-mfu", "value"),
    prevent_initial_call=True,
)
def convert_budget(unit, budget, gpu_name, mfu_pct):
    """Switching FLOPs ↔ GPU-hours keeps the same budget, in the new unit (3 digits)."""
    if unit not in UNITS:
        return no_update
    try:
        gpu = get_gpu(parse_choice(gpu_name, "GPU", [g.name for g in list_gpus()]))
        mfu = parse_number(mfu_pct, "MFU", minimum=1, maximum=100) / 100
        value = parse_number(budget, "Compute budget", minimum=1e-300)
    except InputError:
        return DEFAULT_BUDGETS[unit]
    flops_per_hour = 3600 * gpu.bf16_tflops * 1e12 * mfu
    converted = value / flops_per_hour if unit == "gpu_hours" else value * flops_per_hour
    return float(f"{converted:.3g}")
