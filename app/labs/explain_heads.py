"""Head ablation and linear probes on the tiny GPT: the change in validation loss when each
head is switched off (a heat map), and per-layer probes for three properties, each next to
its Hewitt & Liang control task. Science: app.core.interpret (inspect, probes)."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.config import settings
from app.core.interpret import inspect, probes
from app.figures.inside import CONFIG, grouped_bars_figure, heatmap_figure
from app.figures.theme import PALETTE, message_figure
from app.services.jobs import clean_learner_id
from app.services.tinygpt.models import PRETRAINED, by_key, resolve
from app.validation import InputError, parse_choice

LAB = "explain_heads"
ABLATION_WINDOWS = 16  # evenly spaced 128-character windows of the validation text


@lru_cache(maxsize=1)
def _val_text() -> str:
    from app.core.tinylm import load_corpus

    return load_corpus(settings.content_dir)[1]


@lru_cache(maxsize=8)
def ablation(key: str):
    loaded = by_key(key)  # resolved for its owner by `update` just before
    model = loaded.model
    x, y = inspect.windows(
        loaded.tokenizer.encode(_val_text()), model.config.seq_len, ABLATION_WINDOWS
    )
    return inspect.head_ablation(model, x, y)


@lru_cache(maxsize=8)
def probe_results(key: str) -> dict:
    loaded = by_key(key)
    return probes.probe_all(loaded.model, loaded.tokenizer, _val_text())


def ablation_figure(key: str) -> dict:
    base, delta = ablation(key)
    layers, heads = delta.shape
    fig = heatmap_figure(
        delta.tolist(),
        [f"head {h + 1}" for h in range(heads)],
        [f"layer {i + 1}" for i in range(layers)],
        x_title="",
        y_title="",
        colorscale="Reds",
        text=[[f"{v:+.3f}" for v in row] for row in delta],
        hover="%{z:+.3f} nats",
        height=120 + 60 * layers,
    )
    fig["data"][0]["zmin"] = 0
    return fig, base


def probe_figure(key: str, task: str) -> dict:
    r = probe_results(key)[task]
    groups = ["embeddings"] + [f"block {i}" for i in range(1, len(r["accuracy"]))]
    return grouped_bars_figure(
        groups,
        [
            {"name": "property", "values": r["accuracy"], "colour": PALETTE[0]},
            {"name": "control task", "values": r["control"], "colour": PALETTE[1]},
            {
                "name": "always the commonest label",
                "values": [r["majority"]] * len(groups),
                "line": True,
            },
        ],
        "held-out accuracy",
        y_range=[0, 1.02],
    )


def probe_summary(key: str, task: str):
    r = probe_results(key)[task]
    sel = [a - c for a, c in zip(r["accuracy"], r["control"], strict=True)]
    best = max(range(len(sel)), key=lambda i: r["accuracy"][i])
    where = "the embeddings" if best == 0 else f"block {best}"
    gain = r["accuracy"][best] - r["majority"]
    parts = [
        f"Best probe: {100 * r['accuracy'][best]:.0f}% after {where}, "
        f"{100 * gain:+.0f} points over always guessing the commonest label "
        f"({100 * r['majority']:.0f}%). Selectivity (property − control) per layer: "
        + ", ".join(f"{100 * s:+.0f}" for s in sel)
        + " points. "
    ]
    parts.append(
        "The control's random labels depend only on the current character, which every "
        "layer carries. A selectivity near zero or below means the probe may just be "
        "reading the character; only a clearly positive one shows the layer holds the "
        "property beyond the character's identity."
    )
    return html.P(parts, className="small", id=f"{LAB}-selectivity")


def layout():
    abl_fig, base = ablation_figure(PRETRAINED)
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(tiny_model_select(f"{LAB}-model"), md=6),
                    dbc.Col(
                        select_field(
                            f"{LAB}-task",
                            "Probe for",
                            [{"label": v, "value": k} for k, v in probes.TASKS.items()],
                            "next_space",
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(id=f"{LAB}-note"),
            html.H4("Switch one head off", className="h6 mt-2"),
            html.P(
                f"Rise in validation loss (nats per character) over {base:.3f} with every head on.",
                className="small text-muted",
                id=f"{LAB}-base",
            ),
            dcc.Graph(id=f"{LAB}-ablation", figure=abl_fig, config=CONFIG),
            html.H4("Probe each layer", className="h6 mt-2"),
            dcc.Loading(
                dcc.Graph(
                    id=f"{LAB}-probes", figure=probe_figure(PRETRAINED, "next_space"), config=CONFIG
                )
            ),
            html.Div(probe_summary(PRETRAINED, "next_space"), id=f"{LAB}-summary"),
            formula_note(
                "ablation: a head's output set to 0 before the output projection, loss on "
                f"{ABLATION_WINDOWS} validation windows; probe: linear classifier (ridge) on the "
                "residual stream, trained on 70% of the validation text, scored on the rest",
                "Michel et al. 2019; Hewitt & Liang 2019",
                "https://arxiv.org/abs/1909.03368",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Switch heads off, probe the layers",
        "Which heads does the model need? And what can a simple classifier read from each "
        "layer, compared with a **control task** it could only learn by memorising?",
        body,
        icon="bi-toggles",
        sources=[
            ("Michel et al. 2019", "https://arxiv.org/abs/1905.10650"),
            ("Hewitt & Liang 2019", "https://arxiv.org/abs/1909.03368"),
        ],
    )


@callback(
    Output(f"{LAB}-ablation", "figure"),
    Output(f"{LAB}-base", "children"),
    Output(f"{LAB}-probes", "figure"),
    Output(f"{LAB}-summary", "children"),
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-task", "value"),
    State(f"{LAB}-model-learner", "data"),
    prevent_initial_call=True,
)
def update(model, task, learner=None):
    """Ablation and probes of the chosen model: this learner's own run, or the shipped one."""
    try:
        task = parse_choice(task, "Probe", tuple(probes.TASKS))
    except InputError as err:
        blank = message_figure("Choose a property from the list.")
        return blank, None, blank, None, None, field_error(str(err))
    loaded = resolve(model, clean_learner_id(learner))
    abl_fig, base = ablation_figure(loaded.key)
    note = html.Div(loaded.note, className="small text-muted") if loaded.note else None
    return (
        abl_fig,
        f"Rise in validation loss (nats per character) over {base:.3f} with every head on.",
        probe_figure(loaded.key, task),
        probe_summary(loaded.key, task),
        note,
        None,
    )


fill_models = follow_trained_runs(f"{LAB}-model")
