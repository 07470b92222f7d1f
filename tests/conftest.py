"""Fixtures every test folder may use (helpers that are not fixtures live in tests/helpers.py)."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile

import pytest

# The tests' own job cache and model store, fresh each run, before any app module reads
# the settings: a developer's running app (or an older run) must not leak into them.
os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="ogelo-tests-"))


@pytest.fixture
def override_settings(monkeypatch):
    """Change settings for one test, everywhere they were imported:

        def test_x(override_settings, tmp_path):
            override_settings(cache_dir=str(tmp_path), job_time_limit_s=0.5)

    Every `app.*` module that did `from app.config import settings` sees the new values
    (one call, not one patch per module); they are restored after the test. Returns the
    new Settings."""
    import app.config

    def override(**changes):
        current = app.config.settings
        changed = dataclasses.replace(current, **changes)
        for name, module in list(sys.modules.items()):
            if (name == "app" or name.startswith("app.")) and getattr(
                module, "settings", None
            ) is current:
                monkeypatch.setattr(module, "settings", changed)
        return changed

    return override


@pytest.fixture(scope="session")
def guide_app():
    """The whole guide as one in-process Dash app (no warm-up), built once per session.
    Its Flask test client drives requests without a server."""
    from app import create_app

    app = create_app(warm=False)
    app.server.test_client().get("/")  # Dash finishes setting up on its first request
    return app


@pytest.fixture
def client(guide_app):
    return guide_app.server.test_client()
