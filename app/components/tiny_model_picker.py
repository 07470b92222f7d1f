"""One chooser for the tiny GPT on stages 06–08 (and any lab that uses the tiny model): the
shipped checkpoint, plus this learner's own models from the model store (trained on stage
05; on 07 and 08 also fine-tuned on 06). The select `{id}` carries its own learner-id
store `{id}-learner`: pass `State(f"{id}-learner", "data")` to your callback and give it to
`app.services.tinygpt.models.resolve(value, learner)`, or the learner's own models fall
back to the shipped one."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, dcc, html, no_update

from app.components.inputs import select_field
from app.components.job_controls import follow_learner_id
from app.services.jobs import clean_learner_id
from app.services.tinygpt.models import PRETRAINED, model_choices

TRAINED_RUNS = "trained-runs"  # dcc.Store(storage_type="local") in the shell
TRAINED = ("trained",)
ALL_KINDS = ("trained", "finetuned")


def model_options(learner, kinds: tuple[str, ...] = ALL_KINDS) -> list[dict[str, str]]:
    """Dropdown options: the shipped model first, then the learner's own, newest first."""
    try:
        choices = model_choices(clean_learner_id(learner), kinds)
    except Exception:  # no shipped checkpoint, or the store is down: the lab's result says so
        choices = [(PRETRAINED, "Shipped model")]
    return [{"label": label, "value": value} for value, label in choices]


def tiny_model_select(id: str, label: str = "Model", kinds: tuple[str, ...] = ALL_KINDS) -> Any:
    """The dropdown; call `follow_models(lab, kinds)` once at import to keep it filled."""
    help = (
        "Models you trained on stage 05 appear here."
        if kinds == TRAINED
        else "Models you trained on stage 05 and fine-tuned on stage 06 appear here."
    )
    return html.Div(
        [
            select_field(id, label, model_options(None), PRETRAINED, help=help),
            dcc.Store(id=f"{id}-learner"),
        ]
    )


def follow_models(lab: str, kinds: tuple[str, ...] = ALL_KINDS):
    """`follow_select(f"{lab}-model", kinds)`."""
    return follow_select(f"{lab}-model", kinds)


def follow_trained_runs(id: str):
    """(The older name.) `follow_select(id)`: every kind of the learner's models."""
    return follow_select(id)


def follow_select(id: str, kinds: tuple[str, ...] = ALL_KINDS):
    """Register the callbacks that fill the select `id` with the learner's models (once
    the page has given `{id}-learner` this browser's learner id), keeping the current
    choice while it is still on offer. Returns the filling one (tests call it)."""
    follow_learner_id(f"{id}-learner")

    @callback(
        Output(id, "options"),
        Output(id, "value"),
        Input(f"{id}-learner", "data"),
        State(id, "value"),
        State(id, "options"),
    )
    def fill_models(learner, current, shown=None):
        options = model_options(learner, kinds)
        value = current if current in [o["value"] for o in options] else PRETRAINED
        # What is already shown is not sent again: that would re-run the lab for nothing.
        return (
            no_update if options == shown else options,
            no_update if value == current else value,
        )

    return fill_models
