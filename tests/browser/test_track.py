"""The second track, "Beyond the pipeline", as a learner meets it: its own sidebar group
with status icons, its own cards and progress on the dashboard, folded on a phone."""

from __future__ import annotations

import json

from app.content import get_content
from tests.browser.helpers import attribute_of, click, console_errors, text_of
from tests.helpers import wait_until

TOPICS = get_content().topics


def stored_progress(br):
    raw = br.driver.execute_script("return window.localStorage.getItem('progress')")
    return json.loads(raw) if raw else None


def test_topics_ship_with_their_pages():
    # The track exists only through its pages: issue 12 ships at least Embeddings, RAG, Agents.
    assert {"embeddings", "rag", "agents"} <= {t.slug for t in TOPICS}


def test_a_topic_is_tracked_and_counted_apart_from_the_stages(br, app_url):
    topic = TOPICS[0]
    br.driver.get(app_url + topic.path)
    br.wait_for_contains_text("#main h1", topic.title, timeout=20)
    assert "Beyond the pipeline" in text_of(br, ".stage-header")
    br.wait_for_contains_class(f"#sidebar-status-{topic.slug}", "status-in-progress", timeout=15)

    click(br, '[id*="complete-button"]')
    br.wait_for_contains_class(f"#sidebar-status-{topic.slug}", "status-completed", timeout=15)
    doc = wait_until(lambda: stored_progress(br))
    assert doc["topics"][topic.slug]["completed"] is True
    assert topic.slug not in doc["stages"]

    click(br, "#sidebar-link-overview")
    br.wait_for_contains_text("#main h1", "Overview", timeout=15)
    br.driver.get(app_url + "/")
    br.wait_for_contains_text("#home-topics-progress-text", f"1 of {len(TOPICS)} topic", timeout=20)
    assert text_of(br, "#home-progress-text").startswith("0 of 8 stages")
    assert not text_of(br, "#progress-import-message")  # nothing imported, nothing said
    br.wait_for_contains_text(f"#home-status-{topic.slug}", "Completed", timeout=10)
    assert console_errors(br) == []


def test_on_a_phone_the_topics_fold_behind_their_heading(br, app_url):
    br.driver.set_window_size(375, 800)
    br.driver.get(app_url + "/")
    br.wait_for_element("#main h1", timeout=20)
    click(br, "#sidebar-toggle")
    br.wait_for_element("#sidebar-link-overview", timeout=10)
    wait_until(lambda: br.find_element("#sidebar-link-overview").is_displayed())
    # Let the menu finish opening: a click mid-animation can land where the heading was.
    wait_until(lambda: "show" in (attribute_of(br, "#sidebar-collapse", "class") or "").split())
    assert not br.find_element("#sidebar-topics").is_displayed()
    click(br, "#sidebar-topics-toggle")
    wait_until(lambda: br.find_element("#sidebar-topics").is_displayed())
    assert br.find_element("#sidebar-topics-toggle").get_attribute("aria-expanded") == "true"
    click(br, f"#sidebar-link-{TOPICS[0].slug}")
    br.wait_for_contains_text("#main h1", TOPICS[0].title, timeout=20)
