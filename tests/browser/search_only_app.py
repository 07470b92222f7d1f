"""A tiny Dash app with only the guide search (no shell), for test_search_standalone.

It runs in its own process: Dash hands every callback registered with `dash.callback`
to the first app that serves a request, so an app built inside the test process would
take the guide's lab callbacks away from the app other tests build.
"""

from __future__ import annotations

import sys

from dash import Dash, Input, Output, dcc, html

from app.components.search import search_box


def build() -> Dash:
    app = Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div([dcc.Location(id="url"), search_box(), html.Div(id="page")])

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def page(pathname):
        if pathname != "/deployment":
            return html.P("home", id="home")
        return [
            html.Div(style={"height": "3000px"}),
            html.H2("The KV cache", id="section-the-kv-cache"),
            html.Div(style={"height": "3000px"}),
        ]

    return app


if __name__ == "__main__":
    build().run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
