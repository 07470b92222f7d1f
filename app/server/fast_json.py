"""Callback answers and page layouts encoded with orjson.

Dash encodes every answer with Plotly's JSON encoder: the standard library's encoder, then
a scan for NaN. For a calculator's answer (a figure and a few stat tiles) that is about
0.4 ms, more than the whole no-op callback costs; orjson writes the same JSON in a
quarter of the time. NaN and infinities become null, as with Plotly's encoder, and Dash
components are written through their own `to_plotly_json`. Anything orjson refuses (text
with a lone surrogate, an integer over 64 bits, a pandas object) goes to Dash's encoder,
so every answer Dash could send is still sent.
"""

from __future__ import annotations

from typing import Any

import dash._callback
import dash.dash
import orjson
from dash._utils import to_json as dash_to_json

OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
USERS = (dash._callback, dash.dash)  # the Dash modules that encode answers and layouts


def _component(obj: Any) -> Any:
    to_plotly_json = getattr(obj, "to_plotly_json", None)
    if to_plotly_json is None:
        raise TypeError(f"{type(obj).__name__} is not JSON serializable")
    return to_plotly_json()


def to_json(value: Any) -> str:
    try:
        return orjson.dumps(value, default=_component, option=OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return dash_to_json(value)


def install() -> None:
    """Encode Dash's answers with `to_json`. Raises if Dash no longer encodes through the
    function this replaces (a Dash upgrade): better a failed start than a silent no-op."""
    for module in USERS:
        if module.to_json not in (dash_to_json, to_json):
            raise RuntimeError(f"{module.__name__}.to_json is not Dash's own: check fast_json")
        module.to_json = to_json
