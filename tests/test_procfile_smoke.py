"""The Procfile's web command, run as Heroku or Render would, serves every route."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from app.content import get_content
from tests.helpers import free_port, procfile_command, wait_until_up

ROOT = Path(__file__).resolve().parents[1]


def test_procfile_web_binds_all_interfaces_on_port():
    command = procfile_command("web")
    assert command.startswith("gunicorn ")
    assert re.search(r"--bind 0\.0\.0\.0:\$PORT\b", command)


@pytest.mark.slow
def test_procfile_web_command_serves_every_route():
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-smoke-"),
    }
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + procfile_command("web")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", proc, timeout_s=90)
        routes = ["/", "/glossary", "/no-such-page"] + [s.path for s in get_content().stages]
        for route in routes:
            req = urllib.request.Request(base + route, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(req, timeout=20) as r:
                assert r.status == 200, route
        # the app's JavaScript arrives compressed
        req = urllib.request.Request(base + "/_dash-layout", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=20) as r:
            assert r.headers.get("Content-Encoding") in {"gzip", "br"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_procfile_worker_runs_celery_on_the_app_worker_module():
    command = procfile_command("worker")
    assert command.startswith("celery -A app.worker worker")
