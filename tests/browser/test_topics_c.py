"""Topic pages 14, 15, 16 and 18 as a learner uses them: each page renders its labs with no
console errors, and each lab answers its main interaction."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.select import Select

from tests.browser.helpers import click, console_errors, text_of, type_into, wait_for_text_change
from tests.helpers import wait_until


def _open(br, app_url, route, first_lab):
    br.driver.get(app_url + route)
    br.wait_for_element(f"#{first_lab}-lab", timeout=60)


def _select(br, selector, value):
    element = br.wait_for_element(selector, timeout=20)
    br.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    Select(element).select_by_value(value)


@pytest.mark.slow
def test_rlhf_page_reward_model_best_of_n_and_a_short_dpo_run(br, app_url):
    _open(br, app_url, "/rlhf", "rlhf_reward_model")
    before = text_of(br, "#rlhf_reward_model-accuracy")
    type_into(br, "#rlhf_reward_model-held", "50")
    wait_for_text_change(br, "#rlhf_reward_model-accuracy", before)
    type_into(br, "#rlhf_reward_model-held", "95")
    br.wait_for_contains_text("#rlhf_reward_model-error", "at most 80", timeout=10)

    old = text_of(br, "#rlhf_best_of_n-correctness")
    _select(br, "#rlhf_best_of_n-model", "no_length")
    wait_for_text_change(br, "#rlhf_best_of_n-correctness", old)

    type_into(br, "#rlhf_dpo-steps", "5")
    click(br, "#rlhf_dpo-start")
    br.wait_for_contains_text("#rlhf_dpo-summary", "DPO ran 5 steps", timeout=120)
    assert "KL to reference" in text_of(br, "#rlhf_dpo-chart")
    assert br.find_element("#rlhf_dpo-start").is_enabled()

    type_into(br, "#rlhf_dpo-steps", "120")
    click(br, "#rlhf_dpo-start")
    wait_until(lambda: br.find_element("#rlhf_dpo-cancel").is_enabled(), timeout=30)
    click(br, "#rlhf_dpo-cancel")
    br.wait_for_contains_text("#rlhf_dpo-cancelled", "You cancelled DPO", timeout=30)
    assert text_of(br, "#rlhf_dpo-progress").startswith("cancelled")
    assert "DPO ran 5 steps" in text_of(br, "#rlhf_dpo-summary")  # the last result stays
    assert console_errors(br) == []


@pytest.mark.slow
def test_bias_page_threshold_gap_weat_and_fairness(br, app_url):
    _open(br, app_url, "/bias", "bias_filters")
    old = text_of(br, "#bias_filters-dialect")
    assert int(old.split("%")[0]) > 50  # the stop-word rule drops most dialect pages
    type_into(br, "#bias_filters-value", "0")
    now = wait_for_text_change(br, "#bias_filters-dialect", old)
    assert int(now.split("%")[0]) < 10
    _select(br, "#bias_filters-rule", "min_doc_words")
    wait_until(lambda: br.find_element("#bias_filters-value").get_attribute("value") == "50")

    old = text_of(br, "#bias_weat-before")
    _select(br, "#bias_weat-skew", "0.5")
    wait_for_text_change(br, "#bias_weat-before", old, timeout=30)

    old = text_of(br, "#bias_fairness-dp")
    type_into(br, "#bias_fairness-tb", "0.3")
    wait_for_text_change(br, "#bias_fairness-dp", old)
    assert console_errors(br) == []


def test_model_selection_chooser_and_scaling_law(br, app_url):
    _open(br, app_url, "/model-selection", "selection_chooser")
    old = text_of(br, "#selection_chooser-fits")
    type_into(br, "#selection_chooser-n_gpus", "8")
    wait_for_text_change(br, "#selection_chooser-fits", old)
    type_into(br, "#selection_chooser-n_gpus", "0")
    br.wait_for_contains_text("#selection_chooser-error", "GPUs: must be at least 1", timeout=10)

    br.wait_for_contains_text("#selection_scaling-note", "reference runs", timeout=10)
    old = text_of(br, "#selection_scaling-alpha")
    _select(br, "#selection_scaling-x", "tokens_seen")
    wait_for_text_change(br, "#selection_scaling-alpha", old)
    assert console_errors(br) == []


@pytest.mark.slow
def test_data_engineering_packing_shards_mixture_and_a_measurement(br, app_url):
    _open(br, app_url, "/data-engineering", "dataeng_throughput")
    br.wait_for_element("#dataeng_packing-waste", timeout=90)
    old = text_of(br, "#dataeng_packing-waste")
    _select(br, "#dataeng_packing-seq", "1024")
    wait_for_text_change(br, "#dataeng_packing-waste", old)

    type_into(br, "#dataeng_shards-shard", "3")
    click(br, "#dataeng_shards-flip")
    br.wait_for_contains_text("#dataeng_shards-status", "shard-00003.bin", timeout=10)

    old = text_of(br, "#dataeng_mixture-most")
    type_into(br, "#dataeng_mixture-budget", "7000")
    wait_for_text_change(br, "#dataeng_mixture-most", old)

    type_into(br, "#dataeng_throughput-docs", "50")
    click(br, "#dataeng_throughput-start")
    br.wait_for_contains_text("#dataeng_throughput-summary", "Cheap steps", timeout=180)
    assert "MB" in text_of(br, "#dataeng_throughput-stream")
    # the job's process may start worker processes: the pool was measured too
    assert "Best speed-up" in text_of(br, "#dataeng_throughput-summary")
    assert console_errors(br) == []
