"""Charts of the RAG labs: retrieval quality per retriever and chunk size, and the
answer threshold's trade-off between wrong answers and abstentions."""

from __future__ import annotations

from app.figures.dicts import figure
from app.figures.theme import MUTED, PALETTE

METRIC_LABELS = {"recall": "Recall@k", "mrr": "MRR", "ndcg": "nDCG@k"}
RETRIEVER_LABELS = {"bm25": "BM25", "dense": "Dense (TF-IDF + SVD)", "hybrid": "Hybrid (RRF)"}


def quality_figure(table, metric: str, k: int) -> dict:
    """Grouped bars: one group per chunk size, one bar per retriever."""
    sizes = sorted({s.chunk_size for s in table})
    data = []
    for i, retriever in enumerate(RETRIEVER_LABELS):
        ys = []
        for size in sizes:
            s = next(x for x in table if x.retriever == retriever and x.chunk_size == size)
            ys.append({"recall": s.recall.get(k), "mrr": s.mrr, "ndcg": s.ndcg.get(k)}[metric])
        data.append(
            {
                "type": "bar",
                "name": RETRIEVER_LABELS[retriever],
                "x": [f"{size} words" for size in sizes],
                "y": ys,
                "marker": {"color": PALETTE[i]},
                "text": [f"{y:.2f}" for y in ys],
                "textposition": "outside",
                "textfont": {"size": 10},
                "cliponaxis": False,
                "hovertemplate": "%{x}: %{y:.3f}<extra>" + RETRIEVER_LABELS[retriever] + "</extra>",
            }
        )
    name = METRIC_LABELS[metric].replace("k", str(k)) if metric != "mrr" else "MRR"
    n = table[0].n_questions if table else 0
    return figure(
        data,
        {
            "barmode": "group",
            "title": {"text": f"{name}, {n} questions"},
            "yaxis": {"title": {"text": name}, "range": [0, 1.08]},
            "xaxis": {"title": {"text": "Chunk size (overlap ¼)"}},
            "legend": {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
            "margin": {"b": 110},
        },
        height=400,
    )


def tradeoff_figure(tradeoff, threshold: float) -> dict:
    """Shares of questions answered rightly / wrongly / abstained, against the threshold."""
    x = list(tradeoff.thresholds)
    series = [
        ("Right answer", tradeoff.right, PALETTE[2], "solid"),
        ("Wrong answer", tradeoff.wrong, PALETTE[3], "solid"),
        ("Abstained, answer was there", tradeoff.abstained_wrongly, PALETTE[1], "dot"),
        ("Abstained rightly", tradeoff.abstained_rightly, PALETTE[0], "dot"),
    ]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": x,
            "y": [100 * v for v in ys],
            "line": {"color": color, "dash": dash, "width": 2.5},
            "hovertemplate": "threshold %{x:.2f}: %{y:.0f}%<extra>" + name + "</extra>",
        }
        for name, ys, color, dash in series
    ]
    shape = {
        "type": "line",
        "x0": threshold,
        "x1": threshold,
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": MUTED, "dash": "dash", "width": 1.5},
    }
    return figure(
        data,
        {
            "title": {"text": "What the threshold trades"},
            "xaxis": {"title": {"text": "Threshold (best sentence's support)"}},
            "yaxis": {"title": {"text": "Share of questions (%)"}, "range": [0, 100]},
            "shapes": [shape],
            "legend": {"orientation": "h", "y": -0.3, "x": 0, "yanchor": "top"},
            "margin": {"b": 130},
        },
        height=440,
    )
