"""The tokenizer playground in a real browser: a learner loads the code sample, changes the
vocabulary size, sees the token count change and the text coloured token by token, and
types HTML that stays text."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import click, console_errors, text_of, wait_for_text_change

LAB = "tokenizer_playground"
COUNT = f"#{LAB}-n-tokens"


def replace_text(element, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def test_the_code_sample_needs_fewer_tokens_with_a_larger_vocabulary(br, app_url):
    br.driver.get(app_url + "/data-preprocessing")
    br.wait_for_element(COUNT, timeout=40)
    english_count = text_of(br, COUNT)

    click(br, f"#{LAB}-sample-code")
    br.wait_for_contains_text(f"#{LAB}-tokens", "def·mean(values):", timeout=20)
    code_count = wait_for_text_change(br, COUNT, english_count)
    assert len(br.find_elements(f"#{LAB}-tokens .tok")) == int(code_count)
    assert br.find_elements(f"#{LAB}-tokens .tok-0") and br.find_elements(f"#{LAB}-tokens .tok-1")

    br.wait_for_contains_text(f"#{LAB}-chart", "Compression on held-out text", timeout=40)
    assert len(br.find_elements(f"#{LAB}-merges li")) == 20

    vocab = click(br, f"#{LAB}-vocab")
    replace_text(vocab, "4000")
    vocab.send_keys(Keys.TAB)
    larger_count = wait_for_text_change(br, COUNT, code_count)
    assert int(larger_count) < int(code_count)
    assert len(br.find_elements(f"#{LAB}-tokens .tok")) == int(larger_count)

    vocab = click(br, f"#{LAB}-vocab")
    replace_text(vocab, "100")
    vocab.send_keys(Keys.TAB)
    br.wait_for_contains_text(f"#{LAB}-error", "at least 260", timeout=10)
    br.wait_for_contains_text(f"#{LAB}-chart", "Fix the input above", timeout=10)
    assert console_errors(br) == []


def test_html_typed_in_is_shown_literally(br, app_url):
    br.driver.get(app_url + "/data-preprocessing")
    br.wait_for_element(COUNT, timeout=40)
    box = click(br, f"#{LAB}-text")
    replace_text(box, "<b>x</b> <img src=x onerror=alert(1)>")
    br.wait_for_contains_text(f"#{LAB}-tokens", "<b>x</b>·<img", timeout=20)
    assert br.find_elements(f"#{LAB}-tokens b") == []
    assert br.find_elements(f"#{LAB}-tokens img") == []
    assert console_errors(br) == []
