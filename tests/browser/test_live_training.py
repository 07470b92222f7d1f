"""Stage 05's live training lab, as a learner uses it: train, watch, cancel, compare."""

from __future__ import annotations

import time

from tests.browser.helpers import attribute_of, click, console_errors, text_of


def _set(br, field, value):
    element = br.wait_for_element(f"#live_training-{field}", timeout=30)
    element.clear()
    element.send_keys(f"{value}\t")


def _progress(br) -> int:
    return int(attribute_of(br, "#live_training-progress .progress-bar", "aria-valuenow") or 0)


def test_opening_the_page_starts_no_job(br, app_url):
    br.driver.get(app_url + "/training")
    br.wait_for_element("#live_training-start", timeout=30)
    time.sleep(1.0)  # a job started on page load would lock the controls for a while
    locked = "return document.getElementById('live_training-controls').disabled"
    assert br.driver.execute_script(locked) is False
    assert br.find_element("#live_training-start").is_enabled()
    assert "Press Start" in br.find_element("#live_training-chart").text


def test_a_short_run_shows_progress_then_samples_and_joins_the_comparison(br, app_url):
    br.driver.get(app_url + "/training")
    _set(br, "steps", 150)
    click(br, "#live_training-start")
    # While it runs: the controls are locked, the bar moves, the chart draws the loss.
    br.wait_for_contains_text("#live_training-progress", "step", timeout=30)
    assert not br.find_element("#live_training-start").is_enabled()
    assert br.find_element("#live_training-cancel").is_enabled()
    seen = set()
    deadline = time.time() + 60
    while time.time() < deadline and not br.driver.find_elements(
        "css selector", "#live_training-summary"
    ):
        seen.add(_progress(br))
        time.sleep(0.2)
    assert len(seen - {0, 100}) >= 1, f"the progress bar never showed a partial value: {seen}"
    br.wait_for_contains_text("#live_training-summary", "for 150 steps", timeout=60)
    assert "validation loss" in br.find_element("#live_training-chart").text
    assert br.find_element("#live_training-start").is_enabled()
    assert not br.find_element("#live_training-cancel").is_enabled()
    before, after = [e.text for e in br.find_elements(".sample-text")]
    assert before and after and before != after
    br.wait_for_contains_text("#live_training-runs-chart", "150 steps", timeout=10)
    # The run is kept in the browser: a reload still shows it in the comparison.
    br.driver.refresh()
    br.wait_for_contains_text("#live_training-runs-chart", "150 steps", timeout=30)
    assert console_errors(br) == []


def test_cancel_stops_a_run_and_gives_the_controls_back(br, app_url):
    br.driver.get(app_url + "/training")
    _set(br, "steps", 2000)
    click(br, "#live_training-start")
    br.wait_for_contains_text("#live_training-progress", "step", timeout=30)
    click(br, "#live_training-cancel")
    deadline = time.time() + 15
    while time.time() < deadline and not br.find_element("#live_training-start").is_enabled():
        time.sleep(0.2)
    assert br.find_element("#live_training-start").is_enabled()
    assert not br.find_element("#live_training-cancel").is_enabled()
    stopped_at = _progress(br)
    time.sleep(1.5)
    assert _progress(br) == stopped_at < 100  # nothing is still training behind the page
    # the page says so: the bar where it stopped (no time left to wait for), and a note
    assert text_of(br, "#live_training-progress").startswith("cancelled at step")
    assert "You cancelled this run" in text_of(br, "#live_training-result")
    assert console_errors(br) == []


def test_bad_settings_get_a_sentence_not_a_run(br, app_url):
    br.driver.get(app_url + "/training")
    _set(br, "d_model", 100)  # 100 does not split into 8 heads
    br.driver.find_element("css selector", "#live_training-n_heads option[value='8']").click()
    br.wait_for_contains_text("#live_training-error", "must split evenly into 8 heads", timeout=10)
    click(br, "#live_training-start")
    br.wait_for_contains_text("#live_training-result", "must split evenly", timeout=20)
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
