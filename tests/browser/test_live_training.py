"""Stage 05's live training lab, as a learner uses it: train, watch, cancel, compare."""

from __future__ import annotations

from tests.browser.helpers import click, console_errors


def _set(br, field, value):
    element = br.wait_for_element(f"#live_training-{field}", timeout=30)
    element.clear()
    element.send_keys(f"{value}\t")


def test_opening_the_page_starts_no_job(br, app_url):
    br.driver.get(app_url + "/training")
    br.wait_for_element("#live_training-start", timeout=30)
    # Every callback of the page has answered: a job started on load would have left its
    # id in the tab's session store (and locked the controls).
    br.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)
    job = "return window.sessionStorage.getItem('live_training-job')"
    assert br.driver.execute_script(job) in (None, "null")
    locked = "return document.getElementById('live_training-controls').disabled"
    assert br.driver.execute_script(locked) is False
    assert br.find_element("#live_training-start").is_enabled()
    assert "Press Start" in br.find_element("#live_training-chart").text


def test_a_finished_run_shows_samples_and_joins_the_comparison(br, app_url):
    """(Progress, cancel, reload and bad settings: tests/browser/test_job_labs.py.)"""
    br.driver.get(app_url + "/training")
    _set(br, "steps", 60)
    click(br, "#live_training-start")
    br.wait_for_contains_text("#live_training-summary", "for 60 steps", timeout=120)
    assert "validation loss" in br.find_element("#live_training-chart").text
    before, after = [e.text for e in br.find_elements(".sample-text")]
    assert before and after and before != after
    br.wait_for_contains_text("#live_training-runs-chart", "60 steps", timeout=10)
    # The run is kept in the browser: a reload still shows it in the comparison.
    br.driver.refresh()
    br.wait_for_contains_text("#live_training-runs-chart", "60 steps", timeout=30)
    assert console_errors(br) == []


def test_an_out_of_range_number_is_answered_with_its_limit(br, app_url):
    # The browser must not swallow an out-of-range value as "empty": the learner reads the
    # limit the server checks.
    br.driver.get(app_url + "/training")
    _set(br, "steps", -5)
    br.wait_for_contains_text("#live_training-error", "Steps: must be at least 1.", timeout=10)
    _set(br, "n_layers", 9)
    br.wait_for_contains_text("#live_training-error", "Layers: must be at most 4.", timeout=10)
    assert console_errors(br) == []
