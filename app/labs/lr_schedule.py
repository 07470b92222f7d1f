"""Training lab: learning-rate schedules (warmup, cosine, warmup-stable-decay, inverse
square root) drawn over a run of your length."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.schedules import SCHEDULES, learning_rate
from app.figures.schedules import schedule_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

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
MAX_POINTS = 400  # a curve of 400 points looks the same as one of a million steps

assert set(LABELS) == set(SCHEDULES)


def layout():
    body = html.Div(
        [
            dbc.RadioItems(
                id=f"{LAB}-schedule",
                options=[{"label": v, "value": k} for k, v in LABELS.items()],
                value="cosine",
                inline=True,
                className="small mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        number_field(
                            f"{LAB}-peak",
                            "Peak learning rate",
                            3e-4,
                            min=0,
                            help="GPT-3 175B: 6e-5; Llama 2 7B: 3e-4.",
                        ),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-steps", "Total steps", 100_000, min=1, step=1),
                        xs=6,
                        md=3,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-warmup", "Warmup steps", 2_000, min=0, step=1),
                        xs=6,
                        md=2,
                    ),
                    dbc.Col(
                        number_field(f"{LAB}-floor", "Floor", 10, min=0, max=100, unit="% of peak"),
                        xs=6,
                        md=2,
                    ),
                    dbc.Col(
                        number_field(
                            f"{LAB}-decay", "WSD cool-down", 20, min=0, max=100, unit="% of run"
                        ),
                        xs=6,
                        md=2,
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-why", className="small my-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
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
    )


def sampled_steps(total: int) -> list[int]:
    if total <= MAX_POINTS:
        return list(range(total))
    return sorted({round(i * (total - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)})


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-why", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-schedule", "value"),
    Input(f"{LAB}-peak", "value"),
    Input(f"{LAB}-steps", "value"),
    Input(f"{LAB}-warmup", "value"),
    Input(f"{LAB}-floor", "value"),
    Input(f"{LAB}-decay", "value"),
)
def update(schedule, peak, steps, warmup, floor, decay):
    try:
        schedule = parse_choice(schedule, "Schedule", list(LABELS))
        peak = parse_number(peak, "Peak learning rate", minimum=1e-8, maximum=10)
        steps = int(
            parse_number(steps, "Total steps", minimum=1, maximum=100_000_000, integer=True)
        )
        warmup = int(parse_number(warmup, "Warmup steps", minimum=0, maximum=steps, integer=True))
        floor = parse_number(floor, "Floor", minimum=0, maximum=100, unit="%") / 100
        decay = parse_number(decay, "WSD cool-down", minimum=0, maximum=100, unit="%") / 100
    except InputError as err:
        return (
            message_figure("Fix the input above to see the schedule."),
            None,
            None,
            (field_error(str(err))),
        )
    kwargs = dict(
        peak_lr=peak,
        total_steps=steps,
        warmup_steps=warmup,
        min_lr_ratio=floor,
        decay_fraction=decay,
    )
    xs = sampled_steps(steps)
    curves = {name: [learning_rate(name, s, **kwargs) for s in xs] for name in LABELS}
    fig = schedule_figure(curves, schedule, LABELS, warmup)
    for trace in fig["data"]:
        trace["x"] = xs
    final = learning_rate(schedule, steps - 1, **kwargs)
    stats = [
        stat("Peak", f"{peak:.3g}"),
        stat("Final", f"{final:.3g}", id=f"{LAB}-final", hint=f"{100 * final / peak:.1f}% of peak"),
        stat("Warmup", f"{100 * warmup / steps:.1f}% of run"),
    ]
    return fig, stats, WHY[schedule], None
