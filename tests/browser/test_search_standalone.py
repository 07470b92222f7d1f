"""The guide search on its own, in a tiny Dash app (no shell): typing lists sections, and
following a result jumps to the heading once its page has rendered."""

from __future__ import annotations

from dash import Dash, Input, Output, dcc, html
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import click, console_errors, text_of
from tests.helpers import wait_until


def _app() -> Dash:
    from app.components.search import search_box

    app = Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div([dcc.Location(id="url"), search_box(), html.Div(id="page")])

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def page(pathname):
        if pathname != "/deployment":
            return html.P("home", id="home")
        return [
            html.Div(style={"height": "3000px"}),
            html.H2("The KV cache", id="section-the-kv-cache"),
            html.Div(style={"height": "3000px"}),
        ]

    return app


def test_search_lists_sections_and_a_result_jumps_to_its_heading(dash_duo):
    dash_duo.start_server(_app())
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
