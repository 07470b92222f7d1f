"""Embeddings lab: exact versus approximate nearest-neighbour search (an inverted-file
index, IVF) on the vectors of the guide's chunks: recall@10 against the work done and the
time per query, as the number of cells and cells probed change."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.config import settings
from app.core import embeddings as emb
from app.figures.embeddings import ann_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice

LAB = "embeddings_ann"
CELL_CHOICES = ["4", "8", "16", "32"]


X_AXES = {"scanned": "Share of vectors scored", "time": "Measured time per query"}


def view(n_lists, x_axis="scanned"):
    try:
        n_lists = int(parse_choice(str(n_lists), "Cells", CELL_CHOICES))
        x_axis = parse_choice(x_axis, "Chart against", list(X_AXES))
    except InputError as err:
        return field_error(str(err)), message_figure(str(err)), None
    points, exact_ms, n_vectors, n_queries = emb.chunk_search_sweep(
        str(settings.content_dir), n_lists
    )
    first_90 = next((p for p in points if p.recall_at_k >= 0.9), points[-1])
    stats = [
        stat("Vectors", f"{n_vectors:,}", hint=f"{n_queries} queries"),
        stat(
            "Probe 1 cell",
            f"recall {points[0].recall_at_k:.2f}",
            hint=f"scans {100 * points[0].scanned_share:.0f}%",
        ),
        stat(
            "Recall ≥ 0.9 at",
            f"{first_90.n_probe} of {n_lists} cells",
            hint=f"scans {100 * first_90.scanned_share:.0f}%",
        ),
        stat("Exact search", f"{exact_ms:.2f} ms", hint="per query"),
    ]
    return None, ann_figure(points, exact_ms, n_lists, x_axis), stats


def layout():
    error, fig, stats = view("8")
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        select_field(
                            f"{LAB}-cells",
                            "Cells (k-means clusters)",
                            CELL_CHOICES,
                            "8",
                            help="Each point on the chart probes one more cell.",
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        select_field(
                            f"{LAB}-x",
                            "Chart recall against",
                            [{"label": v, "value": k} for k, v in X_AXES.items()],
                            "scanned",
                            help="Time is measured on this server, so it varies with load.",
                        ),
                        xs=6,
                        md=4,
                    ),
                ],
                className="g-2",
            ),
            html.Div(error, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(
                id=f"{LAB}-chart", figure=fig, config={**GRAPH_CONFIG, "displayModeBar": False}
            ),
            formula_note(
                "recall@10 = |IVF top 10 ∩ exact top 10| / 10, averaged over the questions",
                "Jégou et al. 2011 (IVF); Indyk & Motwani 1998 (approximate NN)",
                "https://doi.org/10.1109/TPAMI.2010.57",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Exact or approximate search?",
        "The guide's chunks as dense vectors, searched with the RAG page's questions. Exact "
        "search scores every vector. An inverted-file index groups the vectors into cells "
        "with k-means and scores only the cells nearest the query: less work, some misses.",
        body,
        sources=[
            ("Jégou et al. 2011", "https://doi.org/10.1109/TPAMI.2010.57"),
            ("Indyk & Motwani 1998", "https://doi.org/10.1145/276698.276876"),
            ("FAISS (Johnson et al. 2017)", "https://arxiv.org/abs/1702.08734"),
        ],
        icon="bi-bullseye",
    )


@callback(
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-stats", "children"),
    Input(f"{LAB}-cells", "value"),
    Input(f"{LAB}-x", "value"),
    prevent_initial_call=True,
)
def update(n_lists, x_axis="scanned"):
    return view(n_lists, x_axis)
