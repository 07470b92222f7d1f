"""The planners in a real browser: a learner builds a model on stage 04, sees it carried to
stages 05-08, types bad values and reads what is wrong."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from tests.browser.helpers import attribute_of, click, console_errors, text_of, type_into
from tests.helpers import wait_until


def test_a_model_built_on_stage_04_is_planned_on_the_next_stages(br, app_url):
    br.driver.get(app_url + "/model-architecture")
    br.wait_for_contains_text("#model_builder-total", "6.74 billion", timeout=20)
    Select(br.find_element("#model_builder-preset")).select_by_visible_text("GPT-2 small (124M)")
    br.wait_for_contains_text("#model_builder-total", "124 million", timeout=10)
    type_into(br, "#model_builder-n_layers", "24")
    br.wait_for_contains_text("#model_builder-total", "209 million", timeout=10)

    br.driver.get(app_url + "/training")
    br.wait_for_contains_text("#memory_planner-model", "Your model: Custom model", timeout=20)
    assert Select(br.find_element("#memory_planner-model")).first_selected_option.text == (
        "Your model: Custom model"
    )
    br.wait_for_contains_text("#memory_planner-fits", "Fits", timeout=10)
    assert console_errors(br) == []


def test_inconsistent_shapes_get_a_message_not_a_broken_chart(br, app_url):
    br.driver.get(app_url + "/model-architecture")
    br.wait_for_contains_text("#model_builder-total", "billion", timeout=20)
    type_into(br, "#model_builder-n_heads", "7")
    br.wait_for_contains_text("#model_builder-error", "must divide d_model", timeout=10)
    assert "6.74 billion" in text_of(br, "#model_builder-total")  # the last count stays
    type_into(br, "#model_builder-n_heads", "32")
    br.wait_for_contains_text("#model_builder-total", "6.74 billion", timeout=10)
    assert br.find_element("#model_builder-error").text == ""


def test_a_pasted_config_renames_the_picker_and_flows_to_the_planners(br, app_url):
    br.driver.get(app_url + "/model-architecture")
    br.wait_for_contains_text("#model_builder-total", "6.74 billion", timeout=20)
    click(br, "#model_builder-lab .accordion-button")
    paste = (
        '{"_name_or_path": "someone/My-Model-7B", "num_hidden_layers": 30, "hidden_size": 4096,'
        ' "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,'
        ' "vocab_size": 32000, "max_position_embeddings": 32768, "hidden_act": "silu"}'
    )
    br.find_element("#model_builder-paste").send_keys(paste)
    click(br, "#model_builder-paste-apply")
    wait_until(
        lambda: (
            Select(br.find_element("#model_builder-preset")).first_selected_option.text
            == "Pasted: My-Model-7B"
        ),
        timeout=10,
    )
    br.driver.get(app_url + "/training")
    br.wait_for_contains_text("#memory_planner-model", "Your model: My-Model-7B", timeout=20)


def test_memory_planner_reacts_to_parallelism(br, app_url):
    br.driver.get(app_url + "/training")
    br.wait_for_contains_text("#memory_planner-total", "GB", timeout=20)
    type_into(br, "#memory_planner-tp", "5")
    br.wait_for_contains_text("#memory_planner-error", "must divide the heads", timeout=10)
    type_into(br, "#memory_planner-tp", "1")
    type_into(br, "#memory_planner-dp", "1")
    click(br, "#memory_planner-zero .form-check:first-child label")
    br.wait_for_contains_text("#memory_planner-fits", "Does not fit", timeout=10)


def test_compute_planner_takes_a_budget_in_gpu_hours(br, app_url):
    br.driver.get(app_url + "/training")
    br.wait_for_contains_text("#compute_planner-params", "67.8 billion", timeout=20)
    click(br, "#compute_planner-unit .form-check:last-child label")
    type_into(br, "#compute_planner-budget", "1000000")
    # 10⁶ H100-hours at 989 TFLOP/s and 40% MFU = 1.42 × 10²⁴ FLOPs
    br.wait_for_contains_text("#compute_planner-compute", "1.42 × 10", timeout=10)
    type_into(br, "#compute_planner-budget", "-5")
    br.wait_for_contains_text("#compute_planner-error", "Compute budget", timeout=10)


def test_serving_planner_fits_70b_in_4_bits_on_one_gpu(br, app_url):
    br.driver.get(app_url + "/deployment")
    br.wait_for_contains_text("#serving_planner-weights", "13.5 GB", timeout=20)
    Select(br.find_element("#serving_planner-model")).select_by_visible_text("Llama 2 70B")
    br.wait_for_contains_text("#serving_planner-fits", "weights alone", timeout=10)
    Select(br.find_element("#serving_planner-format")).select_by_value("int4-g128")
    br.wait_for_contains_text("#serving_planner-fits", "Fits", timeout=10)
    assert "36.6 GB" in br.find_element("#serving_planner-weights").text


def test_fine_tuning_and_evaluation_labs_answer(br, app_url):
    br.driver.get(app_url + "/fine-tuning")
    br.wait_for_contains_text("#finetune_planner-trainable", "16.8 million", timeout=20)
    br.driver.get(app_url + "/evaluation")
    br.wait_for_contains_text("#eval_noise-verdict", "could be luck", timeout=20)
    type_into(br, "#eval_noise-n", "14042")
    br.wait_for_contains_text("#eval_noise-verdict", "very likely real", timeout=10)
    assert console_errors(br) == []


def value_of(br, selector: str) -> str | None:
    """What an input holds now (its property, not its initial attribute)."""
    return br.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? String(e.value) : null;",
        selector,
    )


def test_a_link_reproduces_a_memory_plan_and_bad_values_fall_back(br, app_url):
    """The inputs live in the query string: a shared link shows the same plan; a value
    that is unknown or out of range is ignored (the default stays), without an error."""
    br.driver.get(
        app_url + "/training?memory_planner-dp=1&memory_planner-zero=0"
        "&memory_planner-micro=-3&memory_planner-gpu=H999&memory_planner-seq=%3Cb%3E"
    )
    br.wait_for_contains_text("#memory_planner-fits", "Does not fit", timeout=20)
    assert value_of(br, "#memory_planner-dp") == "1"
    assert value_of(br, "#memory_planner-micro") == "1"  # -3: the default
    assert value_of(br, "#memory_planner-seq") == "4096"
    assert Select(br.find_element("#memory_planner-gpu")).first_selected_option.text == (
        "A100 80GB SXM"
    )
    assert br.find_element("#memory_planner-error").text == ""
    type_into(br, "#memory_planner-tp", "2")
    wait_until(lambda: "memory_planner-tp=2" in br.driver.current_url, timeout=10)
    assert "memory_planner-dp=1" in br.driver.current_url
    assert console_errors(br) == []


def test_every_bad_field_is_named_and_the_last_plan_stays(br, app_url):
    br.driver.get(app_url + "/training")
    br.wait_for_contains_text("#memory_planner-total", "GB", timeout=20)
    total = text_of(br, "#memory_planner-total")
    type_into(br, "#memory_planner-micro", "0")
    type_into(br, "#memory_planner-pp", "-1")
    br.wait_for_contains_text("#memory_planner-error", "Pipeline parallel", timeout=10)
    error = br.find_element("#memory_planner-error").text
    assert "Micro-batch" in error and "Pipeline parallel" in error
    assert "is-invalid" in attribute_of(br, "#memory_planner-micro", "class")
    assert "is-invalid" in attribute_of(br, "#memory_planner-pp", "class")
    assert "is-invalid" not in attribute_of(br, "#memory_planner-dp", "class")
    assert text_of(br, "#memory_planner-total") == total  # the last good plan stays
    type_into(br, "#memory_planner-micro", "1")
    type_into(br, "#memory_planner-pp", "1")
    wait_until(lambda: br.find_element("#memory_planner-error").text == "", timeout=10)
    assert "is-invalid" not in attribute_of(br, "#memory_planner-pp", "class")


def test_a_plan_is_kept_when_the_learner_comes_back(br, app_url):
    br.driver.get(app_url + "/training")
    br.wait_for_contains_text("#memory_planner-total", "GB", timeout=20)
    type_into(br, "#memory_planner-dp", "64")
    wait_until(lambda: "memory_planner-dp=64" in br.driver.current_url, timeout=10)
    br.driver.get(app_url + "/deployment")
    br.wait_for_element("#serving_planner-model", timeout=20)
    br.driver.get(app_url + "/training")  # no query string: the session remembers
    wait_until(lambda: value_of(br, "#memory_planner-dp") == "64", timeout=20)
    wait_until(lambda: "memory_planner-dp=64" in br.driver.current_url, timeout=10)
