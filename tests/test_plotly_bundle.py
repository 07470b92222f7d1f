"""The guide ships its own Plotly.js with only the trace types it draws
(app/server/plotly_bundle.py, built by plotly-bundle/build.mjs). A chart of a type left
out of the bundle would be drawn as an empty frame with no error, so these tests check
that every type the app can ask for is in it, and that dcc's URL serves it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from app.config import ROOT
from app.server.plotly_bundle import BUNDLE, PLOTLY_JS, bundle_traces

PACKAGE = ROOT / "plotly-bundle"

# A line that sets a type (`"type": ...`, `type=...`, `type: ...`, in Python or JavaScript):
# every quoted trace name on it counts, so `"type": "a" if x else "b"` names both.
TYPE_LINE = re.compile(r"""["']type["']\s*:|\btype\s*[=:]""")
QUOTED = re.compile(r"""["'](\w+)["']""")
GO_TRACE = re.compile(r"\bgo\.([A-Z]\w*)\(")


def plotly_trace_types() -> set[str]:
    classes = (getattr(go, name) for name in dir(go))
    return {c._path_str for c in classes if isinstance(c, type) and issubclass(c, BaseTraceType)}


def types_named_in(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if TYPE_LINE.search(line))
    named = {word for line in lines for word in QUOTED.findall(line)}
    named |= {name.lower() for name in GO_TRACE.findall(text) if name != "Figure"}
    return named & plotly_trace_types()


def test_every_trace_type_the_app_names_is_in_the_bundle():
    sources = [*(ROOT / "app").rglob("*.py"), *(ROOT / "assets").rglob("*.js")]
    named = {t: p for p in sources for t in types_named_in(p)}
    _, bundled = bundle_traces()
    missing = {t: str(p.relative_to(ROOT)) for t, p in named.items() if t not in bundled}
    assert not missing, f"add these to TRACES in plotly-bundle/build.mjs and rebuild: {missing}"
    assert {"scatter", "bar", "heatmap", "sunburst", "treemap"} <= set(named)  # the scan works


def test_the_scan_finds_types_however_they_are_written(tmp_path):
    source = tmp_path / "fig.py"
    source.write_text(
        'a = {"type": "violin"}\nb = dict(type="pie")\nc = go.Funnel(x=[1])\n'
        "d = {type: 'sankey'}\ne = {'type': 'linear'}\n"
        'f = {"type": "box" if g else "table"}\nh = {"mode": "lines", "name": "scatter"}\n'
    )
    assert types_named_in(source) == {"violin", "pie", "funnel", "sankey", "box", "table"}


def test_the_bundle_is_built_from_the_pinned_plotly_js():
    version, traces = bundle_traces()
    package = json.loads((PACKAGE / "package.json").read_text())
    lock = json.loads((PACKAGE / "package-lock.json").read_text())
    assert package["devDependencies"]["plotly.js"] == version
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version
    build = (PACKAGE / "build.mjs").read_text()
    listed = re.search(r"const TRACES = \[(.*?)\];", build)[1]
    assert {"scatter", *re.findall(r"'(\w+)'", listed)} == traces  # the banner is current
    assert BUNDLE.stat().st_size < 2_000_000  # a quarter of the full 4.8 MB Plotly.js


def test_dcc_s_plotly_url_serves_the_bundle_and_revalidates(client):
    first = client.get("/" + PLOTLY_JS)
    assert first.status_code == 200
    assert first.mimetype == "text/javascript"
    assert first.data == BUNDLE.read_bytes()
    again = client.get("/" + PLOTLY_JS, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    fingerprinted = PLOTLY_JS.replace("plotly.min.js", "plotly.v7_1_0m1700000000.min.js")
    assert client.get("/" + fingerprinted).data == first.data


def test_other_component_files_are_still_dash_s_own(client):
    dcc = client.get("/_dash-component-suites/dash/dcc/async-graph.js")
    assert dcc.status_code == 200 and b"webpackChunkdash_core_components" in dcc.data
    assert client.get("/_dash-component-suites/plotly/package_data/nope.js").status_code == 404
