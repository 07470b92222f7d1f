"""Stages 07 and 08's tiny-GPT labs, as a learner uses them: measure a text, generate one,
and find a model they trained on stage 05 in both."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.helpers import click, console_errors, text_of, wait_for_text_change


def _number(br, selector: str) -> float:
    return float(text_of(br, selector).replace(",", "").split()[0])


def _set(br, selector: str, value) -> None:
    element = br.wait_for_element(selector, timeout=30)
    element.send_keys(Keys.CONTROL, "a")  # select all, then type over it (clear() skips React)
    element.send_keys(Keys.DELETE, f"{value}\t")


def test_random_letters_make_the_perplexity_rise(br, app_url):
    br.driver.get(app_url + "/evaluation")
    br.wait_for_element("#tiny_eval-perplexity", timeout=30)
    before = text_of(br, "#tiny_eval-perplexity")  # read before the click, not after it
    sentence_ppl = _number(br, "#tiny_eval-perplexity")
    assert br.driver.find_elements("css selector", "#tiny_eval-coloured span")
    click(br, "#tiny_eval-sample-random")
    wait_for_text_change(br, "#tiny_eval-perplexity", before)
    random_ppl = _number(br, "#tiny_eval-perplexity")
    assert random_ppl > 2 * sentence_ppl
    assert br.find_element("#tiny_eval-input").get_attribute("value").isalpha()
    assert console_errors(br) == []


def test_typing_html_shows_it_as_plaintext_of(br, app_url):
    br.driver.get(app_url + "/evaluation")
    br.wait_for_element("#tiny_eval-perplexity", timeout=30)
    old = text_of(br, "#tiny_eval-perplexity")
    _set(br, "#tiny_eval-input", "<b>bold?</b>")
    wait_for_text_change(br, "#tiny_eval-perplexity", old)
    assert text_of(br, "#tiny_eval-coloured") == "<b>bold?</b>"
    assert not br.driver.find_elements("css selector", "#tiny_eval-coloured b")
    assert console_errors(br) == []


def test_generating_shows_the_text_and_the_speed(br, app_url):
    br.driver.get(app_url + "/deployment")
    _set(br, "#tiny_generate-prompt", "Data ")
    br.wait_for_contains_text("#tiny_generate-chart", "Data", timeout=20)
    click(br, "#tiny_generate-run")
    br.wait_for_contains_text("#tiny_generate-text", "Data", timeout=20)
    assert text_of(br, "#tiny_generate-text").startswith("Data")
    assert len(text_of(br, "#tiny_generate-text strong")) > 20
    assert _number(br, "#tiny_generate-cps") > 0
    assert text_of(br, "#tiny_generate-ttft").endswith("ms")
    assert "Llama 2 7B" in text_of(br, "#tiny_generate-memory-table")
    assert console_errors(br) == []


def test_a_model_trained_on_stage_05_can_be_measured_and_served(br, app_url):
    br.driver.get(app_url + "/training")
    _set(br, "#live_training-steps", 20)
    _set(br, "#live_training-warmup_steps", 2)
    click(br, "#live_training-start")
    br.wait_for_contains_text("#live_training-summary", "for 20 steps", timeout=90)
    for route, lab in (("/evaluation", "tiny_eval"), ("/deployment", "tiny_generate")):
        br.driver.get(app_url + route)
        br.wait_for_contains_text(f"#{lab}-model", "Your run", timeout=30)
        picker = Select(br.find_element(f"#{lab}-model"))
        picker.select_by_visible_text(next(o.text for o in picker.options if "Your run" in o.text))
        br.wait_for_contains_text(f"#{lab}-about", "Your run", timeout=20)
    assert console_errors(br) == []
