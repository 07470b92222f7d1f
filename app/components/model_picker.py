"""One model chooser for every planner: the published presets, plus the learner's own
model from stage 04 (the session store `selected-model`), which it selects when present."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, clientside_callback

from app.components.inputs import select_field
from app.core.architecture import ModelConfig
from app.core.presets import get_preset, list_presets, preset_info
from app.validation import InputError

SELECTED = "__selected__"


def preset_options() -> list[dict[str, str]]:
    return [{"label": p.label, "value": p.name} for p in list_presets()]


def model_select(id: str, default: str = "llama-2-7b", label: str = "Model") -> Any:
    """A model dropdown; call `follow_stage_04(id)` once at import to make it switch to
    "Your model" when stage 04 has chosen one."""
    return select_field(
        id,
        label,
        preset_options(),
        default,
        help="Presets are published configs; build your own on stage 04.",
    )


_FOLLOW_JS = """
function(selected, options) {
    const base = (options || []).filter(o => o.value !== "SEL");
    const nu = window.dash_clientside.no_update;
    if (!selected || typeof selected !== "object" || !selected.config) {
        // Unchanged options are not sent again: that would re-run every lab that reads them.
        return [base.length === (options || []).length ? nu : base, nu];
    }
    const mine = {label: "Your model: " + String(selected.name || "custom"), value: "SEL"};
    return [[mine, ...base], "SEL"];
}
""".replace("SEL", SELECTED)


def follow_stage_04(id: str) -> None:
    """Register (once, at import) the clientside callback that offers the stage-04 model."""
    clientside_callback(
        _FOLLOW_JS,
        Output(id, "options"),
        Output(id, "value"),
        Input("selected-model", "data"),
        State(id, "options"),
    )


def resolve_model(choice: Any, selected: Any) -> tuple[str, ModelConfig]:
    """(display name, config) for a dropdown value; InputError says what is wrong."""
    if choice == SELECTED:
        if not isinstance(selected, dict) or not isinstance(selected.get("config"), dict):
            raise InputError("Your model from stage 04 is not available; pick a preset.")
        try:
            return str(selected.get("name") or "Your model"), ModelConfig.from_dict(
                selected["config"]
            )
        except (TypeError, ValueError) as err:
            raise InputError(f"Your saved model is not valid ({err}); pick a preset.") from None
    try:
        return preset_info(str(choice)).label, get_preset(str(choice))
    except ValueError:
        raise InputError("Choose a model from the list.") from None


def context_note(name: str, cfg: ModelConfig, context: int) -> Any:
    """A note when `context` is past the longest sequence `cfg` was built for (its
    seq_len), or None: the arithmetic still runs, but the model cannot use that context."""
    if context <= cfg.seq_len:
        return None
    import dash_bootstrap_components as dbc
    from dash import html

    return dbc.Alert(
        [
            html.I(className="bi bi-info-circle me-2"),
            f"{context:,} tokens is beyond {name}'s maximum context of {cfg.seq_len:,} "
            "tokens: the numbers below assume it could use that much, which the model as "
            "published cannot.",
        ],
        color="info",
        className="py-2 small mb-0 mt-2",
    )
