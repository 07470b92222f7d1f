"""Your own scaling law: fit L(N) (or L(D)) to the tiny-GPT runs you trained on stage 05,
extrapolate, and see how wide the honest uncertainty band is."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, callback, dcc, html

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.tiny_model_picker import TRAINED_RUNS
from app.core.scaling import MIN_RUNS, bootstrap_band, fit_power_law, reference_runs, usable_runs
from app.figures.plain import PALETTE, axis, esc, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.state.runs import sanitize_runs
from app.validation import InputError, parse_choice, parse_number

LAB = "selection_scaling"
XS = {"n_params": "Parameters N", "tokens_seen": "Tokens seen D"}


def layout():
    controls = dbc.Row(
        [
            dbc.Col(
                select_field(
                    f"{LAB}-x",
                    "Fit the loss against",
                    [{"label": v, "value": k} for k, v in XS.items()],
                    "n_params",
                ),
                xs=12,
                md=6,
            ),
            dbc.Col(
                number_field(
                    f"{LAB}-factor", "Extrapolate to", 10, unit="× the largest run", help="1–1,000"
                ),
                xs=12,
                md=6,
            ),
        ],
        className="g-2",
    )
    note, stats, fig, err = update("n_params", 10, None)
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(note, id=f"{LAB}-note"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "L(N) = (N_c / N)^α, fitted as a line in log–log; band: 5th–95th percentile "
                "of 300 bootstrap refits",
                "Kaplan et al. 2020, eq. 1.1",
                "https://arxiv.org/abs/2001.08361",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Your own scaling law",
        "Every run you finish on stage 05 adds a point. Fit a power law through them and "
        "extrapolate, with the uncertainty a handful of tiny runs really carries.",
        body,
        icon="bi-graph-up",
        sources=[
            ("Kaplan et al. 2020", "https://arxiv.org/abs/2001.08361"),
            ("Hoffmann et al. 2022", "https://arxiv.org/abs/2203.15556"),
        ],
    )


@callback(
    Output(f"{LAB}-note", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Input(f"{LAB}-x", "value"),
    Input(f"{LAB}-factor", "value"),
    Input(TRAINED_RUNS, "data"),
)
def update(x_key, factor, runs):
    try:
        x_key = parse_choice(x_key, "Fit the loss against", list(XS))
        factor = parse_number(factor, "Extrapolate to", minimum=1, maximum=1000)
    except InputError as err:
        return None, None, message_figure("Fix the setting above."), field_error(str(err))
    mine = [r for r in usable_runs(sanitize_runs(runs)) if r.get(x_key)]
    distinct = len({r[x_key] for r in mine})
    if len(mine) >= MIN_RUNS and distinct >= 2:
        points, whose = mine, "your runs"
        note = None
    else:
        points, whose = reference_runs()["runs"], "the shipped reference runs"
        note = dbc.Alert(
            f"You have {len(mine)} finished run{'s' if len(mine) != 1 else ''} with a size "
            f"recorded; a fit needs at least {MIN_RUNS} of different sizes. Below is an "
            "example on reference runs (2 layers, widths 16–64, 300 steps each), made by "
            "python -m app.core.make_scaling_runs. Train a few models of different widths on "
            "stage 05 to fit your own.",
            color="info",
            className="small py-2",
        )
    if whose != "your runs" and x_key == "tokens_seen":
        # the reference runs all saw the same data: use the largest one's validation curve
        big = max(points, key=lambda r: r["n_params"])
        points = [
            {"tokens_seen": d, "final_val_loss": v, "label": f"{big['label']} at {d:,} tokens"}
            for d, v in big["curve"]
            if d > 0
        ]
        whose = "the largest reference run, along its training"
    x = np.array([r[x_key] for r in points], float)
    loss = np.array([r["final_val_loss"] for r in points], float)
    try:
        fit = fit_power_law(x, loss)
        grid = np.geomspace(x.min(), x.max() * factor, 40)
        lo, mid, hi = bootstrap_band(x, loss, grid)
    except ValueError as err:
        return note, None, message_figure(str(err)), None
    target = x.max() * factor
    fig = figure(
        [
            {
                "type": "scatter",
                "mode": "lines",
                "x": grid.tolist(),
                "y": hi.tolist(),
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": grid.tolist(),
                "y": lo.tolist(),
                "fill": "tonexty",
                "fillcolor": "rgba(0,114,178,0.18)",
                "line": {"width": 0},
                "name": "90% bootstrap band",
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": grid.tolist(),
                "y": fit.predict(grid).tolist(),
                "name": f"Fit: α = {fit.alpha:.3f}",
                "line": {"color": PALETTE[0]},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": x.tolist(),
                "y": loss.tolist(),
                "text": [esc(r.get("label", "")) for r in points],
                "name": esc(whose.capitalize()),
                "marker": {"size": 10, "color": PALETTE[3]},
                "hovertemplate": "%{text}<br>%{x:,.0f}: loss %{y:.3f}<extra></extra>",
            },
        ],
        title={"text": f"Loss vs {XS[x_key].split()[-1]}"},
        xaxis=axis(XS[x_key] + " (log)", type="log"),
        yaxis=axis("Validation loss (nats/char, log)", type="log"),
        height=400,
    )
    i = -1
    stats = [
        stat("Runs fitted", f"{len(points)}"),
        stat("Exponent α", f"{fit.alpha:.3f}", id=f"{LAB}-alpha"),
        stat(
            f"Predicted loss at {target:,.0f}",
            f"{mid[i]:.3f}",
            hint=f"90% band {lo[i]:.3f}–{hi[i]:.3f}",
        ),
    ]
    return note, stats, fig, None
