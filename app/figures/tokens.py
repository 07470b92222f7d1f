"""Tokenizer figures: how much text one token carries, against the vocabulary size."""

from __future__ import annotations

from app.figures.theme import MUTED, PALETTE, figure, themed


def compression_figure(
    vocab_sizes: list[int] | tuple[int, ...],
    curves: dict[str, list[float] | tuple[float, ...]],
    names: dict[str, str],
    chosen_kind: str,
    chosen_vocab_size: int,
    chosen_chars_per_token: float,
) -> dict:
    """One line per tokenizer kind: characters per token on held-out text at each vocabulary
    size (log x axis); the learner's tokenizer is a star on its kind's line."""
    traces = []
    colours = {}
    for i, (kind, values) in enumerate(curves.items()):
        colours[kind] = PALETTE[i % len(PALETTE)]
        strong = kind == chosen_kind
        traces.append(
            {
                "type": "scatter",
                "x": list(vocab_sizes),
                "y": list(values),
                "mode": "lines+markers",
                "name": names[kind],
                "line": {
                    "color": colours[kind],
                    "width": 3 if strong else 1.5,
                    "dash": "solid" if strong else "dot",
                },
                "marker": {"size": 7 if strong else 5},
                "opacity": 1 if strong else 0.6,
                "hovertemplate": "%{x:,} tokens: %{y:.2f} characters per token"
                f"<extra>{names[kind]}</extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": [chosen_vocab_size],
            "y": [chosen_chars_per_token],
            "mode": "markers",
            "name": "your tokenizer",
            "marker": {
                "size": 16,
                "symbol": "star",
                "color": colours.get(chosen_kind, MUTED),
                "line": {"color": "#212529", "width": 1},
            },
            "hovertemplate": "your tokenizer: %{x:,} tokens, %{y:.2f} characters per token"
            "<extra></extra>",
        }
    )
    fig = figure(
        traces,
        xaxis={
            "title": {"text": "Vocabulary size (log scale)"},
            "type": "log",
            "tickvals": list(vocab_sizes),
            "ticktext": [f"{v:,}" for v in vocab_sizes],
        },
        yaxis={"title": {"text": "Characters per token"}, "rangemode": "tozero"},
        legend={"y": -0.3, "yanchor": "top"},
        margin={"b": 120},
    )
    return themed(fig, title="Compression on held-out text", height=380)
