"""How fast does each page load, next to the plainest Dash page there is? Every route of the
app against a bare Dash page with one Plotly chart, both served the way the Procfile serves
the app (gunicorn, 2 workers × 4 threads), loaded in headless Chromium with the cache off,
in interleaved rounds (bare, route 1, bare, route 2, ...) so that a busy machine slows both
alike. Prints, per route, the median time until the content and its first chart are drawn
and Dash has no callback in flight, and the bytes and requests of the load, each as a
multiple of the bare page's. Ratios, not absolute times: they read the same on any machine.

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
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in the page. The first view is ready once the page's main content is in, a chart is
# drawn (or the page has none) and Dash is updating nothing but the labs below the first,
# which load by themselves after it (app/components/lazy_lab.py); the whole page once those
# are in and answered too. Returns, for each: ms since navigation, bytes, requests.
_WAIT_JS = """
const done = arguments[arguments.length - 1];
function ready(whole) {
    const graphs = document.querySelectorAll('.dash-graph');
    const drawn = document.querySelector('.js-plotly-plot .main-svg');
    const content = document.querySelector('h1, h2');
    const loading = whole ? '[data-dash-is-loading="true"]'
        : '[data-dash-is-loading="true"]:not(.lab-slot, .lab-slot *)';
    const busy = document.title.startsWith('Updating') || document.querySelector(loading)
        || (whole && document.querySelector('[data-lazy-lab]'));
    return content && !busy && (graphs.length === 0 || drawn);
}
function measure() {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    let bytes = nav ? nav.transferSize : 0;
    res.forEach(r => { bytes += r.transferSize || 0; });
    return [performance.now(), bytes, res.length + 1];
}
let first = null;
(function poll() {
    if (first === null && ready(false)) first = measure();
    if (first !== null && ready(true)) { done([first, measure()]); }
    else { setTimeout(poll, 10); }
})();
"""

Load = tuple[float, int, int]  # ms, bytes, requests


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
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{target} exited: {proc.stderr.read().decode()[-2000:]}")
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


def load(driver, url: str) -> tuple[Load, Load]:
    """One load of `url`: (its first view, the whole page), each (ms, bytes, requests)."""
    driver.get("about:blank")
    driver.get(url)
    first, whole = driver.execute_async_script(_WAIT_JS)
    return tuple(first), tuple(whole)


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
        pages: dict[str, list[tuple[Load, Load]]] = {p: [] for p in paths}
        for _ in range(args.rounds):
            for path in paths:  # interleaved: a bare load before every page load
                bare.append(load(driver, bare_url)[1])
                pages[path].append(load(driver, f"http://127.0.0.1:{app_port}{path}"))
        base = [statistics.median(b[i] for b in bare) for i in range(3)]
        print(
            f"Bare Dash page with one chart: {base[0]:.0f} ms, {base[1] / 1000:.0f} kB, "
            f"{base[2]:.0f} requests (medians of {len(bare)} loads; gunicorn 2×4, cache off)"
        )
        print(f"{'':<24}{'first view':>26}{'whole page, every lab':>30}")
        columns = ("time ×", "bytes ×", "requests")
        print(f"{'route':<24}" + "".join(f"{c:>10}" for c in columns) * 2)
        for path, runs in pages.items():
            cells = []
            for view in (0, 1):
                ms, size, requests = (statistics.median(r[view][i] for r in runs) for i in range(3))
                cells += [
                    f"{ms / base[0]:>10.2f}",
                    f"{size / base[1]:>10.2f}",
                    f"{requests:>10.0f}",
                ]
            print(f"{path:<24}" + "".join(cells))
        print("aims: time ≤ 1.3×, bytes ≤ 1.2× (issue 10)")
    finally:
        if driver is not None:
            driver.quit()
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
