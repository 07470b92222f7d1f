"""The HTTP edge of the guide: what every request and response goes through.

`install(app)` wires it into the Dash app's Flask server:

- `limits`:   bodies over `MAX_REQUEST_BYTES` get 413 before anything parses them;
              malformed callback requests get 4xx, and an exception inside a callback
              becomes "no update" (204) with a logged warning instead of a 500.
- `headers`:  security headers (Content-Security-Policy with hashes of Dash's inline
              scripts, nosniff, frame-ancestors, Referrer-Policy, Permissions-Policy,
              HSTS over HTTPS) and no version banner.
- `routes`:   `/healthz` for the platforms' checks; unknown paths answer HTTP 404 while
              the friendly not-found page still renders.
- `plotly_bundle`: dcc's Plotly.js URL serves the guide's own bundle, with only the
              chart types it draws (a quarter of the full Plotly.js).
- `fast_json`: callback answers and layouts encoded with orjson (a quarter of the time of
              Plotly's encoder, which Dash uses).
- `compression`: static files (Dash's bundles, Plotly.js, the assets) are compressed once
              and kept, not on every request (`create_app` sets it up with the server).
"""

from __future__ import annotations

import dash

from app.server import fast_json, headers, limits, plotly_bundle, routes


def install(app: dash.Dash) -> None:
    """Add the guide's request limits, security headers and routes to `app`."""
    fast_json.install()
    limits.install(app)
    plotly_bundle.install(app)
    routes.install(app)
    headers.install(app)  # last: its after_request hook sees every other response
