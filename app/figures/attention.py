"""Attention pictures: query heads sharing key/value heads; KV-cache size per variant;
heatmaps of the causal mask and of position encodings."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from app.figures.theme import MUTED, PALETTE, PRIMARY, add_marks, hline, themed

MAX_DRAWN_HEADS = 32


@lru_cache(maxsize=64)
def heads_figure(n_heads: int, n_kv_heads: int) -> go.Figure:
    """Query heads on top, the key/value heads they read below, one colour per group."""
    group = n_heads // n_kv_heads
    shown_q = min(n_heads, MAX_DRAWN_HEADS)
    shown_kv = max(1, -(-shown_q // group))
    fig = go.Figure()
    q_x = np.linspace(0, 1, shown_q) if shown_q > 1 else np.array([0.5])
    kv_x = np.array([q_x[k * group : (k + 1) * group].mean() for k in range(shown_kv)])
    # one line trace per colour (None breaks the line): 8 traces at most, not one per head
    for c in range(min(shown_kv, len(PALETTE))):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for k in range(c, shown_kv, len(PALETTE)):
            for x in q_x[k * group : (k + 1) * group]:
                xs += [x, kv_x[k], None]
                ys += [1, 0, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=PALETTE[c], width=1.2),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    size_q = max(6, min(22, 420 // shown_q))
    fig.add_trace(
        go.Scatter(
            x=q_x,
            y=np.ones(shown_q),
            mode="markers",
            name="Query heads",
            marker=dict(symbol="square", size=size_q, color=PRIMARY),
            hovertemplate="Query head %{customdata}<extra></extra>",
            customdata=np.arange(1, shown_q + 1),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=kv_x,
            y=np.zeros(shown_kv),
            mode="markers",
            name="Key/value heads",
            marker=dict(
                symbol="square",
                size=max(10, size_q + 4),
                color=[PALETTE[k % len(PALETTE)] for k in range(shown_kv)],
                line=dict(color="#212529", width=1),
            ),
            hovertemplate="KV head %{customdata}: shared by "
            + str(group)
            + " query head(s)<extra></extra>",
            customdata=np.arange(1, shown_kv + 1),
        )
    )
    note = f"showing {shown_q} of {n_heads} query heads" if shown_q < n_heads else ""
    fig.update_xaxes(visible=False, range=[-0.05, 1.05])
    fig.update_yaxes(
        range=[-0.4, 1.4],
        tickvals=[0, 1],
        ticktext=["K/V", "Q"],
        showgrid=False,
        zeroline=False,
    )
    if note:
        fig.add_annotation(
            text=note,
            x=1,
            y=1.35,
            xref="paper",
            yref="y",
            showarrow=False,
            xanchor="right",
            font=dict(size=11, color=MUTED),
        )
    fig.update_layout(showlegend=False, margin=dict(l=40, r=10, t=40, b=10))
    return themed(fig, title=f"{n_heads} query heads → {n_kv_heads} key/value heads", height=220)


def kv_variants_figure(
    rows: list[tuple[str, int, float]], chosen: int, weights_bytes: float, fmt
) -> go.Figure:
    """Bars: KV cache bytes for each number of KV heads; the chosen one highlighted; a line
    at the model's 16-bit weights for scale. rows: (label, kv_heads, bytes)."""
    labels = [r[0] for r in rows]
    values = [r[2] for r in rows]
    colours = [PRIMARY if r[1] == chosen else "#b8c4ee" for r in rows]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            marker_color=colours,
            text=[fmt(v) for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>KV cache %{text}<extra></extra>",
        )
    )
    add_marks(
        fig,
        *hline(
            weights_bytes, f"weights (bf16): {fmt(weights_bytes)}", PALETTE[3], log=True, right=True
        ),
    )
    fig.update_yaxes(
        title_text="KV cache (bytes)", type="log", dtick=1, tickformat="~s", ticksuffix="B"
    )
    fig.update_xaxes(title_text="Key/value heads", type="category")
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
) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x_labels,
            y=y_labels,
            colorscale=colorscale,
            zmid=zmid,
            showscale=showscale,
            hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: {hover}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=x_title, showgrid=False)
    fig.update_yaxes(title_text=y_title, autorange="reversed", showgrid=False)
    return themed(fig, title=title, height=height)
