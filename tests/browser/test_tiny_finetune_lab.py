"""Stage 06's tiny fine-tuning lab, as a learner uses it: fine-tune, watch, ask, cancel."""

from __future__ import annotations

from tests.browser.helpers import (
    attribute_of,
    click,
    console_errors,
    text_of,
    wait_for_text_change,
)

LAB = "tiny_finetune"


def _set(br, field, value):
    element = br.wait_for_element(f"#{LAB}-{field}", timeout=30)
    element.clear()
    element.send_keys(f"{value}\t")


def test_a_short_lora_fine_tune_shows_progress_then_answers_before_and_after(br, app_url):
    br.driver.get(app_url + "/fine-tuning")
    br.wait_for_contains_text(f"#{LAB}-estimate", "LoRA adapters", timeout=30)
    _set(br, "steps", 60)  # (progress, cancel, reload: tests/browser/test_job_labs.py)
    click(br, f"#{LAB}-start")
    br.wait_for_contains_text(f"#{LAB}-summary", "for 60 steps", timeout=120)
    assert "LoRA trained" in br.find_element(f"#{LAB}-summary").text
    chart = br.find_element(f"#{LAB}-chart").text
    assert "unseen answers" in chart and "pretraining text" in chart
    assert "% of the model" in br.find_element(f"#{LAB}-done").text
    before = br.find_element(f"#{LAB}-before").text
    after = br.find_element(f"#{LAB}-after").text
    assert before.startswith("Q: What is meant by") and after.startswith("Q: What is meant by")
    assert before != after
    assert br.find_element(f"#{LAB}-start").is_enabled()
    assert console_errors(br) == []


def test_choosing_full_fine_tuning_shows_its_settings_and_its_learning_rate(br, app_url):
    br.driver.get(app_url + "/fine-tuning")
    br.wait_for_contains_text(f"#{LAB}-estimate", "LoRA adapters", timeout=30)
    click(br, f"#{LAB}-method option[value='full']")
    br.wait_for_contains_text(f"#{LAB}-estimate", "100.00% of its", timeout=10)
    assert br.find_element(f"#{LAB}-scope").is_displayed()
    assert not br.find_element(f"#{LAB}-rank").is_displayed()
    assert float(br.find_element(f"#{LAB}-lr").get_attribute("value")) == 3e-4
    every_weight = text_of(br, f"#{LAB}-estimate")
    click(br, f"#{LAB}-scope option[value='last_block']")
    last_block = wait_for_text_change(br, f"#{LAB}-estimate", every_weight, timeout=10)
    assert "weights:" in last_block and "100.00%" not in last_block
    assert console_errors(br) == []


def test_a_bad_rank_gets_a_sentence_not_a_run(br, app_url):
    br.driver.get(app_url + "/fine-tuning")
    _set(br, "rank", 0)
    br.wait_for_contains_text(f"#{LAB}-error", "LoRA rank: must be at least 1.", timeout=10)
    assert "is-invalid" in attribute_of(br, f"#{LAB}-rank", "class")
    assert console_errors(br) == []
