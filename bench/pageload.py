"""How fast does each page load, next to the plainest Dash page there is? Every route of the
app against a bare Dash page with one Plotly chart, both served the way the Procfile serves
the app (gunicorn, 2 workers × 4 threads), loaded in headless Chromium with the cache off,
in interleaved rounds (bare, route 1, bare, route 2, ...) so that a busy machine slows both
alike. Prints, per route, the median time until the first screen is drawn (what fits in a
1440×1000 window, its charts included, with no callback in flight), until the page's first
chart is drawn (issue 10's measure: content and its first chart), and until the whole page
is (every chart, and what the page draws after its first screen), and the bytes and
requests of the load, each as a multiple of the bare page's (whose first screen is its
whole page). Ratios, not absolute times: they read the same on any machine.
Loads start once both of the app's workers have finished their warm-up (/healthz says so),
as a deployed app has long before its class arrives.

    python bench/pageload.py [--rounds 5] [--routes /training /deployment]

Needs gunicorn, Chromium and chromedriver (as the browser tests do).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in the page: resolves once the whole page is drawn, and returns three times since
# navigation started, the bytes on the wire and the request count.
# - First screen: what fits in the window is drawn: the heading, a stage page's Markdown
#   (its key concepts), every chart in the window, and content held for after the first
#   screen if its place is in the window; and Dash has no callback in flight.
# - First chart: content and one drawn chart (a page with no chart: its first screen).
# - Whole page: that, for every chart and all held content.
_WAIT_JS = """
const done = arguments[arguments.length - 1];
function inWindow(el) {
    const r = el.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
}
function drawn(graph) { return !!graph.querySelector('.main-svg'); }
function firstScreen() {
    const content = document.querySelector('h1, h2');
    const busy = document.title.startsWith('Updating')
        || document.querySelector('[data-dash-is-loading="true"]');
    const article = document.querySelector('.stage-article');
    const prose = !article || article.querySelector('.key-concepts');
    const held = Array.from(document.querySelectorAll('.page-rest'))
        .filter(h => !h.children.length);
    const restDue = held.some(inWindow);
    const graphs = Array.from(document.querySelectorAll('.dash-graph')).filter(inWindow);
    return content && !busy && prose && !restDue && graphs.every(drawn);
}
function wholePage() {
    const held = Array.from(document.querySelectorAll('.page-rest'))
        .filter(h => !h.children.length);
    return firstScreen() && !held.length
        && Array.from(document.querySelectorAll('.dash-graph')).every(drawn);
}
function measure() {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    let bytes = nav ? nav.transferSize : 0;
    res.forEach(r => { bytes += r.transferSize || 0; });
    return [bytes, res.length + 1];
}
function firstChart() {
    return document.querySelector('h1, h2') && document.querySelector('.dash-graph .main-svg');
}
let first = null, chart = null;
(function poll() {
    if (first === null && firstScreen()) first = performance.now();
    if (chart === null && firstChart()) chart = performance.now();
    if (first !== null && wholePage()) {
        done([first, chart === null ? first : chart, performance.now(), ...measure()]);
    } else {
        setTimeout(poll, 10);
    }
})();
"""

# What a page that never became ready shows (printed instead of a bare script timeout).
_STATE_JS = """return {title: document.title, heading: !!document.querySelector('h1, h2'),
    graphs: document.querySelectorAll('.dash-graph').length,
    drawn: !!document.querySelector('.js-plotly-plot .main-svg'),
    loading: Array.from(document.querySelectorAll('[data-dash-is-loading="true"]'))
        .map(e => e.id || e.className).slice(0, 5),
    unanswered: performance.getEntriesByType('resource').filter(r => !r.responseStatus)
        .map(r => r.name).slice(0, 5),
    ready_state: document.readyState};"""

Load = tuple[float, float, float, int, int]  # ms to first screen, first chart, whole page;
# bytes, requests


def bare_app():
    """The yardstick: a bare Dash page with one small Plotly chart (a gunicorn factory)."""
    import dash
    from dash import dcc, html

    app = dash.Dash(__name__, compress=True)
    figure = {"data": [{"type": "bar", "x": ["a", "b", "c"], "y": [1, 3, 2]}], "layout": {}}
    app.layout = html.Div([html.H1("A bare Dash page"), dcc.Graph(figure=figure)])
    return app.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(target: str, port: int, chdir: Path) -> subprocess.Popen:
    """gunicorn as the Procfile runs it, on loopback."""
    command = [
        shutil.which("gunicorn") or "gunicorn",
        target,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--chdir",
        str(chdir),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # The log goes to a file: an unread pipe fills up and then stops the server mid-run.
    log = tempfile.TemporaryFile("w+b", prefix="pageload-", suffix=".log")  # noqa: SIM115
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{target} exited: {log.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"{target} did not answer within 90 s")


def wait_until_warm(base: str, timeout_s: float = 180) -> None:
    """Wait until every gunicorn worker has finished its warm-up (/healthz says so ten
    times in a row): a worker still warming competes with the browser for the CPU."""
    deadline = time.time() + timeout_s
    streak = 0
    while time.time() < deadline and streak < 10:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                streak = streak + 1 if json.loads(r.read()).get("warmed", True) else 0
        except OSError:
            streak = 0
        time.sleep(0.2)


def browser():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=1440,1000",
    ):
        options.add_argument(arg)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def load(driver, url: str, attempts: int = 2) -> Load:
    """One load of `url`: (ms to first screen, first chart, whole page; bytes, requests). A load
    that never gets ready is reported and tried once more (seen rarely, even on the bare
    page)."""
    from selenium.common.exceptions import TimeoutException

    for attempt in range(1, attempts + 1):
        driver.get("about:blank")
        driver.get(url)
        try:
            first, chart, whole, size, requests = driver.execute_async_script(_WAIT_JS)
            return float(first), float(chart), float(whole), int(size), int(requests)
        except TimeoutException:
            state = driver.execute_script(_STATE_JS)
            print(f"  (load {attempt} of {url} never became ready: {state})", file=sys.stderr)
    raise RuntimeError(f"{url} never became ready in {attempts} loads")


def routes() -> list[str]:
    """Every page the app registers (not the 404 page)."""
    import dash

    from app import create_app

    create_app(warm=False)
    paths = [p["path"] for p in dash.page_registry.values() if p.get("path") != "/404"]
    return sorted(set(paths), key=lambda p: (p != "/", p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="loads per route (and bare)")
    parser.add_argument("--routes", nargs="*", help="only these paths (default: every route)")
    args = parser.parse_args()

    paths = args.routes or routes()
    app_port, bare_port = free_port(), free_port()
    servers = [
        serve("app.wsgi:server", app_port, ROOT),
        serve("pageload:bare_app()", bare_port, ROOT / "bench"),
    ]
    driver = None
    try:
        wait_until_warm(f"http://127.0.0.1:{app_port}")
        driver = browser()
        bare_url = f"http://127.0.0.1:{bare_port}/"
        load(driver, bare_url)  # warm both servers and the browser
        for path in paths:
            load(driver, f"http://127.0.0.1:{app_port}{path}")
        bare: list[Load] = []
        pages: dict[str, list[Load]] = {p: [] for p in paths}
        for _ in range(args.rounds):
            for path in paths:  # interleaved: a bare load before every page load
                bare.append(load(driver, bare_url))
                pages[path].append(load(driver, f"http://127.0.0.1:{app_port}{path}"))
        base = [statistics.median(b[i] for b in bare) for i in range(5)]
        print(
            f"Bare Dash page with one chart: {base[2]:.0f} ms, {base[3] / 1000:.0f} kB, "
            f"{base[4]:.0f} requests (medians of {len(bare)} loads; gunicorn 2×4, cache off)"
        )
        print(
            f"{'route':<28}{'first screen ×':>15}{'first chart ×':>14}{'whole page ×':>13}"
            f"{'bytes ×':>9}{'requests':>10}"
        )
        for path, runs in pages.items():
            first, chart, whole, size, requests = (
                statistics.median(r[i] for r in runs) for i in range(5)
            )
            print(
                f"{path:<28}{first / base[0]:>15.2f}{chart / base[1]:>14.2f}"
                f"{whole / base[2]:>13.2f}{size / base[3]:>9.2f}{requests:>10.0f}"
            )
        print(
            "aims: first screen and first chart ≤ 1.3×, bytes ≤ 1.2× (issue 10); "
            "the whole page, for the record"
        )
    finally:
        if driver is not None:
            driver.quit()
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
