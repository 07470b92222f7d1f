"""Jobs end to end through Celery + Redis, as deployed with REDIS_URL set: a real
redis-server, a real Celery worker (`celery -A app.worker worker`) and the web app, each
with its OWN CACHE_DIR (as on two machines), and a learner in headless Chromium who
trains on stage 05, fine-tunes that model on 06 and uses both on 07 and 08: the model
store (Redis) is what carries them from the worker to the web process.

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
from tests.helpers import ROOT, free_port, procfile_command, wait_until, wait_until_up

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
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    worker_log = Path(tempfile.gettempdir()) / f"ogelo-celery-{redis_port}.log"
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
                {
                    **env,
                    "WORKER_CONCURRENCY": "1",
                    "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-celery-worker-cache-"),
                },
                worker_log.name,
            )
        )
        web = _start(
            [sys.executable, "-m", "app", "--port", str(web_port)],
            {**env, "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-celery-web-cache-")},
            f"ogelo-celery-web-{web_port}.log",
        )
        procs.append(web)
        url = f"http://127.0.0.1:{web_port}"
        wait_until_up(url + "/", web[0])
        yield url, redis_url, worker_log
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


def _options(br, select) -> list[str]:
    return br.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' option'))"
        ".map(o => o.textContent).filter(t => t);",
        select,
    )


def _choose(br, select, text_start):
    """Pick the option whose text starts with `text_start` (waiting for it to appear)."""
    wait_until(lambda: any(o.startswith(text_start) for o in _options(br, select)), 30)
    value = br.driver.execute_script(
        "const o = Array.from(document.querySelectorAll(arguments[0] + ' option'))"
        ".find(o => o.textContent.startsWith(arguments[1])); return o.value;",
        select,
        text_start,
    )
    click(br, f"{select} option[value='{value}']")


def test_a_model_trained_on_the_worker_flows_through_stages_06_to_08(dash_br, celery_stack):
    url, redis_url, worker_log = celery_stack
    br = dash_br
    br.server_url = url
    # Stage 05: train on the worker.
    br.driver.get(url + "/training")
    br.wait_for_element("#live_training-steps", timeout=30)
    type_into(br, "#live_training-steps", "40")
    click(br, "#live_training-start")
    br.wait_for_contains_text("#live_training-summary", "for 40 steps", timeout=180)
    assert "validation loss" in br.find_element("#live_training-summary").text
    assert wait_until(lambda: "succeeded" in worker_log.read_text(), 30)  # it ran there
    # Stage 06: the run is on offer (the web process has never seen its file): tune it.
    br.driver.get(url + "/fine-tuning")
    _choose(br, "#tiny_finetune-model", "Your run: 2L·64d")
    br.wait_for_contains_text("#tiny_finetune-estimate", "Your run: 2 layers", timeout=30)
    type_into(br, "#tiny_finetune-steps", "6")
    click(br, "#tiny_finetune-start")
    br.wait_for_contains_text("#tiny_finetune-summary", "for 6 steps", timeout=180)
    # Stages 07 and 08: the shipped model, the run and its fine-tuned version, all usable.
    for route, lab in (("/evaluation", "tiny_eval"), ("/deployment", "tiny_generate")):
        br.driver.get(url + route)
        select = f"#{lab}-model"
        wait_until(lambda s=select: len(_options(br, s)) == 3, 30)
        labels = _options(br, select)
        assert labels[0].startswith("Shipped model")
        assert labels[1].startswith("Your fine-tune: LoRA, 6 steps")
        assert labels[2].startswith("Your run: 2L·64d")
        _choose(br, select, "Your fine-tune")
        br.wait_for_contains_text(f"#{lab}-about", "Your fine-tuned model", timeout=30)
        _choose(br, select, "Your run")
        br.wait_for_contains_text(f"#{lab}-about", "Your run: 2 layers", timeout=30)
    import redis

    assert redis.Redis.from_url(redis_url).keys("ogelo:model:*"), "no model in the store"
    assert console_errors(br) == []


def test_a_cleaning_run_with_new_settings_runs_on_the_celery_worker(dash_br, celery_stack):

    url, redis_url, worker_log = celery_stack
    runs_before = worker_log.read_text().count("succeeded")
    dash_br.server_url = url
    dash_br.driver.get(url + "/data-preprocessing")
    dash_br.wait_for_contains_text("#cleaning_pipeline-recall", "97.5%", timeout=60)
    type_into(dash_br, "#cleaning_pipeline-min_words", "200")
    click(dash_br, "#cleaning_pipeline-start")
    # A cold worker first builds and measures the 3,000-page crawl: allow for it.
    recall = wait_for_text_change(dash_br, "#cleaning_pipeline-recall", "97.5%", timeout=120)
    assert float(recall.rstrip("%")) < 90
    assert wait_until(lambda: worker_log.read_text().count("succeeded") > runs_before, 30)
    assert console_errors(dash_br) == []
