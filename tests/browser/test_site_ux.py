"""What keyboard and phone users see: a visible focus ring (also on the blue navbar), and
wide tables that become stacked cards on a 375 px screen."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import click
from tests.helpers import wait_until


def open_settled(br, url: str) -> None:
    br.driver.get(url)
    br.wait_for_element("#main h1", timeout=20)
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
