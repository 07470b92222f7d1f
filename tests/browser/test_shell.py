"""What a learner sees and does in the app shell: pages, navigation, progress that lasts."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from app.config import TITLE
from app.content import get_content
from app.state import progress
from tests.browser.helpers import click, console_errors
from tests.helpers import wait_until

STAGES = get_content().stages
ROUTES = [("/", TITLE)] + [(s.path, s.title) for s in STAGES] + [("/glossary", "Glossary")]


def open_path(br, app_url, path):
    br.driver.get(app_url + path)
    br.wait_for_element("#main h1", timeout=15)


def sidebar_icon_class(br, slug):
    return br.find_element(f"#sidebar-status-{slug}").get_attribute("class")


def stored_progress(br):
    raw = br.driver.execute_script("return window.localStorage.getItem('progress')")
    return json.loads(raw) if raw else None


@pytest.mark.parametrize(("path", "heading"), ROUTES)
def test_every_route_shows_its_title_with_no_console_error(br, app_url, path, heading):
    br.reset_log_timestamp()
    open_path(br, app_url, path)
    br.wait_for_contains_text("#main h1", heading, timeout=15)
    br.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=20)
    assert TITLE in br.driver.title
    assert console_errors(br) == []


def test_sidebar_links_navigate_between_stages(br, app_url):
    training = next(s for s in STAGES if s.slug == "training")
    click(br, "#sidebar-link-training")
    br.wait_for_contains_text("#main h1", training.title)
    assert br.driver.current_url.endswith("/training")
    assert "active" in br.find_element("#sidebar-link-training").get_attribute("class")
    click(br, "#stage-next")
    br.wait_for_contains_text("#main h1", "Fine-Tuning")
    assert br.driver.current_url.endswith("/fine-tuning")


def test_completed_stage_survives_a_reload_in_sidebar_and_dashboard(br, app_url):
    open_path(br, app_url, "/training")
    button = '[id*="complete-button"]'
    br.wait_for_text_to_equal(button, "Mark stage complete")
    click(br, button)
    br.wait_for_contains_text(button, "Completed")
    br.wait_for_contains_class("#sidebar-status-training", "status-completed")

    br.driver.refresh()
    br.wait_for_element("#main h1")
    br.wait_for_contains_text(button, "Completed", timeout=10)
    br.wait_for_contains_class("#sidebar-status-training", "status-completed")
    assert stored_progress(br)["stages"]["training"]["completed"] is True

    click(br, "#sidebar-link-overview")  # visiting marks "in progress"
    br.wait_for_contains_class("#sidebar-status-overview", "status-in-progress")
    open_path(br, app_url, "/")
    br.wait_for_text_to_equal("#home-progress-text", "1 of 8 stages completed", timeout=10)
    br.wait_for_text_to_equal("#home-status-training", "Completed")
    br.wait_for_text_to_equal("#home-status-overview", "In progress")


def test_completing_can_be_undone(br, app_url):
    open_path(br, app_url, "/evaluation")
    button = '[id*="complete-button"]'
    br.wait_for_text_to_equal(button, "Mark stage complete")
    click(br, button)
    br.wait_for_contains_text(button, "Completed")
    click(br, button)
    br.wait_for_text_to_equal(button, "Mark stage complete")
    br.wait_for_contains_class("#sidebar-status-evaluation", "status-in-progress")


def test_reset_asks_first_then_clears_progress(br, app_url):
    open_path(br, app_url, "/overview")
    click(br, '[id*="complete-button"]')
    br.wait_for_text_to_equal("#sidebar-progress-text", "1 of 8 stages completed")

    click(br, "#reset-open")
    click(br, "#reset-cancel")
    br.wait_for_no_elements("#reset-modal.show", timeout=5)
    assert br.find_element("#sidebar-progress-text").text == "1 of 8 stages completed"

    click(br, "#reset-open")
    click(br, "#reset-confirm")
    br.wait_for_text_to_equal("#sidebar-progress-text", "0 of 8 stages completed")
    assert stored_progress(br)["stages"]["overview"]["completed"] is False


@pytest.mark.parametrize(
    "garbage",
    [
        "{not json",
        json.dumps([1, 2, 3]),
        json.dumps({"version": "x", "stages": {"training": "yes", "nope": {}}, "last_stage": 7}),
        json.dumps({"version": 1, "stages": {"training": {"completed": True}}, "x": "y" * 5000}),
    ],
)
def test_garbage_in_local_storage_is_repaired_and_valid_parts_kept(br, app_url, garbage):
    # Let the first page finish its own start-up writes, or one may land over the garbage.
    br.wait_for_text_to_equal("#sidebar-progress-text", "0 of 8 stages completed", timeout=20)
    br.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=20)
    br.driver.execute_script("window.localStorage.setItem('progress', arguments[0])", garbage)
    br.reset_log_timestamp()
    open_path(br, app_url, "/glossary")
    br.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=20)
    br.wait_for_text_to_equal(
        "#sidebar-progress-text",
        "1 of 8 stages completed" if "completed" in garbage else "0 of 8 stages completed",
    )
    doc = stored_progress(br)
    assert doc["version"] == progress.VERSION
    assert set(doc["stages"]) == {s.slug for s in STAGES}
    assert console_errors(br) == []


def test_unknown_path_shows_a_friendly_404_with_a_way_back(br, app_url):
    open_path(br, app_url, "/no-such-page")
    br.wait_for_contains_text("#main h1", "not part of the pipeline")
    click(br, "#notfound-home")
    br.wait_for_contains_text("#main h1", TITLE)


def test_clicking_a_stage_on_the_pipeline_map_opens_it(br, app_url):
    open_path(br, app_url, "/")
    point = br.wait_for_element("#home-map .scatterlayer .trace:first-child .point", 15)
    # Plotly's drag layer sits on top of the markers; a real pointer clicks through it.
    ActionChains(br.driver).move_to_element(point).click().perform()
    br.wait_for_contains_text("#main h1", STAGES[0].title)
    assert br.driver.current_url.endswith(STAGES[0].path)


MAP_COLUMNS_JS = """const gd = document.querySelector('#home-map .js-plotly-plot');
    return gd && gd._fullLayout ? Math.round(gd._fullLayout.xaxis.range[1] + 0.4) : null;"""


def test_the_pipeline_map_has_four_columns_and_two_on_a_phone(br, app_url):
    open_path(br, app_url, "/")
    wait_until(lambda: br.driver.execute_script(MAP_COLUMNS_JS) == 4, timeout=15)
    br.driver.set_window_size(390, 860)
    open_path(br, app_url, "/")
    wait_until(lambda: br.driver.execute_script(MAP_COLUMNS_JS) == 2, timeout=15)
    assert len(br.driver.find_elements("css selector", "#home-map .main-svg")) >= 1
    assert console_errors(br) == []


def test_phone_width_folds_the_sidebar_behind_the_menu_button(br, app_url):
    br.driver.set_window_size(390, 860)
    open_path(br, app_url, "/")
    link = br.find_element("#sidebar-link-training")
    assert not link.is_displayed()
    click(br, "#sidebar-toggle")
    br.wait_for_style_to_equal("#sidebar-collapse", "display", "block")
    br.wait_for_element("#sidebar-collapse.collapse.show")  # opening animation finished
    click(br, "#sidebar-link-training")
    br.wait_for_contains_text("#main h1", "Training")
    overflow = br.driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1"
    )
    assert not overflow, "the page scrolls sideways at phone width"


def test_glossary_search_filters_terms(br, app_url):
    open_path(br, app_url, "/glossary")
    total = len(get_content().glossary)
    br.wait_for_text_to_equal("#glossary-count", f"{total} of {total} terms")
    term = get_content().glossary[0].term
    br.find_element("#glossary-search").send_keys(term)
    br.wait_for_contains_text("#glossary-list", term)
    assert int(br.find_element("#glossary-count").text.split()[0]) < total or total == 1
    br.find_element("#glossary-search").send_keys(" zzzqqq")
    br.wait_for_contains_text("#glossary-list", "No term matches")
    assert br.driver.find_elements(By.CSS_SELECTOR, ".glossary-entry") == []
