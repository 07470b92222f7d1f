"""Ogelo Concise LLM Training Pipeline Guide: `create_app()` builds the Dash app."""

from __future__ import annotations

import html
from pathlib import Path

import dash
import flask
from flask import request

from app.config import ASSETS_DIR, DEFAULT_CACHE_DIR, TITLE, settings

PAGES_DIR = Path(__file__).resolve().parent / "pages"


class GuideDash(dash.Dash):
    """Dash, with each page's own <title> in the HTML it serves (Dash puts the app's title
    there and sets the page's in the browser), and without the Python version in the
    page's config (kept in debug mode)."""

    def _config(self):
        config = super()._config()
        if not settings.debug:
            config.pop("python_version", None)
        return config

    def interpolate_index(self, **kwargs):
        from app.server.plotly_bundle import PLOTLY_JS
        from app.server.routes import first_chart, page_title

        prefix = self.config.requests_pathname_prefix
        kwargs["title"] = html.escape(page_title(request.path, self.title))
        # Plotly.js (the guide's bundle: 1.3 MB) is fetched only once a chart mounts, three
        # round trips into the page's life. For a chart in the first screen, run it while
        # Dash fetches the page (dcc's graph uses window.Plotly when it is there); for
        # charts further down, only fetch it early: running it would hold up the first
        # screen.
        where = first_chart(request.path, prefix)
        if where == "first screen":
            kwargs["metas"] += f'\n<script async src="{prefix}{PLOTLY_JS}"></script>'
        elif where == "below":
            kwargs["metas"] += f'\n<link rel="preload" as="script" href="{prefix}{PLOTLY_JS}">'
        return super().interpolate_index(**kwargs)


def create_app(*, warm: bool = True) -> dash.Dash:
    """Build the app: validate content, register pages and labs, wire the shell, and
    (unless `warm` is False) start computing the labs' default results in the background."""
    from app import server
    from app.content import get_content
    from app.core.tinylm.runtime import cap_blas_threads_for_serving
    from app.server import compression
    from app.server.cache_dir import ensure_private_dir
    from app.server.limits import on_callback_error

    get_content()  # fail fast, naming the file and field, if content/ is broken
    cap_blas_threads_for_serving()  # the tiny GPT's matrices are small; see runtime.py
    ensure_private_dir(settings.cache_dir, strict=settings.cache_dir == DEFAULT_CACHE_DIR)
    app = GuideDash(
        __name__,
        server=compression.configure(flask.Flask(__name__)),
        title=TITLE,
        update_title=None,
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        suppress_callback_exceptions=True,
        compress=True,
        on_error=on_callback_error,  # an exception in a callback: logged, no update
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {
                "name": "description",
                "content": "An interactive guide to how large language "
                "models are made, from raw text to a served model, with a lab at every stage.",
            },
        ],
    )
    from app.components import shell
    from app.labs import import_all_labs

    import_all_labs()  # registers every lab's callbacks before the first request
    app.layout = shell.layout
    server.install(app)
    if warm:
        from app.components.stage_page import build_every_page
        from app.services.warmup import start_warmup

        start_warmup(("page layouts", build_every_page))
    return app
