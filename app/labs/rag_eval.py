"""RAG lab: measured retrieval quality on the shipped questions (recall@k, MRR, nDCG per
retriever and chunk size), and how the answer threshold trades wrong answers for
abstentions."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.config import settings
from app.core.retrieval.answer import cached_outcomes, threshold_tradeoff
from app.core.retrieval.evaluate import KS, evaluation_table, load_questions
from app.core.retrieval.index import RETRIEVER_NAMES, RETRIEVERS
from app.figures.retrieval import METRIC_LABELS, quality_figure, tradeoff_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "rag_eval"
TRADEOFF_CHUNK_SIZE = 120
THRESHOLDS = [round(0.02 * i, 2) for i in range(31)]  # 0 … 0.6


def quality_view(metric, k):
    try:
        metric = parse_choice(metric, "Metric", list(METRIC_LABELS))
        k = int(parse_choice(str(k), "k", [str(x) for x in KS]))
    except InputError as err:
        return field_error(str(err)), message_figure(str(err))
    return None, quality_figure(evaluation_table(str(settings.content_dir)), metric, k)


def tradeoff_view(retriever, threshold):
    try:
        retriever = parse_choice(retriever, "Retriever", RETRIEVERS)
        threshold = float(parse_number(threshold, "Threshold", minimum=0, maximum=1))
    except InputError as err:
        return field_error(str(err)), message_figure(str(err)), None
    results = cached_outcomes(str(settings.content_dir), TRADEOFF_CHUNK_SIZE, retriever)
    curve = threshold_tradeoff(list(results), THRESHOLDS)
    here = threshold_tradeoff(list(results), [threshold])
    stats = [
        stat("Right answers", f"{100 * here.right[0]:.0f}%"),
        stat("Wrong answers", f"{100 * here.wrong[0]:.0f}%"),
        stat("Abstained (could answer)", f"{100 * here.abstained_wrongly[0]:.0f}%"),
        stat("Abstained rightly", f"{100 * here.abstained_rightly[0]:.0f}%"),
    ]
    return None, tradeoff_figure(curve, threshold), stats


def layout():
    questions = load_questions(str(settings.content_dir))
    n_in = sum(1 for q in questions if q.key)
    q_error, q_fig = quality_view("recall", 5)
    t_error, t_fig, t_stats = tradeoff_view("hybrid", 0.2)
    graph = {**GRAPH_CONFIG, "displayModeBar": False}
    body = html.Div(
        [
            html.H4("Which retriever finds the right section?", className="h6"),
            dbc.Row(
                [
                    dbc.Col(
                        select_field(
                            f"{LAB}-metric",
                            "Metric",
                            [{"label": v, "value": k} for k, v in METRIC_LABELS.items()],
                            "recall",
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        select_field(f"{LAB}-k", "k", [str(k) for k in KS], "5"),
                        xs=6,
                        md=4,
                    ),
                ],
                className="g-2",
            ),
            html.Div(q_error, id=f"{LAB}-quality-error"),
            dcc.Graph(id=f"{LAB}-quality", figure=q_fig, config=graph),
            formula_note(
                "recall@k = share of relevant sections in the top k; MRR = mean 1/rank; "
                "nDCG@k = Σ rel_i / log2(i + 1) ÷ ideal",
                "Järvelin & Kekäläinen 2002",
                "https://doi.org/10.1145/582415.582418",
            ),
            html.H4("When should it say “not in the guide”?", className="h6 mt-4"),
            dbc.Row(
                [
                    dbc.Col(
                        select_field(
                            f"{LAB}-retriever",
                            "Retriever",
                            [{"label": RETRIEVER_NAMES[r], "value": r} for r in RETRIEVERS],
                            "hybrid",
                        ),
                        xs=12,
                        md=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Threshold", html_for=f"{LAB}-threshold", className="small"),
                            dcc.Slider(
                                id=f"{LAB}-threshold",
                                min=0,
                                max=0.6,
                                step=0.02,
                                value=0.2,
                                marks={v / 10: f"{v / 10:.1f}" for v in range(0, 7)},
                                tooltip={"placement": "bottom"},
                            ),
                        ],
                        xs=12,
                        md=8,
                    ),
                ],
                className="g-2",
            ),
            html.Div(t_error, id=f"{LAB}-tradeoff-error"),
            html.Div(t_stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-tradeoff", figure=t_fig, config=graph),
        ]
    )
    return lab_card(
        LAB,
        "Measure the retriever",
        f"{n_in} questions about this guide, each labelled with the section that answers it, "
        f"and {len(questions) - n_in} it does not answer. Compare retrievers and chunk sizes, "
        f"then move the answer threshold (chunks of {TRADEOFF_CHUNK_SIZE} words). A wrong "
        "answer quotes the wrong section, or answers a question the guide does not cover.",
        body,
        sources=[
            ("nDCG (Järvelin & Kekäläinen 2002)", "https://doi.org/10.1145/582415.582418"),
            (
                "MRR (Voorhees 1999, TREC-8 QA)",
                "https://trec.nist.gov/pubs/trec8/papers/qa_report.pdf",
            ),
        ],
        icon="bi-bar-chart",
    )


@callback(
    Output(f"{LAB}-quality-error", "children"),
    Output(f"{LAB}-quality", "figure"),
    Input(f"{LAB}-metric", "value"),
    Input(f"{LAB}-k", "value"),
    prevent_initial_call=True,
)
def update_quality(metric, k):
    return quality_view(metric, k)


@callback(
    Output(f"{LAB}-tradeoff-error", "children"),
    Output(f"{LAB}-tradeoff", "figure"),
    Output(f"{LAB}-stats", "children"),
    Input(f"{LAB}-retriever", "value"),
    Input(f"{LAB}-threshold", "value"),
    prevent_initial_call=True,
)
def update_tradeoff(retriever, threshold):
    return tradeoff_view(retriever, threshold)
