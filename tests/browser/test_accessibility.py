"""Every route works for everyone: axe-core finds no serious or critical accessibility
violation, in light and in dark mode, and nothing is wider than a 375 px phone screen.

axe-core (Deque's rules engine, the one browsers' own audits build on) is installed from
the npm registry by `tests/browser/install_axe.sh` (.ci/run calls it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.content import get_content
from tests.helpers import wait_until

AXE_JS = Path(__file__).parent / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
CONTENT = get_content()
PAGES = [*CONTENT.stages, *getattr(CONTENT, "topics", ())]
ROUTES = ["/", *[p.path for p in PAGES], "/glossary", "/no-such-page"]
BLOCKING = ("serious", "critical")
THEME = "return document.documentElement.dataset.bsTheme"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        message = f"axe-core is missing ({AXE_JS}); run tests/browser/install_axe.sh"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def open_settled(br, url: str) -> None:
    """Open a page and wait until Dash has rendered it and every callback has answered."""
    br.driver.get(url)
    br.wait_for_element("#main h1", timeout=20)
    # A long page draws what lies below its first screen just after it (below_the_fold.py).
    br.wait_for_no_elements(".page-rest:empty", timeout=20)
    br.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)
    # assets/a11y.js repairs the page once it has been still for a moment
    wait_until(lambda: br.driver.execute_script("return window.__a11yPending === false"))


def phone(br, width: int = 375) -> None:
    """Emulate a phone screen (headless Chromium's windows are at least 500 px wide)."""
    metrics = {"width": width, "height": 812, "deviceScaleFactor": 1, "mobile": True}
    br.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    wait_until(lambda: br.driver.execute_script("return window.innerWidth") == width)


def axe_violations(br, source: str) -> list[dict]:
    br.driver.execute_script(source)
    result = br.driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e),
                             targets: []}]));"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


# No colour is mid-transition (a spinner's endless animation does not count): axe reads
# the colours a learner sees once the theme switch has finished.
SETTLED = """return document.getAnimations().every(a => a.playState !== 'running'
    || a.effect.getTiming().iterations === Infinity);"""


@pytest.mark.slow
@pytest.mark.parametrize("path", ROUTES)
def test_no_serious_or_critical_accessibility_violation(br, app_url, axe_source, path):
    """In the light theme, then in the dark one (switched as a learner does)."""
    br.driver.set_script_timeout(60)
    open_settled(br, app_url + path)
    for theme in ("light", "dark"):
        if theme == "dark":
            br.driver.find_element("css selector", "#theme-toggle").click()
        wait_until(lambda t=theme: br.driver.execute_script(THEME) == t)
        wait_until(lambda: br.driver.execute_script(SETTLED))  # colours fade for 0.15 s
        found = axe_violations(br, axe_source)
        assert not found, f"{theme} theme:\n" + "\n".join(
            f"{v['impact']} {v['id']}: {v['help']} at {v['targets']}" for v in found
        )


TOO_WIDE = """const w = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth <= w) return [];
return [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > w + 1)
  .filter(e => !e.closest('.modal') && getComputedStyle(e).visibility !== 'hidden')
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));"""

CUT_TITLES = """const out = [];
document.querySelectorAll('.js-plotly-plot').forEach(gd => {
  const svg = gd.querySelector('.main-svg');
  const b = svg ? svg.getBoundingClientRect() : null;
  if (!b || !b.width) return;
  gd.querySelectorAll(".gtitle, text[class$='title']").forEach(t => {
    const r = t.getBoundingClientRect();
    if (r.width && (r.left < b.left - 1 || r.right > b.right + 1 ||
                    r.top < b.top - 1 || r.bottom > b.bottom + 1)) {
      out.push(t.textContent);
    }
  });
});
return out;"""


@pytest.mark.slow
@pytest.mark.parametrize("path", ROUTES)
def test_on_a_375px_phone_nothing_scrolls_sideways_and_no_chart_title_is_cut(br, app_url, path):
    phone(br)
    open_settled(br, app_url + path)
    wide = br.driver.execute_script(TOO_WIDE)
    assert wide == [], f"{path} scrolls sideways at 375 px; too wide: {wide}"
    try:  # titles that do not fit are shrunk, then wrapped, after each draw (assets/theme.js)
        wait_until(lambda: not br.driver.execute_script(CUT_TITLES), 15)
    except AssertionError:
        pytest.fail(f"cut at 375 px on {path}: {br.driver.execute_script(CUT_TITLES)}")
