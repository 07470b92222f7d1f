"""Training lab: train a real tiny GPT on the guide's own text, live, with progress and
cancel; compare runs. The model and its training loop are `app.core.tinylm`; the job's
limits and slots are `app.services.tinygpt.training` and `app.services.jobs`."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from app.components.inputs import field_error
from app.components.job_controls import JobLab, job_controls, job_lab
from app.components.lab_card import formula_note, lab_card
from app.components.relay import FINISHED_RUN, relay
from app.components.tiny_model_picker import TRAINED_RUNS
from app.core.compute import training_flops
from app.core.units import scientific
from app.figures.theme import GRAPH_CONFIG
from app.figures.training import loss_figure, runs_figure
from app.labs.live_training.fields import FORM, LAB, NUMBER_FIELDS, controls
from app.labs.live_training.views import progress_view, reading_guide, result_view
from app.services.jobs import FormErrors
from app.services.tinygpt.training import (
    TrainingResult,
    baselines,
    model_config,
    parse_settings,
    run_record,
)
from app.state.runs import sanitize_runs
from app.validation import InputError


def layout():
    random_loss, unigram_loss = baselines()
    body = html.Div(
        [
            controls(),
            html.Div(id=f"{LAB}-estimate", className="small text-muted mb-2"),
            html.Div(id=f"{LAB}-error"),
            *job_controls(LAB, "Start training"),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id=f"{LAB}-chart",
                            figure=loss_figure(
                                {}, random_loss=random_loss, unigram_loss=unigram_loss
                            ),
                            config={**GRAPH_CONFIG, "displayModeBar": False},
                        ),
                        lg=8,
                    ),
                    dbc.Col(reading_guide(random_loss, unigram_loss), lg=4),
                ],
                className="g-3",
            ),
            html.Div(id=f"{LAB}-result", className="mt-3"),
            dcc.Store(id=f"{LAB}-finished"),  # the last finished run's record
            html.Hr(),
            dcc.Graph(id=f"{LAB}-runs-chart", config={**GRAPH_CONFIG, "displayModeBar": False}),
            dbc.Button(
                [html.I(className="bi bi-trash me-1"), "Clear my runs"],
                id=f"{LAB}-clear",
                color="dark",
                outline=True,
                size="sm",
            ),
            formula_note(
                "loss = mean over positions of −ln p(real next character); AdamW with warmup "
                "and decay; gradients clipped to norm 1",
                "Radford et al. 2019 (GPT-2); Loshchilov & Hutter 2019 (AdamW)",
                "https://arxiv.org/abs/1711.05101",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Train a tiny GPT, live",
        "A real decoder-only transformer, written in NumPy, learns to predict the next "
        "character of this guide's own text. Pick its size and learning rate, press "
        "**Start**, and watch the loss fall. The defaults train in well under a minute.",
        body,
        icon="bi-activity",
    )


FIELDS = FORM  # the form values every callback reads, in order


def _raw(values) -> dict:
    return dict(zip(FORM, values, strict=True))


@callback(
    Output(f"{LAB}-estimate", "children"),
    Output(f"{LAB}-error", "children"),
    *[Output(f"{LAB}-{name}", "invalid") for name in NUMBER_FIELDS],
    *[Input(f"{LAB}-{name}", "value") for name in FORM],
)
def estimate(*values):
    """Instant feedback while editing: model size and work per step, or every field that
    is wrong (named together, each marked on its own box; cleared once fixed)."""
    try:
        run = parse_settings(_raw(values))
    except InputError as err:
        errors = err.errors if isinstance(err, FormErrors) else {}
        message = " ".join(errors.values()) if errors else str(err)
        return None, field_error(message), *[name in errors for name in NUMBER_FIELDS]
    n_params = model_config(run).n_params()
    tokens = run.batch_size * run.seq_len
    return (
        f"{n_params:,} parameters · {tokens:,} characters per step · "
        f"{tokens * run.steps:,} characters over the run · "
        f"{scientific(training_flops(n_params, tokens * run.steps), 2)} FLOPs (6·N·D)",
        None,
        *[False] * len(NUMBER_FIELDS),
    )


def _parse_job(raw: dict) -> dict:
    return {"run": asdict(parse_settings(raw))}


def _show_result(result: dict):
    run = TrainingResult.from_json(result)
    return result_view(run), run_record(run)


callbacks = job_lab(
    JobLab(
        lab=LAB,
        kind="training",
        fields=FORM,
        parse=_parse_job,
        progress_view=progress_view,
        result_outputs=(
            Output(f"{LAB}-result", "children"),
            Output(f"{LAB}-finished", "data"),
        ),
        result_view=_show_result,
        cancelled_note="You cancelled this run: it stopped where the bar shows, and it is "
        "not kept or added to your runs. Press Start to train again.",
        invalid_fields=NUMBER_FIELDS,
        also_disable=("clear",),
        failed_note="Training failed",
    )
)
start, poll, cancel = callbacks["start"], callbacks["poll"], callbacks["cancel"]


relay(f"{LAB}-finished", "data", FINISHED_RUN)


@callback(
    Output(TRAINED_RUNS, "data", allow_duplicate=True),
    Input(FINISHED_RUN, "data"),
    State(TRAINED_RUNS, "data"),
    prevent_initial_call=True,
)
def keep_run(record, runs):
    """Add a finished run to the learner's runs (the shell's local store), repairing it;
    a run already there (the page was reloaded) is not added twice."""
    if not record:
        return no_update
    kept = sanitize_runs(runs)
    if any(r["id"] == record.get("id") for r in kept):
        return no_update
    return sanitize_runs([*kept, record])


@callback(
    Output(f"{LAB}-runs-chart", "figure"),
    Input(TRAINED_RUNS, "data"),
    Input(f"{LAB}-runs-chart", "id"),  # fire when the lab is rendered: the store is not new
)
def show_runs(runs, _mounted=None):
    return runs_figure(sanitize_runs(runs), unigram_loss=baselines()[1])


# In the browser: this button's page is not where the store lives (see app.components.relay).
clientside_callback(
    "function(n) { return n ? [] : window.dash_clientside.no_update; }",
    Output(TRAINED_RUNS, "data", allow_duplicate=True),
    Input(f"{LAB}-clear", "n_clicks"),
    prevent_initial_call=True,
)
