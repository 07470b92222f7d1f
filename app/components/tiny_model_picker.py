"""One chooser for the tiny GPT on stages 06–08: the shipped checkpoint, plus the runs the
learner trained on stage 05, which the app shell keeps in the local store `trained-runs`."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback

from app.components.inputs import select_field
from app.services.tinygpt.models import PRETRAINED, model_choices

TRAINED_RUNS = "trained-runs"  # dcc.Store(storage_type="local") in the shell


def model_options(runs) -> list[dict[str, str]]:
    """Dropdown options: the shipped model first, then the learner's runs on this server."""
    try:
        choices = model_choices(runs)
    except (OSError, ValueError):  # no shipped checkpoint: the lab's result says so
        choices = [(PRETRAINED, "Shipped model")]
    return [{"label": label, "value": value} for value, label in choices]


def tiny_model_select(id: str, label: str = "Model") -> Any:
    """The dropdown; call `follow_trained_runs(id)` once at import to keep it filled."""
    return select_field(
        id, label, model_options([]), PRETRAINED, help="Runs you trained on stage 05 appear here."
    )


def follow_trained_runs(id: str):
    """Register the callback that refills the dropdown from the learner's runs, keeping
    the current choice while it is still on offer. Returns it (tests call it directly)."""

    @callback(
        Output(id, "options"),
        Output(id, "value"),
        Input(TRAINED_RUNS, "data"),
        Input(id, "id"),  # fire when the lab is rendered: the store is not new then
        State(id, "value"),
    )
    def fill_models(runs, _mounted, current):
        options = model_options(runs)
        return options, current if current in [o["value"] for o in options] else PRETRAINED

    return fill_models
