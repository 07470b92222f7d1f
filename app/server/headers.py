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


def served_over_https() -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return request.is_secure or forwarded.split(",")[0].strip().lower() == "https"


def install(app: dash.Dash) -> None:
    server = app.server
    policy: dict[str, str] = {}

    def csp() -> str:
        # Dash adds the pages router's clientside callback while it sets itself up on the
        # first request, so the hashes are taken once that has happened.
        if "value" not in policy:
            value = content_security_policy(list(dict.fromkeys(app.csp_hashes())))
            if not app._got_first_request.get("setup_server"):
                return value
            policy["value"] = value
        return policy["value"]

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in STATIC_HEADERS.items():
            headers.setdefault(name, value)
        headers.setdefault("Content-Security-Policy", csp())
        if served_over_https():
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
