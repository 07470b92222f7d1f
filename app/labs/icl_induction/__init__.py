"""Induction heads (Olsson et al. 2022): a two-layer attention-only transformer trained on
random tokens with a repeated segment. The loss per position on [segment, same segment]
(the drop on the second copy is in-context learning), the attention of the head the copy
depends on, and live retraining as a job (the job kind "icl_induction", run by the one
job skeleton `app.components.job_controls.job_lab`) whose loss curve shows the head
forming. Science: app.core.induction; job: app.labs.icl_induction.work."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from app.components.inputs import spec_field
from app.components.job_controls import JobLab, job_controls, job_lab, persist, progress_bar_state
from app.components.lab_card import formula_note, lab_card, stat
from app.figures.inside import CONFIG, curve_figure, heatmap_figure
from app.figures.theme import PALETTE
from app.labs.icl_induction.work import (
    FIELD_NAMES,
    FIELDS,
    RetrainResult,
    parse_settings,
    shipped_analysis,
)

LAB = "icl_induction"


def per_position_figure(a: dict) -> dict:
    T = len(a["per_position"])
    L = a["length"]
    fig = curve_figure(
        [
            {
                "name": "loss at each position",
                "x": list(range(T)),
                "y": a["per_position"],
                "colour": PALETTE[0],
            },
            {
                "name": "chance: ln(vocabulary)",
                "x": [0, T - 1],
                "y": [a["chance"]] * 2,
                "colour": "#6c757d",
                "dash": "dash",
                "mode": "lines",
            },
        ],
        "Loss (nats)",
        "Position (first copy, then second copy)",
        height=340,
    )
    fig["layout"]["shapes"] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": L - 0.5,
            "x1": T - 0.5,
            "y0": 0,
            "y1": 1,
            "fillcolor": PALETTE[2],
            "opacity": 0.08,
            "line": {"width": 0},
        }
    ]
    fig["layout"]["legend"] = {"orientation": "h", "y": -0.42, "x": 0, "yanchor": "top"}
    fig["layout"]["margin"]["b"] = 110
    fig["layout"]["annotations"] = [
        {
            "x": (L + T) / 2,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "showarrow": False,
            "text": "second copy",
            "yanchor": "bottom",
        }
    ]
    return fig


def attention_figure(a: dict) -> dict:
    """The attention of the head the copy needs most, on one [segment, segment] example;
    ticks every 4 positions (token ids in the hover)."""
    T = len(a["tokens"])
    labels = [str(i) for i in range(T)]
    fig = heatmap_figure(
        a["attention"],
        labels,
        labels,
        x_title="reads position",
        y_title="position",
        hover="%{z:.2f}",
        height=400,
    )
    ticks = list(range(0, T, 4))
    for axis in ("xaxis", "yaxis"):
        fig["layout"][axis]["tickvals"] = ticks
        fig["layout"][axis]["ticktext"] = [str(t) for t in ticks]
    L = a["length"]
    fig["layout"]["shapes"] = [  # where an induction head would look: t -> t - L + 1
        {
            "type": "line",
            "x0": 1,
            "y0": L,
            "x1": T - L,
            "y1": T - 1,
            "xref": "x",
            "yref": "y",
            "line": {"color": "#E69F00", "width": 1, "dash": "dot"},
        }
    ]
    return fig


def attention_caption(a: dict):
    top = a["roles"][0]
    return html.Div(
        f"Layer {top['layer'] + 1}, head {top['head'] + 1}: the head the second copy needs "
        "most. The dotted line marks where a textbook induction head looks: the token "
        "after the earlier copy of the current one. In a model this small the work is "
        "often spread over several heads and does not match the textbook pattern exactly: "
        "the loss shows that the model copies; the map alone cannot show how.",
        className="small text-muted",
    )


def history_figure(history: list) -> dict:
    steps = [h[0] for h in history]
    series = [
        {
            "name": "first copy (held out)",
            "x": steps,
            "y": [h[2] for h in history],
            "colour": PALETTE[1],
        },
        {
            "name": "second copy (held out)",
            "x": steps,
            "y": [h[3] for h in history],
            "colour": PALETTE[0],
        },
    ]
    return curve_figure(series, "Loss (nats)", "Training step", height=300)


def roles_table(a: dict):
    rows = [
        html.Tr(
            [
                html.Td(f"L{r['layer'] + 1} H{r['head'] + 1}"),
                html.Td(f"{r['second_copy_rise']:+.2f}", className="text-end"),
                html.Td(f"{r['previous_token']:.2f}", className="text-end"),
                html.Td(f"{r['induction']:.2f}", className="text-end"),
            ]
        )
        for r in a["roles"]
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th("Head"),
                html.Th("Second-copy loss if off", className="text-end"),
                html.Th("Attention to previous token", className="text-end"),
                html.Th("Attention to token after earlier copy", className="text-end"),
            ]
        )
    )
    note = html.Div(
        "Loss rise: second-copy loss (nats) with only this head switched off, minus with all "
        "on. The other columns: the head's mean attention weight on the previous position, "
        "and on the position after the earlier copy of the current token.",
        className="small text-muted",
    )
    return html.Div(
        [
            dbc.Table([head, html.Tbody(rows)], size="sm", className="small mb-1", responsive=True),
            note,
        ]
    )


def analysis_view(a: dict, prefix: str):
    stats = [
        stat(
            "First copy",
            f"{a['first']:.2f} nats",
            id=f"{prefix}-first",
            hint=f"chance: {a['chance']:.2f}",
        ),
        stat("Second copy", f"{a['second']:.2f} nats", id=f"{prefix}-second"),
    ]
    return html.Div(
        [
            html.Div(stats, className="stat-row my-2"),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(figure=per_position_figure(a), config=CONFIG), lg=6),
                    dbc.Col(
                        [
                            attention_caption(a),
                            dcc.Graph(figure=attention_figure(a), config=CONFIG),
                        ],
                        lg=6,
                    ),
                ],
                className="g-2",
            ),
            roles_table(a),
        ]
    )


def layout():
    a = shipped_analysis()
    retrain = html.Div(
        [
            html.H4("Retrain it and watch the head form", className="h6 mt-3"),
            persist(
                html.Fieldset(
                    dbc.Row(
                        [dbc.Col(spec_field(LAB, spec), xs=6, md=3) for spec in FIELDS],
                        className="g-2",
                    ),
                    id=f"{LAB}-controls",
                )
            ),
            html.Div(id=f"{LAB}-error"),
            *job_controls(LAB, "Start training"),
            dcc.Graph(id=f"{LAB}-chart", figure=history_figure(a["history"]), config=CONFIG),
            html.Div(id=f"{LAB}-result"),
        ]
    )
    body = html.Div(
        [
            analysis_view(a, f"{LAB}-shipped"),
            formula_note(
                "per-position loss = −ln p(next token), mean over 64 held-out [segment, segment] "
                "sequences of random tokens; a head's role = rise in second-copy loss when its "
                "output is zeroed",
                "Olsson et al. 2022",
                "https://arxiv.org/abs/2209.11895",
            ),
            retrain,
        ]
    )
    return lab_card(
        LAB,
        "Induction heads: learning from the context",
        "A two-layer transformer with attention only, shipped trained on random tokens in "
        "which a segment repeats. Random tokens cannot be learned in training, so every "
        "drop in loss on the second copy comes from reading the first. The chart below "
        "shows how the shipped model's loss fell while it trained.",
        body,
        icon="bi-arrow-repeat",
        sources=[
            ("Olsson et al. 2022", "https://arxiv.org/abs/2209.11895"),
            ("Elhage et al. 2021", "https://transformer-circuits.pub/2021/framework/index.html"),
        ],
    )


def progress_view(p: dict):
    value, label = progress_bar_state(p["step"], p["total"], p["elapsed_s"])
    h = p["history"]
    live = [stat("Step", f"{p['step']:,}")]
    if h:
        live += [stat("First copy", f"{h[-1][2]:.2f}"), stat("Second copy", f"{h[-1][3]:.2f}")]
    return value, label, history_figure(h), live


def parse_job(raw: dict) -> dict:
    """The form → the job's params (FormErrors names every bad field)."""
    return {"run": asdict(parse_settings(raw))}


def result_view(data: dict) -> tuple:
    """The finished run, measured the same way as the shipped model above."""
    result = RetrainResult.from_json(data)
    note = ""
    if result.stopped_because == "time limit":
        note = f"Stopped at the time limit after {result.steps_done:,} steps. "
    return (
        html.Div(
            [
                html.P(
                    note + "Your model, measured the same way:",
                    className="small mt-2",
                    id=f"{LAB}-done",
                ),
                analysis_view(result.to_json(), f"{LAB}-yours"),
            ]
        ),
    )


callbacks = job_lab(
    JobLab(
        lab=LAB,
        kind="icl_induction",
        fields=FIELD_NAMES,
        parse=parse_job,
        progress_view=progress_view,
        result_outputs=(Output(f"{LAB}-result", "children"),),
        result_view=result_view,
        cancelled_note="You cancelled this run; the shipped model above is unchanged.",
        invalid_fields=FIELD_NAMES,
        failed_note="Training failed",
    )
)
start, poll, cancel = callbacks["start"], callbacks["poll"], callbacks["cancel"]
