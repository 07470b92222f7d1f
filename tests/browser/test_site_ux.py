"""What keyboard, phone and screen-reader users get: a visible focus ring (also on the blue
navbar), a skip link, focus that follows a job's Cancel button, stacked tables and a menu
'On this page' on a phone, dark mode, glossary links, and progress export and import."""

from __future__ import annotations

import json

from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import attribute_of, click, text_of, type_into
from tests.helpers import wait_until


def open_settled(br, url: str) -> None:
    br.driver.get(url)
    br.wait_for_element("#main h1", timeout=20)
    br.wait_for_no_elements(".page-rest:empty", timeout=30)  # every part below the fold is in
    br.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)


def phone(br, width: int = 375) -> None:
    metrics = {"width": width, "height": 812, "deviceScaleFactor": 1, "mobile": True}
    br.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    wait_until(lambda: br.driver.execute_script("return window.innerWidth") == width)


FOCUS_RING = """const e = document.activeElement, s = getComputedStyle(e);
return {inNavbar: !!e.closest('.app-navbar'), style: s.outlineStyle,
        width: parseFloat(s.outlineWidth), color: s.outlineColor};"""


def test_keyboard_focus_shows_a_ring_also_on_the_blue_navbar(br, app_url):
    open_settled(br, app_url + "/glossary")
    click(br, "#glossary-search")
    seen = []
    for _ in range(40):  # Shift+Tab back from the search box, through the sidebar, to the navbar
        br.driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
        ring = br.driver.execute_script(FOCUS_RING)
        seen.append(ring)
        if ring["inNavbar"]:
            break
    assert seen[0]["style"] == "solid" and seen[0]["width"] >= 2  # a sidebar link
    navbar = seen[-1]
    assert navbar["inNavbar"], f"Shift+Tab never reached the navbar: {seen}"
    assert navbar["style"] == "solid" and navbar["width"] >= 2
    assert navbar["color"] == "rgb(255, 255, 255)"  # white on blue, not blue on blue


def test_on_a_phone_the_follow_a_model_table_becomes_stacked_cards(br, app_url):
    phone(br)
    open_settled(br, app_url + "/overview")
    br.wait_for_element("#main table.table-stack td[data-label]", timeout=20)
    layout = br.driver.execute_script(
        """const t = document.querySelector('#main table.table-stack');
        const td = t.querySelector('tbody td');
        return {display: getComputedStyle(td).display,
                label: getComputedStyle(td, '::before').content,
                right: t.getBoundingClientRect().right, width: window.innerWidth};"""
    )
    assert layout["display"] == "block"
    assert layout["label"] == '"Stage"'
    assert layout["right"] <= layout["width"]


def active_id(br) -> str:
    return br.driver.execute_script("return document.activeElement.id || ''")


def test_the_first_tab_offers_a_skip_link_that_moves_focus_to_the_content(br, app_url):
    open_settled(br, app_url + "/training")
    br.driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    br.driver.find_element("css selector", "body").send_keys(Keys.TAB)
    assert active_id(br) == "skip-link"
    top = br.driver.execute_script("return document.activeElement.getBoundingClientRect().top")
    assert top >= 0  # shown on screen while focused
    br.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until(lambda: active_id(br) == "main")


def test_the_phone_menu_button_says_whether_the_menu_is_open(br, app_url):
    phone(br)
    open_settled(br, app_url + "/overview")
    toggle = "#sidebar-toggle"
    wait_until(lambda: attribute_of(br, toggle, "aria-expanded") == "false")
    click(br, toggle)
    wait_until(lambda: attribute_of(br, toggle, "aria-expanded") == "true")
    click(br, toggle)
    wait_until(lambda: attribute_of(br, toggle, "aria-expanded") == "false")


TOC_STATE = """const a = document.querySelector('#toc-menu a.active');
const aside = document.querySelector('#toc-menu').getBoundingClientRect();
return {active: a ? a.getAttribute('href').slice(1) : null, asideTop: aside.top,
        visible: aside.top >= 0 && aside.top < innerHeight, scrollY: scrollY,
        back: document.getElementById('back-to-top').classList.contains('show')};"""


def test_on_this_page_follows_the_reader_and_back_to_top_returns(br, app_url):
    open_settled(br, app_url + "/training")
    target = "section-reading-a-loss-curve"
    br.driver.execute_script(
        "const top = document.getElementById(arguments[0]).getBoundingClientRect().top;"
        "window.scrollTo({top: scrollY + top - 80, behavior: 'instant'});",
        target,
    )
    state = wait_until(
        lambda: (s := br.driver.execute_script(TOC_STATE))["active"] == target and s, 10
    )
    assert state["visible"] and state["scrollY"] > 1000  # the list stayed in view
    assert state["back"]
    assert attribute_of(br, f'#toc-menu a[href="#{target}"]', "aria-current") == "location"
    assert attribute_of(br, "#toc-menu", "open") is not None  # a list beside the text
    click(br, "#back-to-top")
    wait_until(lambda: br.driver.execute_script("return window.scrollY") < 5, 10)


def test_on_a_phone_on_this_page_is_a_menu_that_stays_under_the_navbar(br, app_url):
    phone(br)
    open_settled(br, app_url + "/evaluation")
    click(br, "#toc-menu summary")
    wait_until(lambda: attribute_of(br, "#toc-menu", "open") is not None)
    click(br, '#toc-menu a[href="#section-contamination"]')
    wait_until(lambda: attribute_of(br, "#toc-menu", "open") is None)
    top = "return document.getElementById('section-contamination').getBoundingClientRect().top"
    wait_until(lambda: 0 <= br.driver.execute_script(top) < 300, 10)  # scrolls (smoothly) there
    menu_top = br.driver.execute_script(
        "return document.getElementById('toc-menu').getBoundingClientRect().top"
    )
    navbar = br.driver.execute_script(
        "return document.querySelector('.app-navbar').getBoundingClientRect().bottom"
    )
    assert abs(menu_top - navbar) <= 2  # stuck right under the navbar


def chart_font_color(br):
    return br.driver.execute_script(
        "const g = document.querySelector('.js-plotly-plot');"
        "return g && g._fullLayout ? g._fullLayout.font.color : null;"
    )


def test_dark_mode_follows_the_system_is_switchable_and_remembered(br, app_url):
    br.driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    open_settled(br, app_url + "/training")
    assert attribute_of(br, "html", "data-bs-theme") == "dark"
    wait_until(lambda: chart_font_color(br) == "#dee2e6", 15)  # charts follow
    assert attribute_of(br, "#theme-toggle", "aria-label") == "Switch to light mode"

    click(br, "#theme-toggle")
    wait_until(lambda: attribute_of(br, "html", "data-bs-theme") == "light")
    wait_until(lambda: chart_font_color(br) == "#212529", 15)
    background = br.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(22, 25, 29)"

    br.driver.refresh()  # the choice outlives a reload, against the system's setting
    br.wait_for_element("#main h1", timeout=20)
    assert attribute_of(br, "html", "data-bs-theme") == "light"
    click(br, "#theme-toggle")
    wait_until(lambda: attribute_of(br, "html", "data-bs-theme") == "dark")
    wait_until(lambda: chart_font_color(br) == "#dee2e6", 15)


def test_glossary_terms_in_the_text_link_to_their_definitions(br, app_url):
    open_settled(br, app_url + "/data-preprocessing")
    link = br.wait_for_element('.prose a[href="/glossary#section-minhash"]', timeout=10)
    assert link.text.lower() == "minhash"
    br.driver.get(app_url + "/glossary#section-minhash")
    term = br.wait_for_element("#section-minhash", timeout=20)
    assert term.text == "MinHash"
    wait_until(
        lambda: (
            0
            <= br.driver.execute_script(
                "return document.getElementById('section-minhash').getBoundingClientRect().top"
            )
            < 300
        ),
        10,
    )


def test_focus_moves_to_cancel_while_a_job_runs_and_back_after(br, app_url):
    lab = "#cleaning_pipeline"
    open_settled(br, app_url + "/data-preprocessing")
    br.wait_for_contains_text(f"{lab}-recall", "%", timeout=60)
    for name, value in (("n_gram", "1"), ("bands", "100"), ("rows", "4")):  # ~2 s of hashing
        type_into(br, f"{lab}-{name}", value)
    click(br, f"{lab}-start")
    wait_until(lambda: active_id(br) == "cleaning_pipeline-cancel", 10)
    br.driver.switch_to.active_element.send_keys(Keys.ENTER)  # cancel from the keyboard
    wait_until(lambda: "cancelled" in (text_of(br, f"{lab}-progress") or "").lower(), 15)
    wait_until(lambda: active_id(br) == "cleaning_pipeline-start", 10)


def test_progress_exports_and_imports_and_a_bad_file_changes_nothing(br, app_url, tmp_path):
    open_settled(br, app_url + "/")
    good = tmp_path / "ogelo-progress.json"
    good.write_text(json.dumps({"version": 2, "stages": {"training": {"completed": True}}}))
    bad = tmp_path / "notes.json"
    bad.write_text("{ this is not json")
    upload = "#progress-upload input[type=file]"
    br.driver.find_element("css selector", upload).send_keys(str(good))
    br.wait_for_contains_text("#progress-import-message", "Imported ogelo-progress.json")
    br.wait_for_text_to_equal("#sidebar-progress-text", "1 of 8 stages completed", timeout=10)
    br.driver.find_element("css selector", upload).send_keys(str(bad))
    br.wait_for_contains_text("#progress-import-message", "notes.json is not a JSON file")
    assert br.find_element("#sidebar-progress-text").text == "1 of 8 stages completed"


def test_sliders_are_named_by_their_labels(br, app_url):
    open_settled(br, app_url + "/model-architecture")
    for slider, name in (
        ("position_maps-positions", "Positions"),
        ("position_maps-dims", "Dimensions"),
    ):
        handle = f'#{slider} [role="slider"]'
        br.wait_for_element(handle, timeout=20)
        wait_until(lambda h=handle, n=name: attribute_of(br, h, "aria-label") == n, 10)
