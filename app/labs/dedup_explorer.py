"""Preprocessing lab: are two documents near duplicates? Word shingles, Jaccard similarity,
a MinHash estimate, and the LSH banding that decides (Broder 1997; MMDS ch. 3)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html, no_update

from app.components.inputs import (
    field_errors,
    invalid_flags,
    number_rule,
    share_settings,
    spec_field,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.core.data.dedup import (
    MAX_HASHES,
    candidate_pair,
    estimated_similarity,
    jaccard,
    match_probability,
    minhash_signature,
    shingles,
    threshold,
)
from app.figures.theme import GRAPH_CONFIG, PALETTE, figure, themed
from app.validation import NumberSpec, parse_fields

LAB = "dedup_explorer"
MAX_CHARS = 5_000
# Every number field, described once: its input, its parsing and its message come from here.
FIELDS = (
    NumberSpec("n", "Shingle size (words)", 5, 1, 20, True),
    NumberSpec("bands", "Bands", 14, 1, 100, True, help="FineWeb: 14 bands × 8 rows."),
    NumberSpec("rows", "Rows per band", 8, 1, 50, True),
)
NAMES = [f.name for f in FIELDS]
DOC_A = (
    "Our bakery opens at seven every morning. Fresh sourdough, croissants and rye bread "
    "are baked on site each day. Order a birthday cake at least two days ahead by phone "
    "or at the counter. We are closed on Mondays and public holidays."
)
DOC_B = (
    "Our bakery opens at seven every morning. Fresh sourdough, croissants and rye bread "
    "are baked on site each day. Order a wedding cake at least two days ahead by phone "
    "or at the counter. We are closed on Mondays and public holidays."
)


def layout():
    fig, stats, verdict, *_ = compare(DOC_A, DOC_B, *(f.default for f in FIELDS))
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Document A", html_for=f"{LAB}-a", className="small"),
                            dbc.Textarea(
                                id=f"{LAB}-a",
                                value=DOC_A,
                                rows=5,
                                maxLength=MAX_CHARS,
                                debounce=True,
                                className="small",
                            ),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Document B", html_for=f"{LAB}-b", className="small"),
                            dbc.Textarea(
                                id=f"{LAB}-b",
                                value=DOC_B,
                                rows=5,
                                maxLength=MAX_CHARS,
                                debounce=True,
                                className="small",
                            ),
                        ],
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Row(
                [
                    dbc.Col(spec_field(LAB, f), xs=12 if i == 0 else 6, md=4)
                    for i, f in enumerate(FIELDS)
                ],
                className="g-2 mt-1",
            ),
            html.Div(id=f"{LAB}-error"),
            html.Div(verdict, id=f"{LAB}-verdict", className="mt-2"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(
                id=f"{LAB}-chart", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            formula_note(
                "Jaccard = |A ∩ B| / |A ∪ B|; P(candidate) = 1 − (1 − s^rows)^bands",
                "Leskovec, Rajaraman & Ullman, Mining of Massive Datasets §3.4",
                "http://www.mmds.org/",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Near-duplicate detector",
        "Edit the two documents. MinHash turns each into a short signature; documents whose "
        "signatures match in any band are flagged as near duplicates. Change one word, or a "
        "whole sentence, and watch the similarity and the verdict.",
        body,
        icon="bi-intersect",
        updates="fields",
    )


def s_curve(bands: int, rows: int, similarity: float, caught: bool) -> dict:
    xs = [i / 100 for i in range(101)]
    traces = [
        {
            "type": "scatter",
            "x": xs,
            "y": [match_probability(x, bands, rows) for x in xs],
            "mode": "lines",
            "name": "chance of being flagged",
            "line": {"color": PALETTE[0], "width": 3},
            "hovertemplate": "similarity %{x:.2f}: flagged %{y:.1%}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [similarity],
            "y": [match_probability(similarity, bands, rows)],
            "mode": "markers",
            "name": "these two documents",
            "marker": {
                "size": 14,
                "symbol": "star",
                "color": PALETTE[3] if caught else PALETTE[1],
                "line": {"color": "#212529", "width": 1},
            },
            "hovertemplate": "these documents: similarity %{x:.2f}<extra></extra>",
        },
    ]
    fig = figure(
        traces,
        xaxis={"title": {"text": "Jaccard similarity"}, "range": [0, 1]},
        yaxis={
            "title": {"text": "Chance of being flagged"},
            "tickformat": ".0%",
            "range": [0, 1.05],
        },
        legend={"y": -0.3, "yanchor": "top"},
        margin={"b": 100},
    )
    return themed(fig, title=f"The S-curve of {bands} bands × {rows} rows", height=340)


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-verdict", "children"),
    Output(f"{LAB}-error", "children"),
    *(Output(f"{LAB}-{name}", "invalid") for name in NAMES),
    Input(f"{LAB}-a", "value"),
    Input(f"{LAB}-b", "value"),
    Input(f"{LAB}-n", "value"),
    Input(f"{LAB}-bands", "value"),
    Input(f"{LAB}-rows", "value"),
    prevent_initial_call=True,  # the layout already shows the two sample documents
)
def compare(doc_a, doc_b, n, bands, rows):
    """A bad input names every bad field and marks it, and keeps the last good result."""
    values, errors = parse_fields(FIELDS, {"n": n, "bands": bands, "rows": rows})
    both = "bands" not in errors and "rows" not in errors
    if both and values["bands"] * values["rows"] > MAX_HASHES:
        message = f"Bands × rows must be at most {MAX_HASHES:,} hashes."
        errors["bands"] = errors["rows"] = message
    texts = [t if isinstance(t, str) else "" for t in (doc_a, doc_b)]
    if not all(t.strip() for t in texts):
        errors["text"] = "Both documents need some text."
    elif any(len(t) > MAX_CHARS for t in texts):
        errors["text"] = f"Keep each document under {MAX_CHARS:,} characters."
    if errors:
        return no_update, no_update, no_update, field_errors(errors), *invalid_flags(NAMES, errors)
    n, bands, rows = values["n"], values["bands"], values["rows"]
    sa, sb = shingles(texts[0], n), shingles(texts[1], n)
    sig_a = minhash_signature(sa, bands * rows)
    sig_b = minhash_signature(sb, bands * rows)
    true_sim = jaccard(sa, sb)
    caught = candidate_pair(sig_a, sig_b, bands, rows)
    verdict = dbc.Alert(
        "Flagged as near duplicates: one copy would be removed."
        if caught
        else "Not flagged: both documents are kept.",
        color="danger" if caught else "success",
        className="py-2 small mb-0",
        id=f"{LAB}-verdict-text",
    )
    stats = [
        stat("Shingles", f"{len(sa):,} / {len(sb):,}", hint="in A / in B"),
        stat(
            "Jaccard similarity",
            f"{true_sim:.2f}",
            id=f"{LAB}-jaccard",
            hint=f"{len(sa & sb)} shared of {len(sa | sb)}",
        ),
        stat(
            "MinHash estimate",
            f"{estimated_similarity(sig_a, sig_b):.2f}",
            hint=f"from {bands * rows} {'hash' if bands * rows == 1 else 'hashes'}",
        ),
        stat(
            "Chance of flagging",
            f"{100 * match_probability(true_sim, bands, rows):.1f}%",
            hint=f"threshold ≈ {threshold(bands, rows):.2f}",
        ),
    ]
    return s_curve(bands, rows, true_sim, caught), stats, verdict, None, *invalid_flags(NAMES, {})


share_settings(LAB, [number_rule(LAB, f) for f in FIELDS])
