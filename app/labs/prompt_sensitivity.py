"""Format sensitivity, measured: the question-answering tiny GPT (stage 06's task) scored on
its held-out questions under seven prompt layouts and 0–4 solved examples: answer
log-probability and exact first word, each with a 95% interval. The science is
app.core.prompting.scoring."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card
from app.figures.inside import CONFIG, template_scores_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "prompt_sensitivity"
MODELS = {
    "finetuned": "Fine-tuned on the questions (LoRA, stage 06 task)",
    "base": "Shipped base model (not fine-tuned)",
}
METRICS = {"logprob": "Answer log-probability", "exact": "Exact first word"}


def load(which: str):
    """(model, tokenizer, held-out pairs, example pool) for a model choice."""
    from app.core.prompting.finetuned import load_finetuned
    from app.core.tinylm import load_pretrained

    tuned, tokenizer, meta = load_finetuned()
    model = tuned if which == "finetuned" else load_pretrained()[0]
    return model, tokenizer, meta["held_out"], meta["train_pairs"]


@lru_cache(maxsize=16)
def table(which: str, k: int) -> tuple[dict, ...]:
    """One row per template (cached per model and k; ~0.3 s the first time)."""
    from app.core.prompting.scoring import TEMPLATES, examples_for, score

    model, tokenizer, held, pool = load(which)
    examples = examples_for(pool, held, k, "random", seed=0) if k else None
    rows = []
    for name, (label, template) in TEMPLATES.items():
        s = score(model, tokenizer, held, template, examples)
        lo, hi = s.exact_interval
        rows.append(
            {
                "name": name,
                "label": label,
                "trained": name == "trained",
                "logprob": s.mean_logprob,
                "logprob_half": s.logprob_half_width,
                "exact": s.exact_rate,
                "exact_lo": lo,
                "exact_hi": hi,
                "n": s.total,
                "visible": s.visible_example_chars,
                "window": model.config.seq_len,
            }
        )
    return tuple(rows)


def parse(which, k, metric) -> tuple[str, int, str]:
    which = parse_choice(which, "Model", tuple(MODELS))
    k = int(parse_number(k, "Examples", minimum=0, maximum=4, integer=True))
    metric = parse_choice(metric, "Score", tuple(METRICS))
    return which, k, metric


def view(which: str, k: int, metric: str):
    rows = list(table(which, k))
    best = max(rows, key=lambda r: r["logprob"])
    worst = min(rows, key=lambda r: r["logprob"])
    spread = best["logprob"] - worst["logprob"]
    em = [100 * r["exact"] for r in rows]
    summary = html.P(
        [
            f"{rows[0]['n']} held-out questions. Wording alone moves the answer "
            f"log-probability by {spread:.2f} nats per character (best: “{best['label']}”, "
            f"worst: “{worst['label']}”) and the exact first word from {min(em):.0f}% to "
            f"{max(em):.0f}%. ",
            "Where the intervals overlap, these questions cannot tell the layouts apart."
            if k == 0
            else f"The examples leave about {rows[0]['visible']:.0f} of their characters "
            f"inside the model's {rows[0]['window']}-character window; the rest is cut off.",
        ],
        className="small",
        id=f"{LAB}-summary",
    )
    return template_scores_figure(rows, metric), summary


def layout():
    fig, summary = view("finetuned", 0, "logprob")
    controls = dbc.Row(
        [
            dbc.Col(
                select_field(
                    f"{LAB}-model",
                    "Model",
                    [{"label": v, "value": k} for k, v in MODELS.items()],
                    "finetuned",
                ),
                md=5,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-k",
                    "Solved examples before the question",
                    [str(i) for i in range(5)],
                    "0",
                ),
                xs=6,
                md=3,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-metric",
                    "Score",
                    [{"label": v, "value": k} for k, v in METRICS.items()],
                    "logprob",
                ),
                xs=6,
                md=4,
            ),
        ],
        className="g-2",
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            dcc.Loading(dcc.Graph(id=f"{LAB}-chart", figure=fig, config=CONFIG)),
            html.Div(summary, id=f"{LAB}-summary-box"),
            formula_note(
                "log-prob = mean over questions of (1/40)·Σ log p(answer char | prompt, earlier "
                "chars), first 40 answer characters, ± 1.96·s/√n; exact = greedy decoding "
                "writes the answer's first word, Wilson 95% interval",
                "Sclar et al. 2023, prompt-format sensitivity",
                "https://arxiv.org/abs/2310.11324",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Same question, different wording",
        "The tiny GPT fine-tuned on this guide's questions (stage 06) answers questions it "
        "never trained on. Only the prompt's layout changes; the orange dot is the layout it "
        "was fine-tuned on. (The answers are also in the base model's pretraining text, so "
        "the base model is a strong rival here: contamination, stage 07.)",
        body,
        icon="bi-bar-chart-steps",
        sources=[("Sclar et al. 2023", "https://arxiv.org/abs/2310.11324")],
    )


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-summary-box", "children"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-model", "value"),
    Input(f"{LAB}-k", "value"),
    Input(f"{LAB}-metric", "value"),
    prevent_initial_call=True,
)
def update(which, k, metric):
    from app.figures.theme import message_figure

    try:
        which, k, metric = parse(which, k, metric)
    except InputError as err:
        return (
            message_figure("Fix the setting above to see the scores."),
            None,
            field_error(str(err)),
        )
    fig, summary = view(which, k, metric)
    return fig, summary, None
