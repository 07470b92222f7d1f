"""Bias in word vectors: WEAT on Word2Vec vectors trained on a corpus with skewed
pronoun–occupation pairs, before and after counterfactual data augmentation."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.bias.weat import FEMALE, MALE, X_OCCUPATIONS, Y_OCCUPATIONS, occupation_bias
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice

LAB = "bias_weat"
SKEWS = {"0.5": "50% (balanced)", "0.7": "70%", "0.85": "85%", "1.0": "100%"}


def layout():
    controls = dbc.Row(
        dbc.Col(
            select_field(
                f"{LAB}-skew",
                "How often an occupation appears with its 'usual' pronoun",
                [{"label": v, "value": k} for k, v in SKEWS.items()],
                "0.85",
                help=f"{', '.join(X_OCCUPATIONS[:3])}… with he/him; "
                f"{', '.join(Y_OCCUPATIONS[:3])}… with she/her.",
            ),
            xs=12,
            md=8,
        )
    )
    stats, fig, err = update("0.85")
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            dcc.Loading(
                [
                    html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
                    dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
                ],
                delay_show=300,
            ),
            formula_note(
                "s(w) = mean cos(w, A) − mean cos(w, B);  d = (mean s(X) − mean s(Y)) / std s(X∪Y)",
                "Caliskan et al. 2017",
                "https://doi.org/10.1126/science.aal4230",
            ),
            html.P(
                f"A = {', '.join(MALE)}; B = {', '.join(FEMALE)}. Vectors: gensim Word2Vec "
                "(skip-gram, 32 dimensions, seeded, one worker) on 3,000 generated sentences. "
                "p: share of all equal splits of the 12 occupations whose statistic is larger.",
                className="small text-muted mt-2",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Bias in word vectors, and one way to reduce it",
        "Train word vectors on text where occupations come with skewed pronouns, measure the "
        "association with WEAT, then add a gender-swapped copy of every sentence "
        "(counterfactual data augmentation) and measure again.",
        body,
        icon="bi-diagram-3",
        sources=[
            ("Caliskan et al. 2017", "https://doi.org/10.1126/science.aal4230"),
            ("Lu et al. 2018 (CDA)", "https://arxiv.org/abs/1807.11714"),
        ],
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-skew", "value"),
)
def update(skew):
    try:
        skew = float(parse_choice(skew, "Skew", list(SKEWS)))
    except InputError as err:
        return None, message_figure("Choose a skew above."), field_error(str(err))
    before, s_before = occupation_bias(skew, False)
    after, s_after = occupation_bias(skew, True)
    words = list(s_before)
    # WEAT compares associations, so show each word's relative to the average occupation
    mean_before = sum(s_before.values()) / len(s_before)
    mean_after = sum(s_after.values()) / len(s_after)
    fig = figure(
        [
            {
                "type": "bar",
                "name": "Trained on the skewed text",
                "x": words,
                "y": [s_before[w] - mean_before for w in words],
                "marker": {"color": PALETTE[1]},
            },
            {
                "type": "bar",
                "name": "After augmentation (CDA)",
                "x": words,
                "y": [s_after[w] - mean_after for w in words],
                "marker": {"color": PALETTE[0]},
            },
        ],
        title={"text": "Nearer he-words (+) or she-words (−)"},
        yaxis=axis("s(w) − mean over occupations"),
        barmode="group",
        height=380,
    )

    def p(r):
        return "< 0.001" if r.p_value < 0.001 else f"{r.p_value:.3f}"

    stats = [
        stat(
            "Effect size before",
            f"{before.effect_size:.2f}",
            id=f"{LAB}-before",
            hint=f"p = {p(before)}",
        ),
        stat(
            "Effect size after CDA",
            f"{after.effect_size:.2f}",
            id=f"{LAB}-after",
            hint=f"p = {p(after)}",
        ),
    ]
    return stats, fig, None
