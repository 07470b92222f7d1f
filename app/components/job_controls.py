"""Start, Cancel, a progress bar and live numbers: the controls of every lab that runs a
background job (stage 03's cleaning pipeline, 05's training, 06's fine-tuning), and their
Dash wiring."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update


def job_controls(lab: str, start_label: str) -> list:
    """The buttons, the bar and the live-stats row, with ids `{lab}-start`, `-cancel`,
    `-progress` and `-live`."""
    return [
        html.Div(
            [
                dbc.Button(
                    [html.I(className="bi bi-play-fill me-1"), start_label],
                    id=f"{lab}-start",
                    color="primary",
                    className="me-2",
                ),
                dbc.Button(
                    [html.I(className="bi bi-stop-fill me-1"), "Cancel"],
                    id=f"{lab}-cancel",
                    color="danger",
                    outline=True,
                    disabled=True,
                ),
            ],
            className="my-2",
        ),
        dbc.Progress(
            id=f"{lab}-progress", value=0, label="", className="my-2", style={"height": "1.4rem"}
        ),
        html.Div(id=f"{lab}-live", className="stat-row my-2"),
    ]


def job_callback_options(lab: str, *, also_disable: tuple[str, ...] = ()) -> dict:
    """`running`, `cancel` and `progress` for the lab's background callback: while a job
    runs, Start, the `{lab}-controls` fieldset and `also_disable` ids are disabled and
    Cancel is enabled; progress reports fill the bar, `{lab}-chart` and the live stats."""
    disabled_while_running = ["start", "controls", *also_disable]
    return dict(
        running=[
            *[
                (Output(f"{lab}-{name}", "disabled"), True, False)
                for name in disabled_while_running
            ],
            (Output(f"{lab}-cancel", "disabled"), False, True),
        ],
        cancel=[Input(f"{lab}-cancel", "n_clicks")],
        progress=[
            Output(f"{lab}-progress", "value"),
            Output(f"{lab}-progress", "label"),
            Output(f"{lab}-chart", "figure"),
            Output(f"{lab}-live", "children"),
        ],
        interval=500,
    )


def progress_bar_state(done: int, total: int, elapsed_s: float) -> tuple[int, str]:
    """(percent, label) for the bar: 'step 120 / 300 · about 12 s left'."""
    eta = elapsed_s / done * (total - done) if done else 0.0
    label = f"step {done:,} / {total:,}" + (f" · about {eta:.0f} s left" if done < total else "")
    return round(100 * done / total) if total else 0, label


def cancelled_label(label: str | None) -> str:
    """The bar's label once a job is cancelled: 'step 256 / 2,000 · about 72 s left' →
    'cancelled at step 256 / 2,000'."""
    head = (label if isinstance(label, str) else "").split(" · ")[0].strip()
    return f"cancelled at {head}" if head else "cancelled"


def on_cancel(lab: str, note: str):
    """Register the callback that answers Cancel. Dash stops the job by ending its
    process, so the job itself returns nothing: without this the bar would stay frozen at
    'about 72 s left'. The bar says where the job stopped and `{lab}-result` says `note`."""

    @callback(
        Output(f"{lab}-progress", "label", allow_duplicate=True),
        Output(f"{lab}-result", "children", allow_duplicate=True),
        Input(f"{lab}-cancel", "n_clicks"),
        State(f"{lab}-progress", "label"),
        prevent_initial_call=True,
    )
    def cancelled(n_clicks, label):
        if not n_clicks:
            return no_update, no_update
        alert = dbc.Alert(note, color="secondary", className="py-2 small", id=f"{lab}-cancelled")
        return cancelled_label(label), alert

    return cancelled
