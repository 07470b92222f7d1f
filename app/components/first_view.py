"""A lab's first view, drawn into its (cached) layout instead of by a callback on load.

A callback that fills a lab when the page opens costs a request, and a re-render of every
component on the page, on every visit. Register it with `first_view_callback` instead of
`dash.callback`: it then does not run on load (`prevent_initial_call`), and
`draw_first_views(tree)` answers it once, when the layout is built, with the values the
layout's own inputs hold, writing the answer into the layout's outputs.

Only for callbacks whose inputs are the lab's own fields: a value that Dash restores in the
browser (persistence) would not be seen here. Fields shared through the page's address or
session (`share_settings`) are fine: restoring them changes them, which runs the callback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dash import Input, Output, State, callback, no_update
from dash.development.base_component import Component

_FIRST_VIEWS: list[tuple[list[Output], list[Input | State], Callable]] = []


def first_view_callback(*dependencies, **kwargs) -> Callable:
    """`dash.callback(*dependencies, **kwargs)`, but answered in the layout, not on load."""

    def register(func: Callable) -> Callable:
        outputs = [d for d in dependencies if isinstance(d, Output)]
        arguments = [d for d in dependencies if isinstance(d, Input | State)]
        _FIRST_VIEWS.append((outputs, arguments, func))
        return callback(*dependencies, prevent_initial_call=True, **kwargs)(func)

    return register


def components_by_id(tree: Any) -> dict[str, Component]:
    """Every component in `tree` that has a (string) id."""
    found: dict[str, Component] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif isinstance(node, Component):
            if isinstance(getattr(node, "id", None), str):
                found[node.id] = node
            for name in node._prop_names:
                value = getattr(node, name, None)
                if isinstance(value, Component | list | tuple):
                    walk(value)

    walk(tree)
    return found


def draw_first_views(tree: Any, only: Iterable[Callable] | None = None) -> Any:
    """Answer each first-view callback whose outputs are all in `tree` (or those in
    `only`), reading its arguments from `tree` (a store outside it reads as None), and
    write the answers into `tree`. Returns `tree`."""
    found = components_by_id(tree)
    wanted = set(only) if only is not None else None
    for outputs, arguments, func in _FIRST_VIEWS:
        if wanted is not None and func not in wanted:
            continue
        if not all(o.component_id in found for o in outputs):
            continue
        values = [
            getattr(found[a.component_id], a.component_property, None)
            if a.component_id in found
            else None
            for a in arguments
        ]
        answer = func(*values)
        answers = answer if len(outputs) > 1 else [answer]
        for output, value in zip(outputs, answers, strict=True):
            if value is not no_update:
                setattr(found[output.component_id], output.component_property, value)
    return tree
