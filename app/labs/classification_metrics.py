"""Evaluation lab: a confusion matrix → accuracy, precision, recall and F1, and what each
one hides."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.eval_metrics import ClassificationScores, classification_scores, what_each_hides
from app.validation import InputError, parse_number

LAB = "classification_metrics"
CELLS = (
    ("tp", "True positives", "Real positives the model flagged."),
    ("fp", "False positives", "Negatives it flagged anyway (false alarms)."),
    ("fn", "False negatives", "Real positives it missed."),
    ("tn", "True negatives", "Negatives it left alone."),
)
# A rare-positive case (1% positives): the accuracy trap in one example.
DEFAULTS = {"tp": 2, "fp": 8, "fn": 8, "tn": 982}
MAX_COUNT = 10**12


def _pct(x: float | None) -> str:
    return "undefined" if x is None else f"{100 * x:.1f}%"


def results(s: ClassificationScores) -> html.Div:
    hides = what_each_hides(s)
    rows = [
        ("Accuracy", s.accuracy, "(TP + TN) / all", hides["accuracy"]),
        ("Precision", s.precision, "TP / (TP + FP)", hides["precision"]),
        ("Recall", s.recall, "TP / (TP + FN)", hides["recall"]),
        ("F1", s.f1, "2·TP / (2·TP + FP + FN)", hides["f1"]),
    ]
    stats = html.Div(
        [
            stat(name, _pct(value), id=f"{LAB}-{name.lower()}", hint=formula)
            for name, value, formula, _ in rows
        ],
        className="stat-row my-3",
    )
    table = html.Ul(
        [html.Li([html.Strong(f"{name} hides: "), text]) for name, _, _, text in rows],
        id=f"{LAB}-hides",
        className="small mb-0",
    )
    return html.Div([stats, table])


def layout():
    inputs = dbc.Row(
        [
            dbc.Col(
                number_field(f"{LAB}-{key}", label, DEFAULTS[key], min=0, step=1, help=help),
                xs=6,
                md=3,
            )
            for key, label, help in CELLS
        ],
        className="g-2",
    )
    body = html.Div(
        [
            inputs,
            html.Div(id=f"{LAB}-error"),
            html.Div(results(classification_scores(**DEFAULTS)), id=f"{LAB}-results"),
            formula_note(
                "F1 = 2PR / (P + R), the harmonic mean of precision P and recall R",
                "Manning, Raghavan & Schütze 2008, §8.3",
                "https://nlp.stanford.edu/IR-book/html/htmledition/evaluation-of-unranked-retrieval-sets-1.html",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Classification metrics and what they hide",
        "Enter a confusion matrix: how many positives and negatives the model got right and "
        "wrong. The example is a rare class (1 in 100): accuracy looks excellent while the "
        "model finds only one positive in five.",
        body,
        icon="bi-grid-3x3",
    )


@first_view_callback(
    Output(f"{LAB}-results", "children"),
    Output(f"{LAB}-error", "children"),
    *[Input(f"{LAB}-{key}", "value") for key, *_ in CELLS],
)
def update(*raw):
    try:
        counts = {
            key: int(parse_number(value, label, minimum=0, maximum=MAX_COUNT, integer=True))
            for (key, label, _), value in zip(CELLS, raw, strict=True)
        }
        scores = classification_scores(**counts)
    except (InputError, ValueError) as err:
        return None, field_error(str(err))
    return results(scores), None
