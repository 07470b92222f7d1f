"""A page's first view asks the server only for what only the server (or this browser's
storage) knows. Every lab draws its defaults into the page itself; a callback that would
only repeat them must not run on load (issue 10: "only the callbacks a first view needs").

And the controls whose callbacks were moved off the load path still work as a learner
uses them: the quiz is graded and its score kept, "Clear my runs" clears."""

from __future__ import annotations

import json
import re

import pytest

from app.content import get_content
from tests.browser.helpers import click, console_errors, text_of
from tests.helpers import wait_until

# Records the outputs of every callback request the page makes, from the first byte on.
RECORD_JS = """
window.__dashCalls = [];
const realFetch = window.fetch;
window.fetch = function(url, init) {
    try {
        if (String(url).indexOf('_dash-update-component') >= 0 && init && init.body) {
            window.__dashCalls.push(JSON.parse(init.body).output);
        }
    } catch (e) {}
    return realFetch.apply(this, arguments);
};
"""

# Resolves once the whole page is in (also what it draws after its first screen), a chart
# (if any) is drawn and no callback is pending.
SETTLED_JS = """
const done = arguments[arguments.length - 1];
let quiet = 0;
(function poll() {
    const busy = document.title.startsWith('Updating')
        || document.querySelector('[data-dash-is-loading="true"]');
    const graphs = document.querySelectorAll('.dash-graph').length;
    const drawn = document.querySelector('.js-plotly-plot .main-svg');
    const whole = !document.querySelector('.page-rest:empty');
    const ready = document.querySelector('#main h1') && whole && !busy && (!graphs || drawn);
    quiet = ready ? quiet + 1 : 0;
    if (quiet >= 10) { done(window.__dashCalls); } else { setTimeout(poll, 50); }
})();
"""

# Trace types of drawn charts that the page's Plotly.js does not know (it would draw them
# as empty frames, silently): the guide ships a bundle with only the types it uses.
UNKNOWN_TRACES_JS = """
const known = new Set(Object.keys(window.Plotly.PlotSchema.get().traces));
return Array.from(document.querySelectorAll('.js-plotly-plot'))
    .flatMap(g => (g.data || []).map(t => t.type || 'scatter'))
    .filter(type => !known.has(type));
"""

# What a first view may ask, and why.
SHELL = (
    r"_pages_content",  # the page itself (Dash pages)
    r"^\.\.progress\.data\.\.\.sidebar-status",  # the visit, recorded; the sidebar shows it
    r"home-progress",  # the dashboard's progress, from this browser's storage
)
ALLOWED = (
    r"-model\.options",  # the learner's own tiny models live on the server
    r"^\.\.(cleaning_pipeline|live_training|tiny_finetune)-(error|estimate)",  # forms Dash
    # restores from the tab's session: their check runs on the restored values
    r"live_training-runs-chart",  # the learner's runs, from this browser's storage
    r"selection_scaling-note",  # ...plotted against the scaling law
)


def dash_id(pattern: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (keys sorted, no spaces)."""
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))


def routes() -> list[str]:
    content = get_content()
    return ["/", "/glossary", *(p.path for p in content.pages)]


@pytest.fixture
def recording(br):
    br.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_JS})
    return br


@pytest.mark.parametrize("path", routes())
def test_a_first_view_asks_only_what_the_page_cannot_know(recording, app_url, path):
    br = recording
    br.driver.set_script_timeout(60)
    br.driver.get(app_url + path)
    calls = br.driver.execute_async_script(SETTLED_JS)
    unexpected = [c for c in calls if not any(re.search(p, c) for p in SHELL + ALLOWED)]
    assert unexpected == [], f"{path} asked the server on load for {unexpected}"
    assert len(calls) <= 8, f"{path} made {len(calls)} callback requests: {calls}"
    if br.driver.execute_script("return !!window.Plotly"):
        assert br.driver.execute_script(UNKNOWN_TRACES_JS) == []
    assert console_errors(br) == []


def test_the_quiz_is_graded_and_its_best_score_kept(br, app_url):
    stage = next(s for s in get_content().stages if s.quiz)
    br.driver.get(app_url + stage.path)
    br.wait_for_element("#quiz", timeout=20)
    for i, q in enumerate(stage.quiz):
        box = f"[id='{dash_id({'q': i, 'slug': stage.slug, 'type': 'quiz-answer'})}']"
        if q.is_numeric:
            field = click(br, f"{box}")
            field.send_keys(str(q.number))
        else:
            click(br, f"{box} .form-check:nth-of-type({q.answer + 1}) label")
    click(br, "#quiz button.btn-primary")
    score = (
        f"[id='{json.dumps({'slug': stage.slug, 'type': 'quiz-score'}, separators=(',', ':'))}']"
    )
    n = len(stage.quiz)
    br.wait_for_contains_text(score, f"You got {n} of {n} right.", timeout=15)

    def kept():
        raw = br.driver.execute_script("return window.localStorage.getItem('progress')")
        doc = json.loads(raw) if raw else {}
        return doc.get("stages", {}).get(stage.slug, {}).get("quiz_best") == 1.0

    wait_until(kept, timeout=10)
    assert console_errors(br) == []


def test_clear_my_runs_empties_the_comparison(br, app_url):
    run = {
        "id": "run-1",
        "label": "2 layers · 64 wide",
        "val_step": [10, 20],
        "val_loss": [3.1, 2.7],
        "final_val_loss": 2.7,
    }
    br.driver.get(app_url + "/")
    br.wait_for_element("#main h1", timeout=20)
    br.driver.execute_script(
        "window.localStorage.setItem('trained-runs', JSON.stringify(arguments[0]))", [run]
    )
    br.driver.get(app_url + "/training")
    chart = "#live_training-runs-chart"
    wait_until(lambda: "2 layers · 64 wide" in (text_of(br, chart) or ""), timeout=20)
    click(br, "#live_training-clear")
    wait_until(lambda: "Your finished runs appear here" in (text_of(br, chart) or ""))
    stored = br.driver.execute_script("return window.localStorage.getItem('trained-runs')")
    assert json.loads(stored) == []
    assert console_errors(br) == []
