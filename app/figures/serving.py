"""Serving: memory against batch size, with the GPUs' capacity, and decode speed."""

from __future__ import annotations

from app.core.units import human_bytes
from app.figures.theme import PALETTE, add_marks, figure, hline, themed, vband


def serving_figure(
    batches: list[int],
    weights: float,
    kv_per_seq: float,
    tokens_per_s: list[float | None],
    capacity: float,
    chosen: int,
    *,
    title: str = "Memory and decode speed by batch size",
) -> dict:
    """Stacked weights + KV cache (GB) per batch size, and total decode tokens/s on a
    second axis (None for a batch that does not fit: the line stops there).

    The memory axis is set by what matters: the usable memory (or one sequence, when even
    that does not fit), with room above; bars of batches far past it run off the top
    rather than squash every other bar to the floor."""
    x = [str(b) for b in batches]
    kv = [kv_per_seq * b for b in batches]
    traces = [
        {
            "type": "bar",
            "x": x,
            "y": [weights / 1e9] * len(batches),
            "name": "Weights",
            "marker": {"color": PALETTE[0]},
            "hovertemplate": f"Weights: {human_bytes(weights)}<extra></extra>",
        },
        {
            "type": "bar",
            "x": x,
            "y": [v / 1e9 for v in kv],
            "name": "KV cache",
            "marker": {"color": PALETTE[1]},
            "customdata": [human_bytes(v) for v in kv],
            "hovertemplate": "KV cache: %{customdata}<extra>batch %{x}</extra>",
        },
        {
            "type": "scatter",
            "x": x,
            "y": tokens_per_s,
            "name": "Decode tokens/s (upper bound)",
            "mode": "lines+markers",
            "line": {"color": PALETTE[2], "width": 2.5},
            "hovertemplate": "≤ %{y:,.0f} tokens/s<extra>batch %{x}</extra>",
            "yaxis": "y2",
        },
    ]
    top = 1.3 * max(capacity, weights + kv_per_seq) / 1e9
    fig = figure(
        traces,
        barmode="stack",
        legend={"y": -0.25, "yanchor": "top"},
        margin={"b": 100},
        xaxis={"title": {"text": "Batch (sequences decoded together)"}, "type": "category"},
        yaxis={"title": {"text": "Memory (GB)"}, "range": [0, top]},
        yaxis2={
            "title": {"text": "Tokens/s (batches that fit)"},
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "rangemode": "tozero",
            "tickmode": "auto",
            "nticks": 6,
        },
    )
    marks = [
        *hline(capacity / 1e9, f"usable memory: {human_bytes(capacity)}", PALETTE[3], right=True)
    ]
    if str(chosen) in x:
        i = x.index(str(chosen))
        marks += vband(i - 0.5, i + 0.5, "#3459e6", 0.08)
    add_marks(fig, *marks)
    return themed(fig, title=title, height=420)
