"""The Embeddings, RAG and Agents pages in a real browser: each renders with no console
error, each lab's main interaction works, and the guide search finds a section and jumps
to its heading."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.helpers import click, console_errors, text_of, wait_for_text_change
from tests.helpers import wait_until


def replace_text(br, selector: str, text: str, submit=Keys.ENTER) -> None:
    element = click(br, selector)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text, submit)


@pytest.mark.parametrize(
    "path, heading, lab",
    [
        ("/embeddings", "Embeddings", "embeddings_ann"),
        ("/rag", "RAG", "rag_eval"),
        ("/agents", "Agents", "agent_router"),
    ],
)
def test_each_topic_page_renders_its_labs_with_no_console_error(br, app_url, path, heading, lab):
    br.driver.get(app_url + path)
    br.wait_for_contains_text("h1", heading, timeout=60)
    br.wait_for_element(f"#{lab}-lab", timeout=60)
    br.wait_for_element(f"#{lab}-lab .js-plotly-plot", timeout=30)
    assert console_errors(br) == []


def test_rag_question_gets_a_cited_answer_and_bad_input_a_message(br, app_url):
    br.driver.get(app_url + "/rag")
    br.wait_for_contains_text("#rag_search-answer", "Deployment", timeout=60)
    replace_text(br, "#rag_search-question", "How does LoRA reduce the trainable weights?")
    br.wait_for_contains_text("#rag_search-answer", "Fine-Tuning ›", timeout=30)
    replace_text(br, "#rag_search-question", "")
    br.wait_for_contains_text("#rag_search-error", "please type a question", timeout=30)
    assert console_errors(br) == []


def test_rag_eval_metric_changes_the_chart(br, app_url):
    br.driver.get(app_url + "/rag")
    br.wait_for_contains_text("#rag_eval-quality", "Recall@5", timeout=60)
    Select(br.find_element("#rag_eval-metric")).select_by_visible_text("MRR")
    br.wait_for_contains_text("#rag_eval-quality", "MRR, ", timeout=30)


def test_embeddings_word_neighbours_and_ivf_cells(br, app_url):
    br.driver.get(app_url + "/embeddings")
    br.wait_for_contains_text("#embeddings_words-neighbours", "queen", timeout=60)
    replace_text(br, "#embeddings_words-word", "monday")
    br.wait_for_contains_text("#embeddings_words-neighbours", "tuesday", timeout=30)
    replace_text(br, "#embeddings_words-word", "qqqzzz")
    br.wait_for_contains_text("#embeddings_words-neighbours", "not in the vocabulary", timeout=30)
    old = text_of(br, "#embeddings_ann-stats")
    Select(br.find_element("#embeddings_ann-cells")).select_by_visible_text("32")
    assert "of 32 cells" in wait_for_text_change(br, "#embeddings_ann-stats", old, timeout=40)
    assert console_errors(br) == []


def test_agent_step_appends_an_observation_and_the_router_scores_a_request(br, app_url):
    br.driver.get(app_url + "/agents")
    br.wait_for_contains_text("#agent_policy-stats", "0 of 6", timeout=60)
    click(br, "#agent_policy-run")
    br.wait_for_contains_text("#agent_policy-transcript", "Observation:", timeout=30)
    br.wait_for_contains_text("#agent_policy-transcript", "6738415616", timeout=10)
    br.wait_for_contains_text("#agent_policy-stats", "1 of 6", timeout=10)
    replace_text(br, "#agent_policy-args", '{"preset": "gpt5"}', submit="")
    click(br, "#agent_policy-run")
    br.wait_for_contains_text("#agent_policy-step-error", "must be one of", timeout=30)
    replace_text(br, "#agent_router-request", "What is 12 * 7?")
    br.wait_for_contains_text("#agent_router-verdict", "calculator", timeout=30)
    assert console_errors(br) == []


def test_navbar_search_finds_a_section_and_jumps_to_it(br, app_url):
    br.driver.get(app_url + "/")
    replace_text(br, "#site-search-input", "kv cache per token", submit="")
    link = "#site-search-results a[href='/deployment#section-the-kv-cache']"
    click(br, link, timeout=40)
    wait_until(lambda: br.driver.current_url.endswith("/deployment#section-the-kv-cache"), 20)
    wait_until(
        lambda: br.driver.execute_script(
            "const e = document.getElementById('section-the-kv-cache');"
            "if (!e) return false; const r = e.getBoundingClientRect();"
            "return r.top >= -5 && r.top < window.innerHeight / 2;"
        ),
        20,
    )
    assert console_errors(br) == []
