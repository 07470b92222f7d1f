"""Model chooser: your hardware, context, speed, budget and licence → the open models that
fit, and the Pareto front of quality against cost per million tokens."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from app.components.first_view import first_view_callback
from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.core.gpus import get_gpu, list_gpus
from app.core.selection import BENCHMARKS, LICENCE_KINDS, choose, open_models, pareto_front
from app.core.serving import WEIGHT_FORMATS
from app.figures.plain import PALETTE, axis, esc, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "selection_chooser"
FORMATS = {"bf16": "16-bit (bf16)", "int8": "8-bit", "int4-g128": "4-bit (GPTQ/AWQ style)"}
LICENCES = {"any": "Any open licence", "permissive": "Permissive only (Apache 2.0)"}
DEFAULTS = dict(
    gpu="H100 SXM",
    n_gpus=1,
    fmt="bf16",
    context=4096,
    batch=8,
    max_ms=50,
    max_cost=5,
    licence="any",
    bench="mmlu",
)


def _col(child, md=3):
    return dbc.Col(child, xs=6, md=md)


def layout():
    d = DEFAULTS
    controls = dbc.Row(
        [
            _col(select_field(f"{LAB}-gpu", "GPU", [g.name for g in list_gpus()], d["gpu"])),
            _col(number_field(f"{LAB}-n_gpus", "GPUs", d["n_gpus"], help="1–16")),
            _col(
                select_field(
                    f"{LAB}-fmt",
                    "Weights",
                    [{"label": v, "value": k} for k, v in FORMATS.items()],
                    d["fmt"],
                )
            ),
            _col(number_field(f"{LAB}-context", "Context", d["context"], unit="tokens")),
            _col(number_field(f"{LAB}-batch", "Sequences at once", d["batch"], help="1–256")),
            _col(number_field(f"{LAB}-max_ms", "Max latency", d["max_ms"], unit="ms/token")),
            _col(number_field(f"{LAB}-max_cost", "Max cost", d["max_cost"], unit="$/M tokens")),
            _col(
                select_field(
                    f"{LAB}-licence",
                    "Licence",
                    [{"label": v, "value": k} for k, v in LICENCES.items()],
                    d["licence"],
                )
            ),
            _col(
                select_field(
                    f"{LAB}-bench",
                    "Quality measure",
                    [{"label": v, "value": k} for k, v in BENCHMARKS.items()],
                    d["bench"],
                )
            ),
        ],
        className="g-2",
    )
    stats, table, fig, err = update(*DEFAULTS.values())
    body = html.Div(
        [
            controls,
            html.Div(err, id=f"{LAB}-error"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-2"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            html.Div(table, id=f"{LAB}-table", className="table-responsive"),
            formula_note(
                "ms/token ≥ (active weights + KV caches) / bandwidth;  "
                "$/M tokens = GPUs × $/h ÷ (tokens/s × 3,600) × 10⁶",
                "Pope et al. 2022 (decode bound, as on stage 08)",
                "https://arxiv.org/abs/2211.05102",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Which open model fits?",
        "Set your hardware and limits. Memory and speed come from the stage-08 serving "
        "planner's formulas; scores are as published (sources in the table).",
        body,
        icon="bi-funnel",
        sources=sorted(
            {(", ".join(m.source.split(", ")[:2]), m.source_url) for m in open_models()}
        ),
    )


@first_view_callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-table", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    *[Input(f"{LAB}-{k}", "value") for k in DEFAULTS],
)
def update(gpu, n_gpus, fmt, context, batch, max_ms, max_cost, licence, bench):
    try:
        gpu = get_gpu(parse_choice(gpu, "GPU", [g.name for g in list_gpus()]))
        n_gpus = parse_number(n_gpus, "GPUs", minimum=1, maximum=16, integer=True)
        fmt = parse_choice(fmt, "Weights", list(WEIGHT_FORMATS))
        context = parse_number(
            context, "Context", minimum=1, maximum=131072, integer=True, unit="tokens"
        )
        batch = parse_number(batch, "Sequences at once", minimum=1, maximum=256, integer=True)
        max_ms = parse_number(max_ms, "Max latency", minimum=0.1, maximum=10_000, unit="ms")
        max_cost = parse_number(max_cost, "Max cost", minimum=0.001, maximum=10_000, unit="$")
        licence = parse_choice(licence, "Licence", list(LICENCE_KINDS))
        bench = parse_choice(bench, "Quality measure", list(BENCHMARKS))
    except InputError as err:
        return None, None, message_figure("Fix the setting above."), field_error(str(err))
    cands = choose(
        gpu,
        n_gpus,
        weight_format=fmt,
        context=context,
        batch=batch,
        max_ms_per_token=max_ms,
        max_cost_per_million=max_cost,
        licence=licence,
    )
    scored = [c for c in cands if bench in c.model.scores and math.isfinite(c.cost_per_million)]
    fitting = [c for c in scored if c.fits]
    on_front = {
        fitting[i].model.name
        for i in pareto_front([(c.cost_per_million, c.model.scores[bench]) for c in fitting])
    }
    traces = []
    for fits, color, name in ((False, "#adb5bd", "Does not fit"), (True, PALETTE[0], "Fits")):
        group = [c for c in scored if c.fits == fits]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": name,
                "x": [c.cost_per_million for c in group],
                "y": [c.model.scores[bench] for c in group],
                "text": [esc(c.model.name) for c in group],
                "textposition": "top center",
                "marker": {"size": 11, "color": color},
                "hovertemplate": "%{text}: $%{x:.3g}/M tokens, %{y}<extra></extra>",
            }
        )
    front = sorted(
        (c for c in fitting if c.model.name in on_front), key=lambda c: c.cost_per_million
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Pareto front",
            "x": [c.cost_per_million for c in front],
            "y": [c.model.scores[bench] for c in front],
            "line": {"color": PALETTE[3], "shape": "hv"},
            "hoverinfo": "skip",
        }
    )
    fig = figure(
        traces,
        title={"text": f"Quality vs cost, {esc(gpu.name)}"},
        xaxis=axis("$ per million generated tokens (log)", type="log", dtick="D2"),
        yaxis=axis(BENCHMARKS[bench]),
        height=400,
    )
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in (
                    "Model",
                    "Params (active)",
                    "Memory",
                    "ms/token",
                    "$/M tokens",
                    BENCHMARKS[bench],
                    "Licence",
                    "Fits?",
                )
            ]
        )
    )

    def num(x, fmt_):
        return fmt_.format(x) if math.isfinite(x) else "–"

    rows = [
        html.Tr(
            [
                html.Td(
                    html.A(
                        c.model.name,
                        href=c.model.source_url,
                        target="_blank",
                        rel="noopener noreferrer",
                    )
                ),
                html.Td(f"{c.model.params_total_b:g}B ({c.model.params_active_b:g}B)"),
                html.Td(num(c.memory_gb, "{:,.0f} GB")),
                html.Td(num(c.ms_per_token, "{:,.1f}")),
                html.Td(num(c.cost_per_million, "${:,.2f}")),
                html.Td(c.model.scores.get(bench, "–")),
                html.Td(c.model.licence),
                html.Td("yes" if c.fits else "no: " + "; ".join(c.reasons)),
            ],
            className="table-success" if c.model.name in on_front else None,
        )
        for c in cands
    ]
    table = dbc.Table([head, html.Tbody(rows)], size="sm", className="small")
    best = max(fitting, key=lambda c: c.model.scores[bench], default=None)
    stats = [
        stat("Models that fit", f"{sum(c.fits for c in cands)} of {len(cands)}", id=f"{LAB}-fits"),
        stat("Best that fits", best.model.name if best else "none"),
        stat("On the Pareto front", ", ".join(c.model.name for c in front) or "none"),
    ]
    return stats, table, fig, None
