"""Measured throughput of each stage-03 step, in one process and in several, and the peak
memory of streaming versus loading everything: a background job, bounded."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import field_error, number_field
from app.components.job_controls import job_callback_options, job_controls, on_cancel
from app.components.lab_card import lab_card, stat
from app.core.dataeng.throughput import (
    MAX_DOCS,
    MAX_WORKERS,
    STEP_NAMES,
    STEPS,
    documents,
    measure_steps,
    peak_memory,
)
from app.figures.plain import PALETTE, axis, figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.services.jobs import JobGuard, JobsBusy, job_slot
from app.validation import InputError, parse_number

LAB = "dataeng_throughput"
MEMORY_DOCS = 1000


def layout():
    controls = html.Fieldset(
        dbc.Row(
            [
                dbc.Col(
                    number_field(f"{LAB}-docs", "Documents", 300, help=f"50–{MAX_DOCS}"), xs=6, md=4
                ),
                dbc.Col(
                    number_field(f"{LAB}-workers", "Worker processes", 2, help=f"2–{MAX_WORKERS}"),
                    xs=6,
                    md=4,
                ),
            ],
            className="g-2",
        ),
        id=f"{LAB}-controls",
    )
    body = html.Div(
        [
            controls,
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


@callback(
    Output(f"{LAB}-result", "children"),
    Input(f"{LAB}-start", "n_clicks"),
    State(f"{LAB}-docs", "value"),
    State(f"{LAB}-workers", "value"),
    background=True,
    **job_callback_options(LAB),
    prevent_initial_call=True,
)
def start(set_progress, n_clicks, docs, workers):
    if not n_clicks:
        return no_update
    try:
        n = parse_number(docs, "Documents", minimum=50, maximum=MAX_DOCS, integer=True)
        k = parse_number(workers, "Worker processes", minimum=2, maximum=MAX_WORKERS, integer=True)
    except InputError as err:
        return field_error(str(err))
    total = 2 * len(STEPS) + 2

    def report(m):
        done = len(m["one"]) + len(m["many"])
        set_progress(
            (
                round(100 * done / total),
                f"{done} / {total} measurements",
                throughput_figure(m),
                None,
            )
        )

    try:
        with job_slot() as lease:
            guard = JobGuard(lease)
            m = measure_steps(documents(n), k, on_step=lambda m: (guard.stop_now(), report(m)))
            lease.renew()
            stream = peak_memory(MEMORY_DOCS, streaming=True)
            lease.renew()
            loaded = peak_memory(MEMORY_DOCS, streaming=False)
    except JobsBusy as err:
        return field_error(str(err))
    except Exception as err:  # a bug must not leave the learner with a spinner forever
        return field_error(f"The measurement failed: {err}")
    set_progress((100, "done", throughput_figure(m), None))
    return result_view(m, stream, loaded)


cancelled = on_cancel(LAB, "You cancelled the measurement. Press Measure to run it again.")
