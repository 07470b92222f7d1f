"""Training lab: learning-rate schedules (warmup, cosine, warmup-stable-decay, inverse
square root) drawn over a run of your length."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html, no_update

from app.components.inputs import (
    choice_rule,
    field_errors,
    invalid_flags,
    number_rule,
    share_settings,
    spec_field,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.core.schedules import SCHEDULES, learning_rate
from app.figures.schedules import schedule_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

LAB = "lr_schedule"
LABELS = {
    "cosine": "Warmup + cosine decay",
    "wsd": "Warmup-stable-decay",
    "inverse_sqrt": "Inverse square root",
    "constant": "Constant after warmup",
}
WHY = {
    "cosine": "GPT-3, Chinchilla and Llama: a smooth slide from the peak to a floor over a "
    "length set in advance, usually the run's (GPT-3's slide ended at 260B of its 300B "
    "tokens, then held the floor).",
    "wsd": "Hold the peak, then cool down quickly at the end (MiniCPM, DeepSeek). A run can "
    "be extended from any checkpoint before the cool-down.",
    "inverse_sqrt": "The original transformer: decays fast at first, then ever more slowly; "
    "it never reaches a floor.",
    "constant": "Simple, but the loss stays noisy: the final cool-down that lowers loss at "
    "the end never happens.",
}
MAX_POINTS = 200  # 200 points (plus the corners) draw a run of a million steps as well
DEFAULT_SCHEDULE = "cosine"
# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec(
        "peak", "Peak learning rate", 3e-4, 1e-8, 10, help="GPT-3 175B: 6e-5; Llama 2 7B: 3e-4."
    ),
    NumberSpec("steps", "Total steps", 100_000, 1, 100_000_000, True),
    NumberSpec("warmup", "Warmup steps", 2_000, 0, 100_000_000, True),
    NumberSpec("floor", "Floor", 10, 0, 100, unit="% of peak"),
    NumberSpec("decay", "WSD cool-down", 20, 0, 100, unit="% of run"),
)
NAMES = [f.name for f in FIELDS]

assert set(LABELS) == set(SCHEDULES)


def layout():
    fig, stats, why = curves_view(DEFAULT_SCHEDULE, *(f.default for f in FIELDS))
    body = html.Div(
        [
            dbc.RadioItems(
                id=f"{LAB}-schedule",
                options=[{"label": v, "value": k} for k, v in LABELS.items()],
                value=DEFAULT_SCHEDULE,
                inline=True,
                className="small mb-2",
            ),
            dbc.Row(
                # Three to a row: a field with a unit ("% of peak") needs room for its number.
                [dbc.Col(spec_field(LAB, f), xs=6, md=4) for f in FIELDS],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(why, id=f"{LAB}-why", className="small my-2"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "cosine: lr = floor + ½(peak − floor)(1 + cos(π·progress)); warmup: "
                "lr = peak·(step+1)/warmup",
                "Loshchilov & Hutter 2017 (SGDR); Brown et al. 2020; Hu et al. 2024 (WSD)",
                "https://arxiv.org/abs/1608.03983",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Learning-rate schedule explorer",
        "The learning rate is how big a step the optimizer takes. Runs start with a short "
        "warmup, because big steps on a fresh model can blow the loss up, and most end "
        "with a decay, which lets the loss settle lower.",
        body,
        icon="bi-graph-down",
        updates="fields",
    )


def sampled_steps(total: int, *corners: int) -> list[int]:
    """MAX_POINTS evenly spread steps, plus the steps where a schedule bends (`corners`),
    so that a short warmup is drawn with its real peak."""
    if total <= MAX_POINTS:
        return list(range(total))
    even = {round(i * (total - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)}
    return sorted(even | {c for c in corners if 0 <= c < total})


@lru_cache(maxsize=128)
def schedule_curves(peak, steps, warmup, floor, decay) -> tuple[list[int], dict]:
    """Each schedule's learning rate at the sampled steps: computed once per setting, so
    switching the highlighted schedule recomputes nothing (callers must not change it)."""
    kwargs = dict(
        peak_lr=peak,
        total_steps=steps,
        warmup_steps=warmup,
        min_lr_ratio=floor,
        decay_fraction=decay,
    )
    decay_start = steps - int(round(decay * steps))
    xs = sampled_steps(steps, warmup - 1, warmup, decay_start - 1, decay_start)
    curves = {
        name: [float(f"{learning_rate(name, x, **kwargs):.4g}") for x in xs] for name in LABELS
    }
    return xs, curves


def curves_view(schedule, peak, steps, warmup, floor, decay):
    """(figure, stats, why) for validated inputs; InputError's second argument is {field
    name: message} for every bad field."""
    values, errors = parse_fields(
        FIELDS,
        {"peak": peak, "steps": steps, "warmup": warmup, "floor": floor, "decay": decay},
    )
    try:
        schedule = parse_choice(schedule, "Schedule", list(LABELS))
    except InputError as err:
        errors["schedule"] = str(err)
    if "steps" not in errors and "warmup" not in errors and values["warmup"] > values["steps"]:
        errors["warmup"] = f"Warmup steps: must be at most the {values['steps']:,} total steps."
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    peak, steps, warmup = values["peak"], values["steps"], values["warmup"]
    floor, decay = values["floor"] / 100, values["decay"] / 100
    xs, curves = schedule_curves(peak, steps, warmup, floor, decay)
    fig = schedule_figure(curves, schedule, LABELS, warmup)
    for trace in fig["data"]:
        trace["x"] = xs
    final = learning_rate(
        schedule,
        steps - 1,
        peak_lr=peak,
        total_steps=steps,
        warmup_steps=warmup,
        min_lr_ratio=floor,
        decay_fraction=decay,
    )
    stats = [
        stat("Peak", f"{peak:.3g}"),
        stat("Final", f"{final:.3g}", id=f"{LAB}-final", hint=f"{100 * final / peak:.1f}% of peak"),
        stat("Warmup", f"{100 * warmup / steps:.1f}% of run"),
    ]
    return fig, stats, WHY[schedule]


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-why", "children"),
    Output(f"{LAB}-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    Input(f"{LAB}-schedule", "value"),
    Input(f"{LAB}-peak", "value"),
    Input(f"{LAB}-steps", "value"),
    Input(f"{LAB}-warmup", "value"),
    Input(f"{LAB}-floor", "value"),
    Input(f"{LAB}-decay", "value"),
    prevent_initial_call=True,  # the layout already shows the defaults
)
def update(schedule, peak, steps, warmup, floor, decay):
    """A bad input names every bad field and marks it, and keeps the last good chart."""
    try:
        fig, stats, why = curves_view(schedule, peak, steps, warmup, floor, decay)
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    return fig, stats, why, None, *invalid_flags(NAMES, {})


share_settings(
    LAB,
    [
        choice_rule(f"{LAB}-schedule", list(LABELS), DEFAULT_SCHEDULE),
        *(number_rule(LAB, f) for f in FIELDS),
    ],
)
