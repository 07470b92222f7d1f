"""Figures for data mixtures and the source checklist: a sunburst or treemap of one mixture
(category → source), bars comparing mixtures by category, and a checklist's points."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.mixtures import CATEGORIES, Component, Mixture
from app.core.units import human_count
from app.figures.theme import MUTED, PALETTE, PRIMARY, esc, figure, themed

# One fixed colour per category, so a category looks the same in every chart.
CATEGORY_COLORS = dict(zip(CATEGORIES, PALETTE, strict=False))


def component_details(c: Component, size_unit: str | None) -> str:
    """The numbers the source table prints for a component, with units."""
    parts = []
    if c.tokens is not None:
        parts.append(f"{human_count(c.tokens)} tokens")
    if c.documents is not None:
        parts.append(f"{human_count(c.documents)} documents")
    if c.size is not None and size_unit:
        size = f"{c.size:,.0f}" if float(c.size).is_integer() else f"{c.size:,.2f}"
        parts.append(f"{size} {size_unit} on disk")
    if c.epochs is not None:
        parts.append(f"seen {c.epochs:g}× (epochs)")
    return " · ".join(parts)


def mixture_hierarchy(
    mixture: Mixture, shares: dict[str, float], *, kind: str = "sunburst", height: int = 380
) -> dict:
    """Category → source, sized by share (%), hover with every number the source prints.

    `shares` is the mixture's percent per category (app.core.mixtures.category_shares)."""
    ids, labels, parents, values, colors, hover = [], [], [], [], [], []
    meaning = mixture.share_meaning
    for key, share in shares.items():
        ids.append(key)
        labels.append(CATEGORIES[key])
        parents.append("")
        # A hair above the children's sum, so float rounding never makes them "overflow" the
        # parent (plotly then drops the branch under branchvalues="total").
        values.append(share * (1 + 1e-9))
        colors.append(CATEGORY_COLORS[key])
        hover.append(f"{share:.4g}% ({meaning})")
    for c in mixture.components:
        ids.append(f"{c.category}/{c.name}")
        labels.append(c.name)
        parents.append(c.category)
        values.append(c.share_percent)
        colors.append(CATEGORY_COLORS[c.category])
        details = component_details(c, mixture.size_unit)
        hover.append(f"{c.share_percent:.4g}% ({meaning})" + (f"<br>{details}" if details else ""))
    trace = {
        "type": "treemap" if kind == "treemap" else "sunburst",
        "ids": ids,
        "labels": labels,
        "parents": parents,
        "values": values,
        "branchvalues": "total",
        "marker": {"colors": colors, "line": {"color": "#ffffff", "width": 1}},
        "customdata": hover,
        "hovertemplate": "<b>%{label}</b><br>%{customdata}<extra></extra>",
        "texttemplate": "%{label}<br>%{value:.3g}%",
        "sort": True,
    }
    if kind == "treemap":
        trace.update(tiling={"pad": 2}, pathbar={"visible": False})
    else:
        trace["insidetextorientation"] = "radial"
    fig = figure(
        [trace],
        margin={"l": 8, "r": 8, "t": 48, "b": 8},
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    return themed(fig, title=mixture.name, height=height)


def category_bars(
    mixtures: Sequence[Mixture], shares: Sequence[dict[str, float]], *, height: int | None = None
) -> dict:
    """Share of each category, one bar per mixture (grouped), categories top to bottom."""
    used = [key for key in CATEGORIES if any(key in s for s in shares)]
    labels = [CATEGORIES[key] for key in used]
    colors = [PRIMARY, PALETTE[1]]
    traces = []
    for i, (mixture, share) in enumerate(zip(mixtures, shares, strict=True)):
        values = [share.get(key, 0.0) for key in used]
        name = esc(mixture.name)
        traces.append(
            {
                "type": "bar",
                "x": values,
                "y": labels,
                "orientation": "h",
                "name": name,
                "marker": {"color": colors[i % len(colors)]},
                "text": [f"{v:.3g}%" if v else "" for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": [mixture.share_meaning] * len(values),
                "hovertemplate": (
                    f"<b>{name}</b><br>%{{y}}: %{{x:.4g}}%<br>(%{{customdata}})<extra></extra>"
                ),
            }
        )
    top = max((v for s in shares for v in s.values()), default=100.0)
    # The "%" on the ticks names the axis; the legend goes under the plot, where it cannot
    # run into the title on a narrow screen.
    fig = figure(
        traces,
        xaxis={"range": [0, min(115.0, top * 1.18)], "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "title": {"text": None}},
        barmode="group",
        bargap=0.25,
        showlegend=len(mixtures) > 1,
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "xanchor": "left", "x": 0},
        margin={"b": 72 if len(mixtures) > 1 else 40},
    )
    rows = len(used) * max(1, len(mixtures))
    return themed(fig, title="Share by kind of text", height=height or max(240, 90 + 26 * rows))


def checklist_points(
    titles: Sequence[str], earned: Sequence[float], weights: Sequence[float]
) -> dict:
    """Points earned per criterion (dark) out of its weight (light), top to bottom."""
    titles = [esc(t) for t in titles]
    traces = [
        {
            "type": "bar",
            "x": list(weights),
            "y": titles,
            "orientation": "h",
            "marker": {"color": "#e3e8f4"},
            "name": "Weight (maximum)",
            "hovertemplate": "<b>%{y}</b><br>weight %{x:g}<extra></extra>",
        },
        {
            "type": "bar",
            "x": list(earned),
            "y": titles,
            "orientation": "h",
            "marker": {"color": PRIMARY},
            "name": "Points earned",
            "text": [f"{e:.2g} of {w:g}" for e, w in zip(earned, weights, strict=True)],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "<b>%{y}</b><br>%{x:.2g} points<extra></extra>",
        },
    ]
    fig = figure(
        traces,
        barmode="overlay",
        bargap=0.35,
        margin={"t": 84},
        xaxis={"title": {"text": "Points"}, "range": [0, max(weights) * 1.3], "color": MUTED},
        yaxis={"autorange": "reversed", "title": {"text": None}},
    )
    return themed(fig, title="Points per criterion", height=60 + 40 * len(titles) + 40)
