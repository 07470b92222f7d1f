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

# Runs in the page: resolves once a chart is drawn (or the page has none), the page's main
# content is in, and Dash is not updating (it sets the title to "Updating..." meanwhile).
# Returns the time since navigation started, the bytes on the wire and the request count.
_WAIT_JS = """
const done = arguments[arguments.length - 1];
function ready() {
    const graphs = document.querySelectorAll('.dash-graph');
    const drawn = document.querySelector('.js-plotly-plot .main-svg');
    const content = document.querySelector('h1, h2');
    const busy = document.title.startsWith('Updating')
        || document.querySelector('[data-dash-is-loading="true"]');
    return content && !busy && (graphs.length === 0 || drawn);
}
function measure() {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    let bytes = nav ? nav.transferSize : 0;
    res.forEach(r => { bytes += r.transferSize || 0; });
    return [performance.now(), bytes, res.length + 1];
}
(function poll() {
    if (ready()) { done(measure()); } else { setTimeout(poll, 10); }
})();
"""


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


def load(driver, url: str) -> tuple[float, int, int]:
    driver.get("about:blank")
    driver.get(url)
    ms, size, requests = driver.execute_async_script(_WAIT_JS)
    return float(ms), int(size), int(requests)


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
        driver = browser()
        bare_url = f"http://127.0.0.1:{bare_port}/"
        load(driver, bare_url)  # warm both servers and the browser
        for path in paths:
            load(driver, f"http://127.0.0.1:{app_port}{path}")
        bare: list[tuple[float, int, int]] = []
        pages: dict[str, list[tuple[float, int, int]]] = {p: [] for p in paths}
        for _ in range(args.rounds):
            for path in paths:  # interleaved: a bare load before every page load
                bare.append(load(driver, bare_url))
                pages[path].append(load(driver, f"http://127.0.0.1:{app_port}{path}"))
        base_ms = statistics.median(b[0] for b in bare)
        base_bytes = statistics.median(b[1] for b in bare)
        base_requests = statistics.median(b[2] for b in bare)
        print(
            f"Bare Dash page with one chart: {base_ms:.0f} ms, {base_bytes / 1000:.0f} kB, "
            f"{base_requests:.0f} requests (medians of {len(bare)} loads; gunicorn 2×4, "
            "cache off)"
        )
        print(f"{'route':<28}{'time ×':>8}{'bytes ×':>9}{'requests':>10}")
        for path, runs in pages.items():
            ms = statistics.median(r[0] for r in runs)
            size = statistics.median(r[1] for r in runs)
            requests = statistics.median(r[2] for r in runs)
            print(f"{path:<28}{ms / base_ms:>8.2f}{size / base_bytes:>9.2f}{requests:>10.0f}")
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
