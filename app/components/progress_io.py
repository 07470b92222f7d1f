"""Export the learner's progress to a JSON file, and import such a file back.

An imported file goes through the same `progress.sanitize()` as everything the browser
holds. A file that is too big, not JSON, or not a progress document gets a plain message
and changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import json

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from app.components.relay import UPLOADED_PROGRESS
from app.content import get_content
from app.state import progress

MAX_IMPORT_BYTES = 64_000  # a real export is about 2 kB
MAX_UPLOAD_BYTES = 1_000_000  # the browser refuses anything larger outright
FILENAME = "ogelo-progress.json"


def controls() -> html.Div:
    """Export and Import buttons, and the line that says what an import did."""
    return html.Div(
        [
            html.Div(
                [
                    dbc.Button(
                        [html.I(className="bi bi-download me-1"), "Export progress"],
                        id="progress-export",
                        color="secondary",
                        outline=True,
                        size="sm",
                    ),
                    dcc.Upload(
                        html.Span(
                            [html.I(className="bi bi-upload me-1"), "Import progress"],
                            className="btn btn-sm btn-outline-secondary",
                        ),
                        id="progress-upload",
                        accept=".json,application/json",
                        max_size=MAX_UPLOAD_BYTES,
                        multiple=False,
                    ),
                    dcc.Download(id="progress-download"),
                ],
                className="d-flex flex-wrap gap-2 mt-3",
            ),
            html.Div(id="progress-import-message", className="small mt-2", role="status"),
        ],
        className="progress-io",
    )


def export_text(raw) -> str:
    """The stored progress, sanitized, as the text of the exported file."""
    return json.dumps(progress.sanitize(raw, get_content().slugs), indent=2) + "\n"


def parse_import(contents: str | None, filename: str | None) -> tuple[dict | None, str]:
    """(the sanitized document, a message), or (None, why the file was refused)."""
    name = (filename or "the file")[:80]
    if not isinstance(contents, str) or "," not in contents:
        return None, f"Could not read {name}. Choose a file saved with Export progress."
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None, f"Could not read {name}. Choose a file saved with Export progress."
    if len(data) > MAX_IMPORT_BYTES:
        return None, (
            f"{name} is too large ({len(data) / 1000:,.0f} kB); a progress file is a few kB "
            f"and at most {MAX_IMPORT_BYTES // 1000} kB. Nothing was changed."
        )
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, f"{name} is not a JSON file. Nothing was changed."
    if not _looks_like_progress(raw):
        return None, f"{name} is not a progress file from this guide. Nothing was changed."
    content = get_content()
    doc = progress.sanitize(raw, content.slugs)
    stages = progress.completed_count(doc, content.slugs)
    topics = progress.completed_count(doc, content.topic_slugs) if content.topics else 0
    told = f"{stages} of {len(content.slugs)} stages completed"
    if content.topics:
        told += f", {topics} of {len(content.topic_slugs)} topics"
    return doc, f"Imported {name}: {told}."


def _looks_like_progress(raw) -> bool:
    """A JSON object with a version number and per-page entries (any schema version)."""
    if not isinstance(raw, dict) or isinstance(raw.get("version"), bool):
        return False
    tracks = [raw.get(k) for k in ("stages", "topics")]
    v0 = [raw.get(k) for k in ("visited", "completed")]
    return isinstance(raw.get("version"), int) and (
        any(isinstance(t, dict) for t in tracks) or any(isinstance(t, list) for t in v0)
    )


@callback(
    Output("progress-download", "data"),
    Input("progress-export", "n_clicks"),
    State("progress", "data"),
    prevent_initial_call=True,
)
def export_progress(n_clicks, raw):
    if not n_clicks:
        return no_update
    return dcc.send_string(export_text(raw), FILENAME, type="application/json")


# The chosen file goes to the shell first, so that drawing the home page asks the server
# nothing (see app.components.relay).
clientside_callback(
    """function(contents, filename) {
        if (!contents) { return window.dash_clientside.no_update; }
        return {contents: contents, filename: filename};
    }""",
    Output(UPLOADED_PROGRESS, "data"),
    Input("progress-upload", "contents"),
    State("progress-upload", "filename"),
)


@callback(
    Output("progress", "data", allow_duplicate=True),
    Output("progress-import-message", "children"),
    Input(UPLOADED_PROGRESS, "data"),
    prevent_initial_call=True,
)
def import_progress(upload):
    if not isinstance(upload, dict) or upload.get("contents") is None:
        return no_update, no_update
    contents, filename = upload.get("contents"), upload.get("filename")
    doc, message = parse_import(contents, filename)
    if doc is None:
        return no_update, dbc.Alert(message, color="danger", className="py-2 mb-0 small")
    return doc, dbc.Alert(message, color="success", className="py-2 mb-0 small")
