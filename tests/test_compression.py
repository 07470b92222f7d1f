"""Static files are compressed once and kept (app/server/compression.py); callback answers
are compressed afresh every time, so two different answers never share a cached body."""

from __future__ import annotations

import gzip
import json

import flask_compress.flask_compress as fc
import pytest

PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


@pytest.fixture
def compressions(monkeypatch):
    """Counts flask-compress's compressions."""
    calls = []
    real = fc._compress_data

    def counting(app, data, algorithm):
        calls.append(algorithm)
        return real(app, data, algorithm)

    monkeypatch.setattr(fc, "_compress_data", counting)
    return calls


def test_a_static_file_is_compressed_once_per_encoding(client, compressions):
    first = client.get(PLOTLY, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    before = len(compressions)
    again = client.get(PLOTLY, headers={"Accept-Encoding": "gzip"})
    assert len(compressions) == before  # served from memory
    assert again.data == first.data
    assert gzip.decompress(again.data).startswith(b"/*! plotly.js")  # still whole
    brotli = client.get(PLOTLY, headers={"Accept-Encoding": "br"})
    assert brotli.headers["Content-Encoding"] == "br" and brotli.data != first.data


def test_callback_answers_are_never_served_from_the_cache(client, compressions):
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["output"] == "site-search-results.children")
    bodies = []
    for query in ("attention", "tokenizer"):
        payload = {
            "output": dep["output"],
            "outputs": {"id": "site-search-results", "property": "children"},
            "inputs": [
                {"id": i["id"], "property": i["property"], "value": query} for i in dep["inputs"]
            ],
            "state": [],
            "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
        }
        response = client.post(
            "/_dash-update-component",
            data=json.dumps(payload),
            content_type="application/json",
            headers={"Accept-Encoding": "gzip"},
        )
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == "gzip"  # big enough to compress
        bodies.append(
            gzip.decompress(response.data)
            if response.headers.get("Content-Encoding") == "gzip"
            else response.data
        )
    assert b"attention" in bodies[0].lower() and b"tokeni" in bodies[1].lower()
    assert bodies[0] != bodies[1]
