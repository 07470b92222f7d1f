"""Export progress to a file and import it back: the same sanitize() guards the door, and a
bad or oversized file is refused with a plain message, changing nothing."""

from __future__ import annotations

import base64
import json

import pytest

from app.components import progress_io
from app.content import get_content
from app.state import progress

SLUGS = get_content().slugs


def as_upload(data: bytes) -> str:
    return "data:application/json;base64," + base64.b64encode(data).decode()


def test_an_exported_file_imports_back_to_the_same_progress():
    doc = progress.set_completed(progress.empty(SLUGS), "training", True)
    doc = progress.record_quiz(doc, "overview", 0.75)
    text = progress_io.export_text(doc)
    back, message = progress_io.parse_import(as_upload(text.encode()), "ogelo-progress.json")
    assert back == progress.sanitize(doc, SLUGS)
    assert message.startswith("Imported ogelo-progress.json: 1 of 8 stages completed")


def test_export_sanitizes_whatever_the_browser_held():
    text = progress_io.export_text({"stages": {"training": {"completed": 1}, "x": 5}, "evil": 1})
    doc = json.loads(text)
    assert doc == progress.sanitize(doc, SLUGS)
    assert doc["stages"]["training"]["completed"] is True and "evil" not in doc


def test_an_imported_file_is_sanitized_keeping_what_is_valid():
    raw = {"version": 2, "stages": {"training": {"completed": True, "quiz_best": 7}, "no": {}}}
    doc, _ = progress_io.parse_import(as_upload(json.dumps(raw).encode()), "p.json")
    assert doc["stages"]["training"] == {"visited": True, "completed": True, "quiz_best": None}
    assert "no" not in doc["stages"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{not json", "is not a JSON file"),
        (b"\xff\xfe\x00", "is not a JSON file"),
        (json.dumps([1, 2, 3]).encode(), "is not a progress file"),
        (json.dumps({"stages": {"training": {}}}).encode(), "is not a progress file"),
        (json.dumps({"version": True, "stages": {}}).encode(), "is not a progress file"),
        (b" " * (progress_io.MAX_IMPORT_BYTES + 1), "is too large"),
    ],
)
def test_a_bad_or_oversized_file_is_refused_and_changes_nothing(data, says):
    doc, message = progress_io.parse_import(as_upload(data), "mine.json")
    assert doc is None and says in message

    out, alert = progress_io.import_progress({"contents": as_upload(data), "filename": "mine.json"})
    assert out is progress_io.no_update  # the stored progress is left as it was
    assert says in alert.children


def test_a_file_that_is_not_base64_is_refused():
    doc, message = progress_io.parse_import("data:application/json;base64,@@@", "x.json")
    assert doc is None and "Could not read x.json" in message
    assert progress_io.parse_import(None, None)[0] is None


def test_an_empty_or_tampered_relay_is_not_an_import():
    """Only a chosen file reaches the import (the browser relays it); anything else in the
    relay store is ignored, and nobody is told their file could not be read."""
    from dash import no_update

    from app.components.progress_io import import_progress

    for relayed in (None, {}, {"contents": None}, "junk", [1]):
        assert import_progress(relayed) == (no_update, no_update)
