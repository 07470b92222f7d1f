"""Browser tests: a real app process and real headless Chromium (Debian's chromium + driver).

The app runs once per test session as `python -m app` on a free port, exactly as a
learner starts it; each test gets a fresh browser profile (empty local storage).
Outside CI a machine without Chromium skips these tests; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers import free_port, serving

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


@pytest.fixture(scope="session")
def app_cache_dir():
    """The running app's CACHE_DIR (its job board and model store, on disk)."""
    return tempfile.mkdtemp(prefix="ogelo-test-cache-")


@pytest.fixture(scope="session")
def app_url(app_cache_dir):
    """The base URL of a running app (`python -m app`), shared by the session's tests."""
    port = free_port()
    env = {
        **os.environ,
        "CACHE_DIR": app_cache_dir,
        "PYTHONUNBUFFERED": "1",
        # Every job step takes at least this long, so a run is slow enough to watch its
        # bar move and to cancel it: partial-progress tests pass by design, not by luck.
        "JOB_MIN_STEP_S": "0.02",
        "JOB_UNPOLLED_S": "8",  # a closed page's job stops within seconds
    }
    log = open(Path(tempfile.gettempdir()) / f"ogelo-test-app-{port}.log", "w")  # noqa: SIM115
    try:
        with serving(["app", "--port", str(port)], port, env=env, log=log) as url:
            yield url
    finally:
        log.close()


@pytest.fixture
def br(dash_br, app_url):
    """A fresh headless Chromium on the running app's home page."""
    dash_br.server_url = app_url
    return dash_br
