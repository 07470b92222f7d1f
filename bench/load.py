"""A class of learners at once: load on the Procfile's gunicorn, on loopback only.

    python bench/load.py [--seconds 30] [--users 50,200] [--burst 200]

Starts the Procfile's web: command (gunicorn, 2 workers x 4 threads) on a free port of
127.0.0.1, then runs locust headless against it, bounded in time, once per user count:
simulated learners open pages as a browser does (the HTML, Dash's layout and
dependencies, the page's content callback), use the calculators on the page they are on
(a number changed, the lab's callback answers), and a few train the tiny GPT (start, then
poll until it ends). Prints requests/s, p50/p95/p99 and errors for each user count.

Then the burst: 200 training start requests at once, while one learner keeps using a
calculator; prints the calculator's p50/p95 before and during the burst, and how the
starts were answered. Jobs are capped (JOB_MAX_CONCURRENT), so a burst must not slow
anyone else down.

Locust needs urllib3 2, which the browser tests' Selenium 4.2 does not allow, so it is
looked for on PATH or given with --locust; one way:

    python -m venv /tmp/locust-venv && /tmp/locust-venv/bin/pip install locust
    python bench/load.py --locust /tmp/locust-venv/bin/locust

This file is also the locustfile (locust imports it; the learners are defined below).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPDATE = "/_dash-update-component"
ROUTES = json.loads(os.environ.get("LOAD_ROUTES", '["/", "/training"]'))
TRAIN_STEPS = 20  # a short run: the learners who train start, poll and finish


# ---- shared by the learners and the burst: speaking Dash's HTTP API -------------------


def end_id_of(html: str) -> str | None:
    """The signed page-load token Dash puts in its config (background callbacks need it)."""
    match = re.search(r'id="_dash-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)).get("end_id") if match else None


def body_for(dep: dict, props: dict[str, dict], changed: dict | None = None) -> dict:
    """The JSON the renderer posts for callback `dep`, with values from `props`."""
    changed = changed or {}

    def item(spec):
        value = changed.get((spec["id"], spec["property"]))
        if value is None:
            value = props.get(spec["id"], {}).get(spec["property"])
        return {"id": spec["id"], "property": spec["property"], "value": value}

    outputs = []
    for out in dep["output"].strip(".").split("..."):
        cid, prop = out.split("@")[0].rsplit(".", 1)
        outputs.append({"id": cid, "property": prop})
    inputs = [item(i) for i in dep["inputs"]]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [item(s) for s in dep["state"]],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }


def router(deps: list[dict]) -> dict:
    return next(d for d in deps if d["output"].startswith(".._pages_content.children"))


def page_body(deps: list[dict], route: str) -> dict:
    dep = router(deps)
    values = {"pathname": route, "search": "", "href": route, "hash": ""}
    props: dict[str, dict] = {}
    for spec in dep["inputs"] + dep["state"]:
        props.setdefault(spec["id"], {})[spec["property"]] = values.get(spec["property"])
    return body_for(dep, props)


def component_props(tree) -> dict[str, dict]:
    """id → props for every component with a string id in a JSON layout."""
    found: dict[str, dict] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                stack.extend(v for v in props.values() if isinstance(v, list | dict))
            else:
                stack.extend(v for v in node.values() if isinstance(v, list | dict))
    return found


def calculators(deps: list[dict], props: dict[str, dict]) -> list[tuple[dict, tuple[str, str]]]:
    """The page's server callbacks a learner drives by changing a number: (callback, the
    numeric input it changes)."""
    found = []
    for dep in deps:
        if dep.get("clientside_function") or dep.get("background") or "{" in dep["output"]:
            continue
        ids = [i["id"] for i in dep["inputs"]]
        if not ids or not all(i in props for i in ids):
            continue
        numeric = [
            (i["id"], i["property"])
            for i in dep["inputs"]
            if isinstance(props[i["id"]].get(i["property"]), int | float)
            and not isinstance(props[i["id"]].get(i["property"]), bool)
            and i["property"] == "value"
        ]
        if numeric:
            found.append((dep, random.choice(numeric)))
    return found


def nudged(value: float) -> float:
    """A nearby value, as a learner tries one (a whole number stays whole)."""
    step = max(1, abs(value) // 10) if isinstance(value, int) else abs(value) * 0.1 or 0.1
    return value + random.choice([-1, 1]) * step


def training_state(props: dict[str, dict], dep: dict) -> dict:
    changed = {
        (s["id"], s["property"]): props.get(s["id"], {}).get(s["property"]) for s in dep["state"]
    }
    for key in changed:
        if key[0].endswith("-steps"):
            changed[key] = TRAIN_STEPS
        if key[0].endswith("-warmup_steps"):
            changed[key] = 2  # at most the steps
        if key[0].endswith("-learner"):
            changed[key] = learner_id()  # each simulated learner is its own browser
    return changed


def learner_id() -> str:
    """A learner id as the browser makes one (app.components.job_controls.LEARNER_JS)."""
    return uuid.uuid4().hex


def start_dep(deps: list[dict]) -> dict:
    """The training lab's Start callback (it answers with the new job's id)."""
    return next(d for d in deps if d["output"].startswith("..live_training-job.data"))


def poll_dep(deps: list[dict]) -> dict:
    """The training lab's poll callback (the page calls it every 500 ms while a job runs)."""
    return next(
        d
        for d in deps
        if "live_training-poll.disabled" in d["output"] and not d.get("clientside_function")
    )


def started_job(payload) -> dict | None:
    """The job a Start answer started ({"id": ...}), or None (refused: busy, bad input)."""
    try:
        return payload["response"]["live_training-job"]["data"]
    except (KeyError, TypeError):
        return None


# ---- the locust learners (defined when locust imports this file) ----------------------

try:
    from locust import HttpUser, between, task
except ImportError:  # the driver below runs without locust
    HttpUser = None

if HttpUser is not None:

    class Learner(HttpUser):
        """Reads pages and tries the calculators on them."""

        weight = 20
        wait_time = between(0.5, 2.0)

        def on_start(self):
            self.deps: list[dict] = []
            self.props: dict[str, dict] = {}
            self.end_id = None
            self.view(random.choice(ROUTES))

        def view(self, route: str) -> None:
            html = self.client.get(route, name="page html").text
            self.end_id = end_id_of(html)
            shell = self.client.get("/_dash-layout", name="dash layout").json()
            self.deps = self.client.get("/_dash-dependencies", name="dash dependencies").json()
            r = self.client.post(UPDATE, json=page_body(self.deps, route), name="page content")
            content = r.json()["response"] if r.status_code == 200 else {}
            self.props = component_props(shell) | component_props(content)

        @task(2)
        def browse(self):
            self.view(random.choice(ROUTES))

        @task(5)
        def calculate(self):
            found = calculators(self.deps, self.props)
            if not found:
                return
            dep, (cid, prop) = random.choice(found)
            value = nudged(self.props[cid][prop])
            body = body_for(dep, self.props, {(cid, prop): value})
            with self.client.post(UPDATE, json=body, name="calculator", catch_response=True) as r:
                if r.status_code in (200, 204):
                    r.success()

    class Trainer(HttpUser):
        """A few learners train the tiny GPT: open stage 05, start, poll until it ends."""

        fixed_count = 3
        wait_time = between(2.0, 5.0)

        @task
        def train(self):
            html = self.client.get("/training", name="page html").text
            end_id = end_id_of(html)
            deps = self.client.get("/_dash-dependencies", name="dash dependencies").json()
            r = self.client.post(UPDATE, json=page_body(deps, "/training"), name="page content")
            props = component_props(r.json()["response"]) | {"progress": {}, "selected-model": {}}
            dep = start_dep(deps)
            state = training_state(props, dep)
            learner = state[("live_training-learner", "data")]
            body = body_for(dep, props, {**state, ("live_training-start", "n_clicks"): 1})
            r = self.client.post(f"{UPDATE}?endId={end_id}", json=body, name="training start")
            job = started_job(r.json()) if r.status_code == 200 else None
            poll = poll_dep(deps)
            deadline = time.time() + 60
            n = 0
            while job and time.time() < deadline:
                time.sleep(0.5)  # the page polls every 500 ms
                n += 1
                changed = {
                    ("live_training-poll", "n_intervals"): n,
                    ("live_training-job", "data"): job,
                    ("live_training-learner", "data"): learner,
                }
                r = self.client.post(
                    UPDATE, json=body_for(poll, props, changed), name="training poll"
                )
                if r.status_code != 200:
                    break
                answer = r.json().get("response", {})
                if answer.get("live_training-poll", {}).get("disabled") is True:
                    break  # the run ended: the page stops polling


# ---- the driver ----------------------------------------------------------------------


def free_port(ports=range(8070, 8080)) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


def procfile_web() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError("the Procfile has no web: line")


def start_server(port: int) -> subprocess.Popen:
    """The Procfile's web command on loopback (the Procfile binds 0.0.0.0: not here)."""
    command = procfile_web().replace("0.0.0.0:$PORT", "127.0.0.1:$PORT")
    env = {
        **os.environ,
        "PORT": str(port),
        "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-load-"),
    }
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped with its job processes
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    else:
        raise RuntimeError("gunicorn did not answer within 120 s")
    from pageload import wait_until_warm  # a deployment warms once, before its class

    wait_until_warm(base)
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def locust_command(given: str | None) -> list[str]:
    if given:
        return [given]
    found = shutil.which("locust")
    if found:
        return [found]
    raise SystemExit("locust not found: install it (see this file's docstring) or pass --locust")


def run_locust(
    locust: list[str], base: str, users: int, seconds: int, routes: list[str]
) -> list[dict]:
    prefix = Path(tempfile.mkdtemp(prefix="ogelo-locust-")) / "run"
    command = locust + [
        "-f", __file__, "--headless", "--only-summary",
        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
        "--stop-timeout", "10", "--host", base, "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_ROUTES": json.dumps(routes)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120)
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust failed:\n{done.stderr[-2000:]}")
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(f"{prefix}_failures.csv", newline="") as f:
        for failure in csv.DictReader(f):
            rows.append(
                {"failure": f"{failure['Name']}: {failure['Error']} ×{failure['Occurrences']}"}
            )
    return rows


def print_stats(users: int, rows: list[dict]) -> None:
    print(f"\n{users} learners (3 of them training)")
    print(
        f"  {'requests':<20}{'count':>7}{'errors':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  ms"
    )
    stats = [r for r in rows if "Name" in r]
    for row in sorted(stats, key=lambda r: r["Name"] == "Aggregated"):
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"  {name:<20}{row['Request Count']:>7}{row['Failure Count']:>8}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
        )
    for row in rows:
        if "failure" in row:
            print(f"  error: {row['failure']}")


def _post(url: str, body: dict, timeout: float = 60) -> tuple[int, dict | None, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as err:
        raw, status = err.read(), err.code
    except OSError:
        return -1, None, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    try:
        return status, json.loads(raw) if raw else None, elapsed
    except ValueError:
        return status, None, elapsed


def burst(base: str, starts: int) -> None:
    with urllib.request.urlopen(base + "/training", timeout=30) as r:
        end_id = end_id_of(r.read().decode())
    with urllib.request.urlopen(base + "/_dash-dependencies", timeout=30) as r:
        deps = json.loads(r.read())
    with urllib.request.urlopen(base + "/_dash-layout", timeout=30) as r:
        shell = json.loads(r.read())
    _status, page, _t = _post(base + UPDATE, page_body(deps, "/training"))
    props = component_props(shell) | component_props(page["response"])
    train = start_dep(deps)

    def start_body():  # each start from another learner (browser)
        return body_for(
            train, props, {**training_state(props, train), ("live_training-start", "n_clicks"): 1}
        )

    calc, (cid, prop) = next(
        (d, n) for d, n in calculators(deps, props) if "compute_planner" in d["output"]
    )

    def cheap() -> float:
        body = body_for(calc, props, {(cid, prop): nudged(props[cid][prop])})
        status, _payload, elapsed = _post(base + UPDATE, body)
        return elapsed if status in (200, 204) else float("inf")

    before = [cheap() for _ in range(30)]
    during: list[float] = []
    done = threading.Event()

    def keep_calculating():
        while not done.is_set():
            during.append(cheap())

    watcher = threading.Thread(target=keep_calculating)
    watcher.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=starts) as pool:
        answers = list(
            pool.map(lambda _: _post(f"{base}{UPDATE}?endId={end_id}", start_body()), range(starts))
        )
    burst_s = time.perf_counter() - started
    time.sleep(2)  # and just after: the started jobs begin
    done.set()
    watcher.join()

    kinds: dict[str, int] = {}
    for status, payload, _t in answers:
        kind = f"HTTP {status}" + (" (a job)" if started_job(payload) else "")
        kinds[kind] = kinds.get(kind, 0) + 1
    starts_s = sorted(t for _s, _p, t in answers)

    def pct(values, q):
        finite = sorted(v for v in values if v != float("inf"))
        if not finite:
            return float("nan")
        return 1000 * finite[min(len(finite) - 1, int(q * len(finite)))]

    print(f"\nBurst: {starts} training starts at once (all answered in {burst_s:.1f} s)")
    print(
        f"  start answers: {kinds}; "
        f"p50 {pct(starts_s, 0.5):.0f} ms, p95 {pct(starts_s, 0.95):.0f} ms"
    )
    print(f"  a calculator before: p50 {pct(before, 0.5):.0f} ms, p95 {pct(before, 0.95):.0f} ms")
    errors = sum(1 for t in during if t == float("inf"))
    print(
        f"  a calculator during: p50 {pct(during, 0.5):.0f} ms, p95 {pct(during, 0.95):.0f} ms, "
        f"{len(during)} calls, {errors} errors"
    )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of each locust run")
    parser.add_argument("--users", default="50,200", help="learner counts, comma-separated")
    parser.add_argument(
        "--burst", type=int, default=200, help="training starts in the burst (0: none)"
    )
    parser.add_argument("--locust", help="the locust executable (default: on PATH)")
    parser.add_argument(
        "--port", type=int, help="port on 127.0.0.1 (default: a free one of 8070-8079)"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from app.content import get_content

    routes = ["/", "/glossary"] + [s.path for s in get_content().pages]
    locust = locust_command(args.locust) if args.users else []
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"gunicorn as the Procfile runs it, on {base}: {procfile_web()}")
    server = start_server(port)
    try:
        for users in [int(u) for u in args.users.split(",") if u.strip()]:
            print_stats(users, run_locust(locust, base, users, args.seconds, routes))
        if args.burst:
            burst(base, args.burst)
    finally:
        stop_server(server)
    print(f"\n(loopback; the load generator shares the server's {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
