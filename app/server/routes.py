"""`/healthz`, and HTTP 404 for paths that are not pages.

Dash serves its page (the same HTML) for every path and picks the page in the browser,
so an unknown path used to answer 200. Here the status of that HTML response is 404 when
the path is not a registered page; the browser still draws the friendly not-found page.
"""

from __future__ import annotations

import json

import dash
from flask import Response, request

from app.config import settings
from app.content import get_content

HEALTH_PATH = "/healthz"


def page_paths() -> set[str]:
    """Every registered page path, without slashes at the ends ("" is the dashboard)."""
    return {
        page["path"].strip("/")
        for page in dash.page_registry.values()
        if not page["module"].endswith("not_found_404") and not page.get("path_template")
    } | {
        path.strip("/")
        for page in dash.page_registry.values()
        for path in page.get("redirect_from") or []
    }


def relative_path(path: str, prefix: str = "/") -> str:
    """`path` without the app's prefix and slashes at the ends ("" is the dashboard)."""
    return (path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")).strip("/")


def page_title(path: str, default: str, prefix: str = "/") -> str:
    """The title of the page at `path` (the not-found page's for an unknown path)."""
    relative = relative_path(path, prefix)
    not_found = default
    for page in dash.page_registry.values():
        if page["module"].endswith("not_found_404"):
            not_found = page["title"]
        elif page["path"].strip("/") == relative and isinstance(page["title"], str):
            return page["title"]
    return not_found


def first_chart(path: str, prefix: str = "/") -> str | None:
    """Where the page at `path` draws its first chart: "first screen" (the dashboard),
    "below" (a content page, below its first screen), or None (the glossary, not found)."""
    from app.components import stage_page

    relative = relative_path(path, prefix)
    if relative == "":
        return "first screen"
    for page in get_content().pages:
        if page.path.strip("/") == relative:
            return stage_page.first_chart(page.slug)
    return None


def is_known_page(path: str, prefix: str = "/") -> bool:
    return relative_path(path, prefix) in page_paths()


def healthz() -> Response:
    """200 while this process serves: content loaded and the cache folder writable.
    `warmed` says whether this process has computed the labs' defaults yet (it serves
    either way; benchmarks wait for it)."""
    from pathlib import Path

    from app.content import get_content
    from app.services.warmup import WARMED

    checks = {"content": bool(get_content().stages)}
    cache = Path(settings.cache_dir)
    checks["cache_dir"] = cache.is_dir() and _writable(cache)
    ok = all(checks.values())
    body = json.dumps(
        {"status": "ok" if ok else "failing", "checks": checks, "warmed": WARMED.is_set()}
    )
    return Response(body, status=200 if ok else 503, mimetype="application/json")


def _writable(folder) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)


def install(app: dash.Dash) -> None:
    server = app.server
    prefix = app.config.routes_pathname_prefix
    server.add_url_rule(HEALTH_PATH, "healthz", healthz, methods=["GET", "HEAD"])
    catchall = prefix + "<path:path>"

    @server.after_request
    def unknown_paths_are_404(response: Response) -> Response:
        rule = request.url_rule
        if (
            rule is not None
            and rule.endpoint == catchall
            and response.status_code == 200
            and not is_known_page(request.path, prefix)
        ):
            response.status_code = 404
        return response
