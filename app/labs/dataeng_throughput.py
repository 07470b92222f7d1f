"""Measured throughput of each stage-03 step, in one process and in several, and the peak
memory of streaming versus loading everything: a job (kind "throughput" of
`app.services.throughput`, run by the skeleton `job_lab`), bounded."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from app.components.inputs import spec_field
from app.components.job_controls import JobLab, job_controls, job_lab
from app.components.lab_card import lab_card, stat
from app.core.dataeng.throughput import STEP_NAMES, STEPS
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.services.throughput import (
    FIELDS,
    MEASUREMENTS,
    MEMORY_DOCS,
    ThroughputResult,
    parse_settings,
)

LAB = "dataeng_throughput"
FORM = tuple(spec.name for spec in FIELDS)
SPEC = {spec.name: spec for spec in FIELDS}


def layout():
    controls = html.Fieldset(
        dbc.Row(
            [
                dbc.Col(spec_field(LAB, SPEC["docs"]), xs=6, md=4),
                dbc.Col(spec_field(LAB, SPEC["workers"]), xs=6, md=4),
            ],
            className="g-2",
        ),
        id=f"{LAB}-controls",
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            *job_controls(LAB, "Measure"),
            dcc.Graph(
                id=f"{LAB}-chart",
                config=GRAPH_CONFIG,
                figure=message_figure("Press Measure to time each step."),
            ),
            html.Div(id=f"{LAB}-result"),
        ]
    )
    return lab_card(
        LAB,
        "How fast is each step, and what does parallelism buy?",
        "Runs the per-document work of each stage-03 step on pages of the shipped crawl, first "
        "in one process, then split across worker processes, on this shared server. Then it "
        f"measures peak memory for {MEMORY_DOCS:,} pages read as a stream and loaded all at once.",
        body,
        icon="bi-speedometer2",
        sources=[
            ("Python multiprocessing", "https://docs.python.org/3/library/multiprocessing.html"),
            ("tracemalloc", "https://docs.python.org/3/library/tracemalloc.html"),
        ],
    )


def throughput_figure(m: dict) -> dict:
    names = [STEP_NAMES[s] for s in STEPS]
    return figure(
        [
            {
                "type": "bar",
                "name": "1 process",
                "orientation": "h",
                "y": names,
                "x": [m["one"].get(s) for s in STEPS],
                "marker": {"color": PALETTE[1]},
            },
            {
                "type": "bar",
                "name": f"{m['workers']} processes",
                "orientation": "h",
                "y": names,
                "x": [m["many"].get(s) for s in STEPS],
                "marker": {"color": PALETTE[0]},
            },
        ],
        title={"text": f"Documents per second ({m['documents']:,} docs)"},
        xaxis=axis("Documents per second", type="log"),
        yaxis={"autorange": "reversed"},
        barmode="group",
        height=360,
    )


def result_view(m: dict, stream: tuple[int, int], loaded: tuple[int, int]):
    speedups = {s: m["many"][s] / m["one"][s] for s in STEPS if s in m["many"]}
    best = max(speedups, key=speedups.get) if speedups else None
    speed = (
        stat("Best speed-up", f"{speedups[best]:.1f}×", hint=STEP_NAMES[best])
        if best
        else stat("Worker processes", "not run", hint=m.get("no_workers", ""))
    )
    return html.Div(
        [
            html.Div(
                [
                    speed,
                    stat(
                        "Pool start-up",
                        f"{m['startup_s']:.1f} s",
                        hint="starting workers costs time",
                    ),
                    stat("Peak memory, streaming", f"{stream[0] / 1e6:.1f} MB", id=f"{LAB}-stream"),
                    stat("Peak memory, all loaded", f"{loaded[0] / 1e6:.1f} MB"),
                ],
                className="stat-row my-2",
            ),
            html.P(
                "Cheap steps gain little or even lose: sending each document to a worker "
                "(pickling it) costs about as much as the work. Expensive steps such as MinHash "
                "gain most. Streaming keeps memory flat however many pages there are; loading "
                "grows with the corpus. The machine is shared, so numbers vary between runs.",
                className="small",
            ),
        ],
        id=f"{LAB}-summary",
    )


def progress_view(m: dict):
    """The bar, the chart and the live stats for the measurement so far."""
    if m.get("finished"):
        return 100, "done", throughput_figure(m), None
    done = len(m["one"]) + len(m["many"]) + m.get("memory_done", 0)
    label = f"{done} / {MEASUREMENTS} measurements"
    return round(100 * done / MEASUREMENTS), label, throughput_figure(m), None


def parse_job(raw: dict) -> dict:
    return {"run": asdict(parse_settings(raw))}


def show_result(result: dict):
    r = ThroughputResult.from_json(result)
    return (result_view(r.measurement, r.stream, r.loaded),)


callbacks = job_lab(
    JobLab(
        lab=LAB,
        kind="throughput",
        fields=FORM,
        parse=parse_job,
        progress_view=progress_view,
        result_outputs=(Output(f"{LAB}-result", "children"),),
        result_view=show_result,
        cancelled_note="You cancelled the measurement. Press Measure to run it again.",
        invalid_fields=FORM,
        failed_note="The measurement failed",
    )
)
start, poll, cancel = callbacks["start"], callbacks["poll"], callbacks["cancel"]
