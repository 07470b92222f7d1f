"""The one number input, select and inline error used by every lab."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html


def number_field(
    id: str,
    label: str,
    value: float | int | None,
    *,
    min: float | None = None,
    max: float | None = None,
    step: float | str | None = "any",
    unit: str = "",
    help: str = "",
    debounce: bool = True,
) -> html.Div:
    """A labelled number input with an optional unit and help line.

    `min`, `max` and `step` document the range; they are enforced only on the server, by
    `app.validation.parse_number`, which says what is wrong. They are deliberately not
    given to the browser: a value outside a browser's min/max/step counts as invalid and
    reaches Dash as empty, so the learner would read "please enter a number" instead of
    "must be at most 4". `debounce` means the value is sent on blur/Enter.
    """
    del min, max, step  # see above: the server checks them, with a sentence
    control = dbc.Input(
        id=id,
        type="number",
        value=value,
        step="any",
        debounce=debounce,
        inputMode="decimal",
    )
    if unit:
        control = dbc.InputGroup([control, dbc.InputGroupText(unit)], size="sm")
    else:
        control.size = "sm"
    children: list[Any] = [
        dbc.Label(label, html_for=id, className="form-label small mb-1"),
        control,
    ]
    if help:
        children.append(html.Div(help, className="form-text small"))
    return html.Div(children, className="mb-2")


def select_field(
    id: str, label: str, options: list[dict] | list[str], value: Any, *, help: str = ""
) -> html.Div:
    """A labelled dropdown (native select: fast, accessible, no typing)."""
    opts = [o if isinstance(o, dict) else {"label": o, "value": o} for o in options]
    children: list[Any] = [
        dbc.Label(label, html_for=id, className="form-label small mb-1"),
        dbc.Select(id=id, options=opts, value=value, size="sm"),
    ]
    if help:
        children.append(html.Div(help, className="form-text small"))
    return html.Div(children, className="mb-2")


def field_error(message: str | None) -> Any:
    """What an error slot shows: nothing when all is well, else a small warning alert."""
    if not message:
        return None
    return dbc.Alert(
        [html.I(className="bi bi-exclamation-triangle me-2"), message],
        color="warning",
        className="py-2 px-3 small mb-2",
    )


def spec_field(prefix: str, spec, value: Any = "default", **kwargs) -> html.Div:
    """The number input for an `app.validation.NumberSpec`, with id `{prefix}-{spec.name}`
    and the spec's label, unit and help: the one place a field's words live."""
    return number_field(
        f"{prefix}-{spec.name}",
        spec.label,
        spec.default if value == "default" else value,
        min=spec.minimum,
        max=spec.maximum,
        step=1 if spec.integer else "any",
        unit=spec.unit,
        help=spec.help,
        **kwargs,
    )
