"""DPO on the tiny GPT, as a job (the job kind "dpo" of `app.services.tinygpt.dpo`, run by
the skeleton `job_lab`): chosen/rejected answers to the stage-06 questions, a β to
choose, and the curves DPO papers plot."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from app.components.inputs import spec_field
from app.components.job_controls import JobLab, job_controls, job_lab, progress_bar_state
from app.components.lab_card import formula_note, lab_card, stat
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.services.tinygpt.dpo import DEFAULTS, DPOResult, parse_settings
from app.services.tinygpt.dpo import FIELDS as SPECS

LAB = "rlhf_dpo"
FIELDS = ("beta", "steps", "lr")
NUMBER_FIELDS = ("steps", "lr")  # dbc.Inputs: marked invalid when bad
SPEC = {spec.name: spec for spec in SPECS}
BETAS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # the slider's stops (β spans decades)
STOP_NOTES = {
    "time limit": "It reached the server's time limit and stopped early.",
    "diverged": "The loss stopped being a number (diverged): try a smaller learning rate.",
}


def layout():
    d = DEFAULTS
    controls = html.Fieldset(
        dbc.Row(
            [
                dbc.Col(
                    html.Div(
                        [
                            html.Label(
                                "β (how strongly it is held to the reference)",
                                htmlFor=f"{LAB}-beta",
                                className="form-label small mb-1",
                            ),
                            dcc.Slider(
                                id=f"{LAB}-beta",
                                min=0,
                                max=len(BETAS) - 1,
                                step=1,
                                value=BETAS.index(d.beta),
                                marks={i: f"{b:g}" for i, b in enumerate(BETAS)},
                            ),
                            html.Div(
                                "Larger β keeps the model closer to where it started.",
                                className="form-text small",
                            ),
                        ]
                    ),
                    xs=12,
                    md=4,
                ),
                dbc.Col(spec_field(LAB, SPEC["steps"]), xs=12, md=4),
                dbc.Col(spec_field(LAB, SPEC["lr"]), xs=12, md=4),
            ],
            className="g-2",
        ),
        id=f"{LAB}-controls",
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            *job_controls(LAB, "Start DPO"),
            dcc.Graph(
                id=f"{LAB}-chart",
                figure=message_figure("Press Start DPO to train."),
                config=GRAPH_CONFIG,
            ),
            html.Div(id=f"{LAB}-result"),
            formula_note(
                "L = −log σ(β[(log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))])",
                "Rafailov et al. 2023, eq. 7",
                "https://arxiv.org/abs/2305.18290",
            ),
        ]
    )
    return lab_card(
        LAB,
        "DPO on the tiny GPT",
        "Each pair is a question with a concise reference answer (chosen) and the same answer "
        "padded with filler (rejected). DPO trains the fine-tuned tiny GPT directly on these "
        "pairs, with no reward model; the frozen starting model is the reference.",
        body,
        icon="bi-arrow-left-right",
        sources=[("Rafailov et al. 2023", "https://arxiv.org/abs/2305.18290")],
    )


def beta_of(stop) -> float | None:
    """The β of a slider stop (None for anything else, which parse_settings refuses)."""
    if isinstance(stop, int) and not isinstance(stop, bool) and 0 <= stop < len(BETAS):
        return BETAS[stop]
    return None


def dpo_figure(h: dict) -> dict:
    steps = h["step"]
    return figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": steps,
                "y": h["chosen_logp"],
                "name": "log π(chosen)",
                "line": {"color": PALETTE[2]},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": steps,
                "y": h["rejected_logp"],
                "name": "log π(rejected)",
                "line": {"color": PALETTE[3]},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": steps,
                "y": h["kl"],
                "yaxis": "y2",
                "name": "KL to reference (nats/token)",
                "line": {"color": PALETTE[0], "dash": "dot"},
            },
        ],
        title={"text": "Held-out log-probs and KL"},
        xaxis=axis("Step", domain=[0, 0.9]),
        yaxis=axis("Sum of log-probabilities (nats)"),
        yaxis2=axis("KL (nats/token)", overlaying="y", side="right", rangemode="tozero"),
        height=380,
    )


def live_stats(h: dict) -> list:
    return [
        stat("Step", f"{h['step'][-1]:,} / {h['total_steps']:,}", id=f"{LAB}-step"),
        stat("Implicit reward accuracy", f"{h['reward_accuracy'][-1]:.0%}", hint="held-out pairs"),
        stat("KL to reference", f"{h['kl'][-1]:.3f}", hint="nats per token"),
        stat(
            "Margin",
            f"{h['chosen_logp'][-1] - h['rejected_logp'][-1]:.1f}",
            hint="log π(c) − log π(r)",
        ),
    ]


def progress_view(h: dict):
    percent, label = progress_bar_state(h["step"][-1], h["total_steps"], h["elapsed_s"])
    return percent, label, dpo_figure(h), live_stats(h)


def result_view(r: DPOResult):
    h = r.history
    drop_c = h["chosen_logp"][-1] - h["chosen_logp"][0]
    drop_r = h["rejected_logp"][-1] - h["rejected_logp"][0]
    text = (
        f"DPO ran {r.steps_done} steps with β = {r.beta:g} on {r.train_pairs} pairs in "
        f"{r.elapsed_s:.1f} s. On {r.eval_pairs} held-out pairs, log π(chosen) moved by "
        f"{drop_c:+.1f} and log π(rejected) by {drop_r:+.1f}: DPO widens the gap between them, "
        "and often pushes both down (Pal et al. 2024)."
    )
    note = STOP_NOTES.get(r.stopped_because)
    return html.Div(
        [
            html.P(text, className="small mb-1"),
            *([html.P(note, className="small")] if note else []),
        ],
        id=f"{LAB}-summary",
    )


def parse_job(raw: dict) -> dict:
    """The form (β as a slider stop) → the job's params, or FormErrors per field."""
    run = parse_settings({**raw, "beta": beta_of(raw.get("beta"))})
    return {"run": asdict(run)}


def show_result(result: dict):
    return (result_view(DPOResult.from_json(result)),)


callbacks = job_lab(
    JobLab(
        lab=LAB,
        kind="dpo",
        fields=FIELDS,
        parse=parse_job,
        progress_view=progress_view,
        result_outputs=(Output(f"{LAB}-result", "children"),),
        result_view=show_result,
        cancelled_note="You cancelled DPO: it stopped where the bar shows. Press Start DPO to "
        "run it again.",
        invalid_fields=NUMBER_FIELDS,
        also_disable=("beta",),  # a slider is not in the fieldset
        failed_note="DPO failed",
    )
)
start, poll, cancel = callbacks["start"], callbacks["poll"], callbacks["cancel"]
