"""Helpers for browser tests: act and read as a person does, robust to Dash re-rendering."""

from __future__ import annotations

import time

from selenium.webdriver.common.keys import Keys

from tests.helpers import wait_until


def console_errors(browser) -> list[str]:
    """SEVERE browser console messages since the last reset (favicon misses excluded)."""
    return [e["message"] for e in browser.get_logs() if e.get("level") == "SEVERE"]


def click(browser, selector: str, timeout: float = 10):
    """Scroll an element to the middle of the screen, then click it as a person would.
    A re-render between finding and clicking makes the element stale, and a layout that
    is still settling (a chart drawn above it) can move it under another element: find it
    and scroll to it again. `browser` is a dash_duo browser or a bare WebDriver."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        StaleElementReferenceException,
    )

    driver = getattr(browser, "driver", browser)
    for attempt in range(4):
        element = wait_until(lambda: driver.find_elements("css selector", selector), timeout)[0]
        try:
            driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
            )
            element.click()
            return element
        except (StaleElementReferenceException, ElementClickInterceptedException):
            if attempt == 3:
                raise
            time.sleep(0.5)


def text_of(browser, selector: str) -> str | None:
    """An element's text, read in one step: Dash may re-render the element between a find
    and a read, which makes a found element stale. None when nothing matches."""
    return browser.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
        selector,
    )


def attribute_of(browser, selector: str, name: str) -> str | None:
    """An element's attribute, read in one step (see `text_of`)."""
    return browser.driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e ? e.getAttribute(arguments[1]) : null;",
        selector,
        name,
    )


def wait_for_text_change(browser, selector: str, old: str | None, timeout: float = 20) -> str:
    """Wait until an element shows a non-empty text other than `old`, and return it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = text_of(browser, selector)
        if now and now != old:
            return now
        time.sleep(0.2)
    raise AssertionError(f"{selector} still shows {old!r} after {timeout} s")


def type_into(br, selector: str, text: str) -> None:
    """Replace an input's value as a person does, then press Tab (inputs send on blur)."""
    element = click(br, selector)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text, Keys.TAB)


def new_browser():
    """A second, separate headless Chromium (its own profile: another learner)."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,1000"):
        options.add_argument(arg)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    return webdriver.Chrome(options=options)
