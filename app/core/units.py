"""Plain-language number formatting shared by facts, labs and figures."""

from __future__ import annotations

import math

_COUNT_UNITS = (
    (1e15, "quadrillion"),
    (1e12, "trillion"),
    (1e9, "billion"),
    (1e6, "million"),
    (1e3, "thousand"),
)
_SHORT_UNITS = ((1e15, "Q"), (1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_BYTE_UNITS = ((1e18, "EB"), (1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB"))


def significant(x: float, digits: int = 3) -> str:
    """`x` to `digits` significant figures, never in e-notation: 350 → '350' even with
    digits=2, 0.0123 → '0.0123'. Below 1e-4 it is written as a power of ten."""
    if x == 0:
        return "0"
    if abs(x) < 1e-4:
        return scientific(x, digits)
    if abs(x) >= 10 ** (digits - 1):  # whole digits already carry the precision
        return f"{round(x, digits - 1 - math.floor(math.log10(abs(x)))):,.0f}"
    return f"{x:.{digits}g}"


def _scaled(x: float, digits: int, units, sep: str, fallback: str) -> str:
    """Round to `digits` first (999.9e9 is '1 trillion', not '1e+03 billion'), then
    pick the largest unit; past the largest, a power of ten."""
    if not math.isfinite(x):
        raise ValueError(f"cannot format {x}")
    rounded = float(f"{x:.{digits}g}")
    top = units[0][0]
    if abs(rounded) >= 1000 * top:
        return scientific(x, digits) + fallback
    for value, name in units:
        if abs(rounded) >= value:
            return f"{significant(rounded / value, digits)}{sep}{name}"
    return significant(rounded, digits) + fallback


def human_count(x: float, digits: int = 3, short: bool = False) -> str:
    """1.3e9 → '1.3 billion' (or '1.3B' with short=True)."""
    return _scaled(x, digits, _SHORT_UNITS if short else _COUNT_UNITS, "" if short else " ", "")


def human_bytes(n_bytes: float, digits: int = 3) -> str:
    """Binary-free decimal units, as GPU vendors quote memory: 1.4e10 → '14 GB'."""
    return _scaled(n_bytes, digits, _BYTE_UNITS, " ", " bytes")


def scientific(x: float, digits: int = 3) -> str:
    """3.14e23 → '3.14 × 10²³'."""
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = x / 10**exponent
    sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa:.{digits}g} × 10{sup}"


def char_label(ch: str) -> str:
    """A character as a learner can read it on an axis: space and line breaks made visible."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(ch, ch)
