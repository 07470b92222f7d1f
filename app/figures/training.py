"""Live training charts: one run's loss curves, and the learner's runs side by side."""

from __future__ import annotations

import math

from app.figures.theme import PALETTE, add_marks, esc, figure, hline, message_figure, themed


def loss_curve(
    x, y, name: str, color: str, what: str, *, each_step: bool = False, symbol: str = "circle"
) -> dict:
    """One loss curve: a thin line for a per-batch loss (`each_step`), a thick line with
    markers for one measured at each evaluation; the hover reads 'step 40: `what` 2.31'."""
    return {
        "type": "scatter",
        "x": list(x),
        "y": list(y),
        "mode": "lines" if each_step else "lines+markers",
        "name": esc(name),
        "line": {"color": color, "width": 1.5 if each_step else 3},
        "marker": {"size": 6, "symbol": symbol},
        "hovertemplate": f"step %{{x}}: {esc(what)} %{{y:.3f}}<extra></extra>",
    }


def loss_figure(history: dict, *, random_loss: float, unigram_loss: float) -> dict:
    """Training loss (every step) and validation loss (every eval) against step, with the
    two baselines: guessing uniformly (ln vocab) and knowing only letter frequencies."""
    if not history or not history.get("step"):
        return message_figure("Press Start: the loss appears here as the model trains.")
    traces = [
        loss_curve(
            history["step"],
            history["train_loss"],
            "training loss",
            PALETTE[5],
            "training loss",
            each_step=True,
        ),
        loss_curve(
            history["val_step"],
            history["val_loss"],
            "validation loss",
            PALETTE[0],
            "validation loss",
        ),
    ]
    finite = [v for v in history["train_loss"] if math.isfinite(v)]
    top = max([random_loss, *finite[:50]]) * 1.08 if finite else random_loss * 1.1
    fig = figure(
        traces,
        xaxis={"title": {"text": "Training step"}, "range": [0, history["total_steps"]]},
        yaxis={"title": {"text": "Loss (nats per character)"}, "range": [0, top]},
        legend={"y": -0.25, "yanchor": "top"},
        margin={"b": 96},
        uirevision="live",
    )
    add_marks(
        fig,
        *hline(
            random_loss, f"random guessing: ln(vocab) = {random_loss:.2f}", PALETTE[3], right=True
        ),
        *hline(unigram_loss, f"letter frequencies only: {unigram_loss:.2f}", PALETTE[1]),
    )
    return themed(fig, title="Loss as the model trains", height=380)


def runs_figure(runs: list[dict], *, unigram_loss: float | None = None) -> dict:
    """Validation loss of each of the learner's runs, to compare their settings."""
    if not runs:
        return message_figure("Your finished runs appear here, to compare settings.", height=260)
    traces = []
    for i, run in enumerate(runs):
        label = esc(run["label"])
        traces.append(
            {
                "type": "scatter",
                "x": list(run["val_step"]),
                "y": list(run["val_loss"]),
                "mode": "lines+markers",
                "name": label,
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                "marker": {"size": 5},
                "hovertemplate": "step %{x}: validation loss %{y:.3f}<extra>" + label + "</extra>",
            }
        )
    fig = figure(
        traces,
        xaxis={"title": {"text": "Training step"}},
        yaxis={"title": {"text": "Validation loss (nats per character)"}, "rangemode": "tozero"},
        showlegend=True,
        legend={"y": -0.25, "yanchor": "top"},
        margin={"b": 110},
    )
    if unigram_loss is not None:
        add_marks(fig, *hline(unigram_loss, "letter frequencies only", PALETTE[1]))
    return themed(fig, title="Your runs compared", height=380)
