"""A page holds its first lab; the others are placeholders that load on request, and a
request can load only a lab some page places."""

from __future__ import annotations

import json
from contextvars import copy_context

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from app.components import lazy_lab, stage_page
from app.content import get_content


def _ids(component, kind: str | None = None) -> list:
    """The names of every pattern id of type `kind` under `component`, or with no `kind`
    every plain string id."""
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        node_id = getattr(node, "id", None)
        if kind is None and isinstance(node_id, str):
            found.append(node_id)
        elif kind and isinstance(node_id, dict) and node_id.get("type") == kind:
            found.append(node_id["name"])
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)
    return found


def _load(name, clicks=1):
    def call():
        prop = json.dumps({"name": name, "type": "lazy-lab"}, separators=(",", ":"))
        prop += ".n_clicks"
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": clicks}]))
        return lazy_lab.load_lab(clicks)

    return copy_context().run(call)


@pytest.mark.parametrize("page", get_content().pages, ids=lambda p: p.slug)
def test_a_page_holds_its_first_lab_and_a_placeholder_for_each_other(guide_app, page):
    placed = [b.value for s in page.sections for b in s.blocks if b.kind == "lab"]
    layout = stage_page.stage_layout(page.slug)
    assert sorted(_ids(layout, lazy_lab.KIND)) == sorted(placed[1:])
    assert f"{placed[0]}-lab" in _ids(layout)


def test_a_placeholder_loads_its_lab(guide_app):
    lab = _load("pass_at_k")
    assert lab.id == "pass_at_k-lab"


@pytest.mark.parametrize("name", ["os", "../app", "", "pass_at_k_missing", "home"])
def test_only_a_lab_some_page_places_can_be_asked_for(guide_app, name):
    with pytest.raises(PreventUpdate):
        _load(name)


def test_no_click_loads_nothing(guide_app):
    with pytest.raises(PreventUpdate):
        _load("pass_at_k", clicks=None)
