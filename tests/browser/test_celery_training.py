"""A training job end to end through Celery + Redis, as deployed with REDIS_URL set:
a real redis-server, a real Celery worker (`celery -A app.worker worker`), the web app,
and a learner in headless Chromium who starts a short run and sees it finish.

Outside CI a machine without redis-server skips this; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.browser.helpers import click, console_errors, type_into, wait_for_text_change
from tests.helpers import ROOT, free_port, procfile_command, wait_until_up

pytestmark = pytest.mark.redis
REDIS = shutil.which("redis-server")


def _require_redis():
    if REDIS:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail("redis-server is needed in CI (apt-get install redis-server)", pytrace=False)
    pytest.skip("redis-server is not installed (apt-get install redis-server)")


def _start(cmd, env, log_name):
    log = open(Path(tempfile.gettempdir()) / log_name, "w")  # noqa: SIM115
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log


def _stop(proc, log):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def celery_stack():
    """(app URL, redis URL) of a web app whose background jobs run on a Celery worker."""
    _require_redis()
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
        "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-celery-cache-"),
    }
    procs = [
        _start(
            [
                REDIS,
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            env,
            f"ogelo-redis-{redis_port}.log",
        )
    ]
    try:
        _wait_for_redis(redis_url)
        # The worker runs exactly as the Procfile's worker: line says.
        procs.append(
            _start(
                ["bash", "-c", "exec " + procfile_command("worker")],
                {**env, "WORKER_CONCURRENCY": "1"},
                f"ogelo-celery-{redis_port}.log",
            )
        )
        web = _start(
            [sys.executable, "-m", "app", "--port", str(web_port)],
            env,
            f"ogelo-celery-web-{web_port}.log",
        )
        procs.append(web)
        url = f"http://127.0.0.1:{web_port}"
        wait_until_up(url + "/", web[0])
        yield url, redis_url
    finally:
        for proc, log in reversed(procs):
            _stop(proc, log)


def _wait_for_redis(redis_url, timeout_s=20):
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            if client.ping():
                return
        except redis.exceptions.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("redis-server did not start")


def test_a_short_run_trains_on_a_celery_worker(dash_br, celery_stack):
    url, redis_url = celery_stack
    dash_br.server_url = url
    dash_br.driver.get(url + "/training")
    steps = dash_br.wait_for_element("#live_training-steps", timeout=30)
    steps.clear()
    steps.send_keys("40\t")
    click(dash_br, "#live_training-start")
    # The worker trains and reports progress through Redis; the page shows the result.
    dash_br.wait_for_contains_text("#live_training-summary", "for 40 steps", timeout=120)
    assert "validation loss" in dash_br.find_element("#live_training-summary").text
    assert dash_br.find_element("#live_training-start").is_enabled()
    # The job ran on the worker: Celery recorded a task result in Redis.
    import redis

    keys = redis.Redis.from_url(redis_url).keys("celery-task-meta-*")
    assert keys, "no Celery task ran"
    assert console_errors(dash_br) == []


def test_a_cleaning_run_with_new_settings_runs_on_the_celery_worker(dash_br, celery_stack):
    import redis

    url, redis_url = celery_stack
    tasks_before = len(redis.Redis.from_url(redis_url).keys("celery-task-meta-*"))
    dash_br.server_url = url
    dash_br.driver.get(url + "/data-preprocessing")
    dash_br.wait_for_contains_text("#cleaning_pipeline-recall", "97.5%", timeout=60)
    type_into(dash_br, "#cleaning_pipeline-min_words", "200")
    click(dash_br, "#cleaning_pipeline-start")
    # A cold worker first builds and measures the 3,000-page crawl: allow for it.
    recall = wait_for_text_change(dash_br, "#cleaning_pipeline-recall", "97.5%", timeout=120)
    assert float(recall.rstrip("%")) < 90
    assert len(redis.Redis.from_url(redis_url).keys("celery-task-meta-*")) > tasks_before
    assert console_errors(dash_br) == []
