"""Turn raw form values into typed values, or a sentence saying what is wrong.

One helper for every lab: callbacks call `parse_number` on each input and show the
first error inline (see `app.components.inputs.field_error`). No Dash in here, so
callbacks stay testable as plain functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


class InputError(ValueError):
    """A learner's input that cannot be used; str(err) is shown to them as is."""


@dataclass(frozen=True)
class Bounds:
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False


def parse_number(
    raw: Any,
    label: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    unit: str = "",
) -> float | int:
    """Return `raw` as a number within [minimum, maximum] or raise InputError naming `label`.

    Accepts ints, floats and numeric strings ("1e21", " 7 ", "1_000"); rejects empty,
    non-numeric, NaN/inf, out-of-range and (when `integer`) fractional values.
    """
    unit_text = f" {unit}" if unit else ""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        raise InputError(f"{label}: please enter a value.")
    if isinstance(raw, bool):
        raise InputError(f"{label}: expected a number.")
    if isinstance(raw, (int, float)):
        value = raw
    else:
        try:
            value = float(str(raw).strip().replace("_", "").replace(",", ""))
        except ValueError:
            raise InputError(f"{label}: {str(raw)[:40]!r} is not a number.") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{label}: must be a finite number.")
    if integer:
        if float(value) != int(value):
            raise InputError(f"{label}: must be a whole number.")
        value = int(value)
    if minimum is not None and value < minimum:
        raise InputError(f"{label}: must be at least {_fmt(minimum)}{unit_text}.")
    if maximum is not None and value > maximum:
        raise InputError(f"{label}: must be at most {_fmt(maximum)}{unit_text}.")
    return value


def parse_choice(raw: Any, label: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return `raw` if it is one of `choices`, else raise InputError."""
    if raw not in choices:
        raise InputError(f"{label}: choose one of {', '.join(map(str, choices))}.")
    return raw


def _fmt(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"
