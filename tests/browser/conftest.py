"""Browser tests: a real app process and real headless Chromium (Debian's chromium + driver).

The app runs once per test session as `python -m app` on a free port, exactly as a
learner starts it; each test gets a fresh browser profile (empty local storage).
Outside CI a machine without Chromium skips these tests; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)
CHROMEDRIVER = shutil.which("chromedriver")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


def pytest_setup_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,1000",
    ):
        options.add_argument(arg)
    if CHROMIUM:
        options.binary_location = CHROMIUM
    return options


@pytest.fixture(scope="session", autouse=True)
def _require_browser():
    if CHROMIUM and CHROMEDRIVER:
        return
    message = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"Browser tests must run in CI: {message}", pytrace=False)
    pytest.skip(message)


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


@pytest.fixture(scope="session")
def app_url():
    """The base URL of a running app (`python -m app`), shared by the session's tests."""
    port = free_port()
    env = {
        **os.environ,
        "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-test-cache-"),
        "PYTHONUNBUFFERED": "1",
    }
    log = open(Path(tempfile.gettempdir()) / f"ogelo-test-app-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", str(port)],
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
        log.close()


@pytest.fixture
def br(dash_br, app_url):
    """A fresh headless Chromium on the running app's home page."""
    dash_br.server_url = app_url
    return dash_br


def console_errors(browser) -> list[str]:
    """SEVERE browser console messages since the last reset (favicon misses excluded)."""
    return [e["message"] for e in browser.get_logs() if e.get("level") == "SEVERE"]


def click(browser, selector: str, timeout: float = 10):
    """Scroll an element to the middle of the screen, then click it as a person would.
    A re-render between finding and clicking makes the element stale: find it again."""
    from selenium.common.exceptions import StaleElementReferenceException

    for attempt in range(3):
        element = browser.wait_for_element(selector, timeout=timeout)
        try:
            browser.driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
            )
            element.click()
            return element
        except StaleElementReferenceException:
            if attempt == 2:
                raise


def text_of(browser, selector: str) -> str | None:
    """An element's text, read in one step: Dash may re-render the element between a find
    and a read, which makes a found element stale. None when nothing matches."""
    return browser.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
        selector,
    )


def attribute_of(browser, selector: str, name: str) -> str | None:
    """An element's attribute, read in one step (see `text_of`)."""
    return browser.driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e ? e.getAttribute(arguments[1]) : null;",
        selector,
        name,
    )


def wait_for_text_change(browser, selector: str, old: str | None, timeout: float = 20) -> str:
    """Wait until an element shows a non-empty text other than `old`, and return it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = text_of(browser, selector)
        if now and now != old:
            return now
        time.sleep(0.2)
    raise AssertionError(f"{selector} still shows {old!r} after {timeout} s")
