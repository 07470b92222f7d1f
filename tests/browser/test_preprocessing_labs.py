"""Stage 03 in a real browser: a learner runs the cleaning pipeline, makes a filter stricter
and sees recall fall, then pastes their own text and sees the rules that fire and the
personal data redacted."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import (
    attribute_of,
    click,
    console_errors,
    text_of,
    type_into,
    wait_for_text_change,
)

LAB = "#cleaning_pipeline"


def test_running_the_pipeline_shows_the_funnel_and_the_scores(br, app_url):
    br.driver.get(app_url + "/data-preprocessing")
    # the first run on a fresh server measures all 3,000 pages: allow for a busy machine
    br.wait_for_contains_text(f"{LAB}-precision", "97.8%", timeout=60)
    br.wait_for_contains_text(f"{LAB}-recall", "97.5%", timeout=10)
    assert br.find_element(f"{LAB}-kept").text == "1,436"
    funnel = br.find_element(f"{LAB}-chart")
    assert "What survives each step" in funnel.text and "Near dedup" in funnel.text
    assert len(br.driver.find_elements("css selector", f"{LAB}-chart .bars .point")) == 14
    assert "Showing 15 of 1,564 dropped pages" in br.find_element(f"{LAB}-dropped").text

    type_into(br, f"{LAB}-min_words", "200")
    click(br, f"{LAB}-start")
    br.wait_for_contains_text(f"{LAB}-recall", "%", timeout=30)
    recall = wait_for_text_change(br, f"{LAB}-recall", "97.5%", timeout=30)
    assert float(recall.rstrip("%")) < 90
    # the run was a job: its bar ends full, the controls come back, Cancel is off again
    until(lambda: attribute_of(br, f"{LAB}-progress .progress-bar", "aria-valuenow") == "100", 10)
    assert "pages kept" in text_of(br, f"{LAB}-live")
    until(lambda: br.find_element(f"{LAB}-start").is_enabled(), 10)
    assert not br.find_element(f"{LAB}-cancel").is_enabled()

    type_into(br, f"{LAB}-bands", "0")
    click(br, f"{LAB}-start")
    br.wait_for_contains_text(f"{LAB}-error", "Bands", timeout=20)
    assert console_errors(br) == []


def test_a_slow_run_can_be_cancelled_and_the_last_results_come_back(br, app_url):
    br.driver.get(app_url + "/data-preprocessing")
    br.wait_for_contains_text(f"{LAB}-recall", "97.5%", timeout=60)
    for name, value in (("n_gram", "1"), ("bands", "100"), ("rows", "4")):  # ~2 s of hashing
        type_into(br, f"{LAB}-{name}", value)
    click(br, f"{LAB}-start")
    until(lambda: br.find_element(f"{LAB}-cancel").is_enabled(), 10)
    assert not br.find_element(f"{LAB}-start").is_enabled()
    click(br, f"{LAB}-cancel")
    br.wait_for_contains_text(f"{LAB}-note", "Cancelled", timeout=20)
    until(lambda: br.find_element(f"{LAB}-start").is_enabled(), 10)
    assert text_of(br, f"{LAB}-recall") == "97.5%"  # the finished run's numbers stay
    assert len(br.driver.find_elements("css selector", f"{LAB}-chart .bars .point")) == 14
    assert console_errors(br) == []


def test_pasted_text_is_checked_and_redacted(br, app_url):
    br.driver.get(app_url + "/data-preprocessing")
    br.wait_for_contains_text(f"{LAB}-precision", "%", timeout=60)
    box = click(br, f"{LAB}-text")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys("Hi <b>there</b>, write to jane.doe@example.org or call (555) 013-2477.")
    click(br, f"{LAB}-check")
    br.wait_for_contains_text(f"{LAB}-redacted-text", "<EMAIL>", timeout=20)
    redacted = br.find_element(f"{LAB}-redacted-text").text
    assert "<PHONE>" in redacted and "jane.doe" not in redacted
    assert "<b>there</b>" in redacted  # shown as text, not rendered as HTML
    assert "Dropped" in br.find_element(f"{LAB}-verdict-text").text
    assert "At least 50 words" in br.find_element(f"{LAB}-failed-rules").text
    assert console_errors(br) == []
