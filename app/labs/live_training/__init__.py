"""Training lab: train a real tiny GPT on the guide's own text, live, with progress and
cancel; compare runs. The model and its training loop are `app.core.tinylm`; the job's
limits and slots are `app.services.tinygpt.training` and `app.services.jobs`."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.job_controls import (
    job_callback_options,
    job_controls,
    on_cancel,
    progress_bar_state,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.components.tiny_model_picker import TRAINED_RUNS
from app.config import settings
from app.core.compute import training_flops
from app.core.units import scientific
from app.figures.theme import GRAPH_CONFIG
from app.figures.training import loss_figure, runs_figure
from app.services.jobs import JobsBusy
from app.services.tinygpt.training import (
    DEFAULTS,
    HEAD_CHOICES,
    baselines,
    parse_settings,
    run_record,
    run_training,
)
from app.state.runs import sanitize_runs
from app.validation import InputError

LAB = "live_training"
SCHEDULE_LABELS = {
    "cosine": "Warmup + cosine",
    "wsd": "Warmup-stable-decay",
    "constant": "Constant",
    "inverse_sqrt": "Inverse square root",
}
FIELDS = (
    "n_layers",
    "d_model",
    "n_heads",
    "seq_len",
    "batch_size",
    "steps",
    "lr",
    "warmup_steps",
    "schedule",
    "seed",
    "prompt",
)
STOP_NOTES = {
    "cancelled": "You cancelled this run; the results are from the steps it finished.",
    "time limit": "The run reached this server's time limit and stopped early.",
    "diverged": "The loss blew up (became infinite or NaN): the learning rate is too high "
    "for this model. Try a lower one, or a longer warmup.",
}


def _controls():
    d = DEFAULTS
    f = f"{LAB}-"
    return html.Fieldset(
        [
            dbc.Row(
                [
                    dbc.Col(
                        number_field(f + "n_layers", "Layers", d.n_layers, min=1, max=4, step=1),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(
                            f + "d_model", "Width (d_model)", d.d_model, min=16, max=256, step=1
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        select_field(
                            f + "n_heads",
                            "Heads",
                            [{"label": str(h), "value": str(h)} for h in HEAD_CHOICES],
                            str(d.n_heads),
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(
                            f + "seq_len",
                            "Context",
                            d.seq_len,
                            min=16,
                            max=256,
                            step=1,
                            unit="chars",
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(
                            f + "batch_size",
                            "Batch",
                            d.batch_size,
                            min=1,
                            max=128,
                            step=1,
                            unit="seqs",
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(
                            f + "steps", "Steps", d.steps, min=1, max=settings.job_max_steps, step=1
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        number_field(f + "lr", "Peak learning rate", d.lr, min=0, max=1), xs=6, md=4
                    ),
                    dbc.Col(
                        number_field(
                            f + "warmup_steps",
                            "Warmup",
                            d.warmup_steps,
                            min=0,
                            step=1,
                            unit="steps",
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(
                        select_field(
                            f + "schedule",
                            "Schedule",
                            [{"label": v, "value": k} for k, v in SCHEDULE_LABELS.items()],
                            d.schedule,
                        ),
                        xs=6,
                        md=4,
                    ),
                    dbc.Col(number_field(f + "seed", "Seed", d.seed, min=0, step=1), xs=6, md=4),
                    dbc.Col(
                        html.Div(
                            [
                                dbc.Label(
                                    "Prompt for samples",
                                    html_for=f + "prompt",
                                    className="form-label small mb-1",
                                ),
                                dbc.Input(
                                    id=f + "prompt",
                                    value=d.prompt,
                                    maxLength=200,
                                    size="sm",
                                    debounce=True,
                                ),
                            ],
                            className="mb-2",
                        ),
                        xs=12,
                        md=8,
                    ),
                ],
                className="g-2",
            ),
        ],
        id=f"{LAB}-controls",
    )


def layout():
    random_loss, unigram_loss = baselines()
    body = html.Div(
        [
            _controls(),
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
                    dbc.Col(_reading_guide(random_loss, unigram_loss), lg=4),
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


def _reading_guide(random_loss: float, unigram_loss: float):
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("Reading the chart", className="h6"),
                html.P(
                    [
                        "At step 0 the model spreads its bets evenly over every character, so "
                        "its loss is close to ",
                        html.Strong(f"ln(vocab) = {random_loss:.2f}"),
                        " (red line).",
                    ],
                    className="small",
                ),
                html.P(
                    [
                        "Below ",
                        html.Strong(f"{unigram_loss:.2f}"),
                        " (orange line) it has learned more than which letters are common: "
                        "spelling, then short words.",
                    ],
                    className="small",
                ),
                html.P(
                    "The pale line is each batch's training loss, noisy because each batch "
                    "differs. The blue line is the loss on text it never trains on.",
                    className="small",
                ),
                html.P(
                    "Too high a learning rate (try 0.05) and the loss ends higher, and can "
                    "jump or blow up. Too low (try 0.0001) and it falls slowly, still above "
                    "the orange line when the run ends.",
                    className="small mb-0",
                ),
            ]
        ),
        className="h-100 bg-light border-0",
    )


def _raw(values) -> dict:
    return dict(zip(FIELDS, values, strict=True))


@callback(
    Output(f"{LAB}-estimate", "children"),
    Output(f"{LAB}-error", "children"),
    *[Input(f"{LAB}-{name}", "value") for name in FIELDS],
)
def estimate(*values):
    """Instant feedback while editing: model size and work per step, or what is wrong."""
    try:
        run = parse_settings(_raw(values))
    except InputError as err:
        return None, field_error(str(err))
    from app.services.tinygpt.training import model_config

    n_params = model_config(run).n_params()
    tokens = run.batch_size * run.seq_len
    return (
        f"{n_params:,} parameters · {tokens:,} characters per step · "
        f"{tokens * run.steps:,} characters over the run · "
        f"{scientific(training_flops(n_params, tokens * run.steps), 2)} FLOPs (6·N·D)",
        None,
    )


@callback(
    Output(f"{LAB}-result", "children"),
    Output(f"{LAB}-finished", "data"),
    Input(f"{LAB}-start", "n_clicks"),
    *[State(f"{LAB}-{name}", "value") for name in FIELDS],
    background=True,
    **job_callback_options(LAB, also_disable=("clear",)),
    prevent_initial_call=True,
)
def start(set_progress, n_clicks, *fields):
    """The training job: its result view, and the run's record for the comparison."""
    if not n_clicks:
        return no_update, no_update
    try:
        run = parse_settings(_raw(fields))
    except InputError as err:
        return field_error(str(err)), no_update
    random_loss, unigram_loss = baselines()

    def report(history):
        set_progress(progress_view(history, random_loss, unigram_loss))

    try:
        result = run_training(run, report)
    except JobsBusy as err:
        return field_error(str(err)), no_update
    except Exception as err:  # a bug must not leave the learner with a spinner forever
        return field_error(f"Training failed: {err}"), no_update
    return result_view(result), run_record(result)


@callback(
    Output(TRAINED_RUNS, "data", allow_duplicate=True),
    Input(f"{LAB}-finished", "data"),
    State(TRAINED_RUNS, "data"),
    prevent_initial_call=True,
)
def keep_run(record, runs):
    """Add a finished run to the learner's runs (the shell's local store), repairing it."""
    if not record:
        return no_update
    return sanitize_runs([*sanitize_runs(runs), record])


def progress_view(history: dict, random_loss: float, unigram_loss: float):
    """(bar value, bar label, loss chart, live stats) for one progress report."""
    done, total = (history["step"][-1] if history["step"] else 0), history["total_steps"]
    percent, label = progress_bar_state(done, total, history["elapsed_s"])
    val = history["val_loss"][-1] if history["val_loss"] else None
    live = [
        stat("Step", f"{done:,} / {total:,}", id=f"{LAB}-step"),
        stat("Training loss", f"{history['train_loss'][-1]:.3f}" if history["train_loss"] else "–"),
        stat("Validation loss", f"{val:.3f}" if val is not None else "–"),
        stat("Speed", f"{history['tokens_per_second']:,.0f}", hint="characters per second"),
    ]
    figure = loss_figure(history, random_loss=random_loss, unigram_loss=unigram_loss)
    return percent, label, figure, live


def result_view(result: dict):
    """What the learner reads when a run ends: losses, and samples before vs after."""
    note = STOP_NOTES.get(result["stopped_because"])
    val, train = result["final_val_loss"], result["final_train_loss"]
    random_loss, unigram_loss = baselines()
    if note is None and val is not None and val > unigram_loss:
        note = (
            f"The validation loss ended at {val:.2f}, no better than knowing letter "
            f"frequencies ({unigram_loss:.2f})"
            + (
                f", even worse than random guessing ({random_loss:.2f})"
                if val > random_loss
                else ""
            )
            + ". "
            + lr_advice(result["settings"]["lr"])
        )
    prompt = result["settings"].get("prompt") or ""
    summary = (
        f"Trained {result['n_params']:,} parameters for {result['steps_done']:,} steps in "
        f"{result['elapsed_s']:.1f} s. Final training loss "
        f"{train:.3f}, validation loss {val:.3f}."
        if val is not None and train is not None
        else f"Stopped after {result['steps_done']:,} steps."
    )
    return html.Div(
        [
            *([dbc.Alert(note, color="warning", className="py-2 small")] if note else []),
            html.P(summary, className="small", id=f"{LAB}-summary"),
            dbc.Row(
                [
                    dbc.Col(
                        _sample_card(
                            "Before training",
                            prompt,
                            result["sample_before"],
                            "Random weights: random characters.",
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        _sample_card(
                            "After training",
                            prompt,
                            result["sample_after"] or "(none)",
                            "Same prompt, same random seed.",
                        ),
                        md=6,
                    ),
                ],
                className="g-3",
            ),
        ],
        id=f"{LAB}-done",
    )


def lr_advice(lr: float) -> str:
    """Which way to move the learning rate, from where it is against the default."""
    if lr > DEFAULTS.lr:
        return f"A learning rate of {lr:g} is likely too high: try {DEFAULTS.lr:g}."
    if lr < DEFAULTS.lr:
        return (
            f"A learning rate of {lr:g} is likely too low for this many steps: try "
            f"{DEFAULTS.lr:g}, or train for longer."
        )
    return "Try more steps, or a smaller model."


def _sample_card(title: str, prompt: str, text: str, hint: str):
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(title, className="fw-semibold small"),
                html.Div(hint, className="text-muted small mb-1"),
                html.Pre(  # plain text children, never HTML
                    [html.Span(prompt, className="text-muted"), text],
                    className="sample-text mb-0",
                ),
            ]
        ),
        className="h-100",
    )


@callback(
    Output(f"{LAB}-runs-chart", "figure"),
    Input(TRAINED_RUNS, "data"),
    Input(f"{LAB}-runs-chart", "id"),  # fire when the lab is rendered: the store is not new
)
def show_runs(runs, _mounted=None):
    return runs_figure(sanitize_runs(runs), unigram_loss=baselines()[1])


@callback(
    Output(TRAINED_RUNS, "data", allow_duplicate=True),
    Input(f"{LAB}-clear", "n_clicks"),
    prevent_initial_call=True,
)
def clear_runs(n_clicks):
    return [] if n_clicks else no_update


cancelled = on_cancel(
    LAB,
    "You cancelled this run: it stopped where the bar shows, and it is not kept "
    "or added to your runs. Press Start to train again.",
)
