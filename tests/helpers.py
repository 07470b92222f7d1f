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
