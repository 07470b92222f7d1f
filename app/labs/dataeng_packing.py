"""Packing vs padding: the tokenized corpus's length histogram for a chosen sequence length,
the waste of padding, what truncation cuts, and packing with document-boundary masks."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.dataeng.packing import (
    TOKENIZER_VOCAB,
    boundary_mask,
    corpus_token_lengths,
    packed_row_documents,
    packing_stats,
    padding_stats,
)
from app.figures.plain import MUTED, PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice

LAB = "dataeng_packing"
SEQ_LENS = ["128", "256", "512", "1024", "2048"]
MASK_SIZE = 48  # positions of the mask shown (a 2,048 × 2,048 grid is unreadable)


@lru_cache(maxsize=1)
def lengths() -> np.ndarray:
    return corpus_token_lengths()


def mask_window(lengths, seq_len: int) -> np.ndarray:
    """Document ids of MASK_SIZE positions of the first packed row, centred on the first
    place where one page ends and the next begins (so the mask shows a boundary)."""
    row = packed_row_documents(lengths, seq_len, row=0)
    change = np.flatnonzero(np.diff(row))
    start = int(change[0]) + 1 - MASK_SIZE // 2 if change.size else 0
    start = min(max(start, 0), max(len(row) - MASK_SIZE, 0))
    return row[start : start + MASK_SIZE]


def layout():
    controls = dbc.Row(
        dbc.Col(
            select_field(f"{LAB}-seq", "Sequence length (tokens)", SEQ_LENS, "256"), xs=12, md=4
        )
    )
    stats, hist, mask, err = update("256")
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id=f"{LAB}-hist", figure=hist, config=GRAPH_CONFIG), lg=7),
                    dbc.Col(dcc.Graph(id=f"{LAB}-mask", figure=mask, config=GRAPH_CONFIG), lg=5),
                ],
                className="g-2",
            ),
            formula_note(
                "padding waste = 1 − Σ min(len, T) / (documents × T);  "
                "packed rows = ⌈Σ (len + 1) / T⌉",
                "Krell et al. 2021 (packing without cross-contamination)",
                "https://arxiv.org/abs/2107.02027",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Packing vs padding",
        f"The {len(lengths()):,} good pages of stage 03's crawl, tokenized with stage 03's "
        f"byte-level BPE ({TOKENIZER_VOCAB:,} tokens). Choose the training sequence length "
        "and compare one page per row (padding) with pages packed end to end.",
        body,
        icon="bi-box-seam",
        sources=[
            ("Krell et al. 2021", "https://arxiv.org/abs/2107.02027"),
            ("Llama 3 paper §3.2", "https://arxiv.org/abs/2407.21783"),
        ],
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-hist", "figure"),
    Output(f"{LAB}-mask", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-seq", "value"),
)
def update(seq):
    try:
        t = int(parse_choice(seq, "Sequence length", SEQ_LENS))
    except InputError as err:
        blank = message_figure("Choose a sequence length.")
        return None, blank, blank, field_error(str(err))
    L = lengths()
    pad, pack = padding_stats(L, t), packing_stats(L, t)
    hist = figure(
        [
            {
                "type": "histogram",
                "x": L.tolist(),
                "nbinsx": 40,
                "name": "Pages",
                "marker": {"color": PALETTE[0]},
            }
        ],
        title={"text": "Tokens per page"},
        xaxis=axis("Tokens"),
        yaxis=axis("Pages"),
        shapes=[
            {
                "type": "line",
                "x0": t,
                "x1": t,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": PALETTE[3], "dash": "dash"},
            }
        ],
        annotations=[
            {
                "x": t,
                "y": 1,
                "yref": "paper",
                "text": f"T = {t}",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"color": PALETTE[3]},
            }
        ],
        height=340,
    )
    docs = mask_window(L, t)
    m = boundary_mask(docs).astype(int)
    causal = np.tril(np.ones_like(m))
    z = (m + causal).tolist()  # 2: allowed; 1: causal but another page; 0: future
    mask = figure(
        [
            {
                "type": "heatmap",
                "z": z,
                "showscale": False,
                "zmin": 0,
                "zmax": 2,
                "colorscale": [[0, "#ffffff"], [0.5, "#f3c1a8"], [1, PALETTE[0]]],
                "hovertemplate": "query %{y}, key %{x}<extra></extra>",
            }
        ],
        title={"text": "Mask around a page end"},
        xaxis=axis("Attends to position"),
        yaxis=axis("Position", autorange="reversed"),
        height=340,
        annotations=[
            {
                "text": "blue: allowed · orange: blocked (another page)",
                "x": 0,
                "y": -0.2,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 11, "color": MUTED},
                "xanchor": "left",
            }
        ],
    )
    stats = [
        stat("Padding: rows", f"{pad.rows:,}"),
        stat(
            "Padding waste",
            f"{pad.pad_share:.0%}",
            id=f"{LAB}-waste",
            hint="of compute spent on pad tokens",
        ),
        stat("Truncated", f"{pad.truncated_share:.1%}", hint="of tokens cut off"),
        stat(
            "Packing: rows",
            f"{pack.rows:,}",
            id=f"{LAB}-rows",
            hint=f"{pack.split_documents:,} pages cross a row edge",
        ),
        stat("Packing waste", f"{pack.pad_share:.2%}"),
    ]
    return stats, hist, mask, None
