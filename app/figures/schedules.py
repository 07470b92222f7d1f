"""Learning rate against training step, the chosen schedule drawn over the others."""

from __future__ import annotations

from app.figures.theme import PALETTE, add_marks, figure, themed, vband


def schedule_figure(
    curves: dict[str, list[float]], chosen: str, labels: dict[str, str], warmup: int
) -> dict:
    traces = []
    for i, (name, lrs) in enumerate(curves.items()):
        strong = name == chosen
        traces.append(
            {
                "type": "scatter",
                "x": list(range(len(lrs))),
                "y": list(lrs),
                "mode": "lines",
                "name": labels[name],
                "line": {
                    "color": PALETTE[i % len(PALETTE)],
                    "width": 3.5 if strong else 1.5,
                    "dash": "solid" if strong else "dot",
                },
                "opacity": 1 if strong else 0.55,
                "hovertemplate": "step %{x:,}: %{y:.3g}<extra>" + labels[name] + "</extra>",
            }
        )
    fig = figure(
        traces,
        xaxis={"title": {"text": "Training step"}},
        yaxis={"title": {"text": "Learning rate"}, "exponentformat": "e"},
        legend={"y": -0.3, "yanchor": "top"},
        margin={"b": 100},
    )
    if warmup:
        add_marks(fig, *vband(0, warmup, "#E69F00", 0.12, "warmup"))
    return themed(fig, title="Learning rate over the run", height=400)
