"""Training lab: a compute budget → how big a model, how many tokens, how long, how much
(Hoffmann et al. 2022; Kaplan et al. 2020)."""

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
from app.components.model_picker import model_select, preset_options, resolve_model
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
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

LAB = "compute_planner"
MODES = {
    "optimal": "Compute-optimal model",
    "overtrain": "Smaller model, more tokens",
    "fixed": "A model I choose",
}
UNITS = {"flops": "FLOPs", "gpu_hours": "GPU-hours"}

GPUS = [g.name for g in list_gpus()]
# Every number field, described once: its input, its parsing and its message come from here.
BUDGET = {
    "flops": NumberSpec(
        "budget",
        "Compute budget",
        5.76e23,
        1e15,
        1e30,
        unit="FLOPs",
        help="Gopher's budget: 5.76 × 10²³ FLOPs. Type 1e22, 2.5e24 …",
    ),
    "gpu_hours": NumberSpec("budget", "Compute budget", 1e6, 1, 1e12, unit="GPU-hours"),
}
SHRINK = NumberSpec(
    "shrink", "Smaller by", 4, 1, 10_000, unit="×", help="For 'smaller model': N = N_opt ÷ this."
)
FIELDS = (
    NumberSpec("gpus", "GPUs", 1024, 1, 1_000_000, True),
    NumberSpec(
        "mfu",
        "MFU",
        40,
        1,
        100,
        unit="%",
        help="Share of peak FLOP/s really used; 35–55% is typical at scale.",
    ),
)
PRICE = NumberSpec(
    "price", "Price per GPU-hour", None, 0, 1_000, unit="$", help="Blank: the table's list price."
)
NAMES = ["budget", "shrink", "gpus", "mfu", "price"]
DEFAULTS = dict(unit="flops", mode="optimal", model="llama-3-8b", gpu="H100 SXM")


def layout():
    stats, note, fig = plan(
        DEFAULTS["unit"],
        BUDGET["flops"].default,
        DEFAULTS["mode"],
        SHRINK.default,
        DEFAULTS["model"],
        None,
        DEFAULTS["gpu"],
        *(f.default for f in FIELDS),
        PRICE.default,
    )
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
                                value=DEFAULTS["unit"],
                                inline=True,
                                className="small mb-1",
                            ),
                            spec_field(LAB, BUDGET["flops"]),
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
                                value=DEFAULTS["mode"],
                                className="small mb-1",
                            ),
                        ],
                        md=6,
                        lg=4,
                    ),
                    dbc.Col(
                        [
                            spec_field(LAB, SHRINK),
                            model_select(
                                f"{LAB}-model",
                                DEFAULTS["model"],
                                label="Model (for 'a model I choose')",
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
                    dbc.Col(select_field(f"{LAB}-gpu", "GPU", GPUS, DEFAULTS["gpu"]), xs=12, md=3),
                    *(dbc.Col(spec_field(LAB, f), xs=6, md=3) for f in FIELDS),
                    dbc.Col(spec_field(LAB, PRICE), xs=12, md=3),
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            html.Div(note, id=f"{LAB}-note", className="small text-muted mb-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
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
        updates="fields",
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
    """Every validated input → (stats, note, figure). Raises InputError whose second
    argument is {field name: message} for every bad field."""
    errors: dict[str, str] = {}
    try:
        unit = parse_choice(unit, "Budget unit", list(UNITS))
        mode = parse_choice(mode, "Model size", list(MODES))
        gpu = get_gpu(parse_choice(gpu_name, "GPU", GPUS))
    except InputError as err:
        raise InputError(str(err), {"choice": str(err)}) from None
    specs = [BUDGET[unit], *FIELDS]
    raw = {"budget": budget, "gpus": n_gpus, "mfu": mfu_pct, "price": price, "shrink": shrink}
    if mode == "overtrain":
        specs.append(SHRINK)
    if price not in (None, ""):
        specs.append(PRICE)
    values, errors = parse_fields(specs, raw)
    name = "Compute-optimal model"
    if mode == "fixed":
        try:
            name, cfg = resolve_model(choice, selected)
        except InputError as err:
            errors["model"] = str(err)
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    n_gpus, mfu = values["gpus"], values["mfu"] / 100
    price = values.get("price", gpu.price_per_hour)
    if unit == "flops":
        compute = values["budget"]
    else:
        compute = values["budget"] * 3600 * gpu.bf16_tflops * 1e12 * mfu
    n_opt, d_opt = chinchilla_optimal(compute)
    if mode == "optimal":
        n = n_opt
    elif mode == "overtrain":
        n = n_opt / values["shrink"]
        name = "Smaller, over-trained model"
    else:
        n = count_params(cfg).total
    d = compute / (6 * n)
    if d < 1:
        message = "That budget is too small to train this model on even one token."
        raise InputError(message, {"budget": message})
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
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
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
    prevent_initial_call=True,  # the layout already shows the defaults
)
def update(unit, budget, mode, shrink, choice, gpu, n_gpus, mfu, price, selected):
    """A bad input names every bad field and marks it, and keeps the last good plan."""
    try:
        stats, note, fig = plan(
            unit, budget, mode, shrink, choice, selected, gpu, n_gpus, mfu, price
        )
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    return stats, note, fig, None, *invalid_flags(NAMES, {})


DEFAULT_BUDGETS = {unit: spec.default for unit, spec in BUDGET.items()}


@callback(
    Output(f"{LAB}-budget", "value", allow_duplicate=True),
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
    try:  # already in the new unit (a link or the session set both): keep it
        BUDGET[unit].parse(budget)
        return no_update
    except InputError:
        pass
    try:
        gpu = get_gpu(parse_choice(gpu_name, "GPU", GPUS))
        mfu = FIELDS[1].parse(mfu_pct) / 100
        value = BUDGET["gpu_hours" if unit == "flops" else "flops"].parse(budget)
    except InputError:
        return DEFAULT_BUDGETS[unit]
    flops_per_hour = 3600 * gpu.bf16_tflops * 1e12 * mfu
    converted = value / flops_per_hour if unit == "gpu_hours" else value * flops_per_hour
    return float(f"{converted:.3g}")


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-unit", list(UNITS), DEFAULTS["unit"]),
        {**number_rule(LAB, BUDGET["flops"]), "min": 1},  # either unit's range
        choice_rule(f"{LAB}-mode", list(MODES), DEFAULTS["mode"]),
        number_rule(LAB, SHRINK),
        choice_rule(f"{LAB}-model", preset_options(), DEFAULTS["model"]),
        choice_rule(f"{LAB}-gpu", GPUS, DEFAULTS["gpu"]),
        *(number_rule(LAB, f) for f in FIELDS),
        number_rule(LAB, PRICE),
    ],
    model=f"{LAB}-model",
)
