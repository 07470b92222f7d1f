"""Plain-language number formatting shared by facts, labs and figures."""

from __future__ import annotations

import math

_COUNT_UNITS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_SHORT_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def human_count(x: float, digits: int = 3, short: bool = False) -> str:
    """1.3e9 → '1.3 billion' (or '1.3B' with short=True)."""
    if not math.isfinite(x):
        raise ValueError(f"cannot format {x}")
    for value, name in _SHORT_UNITS if short else _COUNT_UNITS:
        if abs(x) >= value:
            sep = "" if short else " "
            return f"{x / value:.{digits}g}{sep}{name}"
    return f"{x:.{digits}g}"


def human_bytes(n_bytes: float, digits: int = 3) -> str:
    """Binary-free decimal units, as GPU vendors quote memory: 1.4e10 → '14 GB'."""
    for value, name in ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(n_bytes) >= value:
            return f"{n_bytes / value:.{digits}g} {name}"
    return f"{n_bytes:.{digits}g} bytes"


def scientific(x: float, digits: int = 3) -> str:
    """3.14e23 → '3.14 × 10²³'."""
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = x / 10**exponent
    sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa:.{digits}g} × 10{sup}"
