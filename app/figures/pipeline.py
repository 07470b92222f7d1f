"""The pipeline map: the eight stages as a clickable flow, coloured by the learner's status."""

from __future__ import annotations

from app.figures.theme import figure, themed

STATUS_COLORS = {
    "not-started": "#dee2e6",
    "in-progress": "#ffc107",
    "completed": "#198754",
    "neutral": "#eef2fd",
}
STATUS_TEXT = {"not-started": "not started", "in-progress": "in progress", "completed": "completed"}


def pipeline_map(stages: list[dict], *, columns: int = 4) -> dict:
    """Stages laid out in a snake of `columns` per row, joined by arrows.

    Each item of `stages`: {"number", "title", "path", "status"} and optionally "detail"
    (a short line under the title; then "hover" is the hover text). The marker's
    customdata is the stage path, so a click handler can navigate there.
    """
    xs, ys = [], []
    for i in range(len(stages)):
        row, col = divmod(i, columns)
        # snake layout: odd rows run right to left so the flow reads as one path
        x = col if row % 2 == 0 else columns - 1 - col
        xs.append(x)
        ys.append(-row)
    arrows = []
    for i in range(len(stages) - 1):
        # an arrow down to the next row starts below the stage's label, not through it
        label_lines = 2 if stages[i].get("detail") else 1
        start = 36 + 15 * label_lines if xs[i] == xs[i + 1] else 30
        arrows.append(
            dict(
                x=xs[i + 1],
                y=ys[i + 1],
                ax=xs[i],
                ay=ys[i],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.2,
                arrowwidth=2,
                arrowcolor="#adb5bd",
                standoff=30,
                startstandoff=start,
                text="",
            )
        )
    nodes = dict(
        type="scatter",
        x=xs,
        y=ys,
        mode="markers+text",
        marker=dict(
            size=46,
            color=[STATUS_COLORS[s["status"]] for s in stages],
            line=dict(width=2, color="#3459e6"),
        ),
        text=[s["number"] for s in stages],
        textfont=dict(size=15, color="#1b2a4e"),
        customdata=[s["path"] for s in stages],
        hovertext=[
            s.get("hover")
            or f"<b>{s['number']} {s['title']}</b><br>{STATUS_TEXT.get(s['status'], '')}"
            f"<br><i>click to open</i>"
            for s in stages
        ],
        hoverinfo="text",
        showlegend=False,
    )
    labels = dict(
        type="scatter",
        x=xs,
        y=[y - 0.32 for y in ys],
        mode="text",
        text=[
            s["title"]
            + (
                f"<br><span style='font-size:11px;color:#495057'>{s['detail']}</span>"
                if s.get("detail")
                else ""
            )
            for s in stages
        ],
        textposition="bottom center",
        textfont=dict(size=12),
        hoverinfo="skip",
        showlegend=False,
    )
    rows = -min(ys) + 1
    bottom = -rows + (0.2 if any("detail" in s for s in stages) else 0.4)
    fig = figure(
        [nodes, labels],
        annotations=arrows,
        xaxis={"visible": False, "range": [-0.6, columns - 0.4], "fixedrange": True},
        yaxis={"visible": False, "range": [bottom, 0.5], "fixedrange": True},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        dragmode=False,
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return themed(fig, height=120 * rows + 40)
