"""Overview labs in the browser: follow a model; switch the timeline's measure."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from tests.browser.helpers import click, console_errors


def test_following_another_model_updates_every_stage(br, app_url):
    br.driver.get(app_url + "/overview")
    br.wait_for_contains_text("#pipeline_flow-table", "Llama 3 8B", timeout=20)
    Select(br.find_element("#pipeline_flow-model")).select_by_visible_text("GPT-3 175B")
    br.wait_for_contains_text("#pipeline_flow-table", "GPT-3 175B", timeout=10)
    table = br.find_element("#pipeline_flow-table").text
    assert "300 billion tokens" in table
    assert "MMLU (5-shot): 43.9%" in table
    assert console_errors(br) == []


def test_timeline_switches_to_tokens_per_parameter(br, app_url):
    br.driver.get(app_url + "/overview")
    br.wait_for_element("#model_timeline-graph .main-svg", timeout=20)
    click(br, "#model_timeline-metric .form-check:last-child label")
    br.wait_for_contains_text("#model_timeline-graph", "per active parameter", timeout=10)
    assert "compute-optimal" in br.find_element("#model_timeline-graph").text
