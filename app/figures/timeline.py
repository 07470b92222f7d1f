"""Landmark models over time: parameters, training tokens, or tokens per parameter."""

from __future__ import annotations

from app.figures.theme import PALETTE, add_marks, esc, figure, hline, themed

METRICS = {
    "params": ("Parameters", "parameters"),
    "training_tokens": ("Training tokens", "tokens"),
    "tokens_per_param": ("Training tokens per active parameter", "tokens per active parameter"),
}


def _human(x: float) -> str:
    for value, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if x >= value:
            return f"{x / value:.3g}{suffix}"
    return f"{x:.3g}"


def label_positions(rows: list[dict], metric: str) -> dict[str, str]:
    """Each model's label above its marker, unless it sits lower than the model drawn just
    before it in the same year, or at about its height with that label above: then below,
    so that neighbours' names do not collide."""
    positions, previous = {}, {}
    for r in sorted(rows, key=lambda r: r["year"] + r["offset"]):
        before = previous.get(r["year"])
        below = before is not None and (
            r[metric] < before[metric]
            or (positions[before["model"]] == "top center" and r[metric] < 1.6 * before[metric])
        )
        positions[r["model"]] = "bottom center" if below else "top center"
        previous[r["year"]] = r
    return positions


def _parameters(row: dict) -> str:
    """'671 billion total, 37 billion active' for a mixture of experts; else the count."""
    if row.get("is_moe"):
        return f"{_human(row['params'])} total, {_human(row['active_params'])} active"
    return _human(row["params"])


def timeline_figure(rows: list[dict], metric: str) -> dict:
    """One marker per model at (year, metric) on a log axis, coloured by organisation.

    `rows` carry model, organization, year, params, training_tokens, tokens_per_param, source.
    """
    title, unit = METRICS[metric]
    positions = label_positions(rows, metric)
    orgs = sorted({r["organization"] for r in rows})
    traces = []
    for i, org in enumerate(orgs):
        group = [r for r in rows if r["organization"] == org]
        traces.append(
            dict(
                type="scatter",
                x=[r["year"] + r["offset"] for r in group],
                y=[r[metric] for r in group],
                mode="markers+text",
                name=org,
                text=[r["model"] for r in group],
                textposition=[positions[r["model"]] for r in group],
                cliponaxis=False,  # a name near the edge is drawn whole
                textfont=dict(size=11),
                marker=dict(
                    size=11,
                    color=PALETTE[i % len(PALETTE)],
                    line=dict(width=1, color="#fff"),
                    # a mixture of experts is a diamond: each token meets only part of it
                    symbol=["diamond" if r.get("is_moe") else "circle" for r in group],
                ),
                customdata=[
                    [
                        r["year"],
                        _parameters(r),
                        _human(r["training_tokens"]),
                        f"{r['tokens_per_param']:.1f}",
                        esc(r["source"]),
                    ]
                    for r in group
                ],
                hovertemplate=(
                    "<b>%{text}</b> (%{customdata[0]})<br>"
                    "parameters: %{customdata[1]}<br>"
                    "training tokens: %{customdata[2]}<br>"
                    "tokens per active parameter: %{customdata[3]}<br>"
                    "<i>%{customdata[4]}</i><extra></extra>"
                ),
            )
        )
    years = [r["year"] for r in rows]
    # each year spans [year, year + 1): room on the right for the last year's labels.
    # The legend below the plot: on a phone seven organisations wrap into several rows,
    # which above the plot would cover the title.
    fig = figure(
        traces,
        yaxis={"type": "log", "dtick": 1, "title": {"text": f"{title} (log scale)"}},
        xaxis={
            "title": {"text": "Year published"},
            "tickvals": sorted(set(years)),
            "range": [min(years) - 0.1, max(years) + 1.25],
        },
        legend={"title": {"text": ""}, "orientation": "h", "y": -0.22, "yanchor": "top"},
        margin={"t": 50, "b": 120},
    )
    if metric == "tokens_per_param":
        # Hoffmann et al. 2022: about 20 tokens per parameter is compute-optimal.
        label = "≈20 tokens/parameter: compute-optimal (Chinchilla)"
        add_marks(fig, *hline(20, label, "#198754", log=True))
    return themed(fig, title=f"{title} of landmark models, by year", height=460)
