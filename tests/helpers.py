"""Helpers the tests share. Tests import from here, never from a conftest or another test."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wait_until(predicate: Callable[[], object], timeout: float = 10, every: float = 0.1):
    """Poll `predicate` until it returns something truthy, and return that; no fixed sleeps.
    Fails naming the predicate when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            name = getattr(predicate, "__name__", "condition")
            raise AssertionError(f"{name} still false after {timeout} s")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with code {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer at {url} within {timeout_s} s")


@contextlib.contextmanager
def serving(module_args: list[str], port: int, env=None, log=subprocess.DEVNULL):
    """Run `python -m MODULE_ARGS...` from the repository root, wait until it answers on
    `port`, yield its base URL, and stop it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", *module_args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/", proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def procfile_command(process: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{process}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"Procfile has no {process}: line")


def error_text(component) -> str:
    """The sentence inside a field_error Alert."""
    assert component is not None, "expected an error message"
    return str(component.children[-1])


def as_plotly(fig):
    """A figure dict (what app/figures build) as a validated plotly Figure: raises on any
    property Plotly does not know, and gives attribute access (fig.layout.yaxis.type)."""
    import plotly.graph_objects as go

    return fig if isinstance(fig, go.Figure) else go.Figure(fig)


def is_message_figure(fig) -> bool:
    fig = as_plotly(fig)
    return len(fig.data) == 0 and len(fig.layout.annotations) == 1


def stat_values(stats) -> dict[str, str]:
    return {s.children[0].children: s.children[1].children for s in stats}


def isolated_jobs(tmp_path, monkeypatch, *, inline: bool = True):
    """Point the job board and the model store at fresh folders under tmp_path; with
    `inline`, a started job runs to its end inside the call (no process)."""
    import diskcache

    from app.services import jobs
    from app.services.tinygpt import models, store

    board_cache = diskcache.Cache(str(tmp_path / "jobs"))
    models_cache = diskcache.Cache(str(tmp_path / "models"), eviction_policy="none")
    monkeypatch.setattr(jobs, "backend", lambda: jobs.DiskKV(board_cache))
    the_store = store.ModelStore(jobs.DiskKV(models_cache))
    monkeypatch.setattr(store, "model_store", lambda: the_store)
    monkeypatch.setattr(models, "model_store", lambda: the_store)
    if inline:
        monkeypatch.setattr(jobs, "launch_local", jobs.execute)
    return the_store


def run_clientside(js_function: str, *args, triggered_id=None):
    """Call a clientside callback's JavaScript function in Node, as Dash would in the
    browser (with `window.dash_clientside`), and return its result (None for no_update)."""
    import json
    import shutil

    node = shutil.which("node")
    if node is None:
        import pytest

        pytest.skip("Node.js is needed to run clientside callbacks outside a browser")
    script = f"""
    const NO_UPDATE = {{"__no_update__": true}};
    globalThis.window = {{dash_clientside: {{no_update: NO_UPDATE,
        callback_context: {{triggered_id: {json.dumps(triggered_id)}}}}}}};
    const f = ({js_function});
    const out = f(...{json.dumps(list(args))});
    process.stdout.write(JSON.stringify(out === NO_UPDATE ? null : out));
    """
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def find_ids(tree) -> dict:
    """id → component, for every component with a string id in a layout tree."""
    from app.components.first_view import components_by_id

    return components_by_id(tree)


# ---- calling Dash callbacks over HTTP, as the browser does ----------------------------


def _concrete_id(raw_id: str, match_value=0):
    """A callback spec's id with its wildcards filled: MATCH → `match_value`; for ALL and
    ALLSMALLER the caller sends a list (here: of one such id)."""
    if not raw_id.startswith("{"):
        return raw_id, False
    import json

    spec = json.loads(raw_id)
    is_all = any(v in (["ALL"], ["ALLSMALLER"]) for v in spec.values())
    return {k: (match_value if isinstance(v, list) else v) for k, v in spec.items()}, is_all


def _entry(raw_id: str, prop: str, value=None, *, with_value: bool, match_value=0):
    cid, is_all = _concrete_id(raw_id, match_value)
    one = {"id": cid, "property": prop.split("@")[0]}
    if with_value:
        one["value"] = value
    return [one] if is_all else one


def callback_outputs(output_key: str) -> list[tuple[str, str]]:
    """(id, property) of each output in a callback-map key ('..a.x...b.y..' or 'a.x@h')."""
    parts = output_key[2:-2].split("...") if output_key.startswith("..") else [output_key]
    return [tuple(p.split("@")[0].rsplit(".", 1)) for p in parts]


def callback_body(output_key: str, spec: dict, input_values, state_values=None, match=0):
    """The JSON the renderer posts to /_dash-update-component for the callback whose
    callback-map key is `output_key`, with these input and state values."""
    import json

    outputs = [
        _entry(i, p, with_value=False, match_value=match) for i, p in callback_outputs(output_key)
    ]
    inputs = [
        _entry(s["id"], s["property"], v, with_value=True, match_value=match)
        for s, v in zip(spec["inputs"], input_values, strict=True)
    ]
    state = [
        _entry(s["id"], s["property"], v, with_value=True, match_value=match)
        for s, v in zip(spec["state"], state_values or [None] * len(spec["state"]), strict=True)
    ]
    first = inputs[0][0] if inputs and isinstance(inputs[0], list) else (inputs or [None])[0]
    changed = []
    if first is not None:
        fid = first["id"]
        fid = (
            json.dumps(fid, separators=(",", ":"), sort_keys=True) if isinstance(fid, dict) else fid
        )
        changed = [f"{fid}.{first['property']}"]
    return {
        "output": output_key,
        "outputs": outputs if output_key.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": changed,
    }


def expected_pages() -> dict[str, tuple[str, int]]:
    """route → (its <title>, its HTTP status), for every page plus an unknown path."""
    from app.config import TITLE
    from app.content import get_content

    pages = {"/": (TITLE, 200), "/glossary": (f"Glossary · {TITLE}", 200)}
    for s in get_content().pages:
        pages[s.path] = (f"{s.number} {s.title} · {TITLE}", 200)
    pages["/no-such-page"] = (f"Page not found · {TITLE}", 404)
    return pages


def http_get(url: str, timeout: float = 20) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET, without raising on 4xx/5xx."""
    import urllib.error

    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def served_heading(base: str, route: str) -> str:
    """The first heading the running app draws for `route`: its routing callback called
    over HTTP as the browser does (the page's HTML is the same for every route)."""
    import json

    deps = json.loads(http_get(base + "/_dash-dependencies")[2])
    router = next(d for d in deps if d["output"].startswith(".._pages_content.children"))
    values = {"pathname": route, "search": ""}
    body = callback_body(
        router["output"], router, [values.get(i["property"]) for i in router["inputs"]]
    )
    req = urllib.request.Request(
        base + "/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        payload = json.loads(r.read())
    found: list[str] = []

    def text(node) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, list):
            return "".join(text(n) for n in node)
        if isinstance(node, dict):
            return text(node.get("props", {}).get("children"))
        return "" if node is None else str(node)

    def walk(node):
        if found:
            return
        if isinstance(node, dict):
            if node.get("type") == "H1":
                found.append(text(node).strip())
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(payload["response"])
    return found[0] if found else ""


def check_every_route(base: str) -> None:
    """Each route answers its own status and <title>, draws its own heading, and /healthz
    answers ok: fails naming the route otherwise."""
    import json
    import re

    from app.content import get_content

    headings = {s.path: s.title for s in get_content().pages}
    headings |= {"/glossary": "Glossary", "/no-such-page": "This page is not part of the pipeline"}
    for route, (title, status) in expected_pages().items():
        got_status, _headers, body = http_get(base + route)
        assert got_status == status, (route, got_status)
        got_title = re.search(rb"<title>(.*?)</title>", body)
        assert got_title and got_title.group(1).decode() == title.replace("&", "&amp;"), route
        heading = served_heading(base, route)
        assert heading, route
        if route in headings:
            assert headings[route] in heading, (route, heading)
    status, _headers, body = http_get(base + "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


def count_job(params, guard):
    """A job kind for tests (registered as "test-count" by tests/test_jobs.py; a job's own
    process finds it here by name): counts steps until told to stop or until `steps`;
    `fail` makes it end with an InputError or a bug."""
    from app.validation import InputError

    done = 0
    while done < params["steps"] and not guard.stop_now():
        done += 1
        guard.report({"done": done})
    guard.report({"done": done}, force=True)  # the last one always goes through
    if params.get("fail") == "input":
        raise InputError("Steps: must be at most 3.")
    if params.get("fail") == "bug":
        raise ZeroDivisionError("a bug")
    return {"done": done}
