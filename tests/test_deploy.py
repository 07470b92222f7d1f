"""Deploys as Heroku and Render do: the platform files agree with the Procfile, and a clean
clone installed with `pip install -r requirements.txt` serves every route.

The slow test clones the repository (its committed HEAD) into a temporary folder, makes a
virtual environment, installs it exactly as the platforms' build step does, starts the
Procfile's web: command with PORT set, and checks every route's status, <title> and
heading, and /healthz. To keep it quick the venv sees this machine's packages
(`--system-site-packages`), so pip builds and installs the project and finds its
dependencies already there; set DEPLOY_TEST_FRESH_VENV=1 for an empty venv that downloads
every dependency, as a platform's first build does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.helpers import check_every_route, free_port, procfile_command, wait_until_up

ROOT = Path(__file__).resolve().parents[1]


def _render_services(text: str) -> list[dict]:
    return yaml.safe_load(text)["services"]


def test_render_blueprint_runs_the_procfile_web_command_with_a_health_check():
    (web,) = _render_services((ROOT / "render.yaml").read_text())
    assert web["type"] == "web" and web["runtime"] == "python"
    assert web["buildCommand"] == "pip install -r requirements.txt"
    assert web["startCommand"] == procfile_command("web")
    assert web["healthCheckPath"] == "/healthz"


def test_render_blueprint_optional_worker_and_redis_agree_with_the_procfile():
    """Uncommenting the optional block gives a worker and a Key Value wired to both."""
    text = (ROOT / "render.yaml").read_text()
    uncommented = re.sub(r"^(\s*)# (?=[- ]*[a-zA-Z]+:)", r"\1", text, flags=re.M)
    services = {s["type"]: s for s in _render_services(uncommented)}
    assert set(services) == {"web", "worker", "keyvalue"}
    assert services["worker"]["startCommand"] == procfile_command("worker")
    assert services["worker"]["buildCommand"] == services["web"]["buildCommand"]
    assert services["keyvalue"]["maxmemoryPolicy"] == "noeviction"  # a queue must not evict
    for kind in ("web", "worker"):
        (redis,) = [e for e in services[kind]["envVars"] if e["key"] == "REDIS_URL"]
        assert redis["fromService"] == {
            "type": "keyvalue",
            "name": services["keyvalue"]["name"],
            "property": "connectionString",
        }


def test_heroku_app_json_uses_the_python_buildpack_and_known_settings():
    from app.config import describe_settings

    manifest = json.loads((ROOT / "app.json").read_text())
    assert manifest["buildpacks"] == [{"url": "heroku/python"}]
    assert manifest["formation"]["web"]["quantity"] >= 1
    known = {name for name, _value, _help in describe_settings()} | {"WEB_CONCURRENCY"}
    assert set(manifest["env"]) <= known


def test_requirements_install_the_project_itself():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["."]


@pytest.mark.slow
def test_a_clean_clone_installed_as_the_platforms_do_serves_every_route(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is needed to clone the repository")
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    venv = tmp_path / "venv"
    fresh = os.environ.get("DEPLOY_TEST_FRESH_VENV") == "1"
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv)] + ([] if fresh else ["--system-site-packages"]),
        check=True,
    )
    bin_dir = venv / "bin"
    install = subprocess.run(
        [str(bin_dir / "pip"), "install", "-q", "-r", "requirements.txt"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run(
        [str(bin_dir / "pip"), "list", "--format=json"], capture_output=True, text=True
    )
    assert "ogelo-llm-guide" in {p["name"] for p in json.loads(listed.stdout)}

    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "CACHE_DIR": tempfile.mkdtemp(prefix="ogelo-deploy-"),
    }
    env.pop("PYTHONPATH", None)
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + procfile_command("web")],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", proc, timeout_s=120)
        check_every_route(base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
