"""Show the code for the model builder: the stage-04 model as a transformers config."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from app.components.code_panel import code_panel, snippet_blocks
from app.components.inputs import field_error
from app.core.architecture import ModelConfig
from app.core.codegen import transformers_config
from app.core.presets import get_preset

LAB = "model_builder_code"
DEFAULT = "llama-2-7b"  # the builder's first model


def blocks(cfg: ModelConfig) -> list:
    return snippet_blocks(LAB, transformers_config.snippets(cfg), transformers_config.notes(cfg))


def layout():
    return code_panel(
        LAB,
        "transformers config.json",
        "The model above as a Hugging Face transformers configuration, and the Python that "
        "builds it without allocating memory and counts its weights: the same total as here.",
        blocks(get_preset(DEFAULT)),
        sources=[
            (
                "transformers model configs",
                "https://huggingface.co/docs/transformers/main_classes/configuration",
            ),
        ],
    )


@callback(
    Output(f"{LAB}-out", "children"),
    Output(f"{LAB}-error", "children"),
    Input("selected-model", "data"),
    prevent_initial_call=True,  # the layout shows the builder's first model
)
def update(selected: Any):
    """The builder writes every valid model to the session store; follow it."""
    if not (isinstance(selected, dict) and isinstance(selected.get("config"), dict)):
        return blocks(get_preset(DEFAULT)), None
    try:
        cfg = ModelConfig.from_dict(selected["config"])
    except (TypeError, ValueError) as err:
        return [], field_error(f"The model above is not valid ({err}).")
    return blocks(cfg), None
