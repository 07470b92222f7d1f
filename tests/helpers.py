"""Helpers the tests share. Tests import from here, never from a conftest or another test."""

from __future__ import annotations

import socket
import subprocess
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


def procfile_command(process: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{process}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"Procfile has no {process}: line")


def error_text(component) -> str:
    """The sentence inside a field_error Alert."""
    assert component is not None, "expected an error message"
    return str(component.children[-1])


def is_message_figure(fig) -> bool:
    return len(fig.data) == 0 and len(fig.layout.annotations) == 1


def stat_values(stats) -> dict[str, str]:
    return {s.children[0].children: s.children[1].children for s in stats}


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
