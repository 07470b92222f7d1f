"""Dash's answers are encoded with orjson (app/server/fast_json.py). The JSON must mean
exactly what Dash's own encoder would have sent: same values, NaN and infinities as null,
components through their own serialisation; and what orjson refuses still goes out."""

from __future__ import annotations

import json
import math

import dash._callback
import numpy as np
import pytest
from dash import dcc, html
from dash._utils import to_json as dash_to_json

from app.components.stage_page import stage_layout
from app.content import get_content
from app.server import fast_json
from tests.figures.test_figures_are_plotly import builders


def same_meaning(value) -> None:
    ours, dashs = fast_json.to_json(value), dash_to_json(value)
    assert json.loads(ours) == json.loads(dashs)


@pytest.mark.parametrize("name", list(builders()))
def test_every_figure_encodes_as_dash_would(name):
    same_meaning({"multi": True, "response": {"chart": {"figure": builders()[name]()}}})


def test_a_whole_page_of_components_encodes_as_dash_would():
    page = get_content().pages[4]
    same_meaning(stage_layout(page.slug))


def test_numbers_numpy_and_odd_keys_encode_as_dash_would():
    value = {
        "nan": [math.nan, math.inf, -math.inf, 1e23, 0.1, -0.0, 2**62],
        "numpy": np.array([[1.5, np.nan], [3.0, 4.0]]),
        "scalars": [np.float64(2.5), np.int64(7), np.bool_(True)],
        1: "an int key",
        "nested": [{"a": None, "b": True, "c": "é ✓ <b>"}],
    }
    encoded = fast_json.to_json(value)
    assert "NaN" not in encoded and "Infinity" not in encoded  # strict JSON
    same_meaning(value)


@pytest.mark.parametrize(
    "value",
    [
        {"text": "lone \ud800 surrogate"},  # orjson refuses text that is not UTF-8
        {"big": 2**70},  # ...and integers over 64 bits
        {"rows": np.array(["a", "b"], dtype=object)},  # ...and object arrays
    ],
)
def test_what_orjson_refuses_goes_to_dash_s_encoder(value):
    assert fast_json.to_json(value) == dash_to_json(value)


def test_an_unencodable_value_still_raises_as_with_dash():
    with pytest.raises(TypeError):
        fast_json.to_json({"x": object()})


def test_components_encode_through_their_own_serialisation():
    tree = html.Div([html.P("hi", id="p"), dcc.Store(id="s", data={"k": [1, 2]})])
    assert json.loads(fast_json.to_json(tree)) == json.loads(dash_to_json(tree))


def test_the_app_answers_callbacks_with_it(guide_app, client):
    assert dash._callback.to_json is fast_json.to_json
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["output"] == "site-search-results.children")
    payload = {
        "output": dep["output"],
        "outputs": {"id": "site-search-results", "property": "children"},
        "inputs": [
            {"id": i["id"], "property": i["property"], "value": "kv"} for i in dep["inputs"]
        ],
        "state": [],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }
    answer = client.post("/_dash-update-component", json=payload)
    assert answer.status_code == 200
    assert "KV cache" in answer.get_data(as_text=True)


def test_install_refuses_a_dash_that_encodes_some_other_way(monkeypatch):
    monkeypatch.setattr(dash._callback, "to_json", lambda value: "{}")
    with pytest.raises(RuntimeError, match="fast_json"):
        fast_json.install()
