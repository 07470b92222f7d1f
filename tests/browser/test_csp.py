"""Every route works under the Content-Security-Policy, and the store guard resets a store
that is too big before the page sends it."""

from __future__ import annotations

import json

import pytest

from app.content import get_content
from tests.browser.helpers import console_errors
from tests.helpers import wait_until

ROUTES = ["/", "/glossary", "/no-such-page"] + [s.path for s in get_content().pages]

# Collects every CSP violation from the first script the page runs (before Dash's).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""


@pytest.fixture
def watched(br):
    br.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
    )
    return br


def _heading(br) -> str:
    return br.driver.execute_script(
        "const h = document.querySelector('#main h1'); return h ? h.textContent : '';"
    )


def _charts_drawn(br) -> int:
    return br.driver.execute_script(
        "return document.querySelectorAll('.js-plotly-plot .main-svg').length;"
    )


@pytest.mark.slow
def test_every_route_runs_under_the_csp_without_violations(watched, app_url):
    br = watched
    for route in ROUTES:
        br.driver.get(app_url + route)
        wait_until(lambda: _heading(br), timeout=30)
        if route != "/glossary" and route != "/no-such-page":
            wait_until(lambda: _charts_drawn(br), timeout=30)  # Plotly draws under the CSP
        violations = br.driver.execute_script("return window.__csp;")
        assert violations == [], (route, violations)
        logged = [m for m in console_errors(br) if "Content Security Policy" in m]
        assert logged == [], (route, logged)


def test_the_csp_is_enforced(watched, app_url):
    """An inline script the server did not hash is refused (so the test above can fail)."""
    br = watched
    br.driver.get(app_url + "/")
    wait_until(lambda: _heading(br), timeout=30)
    br.driver.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1;';"
        "document.body.appendChild(s);"
    )
    assert wait_until(lambda: br.driver.execute_script("return window.__csp.length;"))
    assert br.driver.execute_script("return window.__ran;") is None


def test_an_oversized_progress_store_is_reset_before_it_is_sent(br, app_url):
    br.driver.get(app_url + "/")
    wait_until(lambda: _heading(br), timeout=30)
    huge = json.dumps({"visited": ["x" * 1000] * 1500})  # 1.5 MB: over the server's limit
    deep = "[" * 200 + "]" * 200
    br.driver.execute_script(
        "localStorage.setItem('progress', arguments[0]);"
        "localStorage.setItem('trained-runs', arguments[1]);"
        "localStorage.setItem('keep-me', '{\"a\": [1, 2]}');",
        huge,
        deep,
    )
    br.driver.get(app_url + "/overview")
    wait_until(lambda: _heading(br), timeout=30)
    stored = br.driver.execute_script(
        "return [localStorage.getItem('progress'), localStorage.getItem('trained-runs'),"
        " localStorage.getItem('keep-me')];"
    )
    assert stored[1] is None
    assert stored[2] == '{"a": [1, 2]}'
    # the page works: the progress store is rebuilt small, and the visit is recorded
    assert wait_until(
        lambda: (
            "overview"
            in (br.driver.execute_script("return localStorage.getItem('progress');") or "")
        )
    )
    assert len(br.driver.execute_script("return localStorage.getItem('progress');")) < 10_000
    assert not [m for m in console_errors(br) if "413" in m or "500" in m]
