"""Security headers on every response, and no version banner.

The Content-Security-Policy allows scripts only from this server plus the exact inline
scripts Dash writes into the page (the renderer start-up and the clientside callbacks),
by their SHA-256 hashes: no 'unsafe-inline' and no 'unsafe-eval' for scripts. Styles keep
'unsafe-inline' because Plotly and React set style attributes on the elements they draw.
Nothing may frame the site, and HSTS is sent when the request arrived over HTTPS
(directly, or as the platforms' proxies report it in X-Forwarded-Proto).

The Server banner is the WSGI server's: gunicorn sends only its name; `python -m app`
replaces Werkzeug's "Werkzeug/x Python/y" (see app/__main__.py).
"""

from __future__ import annotations

import base64
import hashlib
import re

import dash
from flask import Response, request

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(script_hashes: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


def inline_script_hashes(html: str) -> list[str]:
    """CSP hashes of the page's inline scripts (those without src that the browser runs).
    Dash's own are known in advance (`app.csp_hashes()`); this also covers any script a
    custom index string adds, so a change there cannot silently break the page."""
    found = []
    for match in _INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        script_type = _TYPE.search(attrs)
        if re.search(r"\bsrc\s*=", attrs, re.I) or (
            script_type and script_type.group(1).lower() not in _JS_TYPES
        ):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        found.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return found


def served_over_https() -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return request.is_secure or forwarded.split(",")[0].strip().lower() == "https"


def install(app: dash.Dash) -> None:
    server = app.server
    policy: dict[str, str] = {}

    def csp(response: Response) -> str:
        # Dash adds the pages router's clientside callback while it sets itself up on the
        # first request, so the hashes are taken once that has happened; the page's HTML
        # is the same for every path, so its inline scripts are hashed once too.
        if "value" in policy:
            return policy["value"]
        hashes = list(app.csp_hashes())
        is_page = response.mimetype == "text/html" and not response.direct_passthrough
        if is_page:
            hashes += inline_script_hashes(response.get_data(as_text=True))
        value = content_security_policy(list(dict.fromkeys(hashes)))
        if is_page and app._got_first_request.get("setup_server"):
            policy["value"] = value
        return value

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in STATIC_HEADERS.items():
            headers.setdefault(name, value)
        headers.setdefault("Content-Security-Policy", csp(response))
        if served_over_https():
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
