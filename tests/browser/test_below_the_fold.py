"""A long page draws its first screen first and the rest just after it
(app/components/below_the_fold.py): the reader sees the top of the page sooner, and nothing
below is lost: the rest arrives by itself, its charts are drawn, its controls work, and a
link to a section in it lands on that section."""

from __future__ import annotations

from app.content import get_content
from tests.browser.helpers import click, console_errors
from tests.helpers import wait_until

# From the first byte on: when the first screen's key concepts and the rest were drawn.
ORDER_JS = """
window.__drawn = {};
new MutationObserver(function () {
    const now = performance.now();
    if (!window.__drawn.concepts && document.querySelector('.stage-article .key-concepts'))
        window.__drawn.concepts = now;
    const rest = document.getElementById('page-rest');
    if (!window.__drawn.holder && rest) window.__drawn.holder = now;
    if (!window.__drawn.rest && rest && rest.children.length) window.__drawn.rest = now;
    const early = document.getElementById('page-rest-early');
    if (!window.__drawn.early && early && early.children.length) window.__drawn.early = now;
    if (!window.__drawn.earlyChart && early && early.querySelector('.dash-graph .main-svg'))
        window.__drawn.earlyChart = now;
}).observe(document, {childList: true, subtree: true});
"""

EVERY_CHART_DRAWN = """return document.querySelectorAll('.dash-graph').length > 0 &&
    Array.from(document.querySelectorAll('.dash-graph'))
        .every(g => g.querySelector('.main-svg'));"""


def test_the_first_screen_is_drawn_before_the_rest_and_the_rest_follows(br, app_url):
    br.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ORDER_JS})
    br.driver.get(app_url + "/training")
    br.wait_for_element("#main h1", timeout=20)
    both = "return !!(window.__drawn.rest && window.__drawn.concepts)"
    wait_until(lambda: br.driver.execute_script(both), timeout=20)
    drawn = br.driver.execute_script("return window.__drawn")
    # After the first screen; or, if its Markdown is very slow (a loaded CI machine), by
    # the script's deadline 1.5 s after the holder appeared.
    in_time = drawn["rest"] - drawn["holder"] >= 1400
    assert drawn["concepts"] <= drawn["rest"] or in_time, drawn
    # What lies below the first screen is all there: the labs' charts, the quiz, the footer.
    wait_until(lambda: br.driver.execute_script(EVERY_CHART_DRAWN), timeout=30)
    for selector in ("#worked-example", "#quiz", "#stage-next"):
        br.wait_for_element(selector, timeout=10)
    assert console_errors(br) == []


def test_the_first_lab_below_comes_first_and_the_labs_after_it_follow(br, app_url):
    """On a long page the first lab below the fold is drawn on its own, its chart
    included, and only then the labs after it (or at the script's 1.5 s deadline)."""
    br.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ORDER_JS})
    br.driver.get(app_url + "/data-collection")
    done = "return !!(window.__drawn.rest && window.__drawn.earlyChart)"
    wait_until(lambda: br.driver.execute_script(done), timeout=30)
    drawn = br.driver.execute_script("return window.__drawn")
    in_time = drawn["rest"] - drawn["holder"] >= 1400
    assert drawn["early"] <= drawn["earlyChart"] and (
        drawn["earlyChart"] <= drawn["rest"] or in_time
    )
    # The first lab's charts are in the early part; the next labs and the quiz follow.
    br.wait_for_element("#page-rest-early #data_mixtures-chart-a .main-svg", timeout=10)
    br.wait_for_element("#page-rest #source_checklist-verdict", timeout=10)
    br.wait_for_element("#page-rest #quiz", timeout=10)
    wait_until(lambda: br.driver.execute_script(EVERY_CHART_DRAWN), timeout=30)
    assert console_errors(br) == []


def test_a_link_to_a_section_below_the_fold_lands_on_it(br, app_url):
    stage = get_content().stage("training")
    assert stage.quiz
    br.driver.get(app_url + "/training#quiz")

    def quiz_at_top() -> bool:
        top = br.driver.execute_script(
            "const q = document.getElementById('quiz');"
            "return q ? q.getBoundingClientRect().top : null;"
        )
        return top is not None and 0 <= top < 250

    wait_until(quiz_at_top, timeout=20)


def test_moving_to_another_page_draws_its_rest_too(br, app_url):
    stages = get_content().stages
    here = next(i for i, s in enumerate(stages) if s.slug == "training")
    following = stages[here + 1]
    br.driver.get(app_url + "/training")
    br.wait_for_element("#quiz", timeout=20)
    # In the page, not a new load: Dash keeps the holder element and swaps what is in it.
    click(br, "#stage-next")
    br.wait_for_contains_text("#main h1", following.title, timeout=15)
    wait_until(
        lambda: br.driver.execute_script(
            "const r = document.getElementById('page-rest');"
            "return r && r.dataset.page === arguments[0] && r.children.length > 0;",
            following.slug,
        ),
        timeout=20,
    )
    title = br.driver.find_element("css selector", "#worked-example h2").text
    assert following.worked_example_title in title
    wait_until(lambda: br.driver.execute_script(EVERY_CHART_DRAWN), timeout=30)
    assert console_errors(br) == []
