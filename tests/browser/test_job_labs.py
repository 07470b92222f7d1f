"""The job labs as a learner uses them (stage 05's training and stage 06's fine-tuning:
one skeleton, so one parametrized test each): watch a run, cancel it, reload during it,
close the page, fix bad settings, and two learners pressing Start on identical settings.

The test app slows every job step (JOB_MIN_STEP_S, see conftest.py), so a run is slow
enough to see its bar part-way by design."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import (
    attribute_of,
    click,
    console_errors,
    new_browser,
    text_of,
    type_into,
)
from tests.helpers import wait_until

LABS = {
    "training": {"lab": "live_training", "route": "/training", "summary": "Trained"},
    "fine-tuning": {"lab": "tiny_finetune", "route": "/fine-tuning", "summary": "LoRA trained"},
}
pytestmark = pytest.mark.slow


@pytest.fixture(params=list(LABS))
def job_lab(request):
    return LABS[request.param]


def _open(br, app_url, lab):
    br.driver.get(app_url + lab["route"])
    br.wait_for_element(f"#{lab['lab']}-start", timeout=30)


def _set(br, lab, field, value):
    type_into(br, f"#{lab['lab']}-{field}", str(value))


def _short_run(br, lab, steps=5):
    """A run of a few steps (training's default warmup is longer than that)."""
    if lab["lab"] == "live_training":
        _set(br, lab, "warmup_steps", 0)
    _set(br, lab, "steps", steps)


def _progress(br, lab) -> int:
    return int(attribute_of(br, f"#{lab['lab']}-progress .progress-bar", "aria-valuenow") or 0)


def _enabled(br, lab, button) -> bool:
    return br.find_element(f"#{lab['lab']}-{button}").is_enabled()


def test_a_run_shows_its_progress_part_way_then_its_result(br, app_url, job_lab):
    p = job_lab["lab"]
    _open(br, app_url, job_lab)
    _set(br, job_lab, "steps", 120)
    click(br, f"#{p}-start")
    # While it runs: controls locked, Cancel on, the bar part-way (steps are slowed).
    assert wait_until(lambda: 0 < _progress(br, job_lab) < 100, timeout=60)
    assert not _enabled(br, job_lab, "start") and _enabled(br, job_lab, "cancel")
    br.wait_for_contains_text(f"#{p}-summary", "for 120 steps", timeout=120)
    assert job_lab["summary"] in text_of(br, f"#{p}-summary")
    assert wait_until(lambda: _enabled(br, job_lab, "start"), timeout=10)
    assert not _enabled(br, job_lab, "cancel")
    assert console_errors(br) == []


def test_cancel_stops_a_run_and_gives_the_controls_back(br, app_url, job_lab):
    p = job_lab["lab"]
    _open(br, app_url, job_lab)
    _set(br, job_lab, "steps", 2000)
    click(br, f"#{p}-start")
    assert wait_until(lambda: _progress(br, job_lab) > 0, timeout=60)
    click(br, f"#{p}-cancel")
    assert wait_until(lambda: _enabled(br, job_lab, "start"), timeout=20)
    assert not _enabled(br, job_lab, "cancel")
    assert wait_until(lambda: (text_of(br, f"#{p}-progress") or "").startswith("cancelled at step"))
    assert "You cancelled this run" in text_of(br, f"#{p}-note")
    stopped_at = _progress(br, job_lab)
    assert stopped_at < 100
    assert console_errors(br) == []


def test_a_reloaded_page_reattaches_to_its_running_job(br, app_url, job_lab):
    p = job_lab["lab"]
    _open(br, app_url, job_lab)
    _set(br, job_lab, "steps", 2000)
    click(br, f"#{p}-start")
    assert wait_until(lambda: _progress(br, job_lab) >= 1, timeout=60)
    before = _progress(br, job_lab)
    br.driver.refresh()
    br.wait_for_element(f"#{p}-start", timeout=30)
    # The same run goes on: its bar carries on from where it was, and it can be cancelled.
    assert wait_until(lambda: _progress(br, job_lab) > before, timeout=60)
    assert _enabled(br, job_lab, "cancel") and not _enabled(br, job_lab, "start")
    # The form shows the settings of the run it shows (kept for the tab).
    assert br.find_element(f"#{p}-steps").get_attribute("value") == "2000"
    click(br, f"#{p}-cancel")
    assert wait_until(lambda: _enabled(br, job_lab, "start"), timeout=20)


def jobs_running(cache_dir) -> int:
    """Job slots held on the app's board, read from its cache folder."""
    import diskcache

    from app.services.jobs import Board, DiskKV

    with diskcache.Cache(cache_dir) as cache:
        return Board(DiskKV(cache)).running()


def test_a_closed_page_stops_its_job_and_frees_its_slot(br, app_url, app_cache_dir, job_lab):
    p = job_lab["lab"]
    _open(br, app_url, job_lab)
    _set(br, job_lab, "steps", 2000)
    click(br, f"#{p}-start")
    assert wait_until(lambda: _progress(br, job_lab) > 0, timeout=60)
    assert jobs_running(app_cache_dir) == 1
    br.driver.get("about:blank")  # the page is gone: nobody polls its job any more
    assert wait_until(lambda: jobs_running(app_cache_dir) == 0, timeout=30)
    # Back on the page (same tab): it says the run stopped, and Start works again.
    _open(br, app_url, job_lab)
    br.wait_for_contains_text(f"#{p}-note", "You cancelled this run", timeout=20)
    assert _enabled(br, job_lab, "start")
    _short_run(br, job_lab)
    click(br, f"#{p}-start")
    br.wait_for_contains_text(f"#{p}-summary", "for 5 steps", timeout=60)


def test_every_bad_field_is_named_and_marked_and_a_bad_press_keeps_the_result(br, app_url, job_lab):
    p = job_lab["lab"]
    _open(br, app_url, job_lab)
    _short_run(br, job_lab)
    click(br, f"#{p}-start")
    br.wait_for_contains_text(f"#{p}-summary", "for 5 steps", timeout=60)
    _set(br, job_lab, "steps", -5)
    _set(br, job_lab, "lr", 0)
    br.wait_for_contains_text(f"#{p}-error", "Steps: must be at least 1.", timeout=10)
    assert "Learning rate: must be at least" in text_of(br, f"#{p}-error")
    for field in ("steps", "lr"):
        assert "is-invalid" in attribute_of(br, f"#{p}-{field}", "class")
    click(br, f"#{p}-start")  # refused: the last good result stays
    assert "for 5 steps" in text_of(br, f"#{p}-summary")
    _short_run(br, job_lab)
    _set(br, job_lab, "lr", 0.003)
    assert wait_until(lambda: not text_of(br, f"#{p}-error"), timeout=10)
    assert "is-invalid" not in attribute_of(br, f"#{p}-steps", "class")
    assert console_errors(br) == []


def text(driver, id: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : '';", id
    )


def test_two_learners_with_identical_settings_each_get_their_own_run(br, app_url, app_cache_dir):
    """Two browsers (two learners) press Start on the defaults at once: each run is its
    own job, and each learner sees their own result."""
    lab = LABS["training"]
    # The server runs two jobs at once: wait until earlier tests' closed pages have let
    # their jobs go (they stop within JOB_UNPOLLED_S), so both learners find a slot.
    assert wait_until(lambda: jobs_running(app_cache_dir) == 0, timeout=40)
    other = new_browser()
    try:
        for driver in (br.driver, other):
            driver.get(app_url + lab["route"])
        br.wait_for_element("#live_training-start", timeout=30)
        wait_until(lambda: other.find_elements("css selector", "#live_training-start"), 30)
        for driver in (br.driver, other):
            wait_until(
                lambda d=driver: d.execute_script(
                    "return localStorage.getItem('ogelo-learner-id')"
                ),
                10,
            )
        for driver in (br.driver, other):
            steps = driver.find_element("css selector", "#live_training-steps")
            steps.send_keys(Keys.CONTROL, "a")
            steps.send_keys(Keys.DELETE)
            steps.send_keys("60", Keys.TAB)
        for driver in (br.driver, other):
            wait_until(lambda d=driver: "over the run" in text(d, "live_training-estimate"), 20)
        for driver in (br.driver, other):
            click(driver, "#live_training-start")

        def summary(driver):
            note = text(driver, "live_training-note")
            assert not note, note  # e.g. "busy": say so at once
            return text(driver, "live_training-summary")

        for driver in (br.driver, other):
            assert "for 60 steps" in wait_until(lambda d=driver: summary(d), timeout=120)
        runs = [
            d.execute_script("return localStorage.getItem('trained-runs')")
            for d in (br.driver, other)
        ]
        learners = [
            d.execute_script("return localStorage.getItem('ogelo-learner-id')")
            for d in (br.driver, other)
        ]
        assert learners[0] != learners[1]
        assert runs[0] and runs[1] and runs[0] != runs[1]  # two runs, each with its own id
    finally:
        other.quit()
