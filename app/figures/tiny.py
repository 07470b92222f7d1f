"""Figures and colours for the tiny-GPT labs of stages 07 and 08: how surprised the model
is by a text, and which next characters the sampler keeps."""

from __future__ import annotations

from plotly.colors import sample_colorscale

from app.core.units import char_label
from app.figures.theme import PALETTE, esc, figure, themed

# Surprise (−ln p, nats) → colour: pale yellow (expected) to dark red (very surprised).
# A sequential scale that stays readable for colour-blind readers (ColorBrewer YlOrRd).
SURPRISE_SCALE = "YlOrRd"
SURPRISE_MAX_NATS = 6.0  # p ≈ 0.25 %: anything at least this surprising gets the darkest colour
CUT_COLOUR = "#ced4da"


def surprise_colours(surprise_nats) -> list[tuple[str, str]]:
    """(background, text colour) for each surprise value, on the fixed 0–6 nats scale."""
    ts = [min(max(float(s), 0.0), SURPRISE_MAX_NATS) / SURPRISE_MAX_NATS for s in surprise_nats]
    if not ts:
        return []
    backgrounds = sample_colorscale(SURPRISE_SCALE, ts)
    return [
        (bg, "#ffffff" if t > 0.62 else "#212529") for bg, t in zip(backgrounds, ts, strict=True)
    ]


def surprise_gradient_css() -> str:
    """The scale as a CSS linear-gradient, for the legend under the coloured text."""
    stops = sample_colorscale(SURPRISE_SCALE, [i / 8 for i in range(9)])
    return f"linear-gradient(to right, {', '.join(stops)})"


def loss_comparison_figure(rows: list[tuple[str, float, str]]) -> dict:
    """Horizontal bars of mean loss (nats per character), one per (label, loss, note);
    perplexity = e^loss in the hover. The first row is the learner's text."""
    labels = [esc(r[0]) for r in rows][::-1]
    losses = [r[1] for r in rows][::-1]
    notes = [esc(r[2]) for r in rows][::-1]
    colours = [PALETTE[0], PALETTE[2], PALETTE[1], PALETTE[3]][: len(rows)][::-1]
    bar = {
        "type": "bar",
        "x": losses,
        "y": labels,
        "orientation": "h",
        "marker": {"color": colours},
        "text": [f"{v:.2f}" for v in losses],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": notes,
        "hovertemplate": "%{y}: %{x:.3f} nats per character<br>%{customdata}<extra></extra>",
    }
    top = max(losses) if losses else 1.0
    fig = figure(
        [bar],
        xaxis={
            "title": {"text": "Loss (nats per character)"},
            "range": [0, top * 1.18],
            "fixedrange": True,
        },
        yaxis={"fixedrange": True},
        margin={"l": 8, "r": 16, "t": 40, "b": 48},
        bargap=0.35,
    )
    return themed(fig, title="Your text against the baselines", height=280)


def next_char_figure(
    chars: list[str], tempered: list[float], kept: list[bool], final: list[float], *, title: str
) -> dict:
    """Bars of the next-character probabilities after temperature (likeliest first);
    the characters the sampler keeps in colour, those top-k/top-p cut in grey."""
    x = [esc(char_label(c)) for c in chars]
    kept_x = [xi for xi, k in zip(x, kept, strict=True) if k]
    cut_x = [xi for xi, k in zip(x, kept, strict=True) if not k]
    traces = [
        {
            "type": "bar",
            "x": kept_x,
            "y": [100 * p for p, k in zip(tempered, kept, strict=True) if k],
            "name": "kept: the sampler draws from these",
            "marker": {"color": PALETTE[0]},
            "customdata": [100 * f for f, k in zip(final, kept, strict=True) if k],
            "hovertemplate": "%{x}: %{y:.1f}% after temperature<br>drawn with %{customdata:.1f}% "
            "once the cut ones are removed<extra></extra>",
        },
        {
            "type": "bar",
            "x": cut_x,
            "y": [100 * p for p, k in zip(tempered, kept, strict=True) if not k],
            "name": "cut by top-k / top-p (or greedy)",
            "marker": {"color": CUT_COLOUR},
            "hovertemplate": "%{x}: %{y:.1f}% after temperature, cut: never drawn<extra></extra>",
        },
    ]
    fig = figure(
        traces,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": x,
            "title": {"text": "Next character"},
            "tickfont": {"size": 14},
            "fixedrange": True,
        },
        yaxis={"title": {"text": "Probability (%)"}, "rangemode": "tozero", "fixedrange": True},
        barmode="overlay",
        bargap=0.2,
        legend={"y": -0.32, "yanchor": "top"},
        margin={"b": 110},
    )
    return themed(fig, title=title, height=380)
