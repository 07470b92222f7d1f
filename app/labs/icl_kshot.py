"""How many examples help? Accuracy against the number of solved examples in the prompt
on the question-answering tiny GPT, over several orderings (mean and spread), random vs
most-similar examples (TF-IDF cosine); and in-context learning next to fine-tuning on the
same held-out questions, from our own runs. Science: app.core.prompting.scoring."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card
from app.figures.inside import CONFIG, curve_figure
from app.figures.theme import PALETTE, message_figure
from app.labs.prompt_sensitivity import MODELS, load
from app.validation import InputError, parse_choice

LAB = "icl_kshot"
METRICS = {"logprob": "Answer log-probability (nats/char)", "exact": "Exact first word (%)"}


@lru_cache(maxsize=1)
def _shipped() -> dict:
    """The curves measured by `python -m app.core.prompting.measure` (k_shot.json): ~50
    scoring passes are too slow for a page load; a test checks the file against a rerun."""
    import json

    from app.core.prompting.measure import K_SHOT_PATH

    return json.loads(K_SHOT_PATH.read_text(encoding="utf-8"))


ORDERINGS = _shipped()["orderings"]


def curves(which: str) -> dict:
    return _shipped()["curves"][which]


def curve_view(which: str, metric: str) -> dict:
    data = curves(which)
    scale = 100 if metric == "exact" else 1
    series = []
    for how, colour, name in (
        ("random", PALETTE[1], "random examples"),
        ("similar", PALETTE[0], "most similar examples"),
    ):
        rows = data[how]
        series.append(
            {
                "name": name,
                "x": [r["k"] for r in rows],
                "y": [scale * r[f"{metric}_mean"] for r in rows],
                "spread": [scale * r[f"{metric}_std"] for r in rows],
                "colour": colour,
            }
        )
    fig = curve_figure(series, METRICS[metric], "Solved examples in the prompt (k)")
    fig["layout"]["xaxis"]["dtick"] = 1
    return fig


def comparison():
    """The base model with and without examples next to the fine-tuned model, on the same
    held-out questions, with the data and compute each used."""
    from app.core.prompting.finetuned import load_finetuned

    _, _, meta = load_finetuned()
    base, tuned = curves("base"), curves("finetuned")
    n_params = load("base")[0].config.n_params()
    zero, shots = base["similar"][0], base["similar"][-1]
    tuned0 = tuned["random"][0]
    tokens = meta["tokens_seen"]
    ft_flops = 6 * n_params * tokens  # 6ND (Kaplan et al. 2020): forward + backward
    visible = shots["visible_example_chars"]
    icl_flops = 2 * n_params * visible  # extra forward work per question (2N per token)
    rows = [
        (
            "Learns from",
            "nothing extra",
            f"{shots['k']} similar solved examples per prompt (≈{visible:.0f} characters fit)",
            f"{meta['train_chars']:,} characters of question-answer text, "
            f"{len(meta['train_pairs'])} pairs",
        ),
        (
            "Extra compute",
            "none",
            f"≈{icl_flops / 1e6:.0f} million operations per question (2·N per character)",
            f"≈{ft_flops / 1e12:.1f} trillion operations, once (6·N·D, D = {tokens:,})",
        ),
        ("Weights changed", "none", "none", f"{meta['n_trainable']:,} LoRA adapter weights"),
        (
            "Answer log-probability",
            f"{zero['logprob_mean']:.3f}",
            f"{shots['logprob_mean']:.3f}",
            f"{tuned0['logprob_mean']:.3f}",
        ),
        (
            "Exact first word",
            f"{100 * zero['exact_mean']:.0f}%",
            f"{100 * shots['exact_mean']:.0f}%",
            f"{100 * tuned0['exact_mean']:.0f}%",
        ),
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(""),
                html.Th("Base model"),
                html.Th(f"Base model + {shots['k']} examples"),
                html.Th("Fine-tuned (LoRA)"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr([html.Td(r[0], className="fw-semibold"), *[html.Td(c) for c in r[1:]]])
            for r in rows
        ]
    )
    return html.Div(
        [
            dbc.Table(
                [head, body], size="sm", className="small", responsive=True, id=f"{LAB}-compare"
            ),
            html.P(
                "Read this with care: every answer here is a glossary definition or a quiz "
                "explanation of this guide, and those are also in the base model's pretraining "
                "text (contamination, stage 07). The base model has seen the answers; "
                "fine-tuning on a few dozen pairs mostly teaches it to recite those pairs.",
                className="small text-muted",
            ),
        ]
    )


def layout():
    controls = dbc.Row(
        [
            dbc.Col(
                select_field(
                    f"{LAB}-model",
                    "Model",
                    [{"label": v, "value": k} for k, v in MODELS.items()],
                    "finetuned",
                ),
                md=6,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-metric",
                    "Score",
                    [{"label": v, "value": k} for k, v in METRICS.items()],
                    "logprob",
                ),
                md=6,
            ),
        ],
        className="g-2",
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            dcc.Loading(
                dcc.Graph(
                    id=f"{LAB}-chart", figure=curve_view("finetuned", "logprob"), config=CONFIG
                )
            ),
            html.P(
                f"Each point: mean over {ORDERINGS} orderings (random draws, or shuffles of the "
                "most similar set); the band is ± one standard deviation. Examples are in the "
                "fine-tuning layout, answers cut to their first words.",
                className="small text-muted",
            ),
            html.H4("In-context learning or fine-tuning?", className="h6 mt-3"),
            comparison(),
            formula_note(
                "similarity: TF-IDF cosine between questions (scikit-learn); fine-tuning compute "
                "6·N·D, in-context compute 2·N per extra prompt character",
                "Liu et al. 2021; Kaplan et al. 2020",
                "https://arxiv.org/abs/2101.06804",
            ),
        ]
    )
    return lab_card(
        LAB,
        "k-shot: examples in the prompt",
        "Put 0 to 4 solved questions before a held-out one and score the answer. Which "
        "examples, and in which order, matters as much as how many.",
        body,
        icon="bi-list-ol",
        sources=[
            ("Brown et al. 2020", "https://arxiv.org/abs/2005.14165"),
            ("Lu et al. 2021", "https://arxiv.org/abs/2104.08786"),
            ("Liu et al. 2021", "https://arxiv.org/abs/2101.06804"),
        ],
    )


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-metric", "value"),
    prevent_initial_call=True,
)
def update(which, metric):
    try:
        which = parse_choice(which, "Model", tuple(MODELS))
        metric = parse_choice(metric, "Score", tuple(METRICS))
    except InputError as err:
        return message_figure("Fix the setting above to see the curve."), field_error(str(err))
    return curve_view(which, metric), None
