"""The guide's own Plotly.js, served where dcc's graph looks for Plotly.js.

The full Plotly.js is 4.8 MB and takes about 0.75 s of CPU to run on every page load,
before any chart can be drawn. The guide draws six trace types, so it ships a bundle of
just those (`plotly-bundle/`, 1.3 MB, built with plotly.js's own modules). Dash's renderer
loads Plotly.js from a fixed URL, dcc's own (`PLOTLY_JS`); this serves the guide's bundle
there, read once, with the same ETag revalidation Dash gives that URL.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

import dash
from dash.fingerprint import check_fingerprint
from flask import Response, request

from app.config import ROOT

SUITES = "_dash-component-suites"
PLOTLY_PATH = ("plotly", "package_data/plotly.min.js")  # dcc's own package and file
PLOTLY_JS = f"{SUITES}/{'/'.join(PLOTLY_PATH)}"  # its URL, under the app's prefix
BUNDLE = ROOT / "plotly-bundle" / "plotly-guide.min.js"
_BANNER = re.compile(rb"/\*! plotly\.js v(?P<version>\S+) .*? traces: (?P<traces>[a-z ]+) \*/")


@cache
def bundle() -> bytes:
    return BUNDLE.read_bytes()


@cache
def _etag() -> str:
    return hashlib.sha1(bundle()).hexdigest()  # once: hashing 1.3 MB takes a few ms


def bundle_traces() -> tuple[str, frozenset[str]]:
    """The bundle's plotly.js version and trace types, as its build wrote them in its banner."""
    match = _BANNER.match(bundle())
    if match is None:
        raise ValueError(f"{BUNDLE} has no build banner: rebuild it (plotly-bundle/build.mjs)")
    return match["version"].decode(), frozenset(match["traces"].decode().split())


def response() -> Response:
    """The bundle, or 304 when the browser's copy is current."""
    answer = Response(bundle(), mimetype="text/javascript")
    answer.set_etag(_etag())
    return answer.make_conditional(request)


def install(app: dash.Dash) -> None:
    """Answer dcc's Plotly.js URL (with or without Dash's fingerprint) with the bundle."""
    server = app.server
    prefix = app.config.routes_pathname_prefix
    endpoint = f"{prefix}{SUITES}/<string:package_name>/<path:fingerprinted_path>"
    serve_suite = server.view_functions[endpoint]

    def serve(package_name: str, fingerprinted_path: str):
        if (package_name, check_fingerprint(fingerprinted_path)[0]) == PLOTLY_PATH:
            return response()
        return serve_suite(package_name, fingerprinted_path)

    server.view_functions[endpoint] = serve
