"""The Procfile's web command, run as Heroku or Render would, serves every route: each
with its own status, <title> and heading (Dash answers 200 with the same HTML to any
path, so a status check alone could not fail)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import check_every_route, free_port, http_get, procfile_command, wait_until_up

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
        check_every_route(base)
        _status, headers, _body = http_get(base + "/")
        assert headers["Server"] == "gunicorn"  # no version
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
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
