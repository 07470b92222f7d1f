"""What the training lab shows: the live progress, a finished run, the reading guide.
Plain Dash children only (learner text is never markup)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.components.job_controls import progress_bar_state
from app.components.lab_card import stat
from app.figures.training import loss_figure
from app.services.tinygpt.training import DEFAULTS, TrainingResult, baselines

LAB = "live_training"
STOP_NOTES = {
    "cancelled": "You cancelled this run; the results are from the steps it finished.",
    "time limit": "The run reached this server's time limit and stopped early.",
    "diverged": "The loss blew up (became infinite or NaN): the learning rate is too high "
    "for this model. Try a lower one, or a longer warmup.",
}


def reading_guide(random_loss: float, unigram_loss: float):
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


def progress_view(history: dict):
    """(bar value, bar label, loss chart, live stats) for one progress report."""
    random_loss, unigram_loss = baselines()
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


def result_view(result: TrainingResult):
    """What the learner reads when a run ends: losses, and samples before vs after."""
    note = STOP_NOTES.get(result.stopped_because)
    val, train = result.final_val_loss, result.final_train_loss
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
            + lr_advice(result.settings["lr"])
        )
    prompt = result.settings.get("prompt") or ""
    summary = (
        f"Trained {result.n_params:,} parameters for {result.steps_done:,} steps in "
        f"{result.elapsed_s:.1f} s. Final training loss "
        f"{train:.3f}, validation loss {val:.3f}."
        if val is not None and train is not None
        else f"Stopped after {result.steps_done:,} steps."
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
                            result.sample_before,
                            "Random weights: random characters.",
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        _sample_card(
                            "After training",
                            prompt,
                            result.sample_after or "(none)",
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
