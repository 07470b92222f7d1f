"""Attention pictures: query heads sharing key/value heads; KV-cache size per variant;
heatmaps of the causal mask and of position encodings."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from app.figures.theme import MUTED, PALETTE, PRIMARY, add_marks, figure, hline, themed

MAX_DRAWN_HEADS = 32


@lru_cache(maxsize=64)
def heads_figure(n_heads: int, n_kv_heads: int) -> dict:
    """Query heads on top, the key/value heads they read below, one colour per group.
    Built once per pair and shared: callers must not change the returned dict."""
    group = n_heads // n_kv_heads
    shown_q = min(n_heads, MAX_DRAWN_HEADS)
    shown_kv = max(1, -(-shown_q // group))
    q_x = np.linspace(0, 1, shown_q) if shown_q > 1 else np.array([0.5])
    kv_x = [float(q_x[k * group : (k + 1) * group].mean()) for k in range(shown_kv)]
    traces = []
    # one line trace per colour (None breaks the line): 8 traces at most, not one per head
    for c in range(min(shown_kv, len(PALETTE))):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for k in range(c, shown_kv, len(PALETTE)):
            for x in q_x[k * group : (k + 1) * group]:
                xs += [float(x), kv_x[k], None]
                ys += [1, 0, None]
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": PALETTE[c], "width": 1.2},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    size_q = max(6, min(22, 420 // shown_q))
    traces.append(
        {
            "type": "scatter",
            "x": [float(x) for x in q_x],
            "y": [1] * shown_q,
            "mode": "markers",
            "name": "Query heads",
            "marker": {"symbol": "square", "size": size_q, "color": PRIMARY},
            "hovertemplate": "Query head %{customdata}<extra></extra>",
            "customdata": list(range(1, shown_q + 1)),
        }
    )
    heads = "query head" if group == 1 else "query heads"
    traces.append(
        {
            "type": "scatter",
            "x": kv_x,
            "y": [0] * shown_kv,
            "mode": "markers",
            "name": "Key/value heads",
            "marker": {
                "symbol": "square",
                "size": max(10, size_q + 4),
                "color": [PALETTE[k % len(PALETTE)] for k in range(shown_kv)],
                "line": {"color": "#212529", "width": 1},
            },
            "hovertemplate": f"KV head %{{customdata}}: shared by {group} {heads}<extra></extra>",
            "customdata": list(range(1, shown_kv + 1)),
        }
    )
    fig = figure(
        traces,
        xaxis={"visible": False, "range": [-0.05, 1.05]},
        yaxis={
            "range": [-0.4, 1.4],
            "tickvals": [0, 1],
            "ticktext": ["K/V", "Q"],
            "showgrid": False,
            "zeroline": False,
        },
        showlegend=False,
        margin={"l": 40, "r": 10, "t": 40, "b": 10},
    )
    if shown_q < n_heads:
        note = {
            "text": f"showing {shown_q} of {n_heads} query heads",
            "x": 1,
            "y": 1.35,
            "xref": "paper",
            "yref": "y",
            "showarrow": False,
            "xanchor": "right",
            "font": {"size": 11, "color": MUTED},
        }
        add_marks(fig, note)
    kv_word = "key/value head" if n_kv_heads == 1 else "key/value heads"
    return themed(fig, title=f"{n_heads} query heads → {n_kv_heads} {kv_word}", height=220)


def kv_variants_figure(
    rows: list[tuple[str, int, float]], chosen: int, weights_bytes: float, fmt
) -> dict:
    """Bars: KV cache bytes for each number of KV heads; the chosen one highlighted; a line
    at the model's 16-bit weights for scale. rows: (label, kv_heads, bytes)."""
    labels = [r[0] for r in rows]
    values = [r[2] for r in rows]
    colours = [PRIMARY if r[1] == chosen else "#b8c4ee" for r in rows]
    bar = {
        "type": "bar",
        "x": labels,
        "y": values,
        "marker": {"color": colours},
        "text": [fmt(v) for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x}<br>KV cache %{text}<extra></extra>",
    }
    fig = figure(
        [bar],
        yaxis={
            "title": {"text": "KV cache (bytes)"},
            "type": "log",
            "dtick": 1,
            "tickformat": "~s",
            "ticksuffix": "B",
        },
        xaxis={"title": {"text": "Key/value heads"}, "type": "category"},
    )
    add_marks(
        fig,
        *hline(
            weights_bytes, f"weights (bf16): {fmt(weights_bytes)}", PALETTE[3], log=True, right=True
        ),
    )
    return themed(fig, title="KV cache for the whole batch, by variant", height=340)


def heatmap_figure(
    z: np.ndarray,
    *,
    title: str,
    x_title: str,
    y_title: str,
    colorscale: str = "RdBu",
    zmid: float | None = 0.0,
    x_labels=None,
    y_labels=None,
    hover: str = "%{z:.2f}",
    showscale: bool = True,
    height: int = 360,
) -> dict:
    trace = {
        "type": "heatmap",
        "z": np.asarray(z).tolist(),
        "colorscale": colorscale,
        "showscale": showscale,
        "hovertemplate": f"{y_title} %{{y}}, {x_title} %{{x}}: {hover}<extra></extra>",
    }
    if zmid is not None:
        trace["zmid"] = zmid
    if x_labels is not None:
        trace["x"] = list(x_labels)
    if y_labels is not None:
        trace["y"] = list(y_labels)
    fig = figure(
        [trace],
        xaxis={"title": {"text": x_title}, "showgrid": False},
        yaxis={"title": {"text": y_title}, "autorange": "reversed", "showgrid": False},
    )
    return themed(fig, title=title, height=height)
