"""Relays: how a page's control reaches a store in the shell without a request on load.

Dash runs a callback when a page brings its input in, even with `prevent_initial_call`, as
soon as one of its outputs lives outside the page (the shell's `progress`, `selected-model`
or `trained-runs`). For a server callback that is a request, and a re-render of every
component, on every page load, for nothing. So such a callback reads a store that lives
in the shell, and a clientside relay copies the page's value into it only when there is
one: on load the relay runs in the browser and answers "no update"."""

from __future__ import annotations

from dash import Input, Output, clientside_callback, dcc

# The shell's relay stores (the shell lays them out; pages write them through `relay`).
QUIZ_PRESSED = "relay-quiz-pressed"  # {"slug", "n"}: a quiz's Check button was pressed
FINISHED_RUN = "relay-finished-run"  # the record of a stage-05 run that just finished
UPLOADED_PROGRESS = "relay-uploaded-progress"  # {"contents", "filename"} of an import
STORES = (QUIZ_PRESSED, FINISHED_RUN, UPLOADED_PROGRESS)

_COPY_JS = """function(value) {
    return value ? value : window.dash_clientside.no_update;
}"""


def relay_stores() -> list[dcc.Store]:
    return [dcc.Store(id=store) for store in STORES]


def relay(source: str, prop: str, store: str) -> None:
    """Copy `source.prop` into the shell store `store` whenever it holds something."""
    clientside_callback(_COPY_JS, Output(store, "data"), Input(source, prop))
