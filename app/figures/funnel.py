"""Figures for the cleaning pipeline: the funnel of pages and tokens left after each step."""

from __future__ import annotations

from app.figures.theme import PALETTE, esc, figure, themed


def funnel_figure(step_names: list[str], docs: list[int], tokens: list[int]) -> dict:
    """Horizontal bars, first step on top: the share of pages and of tokens still in the
    corpus after each step, as a percentage of the raw crawl, labelled with the counts."""
    if not step_names or len(step_names) != len(docs) or len(docs) != len(tokens):
        raise ValueError("Need one page count and one token count per step.")
    docs0, tokens0 = max(docs[0], 1), max(tokens[0], 1)
    doc_pct = [100 * d / docs0 for d in docs]
    token_pct = [100 * t / tokens0 for t in tokens]
    names = [esc(n) for n in step_names]
    traces = []
    traces.append(
        dict(
            type="bar",
            y=names,
            x=doc_pct,
            orientation="h",
            name="pages",
            marker_color=PALETTE[0],
            text=[f"{d:,}" for d in docs],
            customdata=[f"{d:,} pages ({p:.0f}%)" for d, p in zip(docs, doc_pct, strict=True)],
            textposition="inside",
            insidetextanchor="end",
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    traces.append(
        dict(
            type="bar",
            y=names,
            x=token_pct,
            orientation="h",
            name="tokens (≈ characters / 4)",
            marker_color=PALETTE[1],
            text=[f"{t / 1000:,.0f} k" for t in tokens],
            customdata=[f"{t:,} tokens ({p:.0f}%)" for t, p in zip(tokens, token_pct, strict=True)],
            textposition="inside",
            insidetextanchor="end",
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig = figure(
        traces,
        barmode="group",
        bargap=0.25,
        uniformtext={"minsize": 10, "mode": "hide"},
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0},
        margin={"b": 110},
        yaxis={"autorange": "reversed", "title": {"text": None}},
        xaxis={"title": {"text": "% of the crawl left"}, "range": [0, 100], "ticksuffix": "%"},
    )
    return themed(fig, title="What survives each step", height=120 + 55 * len(step_names))
