"""The guide search on its own, in a tiny Dash app (no shell): typing lists sections, and
following a result jumps to the heading once its page has rendered."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import click, console_errors, text_of
from tests.helpers import free_port, serving, wait_until


@pytest.fixture(scope="module")
def search_app_url():
    port = free_port()
    with serving(["tests.browser.search_only_app", str(port)], port) as url:
        yield url


def test_search_lists_sections_and_a_result_jumps_to_its_heading(dash_duo, search_app_url):
    dash_duo.server_url = search_app_url
    box = dash_duo.wait_for_element("#site-search-input", timeout=20)
    box.send_keys("kv cache per token")
    link = "#site-search-results a[href='/deployment#section-the-kv-cache']"
    dash_duo.wait_for_element(link, timeout=60)
    assert "The KV cache" in text_of(dash_duo, "#site-search-results")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("<zzqqx>")
    dash_duo.wait_for_contains_text("#site-search-results", "No section matches", timeout=30)
    assert not dash_duo.find_elements("#site-search-results zzqqx")  # typed markup stays text
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("kv cache per token")
    click(dash_duo, link, timeout=30)
    dash_duo.wait_for_element("#section-the-kv-cache", timeout=20)
    wait_until(
        lambda: dash_duo.driver.execute_script(
            "const r = document.getElementById('section-the-kv-cache').getBoundingClientRect();"
            "return r.top >= -5 && r.top < window.innerHeight / 2;"
        ),
        20,
    )
    wait_until(lambda: dash_duo.find_element("#site-search-input").get_attribute("value") == "")
    assert console_errors(dash_duo) == []
