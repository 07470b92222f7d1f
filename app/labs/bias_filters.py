"""Who do the quality filters drop? Stage 03's rules on good pages from four groups; move a
threshold and watch the gap between groups."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, ctx, dcc, html

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import lab_card, stat
from app.core.bias.filters import (
    ADJUSTABLE,
    GROUP_NAMES,
    GROUPS,
    IDENTITY_TERMS,
    group_pages,
    removal_rates,
)
from app.core.data import quality
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "bias_filters"
SHORT = {  # rule labels short enough for a phone's chart
    "gopher_min_words": "Too few words",
    "gopher_mean_word_length": "Word length",
    "gopher_stop_words": "Few stop words",
    "c4_sentences": "C4: sentences",
    "c4_bad_words": "Blocklist",
    "fineweb_line_punct": "Line endings",
    "fineweb_short_lines": "Short lines",
}
BLOCK = {"off": "Off (stage-03 default)", "on": f"On: {', '.join(IDENTITY_TERMS)}"}


def layout():
    controls = dbc.Row(
        [
            dbc.Col(
                select_field(
                    f"{LAB}-rule",
                    "Rule to adjust",
                    [{"label": v[1], "value": k} for k, v in ADJUSTABLE.items()],
                    "min_stop_words",
                ),
                xs=12,
                md=5,
            ),
            dbc.Col(
                number_field(
                    f"{LAB}-value",
                    "Threshold",
                    quality.DEFAULT_THRESHOLDS.min_stop_words,
                    help="Published default shown; change it.",
                ),
                xs=6,
                md=3,
            ),
            dbc.Col(
                select_field(
                    f"{LAB}-blocklist",
                    "Word blocklist (C4 style)",
                    [{"label": v, "value": k} for k, v in BLOCK.items()],
                    "off",
                ),
                xs=6,
                md=4,
            ),
        ],
        className="g-2",
    )
    stats, fig, err = update("min_stop_words", 2, "off")
    examples = html.Details(
        [
            html.Summary("Read one page from each group", className="small"),
            *[
                html.Div(
                    [
                        html.Div(GROUP_NAMES[g], className="fw-semibold small mt-2"),
                        html.Pre(
                            group_pages()[g][0][:600],
                            className="small bg-light p-2 mb-0",
                            style={"whiteSpace": "pre-wrap"},
                        ),
                    ]
                )
                for g in GROUPS
            ],
        ],
        className="mt-2",
    )
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            examples,
        ]
    )
    return lab_card(
        LAB,
        "Who do the filters drop?",
        f"{len(group_pages()['standard'])} good pages in each of four groups, all worth "
        "keeping, through stage 03's quality rules. Every removal here is a mistake.",
        body,
        icon="bi-funnel",
        sources=[
            ("Dodge et al. 2021", "https://arxiv.org/abs/2104.08758"),
            ("Rae et al. 2021 (Gopher rules)", "https://arxiv.org/abs/2112.11446"),
        ],
    )


@callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-value", "value"),
    Input(f"{LAB}-rule", "value"),
    Input(f"{LAB}-value", "value"),
    Input(f"{LAB}-blocklist", "value"),
    prevent_initial_call=True,
)
def changed(rule, value, blocklist):
    """Picking another rule puts its published default in the threshold box."""
    if ctx.triggered_id == f"{LAB}-rule" and rule in ADJUSTABLE:
        value = getattr(quality.DEFAULT_THRESHOLDS, rule)
    return (*update(rule, value, blocklist), value)


def update(rule, value, blocklist):
    try:
        rule = parse_choice(rule, "Rule to adjust", list(ADJUSTABLE))
        _, label, low, high = ADJUSTABLE[rule]
        integer = isinstance(getattr(quality.DEFAULT_THRESHOLDS, rule), int)
        v = parse_number(value, "Threshold", minimum=low, maximum=high, integer=integer)
        blocklist = parse_choice(blocklist, "Word blocklist", list(BLOCK))
        t = quality.thresholds_from(**{rule: v})
    except (InputError, ValueError) as err:
        return None, message_figure("Fix the threshold above."), field_error(str(err))
    rates = removal_rates(t, use_blocklist=blocklist == "on")
    shown = [r for r, by in rates.items() if any(by.values()) and r != "any rule"]
    names = [SHORT.get(r, quality.RULES[r][1]) for r in shown] + ["Any rule"]
    data = [
        {
            "type": "bar",
            "name": GROUP_NAMES[g],
            "y": names,
            "x": [100 * rates[r][g] for r in [*shown, "any rule"]],
            "orientation": "h",
            "marker": {"color": PALETTE[i]},
            "customdata": [quality.RULES[r][1] for r in shown] + ["the whole quality step"],
            "hovertemplate": f"{GROUP_NAMES[g]}: %{{x:.1f}}% dropped<extra>%{{customdata}}</extra>",
        }
        for i, g in enumerate(GROUPS)
    ]
    fig = figure(
        data,
        title={"text": "Good pages dropped, by rule"},
        xaxis=axis("Dropped (%)", rangemode="tozero"),
        yaxis={"autorange": "reversed"},
        barmode="group",
        height=160 + 70 * len(names),
    )
    anyr = rates["any rule"]
    gap = max(anyr.values()) - min(anyr.values())
    worst = max(anyr, key=anyr.get)
    stats = [
        stat(GROUP_NAMES[g], f"{100 * anyr[g]:.0f}% dropped", id=f"{LAB}-{g}") for g in GROUPS
    ] + [stat("Largest gap", f"{100 * gap:.0f} points", hint=f"worst: {GROUP_NAMES[worst]}")]
    return stats, fig, None
