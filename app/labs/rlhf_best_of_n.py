"""Best-of-n: sample n answers from the fine-tuned tiny GPT, keep the one the reward model
likes best; reward keeps rising with n, true correctness need not (reward hacking)."""

from __future__ import annotations

import json
from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.rlhf.best_of_n import best_of_n_curve
from app.core.rlhf.make_sft import SAMPLES_PATH
from app.core.rlhf.preferences import FEATURES, features, load_preferences, token_f1
from app.core.rlhf.reward_model import fit_bradley_terry
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice

LAB = "rlhf_best_of_n"
MODELS = {"all": "All four features", "no_length": "Without the length feature"}
AXES = {"n": "n (answers sampled)", "kl": "KL bound log n − (n−1)/n (nats)"}


@lru_cache(maxsize=1)
def samples() -> dict:
    return json.loads(SAMPLES_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def curve(which: str) -> dict:
    data = load_preferences()
    cols = [i for i, f in enumerate(FEATURES) if which == "all" or f != "words"]
    model = fit_bradley_terry(data.x_a[:, cols], data.x_b[:, cols], data.y)
    groups, lengths = [], []
    for q in samples()["questions"]:
        x = np.array([features(q["question"], s, data.vocabulary) for s in q["samples"]])
        groups.append(
            (model.reward(x[:, cols]), [token_f1(s, q["reference"]) for s in q["samples"]])
        )
        lengths.append(x[:, 0])
    out = best_of_n_curve(groups, len(samples()["questions"][0]["samples"]))
    out["words"] = best_of_n_curve(
        [(r, w) for (r, _), w in zip(groups, lengths, strict=True)], len(lengths[0])
    )["correctness"]
    return out


def layout():
    meta = samples()["meta"]
    n_q = len(samples()["questions"])
    n_s = len(samples()["questions"][0]["samples"])
    controls = dbc.Row(
        [
            dbc.Col(
                select_field(
                    f"{LAB}-model",
                    "Reward model",
                    [{"label": v, "value": k} for k, v in MODELS.items()],
                    "all",
                ),
                xs=12,
                md=6,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-axis",
                    "Horizontal axis",
                    [{"label": v, "value": k} for k, v in AXES.items()],
                    "n",
                ),
                xs=12,
                md=6,
            ),
        ],
        className="g-2",
    )
    stats, fig, err = update("all", "n")
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "E[best of n] = Σᵢ C(i−1, n−1)/C(m, n) · value of the i-th lowest-reward sample;"
                "  KL ≤ log n − (n−1)/n",
                "Stiennon et al. 2020, appendix G.3",
                "https://arxiv.org/abs/2009.01325",
            ),
            html.P(
                f"The answers: {n_s} samples for each of {n_q} held-out questions from the "
                f"tiny GPT fine-tuned for {meta['train_config']['steps']} steps on the stage-06 "
                "task (made by python -m app.core.rlhf.make_sft). Correctness is word-overlap F1 "
                "with the reference answer, which the reward model never sees.",
                className="small text-muted mt-2",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Best-of-n: more samples, more reward, more correct?",
        "Score n sampled answers with the reward model above and keep the best. Watch whether "
        "true correctness follows the reward as n grows.",
        body,
        icon="bi-trophy",
        sources=[
            ("Gao et al. 2023", "https://arxiv.org/abs/2210.10760"),
            ("Stiennon et al. 2020", "https://arxiv.org/abs/2009.01325"),
        ],
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-axis", "value"),
)
def update(which, x_axis):
    try:
        which = parse_choice(which, "Reward model", list(MODELS))
        x_axis = parse_choice(x_axis, "Horizontal axis", list(AXES))
    except InputError as err:
        return None, message_figure("Choose a reward model and an axis."), field_error(str(err))
    c = curve(which)
    x = c[x_axis]
    fig = figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": x,
                "y": c["reward"],
                "name": "Reward of the kept answer",
                "line": {"color": PALETTE[0]},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": x,
                "y": c["correctness"],
                "name": "True correctness (F1)",
                "xaxis": "x2",
                "yaxis": "y2",
                "line": {"color": PALETTE[3]},
            },
        ],
        title={"text": "Best-of-n, mean over questions"},
        grid={"rows": 2, "columns": 1, "pattern": "independent", "roworder": "top to bottom"},
        xaxis=axis("", matches="x2", showticklabels=False),
        xaxis2=axis(AXES[x_axis]),
        yaxis=axis("Reward (proxy)"),
        yaxis2=axis("Correctness (F1)"),
        height=460,
        showlegend=False,
        hovermode="x",
    )
    stats = [
        stat("Reward, n = 1 → 16", f"{c['reward'][0]:.2f} → {c['reward'][-1]:.2f}"),
        stat(
            "Correctness, n = 1 → 16",
            f"{c['correctness'][0]:.3f} → {c['correctness'][-1]:.3f}",
            id=f"{LAB}-correctness",
        ),
        stat("Length, n = 1 → 16", f"{c['words'][0]:.0f} → {c['words'][-1]:.0f} words"),
        stat("KL bound at n = 16", f"{c['kl'][-1]:.2f} nats"),
    ]
    return stats, fig, None
