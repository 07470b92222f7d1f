"""One chooser for the tiny GPT on stages 06–08: the shipped checkpoint, plus this learner's
own models from the model store (trained on stage 05; on 07 and 08 also fine-tuned on 06).
The learner is named by the lab's `{lab}-learner` store (`job_controls.learner_store`)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback

from app.components.inputs import select_field
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
    return select_field(id, label, model_options(None), PRETRAINED, help=help)


def follow_models(lab: str, kinds: tuple[str, ...] = ALL_KINDS):
    """Register the callback that fills `{lab}-model` with the learner's models (when the
    lab is shown and its learner id is known), keeping the current choice while it is
    still on offer. Returns it (tests call it directly)."""

    @callback(
        Output(f"{lab}-model", "options"),
        Output(f"{lab}-model", "value"),
        Input(f"{lab}-learner", "data"),
        State(f"{lab}-model", "value"),
    )
    def fill_models(learner, current):
        options = model_options(learner, kinds)
        return options, current if current in [o["value"] for o in options] else PRETRAINED

    return fill_models
