"""What a learner sees in the "Show the code" panel and the new evaluation and serving
calculators, in a real browser."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from tests.browser.helpers import click, console_errors, text_of, type_into
from tests.helpers import wait_until


def test_memory_code_panel_follows_the_plan_and_has_a_copy_button(br, app_url):
    br.driver.get(app_url + "/training")
    click(br, "#memory_planner_code-summary")  # the panel starts closed
    br.wait_for_contains_text("#memory_planner_code-code-0", "train_batch_size", timeout=20)
    type_into(br, "#memory_planner-dp", "4")
    type_into(br, "#memory_planner_code-accum", "2")
    # DeepSpeed's batch = micro-batch 1 × accumulation 2 × data parallel 4
    br.wait_for_contains_text("#memory_planner_code-code-0", '"train_batch_size": 8', timeout=10)
    assert "--num_gpus 4" in text_of(br, "#memory_planner_code-code-1")
    assert br.find_element("#memory_planner_code-copy-0").is_displayed()
    type_into(br, "#memory_planner_code-accum", "0")
    br.wait_for_contains_text("#memory_planner_code-error", "accumulation", timeout=10)
    assert console_errors(br) == []


def test_classification_metrics_and_pass_at_k(br, app_url):
    br.driver.get(app_url + "/evaluation")
    br.wait_for_contains_text("#classification_metrics-accuracy", "98.4%", timeout=20)
    type_into(br, "#classification_metrics-tp", "9")
    br.wait_for_contains_text("#classification_metrics-recall", "52.9%", timeout=10)
    type_into(br, "#classification_metrics-fp", "many")
    br.wait_for_contains_text("#classification_metrics-error", "False positives", timeout=10)

    type_into(br, "#pass_at_k-c", "250")
    br.wait_for_contains_text("#pass_at_k-error", "c (samples that pass)", timeout=10)
    type_into(br, "#pass_at_k-c", "200")
    br.wait_for_contains_text("#pass_at_k-value", "100.0%", timeout=10)
    assert console_errors(br) == []


def test_bleu_rouge_and_the_contamination_checker(br, app_url):
    br.driver.get(app_url + "/evaluation")
    br.wait_for_contains_text("#bleu_rouge-rouge1", "0.", timeout=20)
    before = text_of(br, "#bleu_rouge-bleu")
    click(br, "#bleu_rouge-generate")
    wait_until(
        lambda: (
            br.find_element("#bleu_rouge-candidate")
            .get_attribute("value")
            .startswith("The loss is ")
            and text_of(br, "#bleu_rouge-bleu") != before
        ),
        timeout=30,
    )
    br.wait_for_contains_text("#contamination_checker-count", "1", timeout=30)
    type_into(br, "#contamination_checker-passage", "a short question")
    click(br, "#contamination_checker-check")
    br.wait_for_contains_text("#contamination_checker-error", "13", timeout=10)
    assert console_errors(br) == []


def test_serving_economics_marks_where_decode_turns_compute_bound(br, app_url):
    br.driver.get(app_url + "/deployment")
    br.wait_for_contains_text("#serving_economics-crossover", "153", timeout=20)
    Select(br.find_element("#serving_economics-format")).select_by_value("int4-g128")
    wait_until(lambda: "153" not in text_of(br, "#serving_economics-crossover"), timeout=10)
    type_into(br, "#serving_economics-batch", "5000")
    br.wait_for_contains_text("#serving_economics-error", "Batch", timeout=10)
    assert "Fix the field" in br.find_element("#serving_economics-graph").text
    assert console_errors(br) == []
