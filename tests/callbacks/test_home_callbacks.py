"""The dashboard shows each page's status and, once there is one, its best quiz score."""

from __future__ import annotations

import pytest

from app.content import get_content
from app.state import progress

CONTENT = get_content()


def status_lines(home, doc):
    out = home.render_dashboard(doc)
    first = 4  # progress bar, text, continue card, the maps
    return dict(zip(CONTENT.page_slugs, out[first : first + len(CONTENT.page_slugs)], strict=True))


@pytest.fixture(scope="module")
def home(guide_app):
    """Page modules register their route at import, which needs the app to exist."""
    import importlib

    return importlib.import_module("app.pages.home")


def test_the_dashboard_shows_the_best_quiz_score_per_stage(home):
    doc = progress.record_quiz(progress.empty(CONTENT.slugs), "training", 0.5)
    doc = progress.record_quiz(doc, "training", 0.875)
    doc = progress.record_quiz(doc, "training", 0.25)
    lines = status_lines(home, doc)
    assert lines["training"][1].children == "best quiz score 88%"
    assert lines["overview"][1].children == ""  # no attempt yet: nothing shown
