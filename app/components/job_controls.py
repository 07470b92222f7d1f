"""The controls and the Dash wiring of every lab that runs a background job (stage 03's
cleaning pipeline, 05's training, 06's fine-tuning, the RLHF page's DPO, the
data-engineering page's throughput measurement): Start, Cancel, a progress
bar, live numbers, and the one skeleton `job_lab(JobLab(...))`.

How a job lab works (the Dash-free half is `app.services.jobs`):
- Start parses the form (`JobLab.parse`: raw values → JSON params, or `FormErrors` naming
  every bad field, each marked invalid on its own input; the last good result stays).
  The job gets a fresh id, stored in the tab's session store `{lab}-job`.
- A `dcc.Interval` (`{lab}-poll`) reads the job's state while it runs: the bar, the chart
  and the live numbers (`JobLab.progress_view`), then the result (`JobLab.result_view`).
  Polling is also the job's heartbeat: close the tab and the job stops itself.
- A reloaded page finds its job id in the session store and re-attaches to it.
- Cancel asks the job to stop; it stops within a step and the bar says where.

A learner id (random, made in the browser, kept in local storage) names whose job and
whose models these are; `learner_store(lab)` gives a lab a copy of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.components.inputs import field_error
from app.services.jobs import (
    FormErrors,
    JobsBusy,
    cancel_job,
    clean_learner_id,
    poll_job,
    start_job,
)
from app.validation import InputError

log = logging.getLogger(__name__)
POLL_MS = 500

# A random id per browser, made once and kept in local storage as JSON (no cookie, no
# account; JSON because assets/store-guard.js resets any stored value that is not JSON).
LEARNER_JS = """
function(_id) {
    var key = "ogelo-learner-id", v = null;
    try { v = JSON.parse(window.localStorage.getItem(key)); } catch (e) {}
    if (typeof v !== "string" || !/^[0-9a-z_-]{8,40}$/.test(v)) {
        var a = new Uint8Array(16);
        window.crypto.getRandomValues(a);
        v = Array.from(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
        try { window.localStorage.setItem(key, JSON.stringify(v)); } catch (e) {}
    }
    return v;
}
"""


def learner_store(lab: str) -> dcc.Store:
    """`{lab}-learner`: this browser's learner id; call `follow_learner(lab)` once."""
    return dcc.Store(id=f"{lab}-learner")


def follow_learner(lab: str) -> None:
    """Fill `{lab}-learner` with this browser's learner id when the lab is shown."""
    follow_learner_id(f"{lab}-learner")


def follow_learner_id(store_id: str) -> None:
    clientside_callback(LEARNER_JS, Output(store_id, "data"), Input(store_id, "id"))


def persist(component):
    """Keep a form's values for the tab (session storage) when the learner leaves the page
    and comes back: sets persistence on every input, select and checklist inside."""
    if isinstance(component, dbc.Input | dbc.Select | dbc.Checklist | dbc.Textarea):
        component.persistence = True
        component.persistence_type = "session"
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            persist(child)
    return component


def job_controls(lab: str, start_label: str) -> list:
    """The buttons, the bar, the live-stats row, a note line and the job's plumbing, with
    ids `{lab}-start`, `-cancel`, `-progress`, `-live`, `-note`, `-poll`, `-job`."""
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
        html.Div(id=f"{lab}-note", role="status"),
        dcc.Interval(id=f"{lab}-poll", interval=POLL_MS, disabled=True),
        dcc.Store(id=f"{lab}-job", storage_type="session"),
        learner_store(lab),
    ]


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


@dataclass(frozen=True)
class JobLab:
    """Everything a job lab tells the skeleton. Form fields are `{lab}-{name}` values."""

    lab: str
    kind: str  # a job kind registered with app.services.jobs.job_kind
    fields: tuple[str, ...]
    parse: Callable[[dict], dict]  # raw form values → JSON params; InputError/FormErrors
    progress_view: Callable[[dict], tuple]  # progress → (bar value, label, figure, live)
    result_outputs: tuple  # Outputs the result fills (allow_duplicate where shared)
    result_view: Callable[[dict], tuple]  # result JSON → values for result_outputs
    cancelled_note: str
    invalid_fields: tuple[str, ...] = ()  # fields with an `invalid` prop (dbc.Input)
    also_disable: tuple[str, ...] = ()  # `{lab}-{name}` disabled while a job runs
    quick: Callable[[dict], dict | None] | None = None  # a result known without a job
    final_progress: Callable[[dict], tuple] | None = None  # bar etc. for a quick result
    failed_note: str = "The run failed"
    # After a cancel: the chart from these States' values (e.g. the last finished run's)
    cancel_states: tuple = ()
    cancelled_figure: Callable[..., object] | None = None


def form_errors(lab: JobLab, err: InputError) -> tuple:
    """(message, invalid flags) for an InputError: every bad field named and marked."""
    errors = err.errors if isinstance(err, FormErrors) else {}
    message = field_error(" ".join(errors.values()) if errors else str(err))
    return message, [name in errors for name in lab.invalid_fields]


def job_lab(lab: JobLab) -> dict[str, Callable]:
    """Register the job lab's callbacks; returns them by name (tests call them directly)."""
    p = lab.lab
    follow_learner(p)
    n_results = len(lab.result_outputs)
    disable = ["start", "controls", *lab.also_disable]

    @callback(
        Output(f"{p}-job", "data"),
        Output(f"{p}-error", "children", allow_duplicate=True),
        Output(f"{p}-note", "children", allow_duplicate=True),
        *[Output(f"{p}-{n}", "invalid", allow_duplicate=True) for n in lab.invalid_fields],
        Input(f"{p}-start", "n_clicks"),
        State(f"{p}-learner", "data"),
        *[State(f"{p}-{n}", "value") for n in lab.fields],
        prevent_initial_call=True,
    )
    def start(n_clicks, learner, *values):
        """Start one job for this press, or say what is wrong (the last result stays)."""
        if not n_clicks:
            raise PreventUpdate
        flags_ok = [False] * len(lab.invalid_fields)
        try:
            params = lab.parse(dict(zip(lab.fields, values, strict=True)))
        except InputError as err:
            message, flags = form_errors(lab, err)
            return no_update, message, None, *flags
        learner = clean_learner_id(learner)
        if learner is None:
            note = field_error(
                "This browser did not give the page a learner id (is local storage "
                "blocked?). Reload the page and try again."
            )
            return no_update, None, note, *flags_ok
        params = {**params, "learner": learner}
        try:
            known = lab.quick(params) if lab.quick else None
            job_id = start_job(lab.kind, params, learner, result=known)
        except JobsBusy as err:
            return no_update, None, field_error(str(err)), *flags_ok
        except Exception:
            log.exception("could not start a %s job", lab.kind)
            note = field_error(f"{lab.failed_note}: the server could not start it.")
            return no_update, None, note, *flags_ok
        return {"id": job_id}, None, None, *flags_ok

    def running_flags(running: bool) -> list:
        return [running] * len(disable) + [not running, not running]  # ..., cancel, poll

    # The poll runs only for a job: one just started, or (after a reload) one this tab
    # started before, once the page knows who the learner is. No job, no request.
    clientside_callback(
        """function(job, learner, n) {
            const nu = window.dash_clientside.no_update;
            const has = job && typeof job === "object" && job.id;
            return (learner && has) ? [false, (n || 0) + 1] : [nu, nu];
        }""",
        Output(f"{p}-poll", "disabled", allow_duplicate=True),
        Output(f"{p}-poll", "n_intervals"),
        Input(f"{p}-job", "data"),
        Input(f"{p}-learner", "data"),
        State(f"{p}-poll", "n_intervals"),
        prevent_initial_call=True,
    )

    @callback(
        Output(f"{p}-progress", "value"),
        Output(f"{p}-progress", "label"),
        Output(f"{p}-chart", "figure", allow_duplicate=True),
        Output(f"{p}-live", "children"),
        *lab.result_outputs,
        Output(f"{p}-note", "children", allow_duplicate=True),
        *[Output(f"{p}-{n}", "disabled") for n in disable],
        Output(f"{p}-cancel", "disabled"),
        Output(f"{p}-poll", "disabled"),
        Input(f"{p}-poll", "n_intervals"),
        State(f"{p}-job", "data"),
        State(f"{p}-learner", "data"),
        State(f"{p}-progress", "label"),
        *lab.cancel_states,
        prevent_initial_call=True,  # a reload re-attaches through the gate above
    )
    def poll(_n, job, learner, label, *restore):
        """The job's progress while it runs, then its result (also after a reload)."""
        job_id = job.get("id") if isinstance(job, dict) else None
        if job_id is None or clean_learner_id(learner) is None:
            raise PreventUpdate
        state = poll_job(job_id, clean_learner_id(learner))
        keep = (no_update,) * n_results
        if state is None:  # expired, unknown or not this learner's: let go quietly
            return (0, "", no_update, None, *keep, None, *running_flags(False))
        status, progress = state.get("status"), state.get("progress")
        if status in ("queued", "running"):
            bar = lab.progress_view(progress) if progress else (0, "starting…", no_update, None)
            return (*bar, *keep, None, *running_flags(True))
        if status == "done":
            result = state.get("result") or {}
            if progress:
                bar = lab.progress_view(progress)
            elif lab.final_progress:
                bar = lab.final_progress(result)
            else:
                bar = (100, "", no_update, None)
            try:
                shown = lab.result_view(result)
            except Exception:
                log.exception("could not show a %s result", lab.kind)
                note = field_error(f"{lab.failed_note}: its result could not be shown.")
                return (*bar, *keep, note, *running_flags(False))
            return (*bar, *shown, None, *running_flags(False))
        if status == "cancelled":
            note = dbc.Alert(
                lab.cancelled_note, color="secondary", className="py-2 small", id=f"{p}-cancelled"
            )
            figure = lab.cancelled_figure(*restore) if lab.cancelled_figure else no_update
            return (
                no_update,
                cancelled_label(label),
                figure,
                no_update,
                *keep,
                note,
                *running_flags(False),
            )
        message = state.get("message") or f"{lab.failed_note}."
        return (0, "", no_update, None, *keep, field_error(message), *running_flags(False))

    @callback(
        Output(f"{p}-note", "children", allow_duplicate=True),
        Input(f"{p}-cancel", "n_clicks"),
        State(f"{p}-job", "data"),
        State(f"{p}-learner", "data"),
        prevent_initial_call=True,
    )
    def cancel(n_clicks, job, learner):
        """Ask the running job to stop; the poll shows where it stopped."""
        if not n_clicks:
            raise PreventUpdate
        job_id = job.get("id") if isinstance(job, dict) else None
        if not cancel_job(job_id, clean_learner_id(learner)):
            raise PreventUpdate
        return html.Span("Stopping…", className="small text-muted")

    return {"start": start, "poll": poll, "cancel": cancel}
