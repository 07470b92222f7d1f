"""Charts of the embeddings labs: 2-D maps of word and character vectors, and recall
against work for approximate nearest-neighbour search."""

from __future__ import annotations

from app.figures.dicts import figure, safe
from app.figures.theme import PALETTE

KIND_COLOURS = {
    "vowel": PALETTE[3],
    "consonant": PALETTE[0],
    "digit": PALETTE[2],
    "punctuation and symbols": PALETTE[4],
    "space": PALETTE[7],
}


def word_map_figure(words, xy, ratio) -> dict:
    labels = [safe(w) for w in words]
    trace = {
        "type": "scatter",
        "mode": "markers+text",
        "x": [float(p[0]) for p in xy],
        "y": [float(p[1]) for p in xy],
        "text": labels,
        "textposition": "top center",
        "marker": {"size": 10, "color": PALETTE[0]},
        "hovertemplate": "%{text}<extra></extra>",
    }
    return figure(
        [trace],
        {
            "title": {"text": "Your words, projected to 2-D (PCA)"},
            "xaxis": {"title": {"text": f"PC 1 ({100 * ratio[0]:.0f}% of the spread)"}},
            "yaxis": {"title": {"text": f"PC 2 ({100 * ratio[1]:.0f}%)"}},
            "showlegend": False,
        },
        height=380,
    )


def char_map_figure(chars, xy, ratio, kind_of) -> dict:
    data = []
    for kind, colour in KIND_COLOURS.items():
        idx = [i for i, c in enumerate(chars) if kind_of(c) == kind]
        if not idx:
            continue
        shown = [safe(repr(chars[i])[1:-1] if chars[i].isspace() else chars[i]) for i in idx]
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": kind,
                "x": [float(xy[i][0]) for i in idx],
                "y": [float(xy[i][1]) for i in idx],
                "text": shown,
                "textposition": "middle right",
                "textfont": {"size": 11, "color": colour},
                "marker": {"size": 8, "color": colour},
                "hovertemplate": "'%{text}'<extra>" + kind + "</extra>",
            }
        )
    return figure(
        data,
        {
            "title": {"text": "The tiny GPT's character embeddings (PCA)"},
            "xaxis": {"title": {"text": f"PC 1 ({100 * ratio[0]:.0f}%)"}},
            "yaxis": {"title": {"text": f"PC 2 ({100 * ratio[1]:.0f}%)"}},
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "margin": {"t": 90},
        },
        height=460,
    )


def ann_figure(points, exact_ms: float, n_lists: int, x_axis: str = "scanned") -> dict:
    """Recall@10 of IVF for each number of probed cells, against the share of vectors scored
    (`x_axis` "scanned") or the measured time per query ("time"); exact search as a star."""
    if x_axis == "time":
        xs = [p.ms_per_query for p in points]
        exact_x, x_title, x_range = exact_ms, "Time per query (ms, measured here)", None
    else:
        xs = [100 * p.scanned_share for p in points]
        exact_x, x_title, x_range = 100, "Vectors scored per query (%)", [0, 105]
    recall = [p.recall_at_k for p in points]
    text = [f"probe {p.n_probe}" for p in points]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"IVF, {n_lists} cells",
            "x": xs,
            "y": recall,
            "text": text,
            "customdata": [round(p.ms_per_query, 3) for p in points],
            "marker": {"size": 8, "color": PALETTE[0]},
            "hovertemplate": "%{text}: recall@10 %{y:.2f}, %{customdata} ms per query"
            "<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"Exact ({exact_ms:.2f} ms per query)",
            "x": [exact_x],
            "y": [1],
            "marker": {"size": 12, "symbol": "star", "color": PALETTE[3]},
            "hovertemplate": "exact search: every vector, recall 1<extra></extra>",
        },
    ]
    return figure(
        data,
        {
            "title": {"text": "Recall@10 against work done"},
            "legend": {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
            "margin": {"b": 110},
            "xaxis": {"title": {"text": x_title}, "range": x_range, "rangemode": "tozero"},
            "yaxis": {"title": {"text": "Recall@10 (vs exact)"}, "range": [0, 1.05]},
        },
        height=400,
    )
