"""Static files compressed once. flask-compress compresses every response on its way out;
Plotly.js alone is 4.6 MB, about 0.1 s of CPU per page load per learner. Dash's component
suites and the app's assets do not change while the app runs (a new version or file gets a
new URL), so each is compressed once per encoding and kept in memory; callback answers and
pages are compressed as before."""

from __future__ import annotations

from flask import Flask, Request

STATIC = "static:"  # marks the cache keys of static files
MAX_BYTES = 64 * 1024 * 1024  # every file Dash and the app serve, in two encodings, fits


def cache_key(request: Request) -> str:
    """flask-compress's key for `request` (it puts the encoding in front)."""
    static = request.method == "GET" and (
        "/_dash-component-suites/" in request.path or "/assets/" in request.path
    )
    return f"{STATIC}{request.full_path}" if static else ""


class StaticFileCache:
    """flask-compress's cache backend: keeps static files only, up to MAX_BYTES."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._size = 0

    @staticmethod
    def _static(key: str) -> bool:
        return key.partition(";")[2].startswith(STATIC)

    def get(self, key: str) -> bytes | None:
        return self._files.get(key) if self._static(key) else None

    def set(self, key: str, value: bytes) -> None:
        if not self._static(key) or key in self._files:
            return
        if self._size + len(value) <= MAX_BYTES:
            self._files[key] = value
            self._size += len(value)


def configure(server: Flask) -> Flask:
    """Set `server` up for it; call before Dash enables compression on it."""
    server.config["COMPRESS_CACHE_BACKEND"] = StaticFileCache
    server.config["COMPRESS_CACHE_KEY"] = cache_key
    return server
