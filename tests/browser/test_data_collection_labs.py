"""Stage 02 in a real browser: a learner compares data mixtures, loads example sources into
the checklist, and sizes the data for the model they built on stage 04."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from tests.browser.helpers import click, console_errors, type_into


def test_picking_mixtures_changes_the_charts(br, app_url):
    br.driver.get(app_url + "/data-collection")
    br.wait_for_contains_text("#data_mixtures-chart-a", "LLaMA (2023)", timeout=20)
    br.wait_for_contains_text("#data_mixtures-chart-b", "The Pile (2020)", timeout=10)
    br.wait_for_element("#data_mixtures-chart-a .sunburstlayer path", timeout=10)
    Select(br.find_element("#data_mixtures-a")).select_by_visible_text("GPT-3 (2020)")
    br.wait_for_contains_text("#data_mixtures-chart-a", "GPT-3 (2020)", timeout=10)
    assert "Books1" in br.find_element("#data_mixtures-chart-a").text
    br.wait_for_contains_text("#data_mixtures-bars", "GPT-3 (2020)", timeout=10)
    assert "Table 2.2" in br.find_element("#data_mixtures-notes").text

    Select(br.find_element("#data_mixtures-b")).select_by_visible_text("Nothing (one mixture)")
    br.wait_for_no_elements("#data_mixtures-chart-b", timeout=10)
    click(br, "#data_mixtures-kind .form-check:last-child label")  # treemap
    br.wait_for_element("#data_mixtures-chart-a .treemaplayer", timeout=10)
    assert console_errors(br) == []


def test_loading_an_example_source_shows_its_verdict(br, app_url):
    br.driver.get(app_url + "/data-collection")
    br.wait_for_contains_text("#source_checklist-verdict", "Verdict: use", timeout=20)
    Select(br.find_element("#source_checklist-preset")).select_by_visible_text(
        "Scraped forum, no licence"
    )
    br.wait_for_contains_text("#source_checklist-verdict", "Verdict: avoid", timeout=10)
    assert "personal data" in br.find_element("#source_checklist-verdict").text
    assert Select(br.find_element("#source_checklist-pii")).first_selected_option.text.startswith(
        "High"
    )
    Select(br.find_element("#source_checklist-preset")).select_by_visible_text(
        "GitHub code, permissive licences"
    )
    br.wait_for_contains_text("#source_checklist-verdict", "use with filtering", timeout=10)
    # The learner changes one answer and the verdict follows.
    Select(br.find_element("#source_checklist-licence")).select_by_visible_text(
        "All rights reserved, or the terms forbid copying or scraping"
    )
    br.wait_for_contains_text("#source_checklist-verdict", "Verdict: avoid", timeout=10)
    assert console_errors(br) == []


def test_the_data_budget_uses_the_model_built_on_stage_04(br, app_url):
    br.driver.get(app_url + "/model-architecture")
    br.wait_for_contains_text("#model_builder-total", "6.74 billion", timeout=20)
    Select(br.find_element("#model_builder-preset")).select_by_visible_text("GPT-2 small (124M)")
    br.wait_for_contains_text("#model_builder-total", "124 million", timeout=10)
    type_into(br, "#model_builder-n_layers", "24")
    br.wait_for_contains_text("#model_builder-total", "209 million", timeout=10)

    br.driver.get(app_url + "/data-collection")
    br.wait_for_contains_text("#data_budget-model", "Your model: Custom model", timeout=20)
    br.wait_for_contains_text("#data_budget-params", "209 million", timeout=10)
    tokens_before = br.find_element("#data_budget-tokens").text
    click(br, "#data_budget-llama3")
    br.wait_for_contains_text("#data_budget-stats", "1,868 per parameter", timeout=10)
    assert br.find_element("#data_budget-tokens").text != tokens_before
    assert console_errors(br) == []


def test_the_data_budget_explains_a_bad_value(br, app_url):
    br.driver.get(app_url + "/data-collection")
    br.wait_for_contains_text("#data_budget-documents", "million", timeout=20)
    type_into(br, "#data_budget-doc_tokens", "0")
    br.wait_for_contains_text("#data_budget-error", "Tokens per document", timeout=10)
    assert "Open datasets" in br.find_element("#data_budget-chart").text  # the last chart stays
    type_into(br, "#data_budget-doc_tokens", "1000")
    br.wait_for_contains_text("#data_budget-documents", "million", timeout=10)
    assert br.find_element("#data_budget-error").text == ""
