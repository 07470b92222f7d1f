"""Turn raw form values into typed values, or a sentence saying what is wrong.

One helper for every lab: callbacks call `parse_number` on each input and show the
first error inline (see `app.components.inputs.field_error`). No Dash in here, so
callbacks stay testable as plain functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.core.units import scientific


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
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        raise InputError(f"{label}: please enter a number.")
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
        raise InputError(f"{label}: must be at least {_amount(minimum, unit)}.")
    if maximum is not None and value > maximum:
        raise InputError(f"{label}: must be at most {_amount(maximum, unit)}.")
    return value


def parse_choice(raw: Any, label: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return `raw` if it is one of `choices`, else raise InputError."""
    if raw not in choices:
        raise InputError(f"{label}: choose one of {', '.join(map(str, choices))}.")
    return raw


def _fmt(x: float) -> str:
    """A limit as a person writes it: 1,000,000 up to a billion, then 10¹⁵ style (a float
    like 1e31 has no exact digits worth printing)."""
    if abs(x) >= 1e9:
        return scientific(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"


def _amount(x: float, unit: str) -> str:
    """A limit with its unit: '$1,000', '1 token', '5 tokens', '80 GB'."""
    if unit == "$":
        return f"${_fmt(x)}"
    if x == 1 and unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    return f"{_fmt(x)} {unit}" if unit else _fmt(x)


@dataclass(frozen=True)
class NumberSpec:
    """One number field, described once: the form, the server-side parsing and the help
    text all come from here (a lab keeps a tuple of these, e.g. `FIELDS` in its fields.py).
    `minimum`/`maximum` are inclusive; `unit` is shown beside the box and in messages."""

    name: str
    label: str
    default: float | int | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: str = ""
    help: str = ""

    def parse(self, raw: Any) -> float | int:
        return parse_number(
            raw,
            self.label,
            minimum=self.minimum,
            maximum=self.maximum,
            integer=self.integer,
            unit=self.unit,
        )


def parse_fields(specs, raw: dict) -> tuple[dict[str, float | int], dict[str, str]]:
    """Parse every field at once: (values of the good ones, {name: message} of the bad
    ones), so that a form can name every invalid field together, not only the first."""
    values: dict[str, float | int] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            values[spec.name] = spec.parse(raw.get(spec.name))
        except InputError as err:
            errors[spec.name] = str(err)
    return values, errors


def range_text(
    minimum: float | None, maximum: float | None, *, integer: bool = False, unit: str = ""
) -> str:
    """The allowed range as the form states it: 'Whole number, 1 to 4,096.', '0 to 90 %.'"""
    kind = "Whole number" if integer else "A number"
    if minimum is not None and maximum is not None:
        span = f"{_fmt(minimum)} to {_amount(maximum, unit)}"
    elif minimum is not None:
        span = f"at least {_amount(minimum, unit)}"
    elif maximum is not None:
        span = f"at most {_amount(maximum, unit)}"
    else:
        return ""
    return f"{kind}, {span}."
