"""Request limits: a body-size cap, and callback requests checked before Dash sees them.

Dash answers 500 to many malformed callback requests (an unknown output id, a missing
key, a wrong number of inputs, JSON nested thousands deep) and to any exception raised
inside a callback. Here:

- a body over `settings.max_request_bytes` gets 413 before it is read;
- a callback request that does not match a registered callback gets 400, naming what is
  wrong;
- an exception inside a callback (a value of the wrong type that slipped past a lab's
  parsing) is logged as a warning naming the callback, and answers 204: the page keeps
  what it showed (Dash's "no update");
- an unknown `/_dash-component-suites/` path gets a plain 404 (Dash's own message lists
  every file it serves).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import dash
from flask import Response, abort, request
from werkzeug.exceptions import HTTPException

from app.config import settings

log = logging.getLogger(__name__)

DISPATCH = "_dash-update-component"
SUITES = "_dash-component-suites"
MAX_JSON_DEPTH = 64  # figures nest ~6 deep, the progress store ~4: 64 is generous
URL_PROPS = {"pathname", "search", "hash", "href"}  # a dcc.Location's values are text


class BadCallbackRequest(ValueError):
    """The request is not a call of any registered callback."""


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when lists/dicts in `value` nest more than `limit` levels (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _check_entries(kind: str, sent: Any, expected: list) -> None:
    if not isinstance(sent, list):
        raise BadCallbackRequest(f"'{kind}' must be a list")
    if len(sent) != len(expected):
        raise BadCallbackRequest(
            f"'{kind}' has {len(sent)} entries; this callback takes {len(expected)}"
        )
    for entry, spec in zip(sent, expected, strict=True):
        items = entry if isinstance(entry, list) else [entry]  # ALL/ALLSMALLER: a list
        for item in items:
            if not isinstance(item, dict) or "id" not in item or "property" not in item:
                raise BadCallbackRequest(f"each of '{kind}' needs an 'id' and a 'property'")
            if not isinstance(item["property"], str) or not isinstance(item["id"], str | dict):
                raise BadCallbackRequest(f"'{kind}' has an id or property of the wrong type")
            if item["property"] != spec.get("property"):
                raise BadCallbackRequest(f"'{kind}' does not match the callback's {kind}")
            value = item.get("value")
            if item["property"] in URL_PROPS and not (value is None or isinstance(value, str)):
                raise BadCallbackRequest(f"'{item['property']}' must be text")


def check_callback_body(body: Any, callback_map: dict) -> dict:
    """The callback-map entry `body` calls, or BadCallbackRequest saying what is wrong."""
    if not isinstance(body, dict):
        raise BadCallbackRequest("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise BadCallbackRequest("'output' must be text")
    spec = callback_map.get(output)
    if spec is None:
        raise BadCallbackRequest("no callback has that output")
    if "outputs" in body and not isinstance(body["outputs"], dict | list):
        raise BadCallbackRequest("'outputs' must be an object or a list")
    _check_entries("inputs", body.get("inputs"), spec["inputs"])
    _check_entries("state", body.get("state", []), spec["state"])
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallbackRequest("'changedPropIds' must be a list of text")
    if too_deep(body):
        raise BadCallbackRequest(f"the JSON nests more than {MAX_JSON_DEPTH} levels")
    return spec


def _bad_request(message: str) -> Response:
    return Response(json.dumps({"error": message}), status=400, mimetype="application/json")


def _read_json() -> Any:
    raw = request.get_data(cache=True)  # MAX_CONTENT_LENGTH caps a chunked body here
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise BadCallbackRequest("the body is not valid JSON") from err


def guarded_dispatch(app: dash.Dash, dispatch: Callable[[], Any]) -> Callable[[], Any]:
    """Dash's callback view, answering 400 to requests that match no callback."""

    def dispatch_checked():
        try:
            body = _read_json()
            check_callback_body(body, app.callback_map)
        except BadCallbackRequest as err:
            return _bad_request(str(err))
        # Dash parses the body again with request.get_json(); hand it the parsed one.
        request._cached_json = (body, body)  # Flask's own cache slot
        try:
            return dispatch()
        except (HTTPException, dash.exceptions.PreventUpdate):
            raise
        except Exception as err:  # Dash's own checks, after ours, raise plain errors
            log.warning(
                "callback request for %r failed in Dash: %s: %s",
                body.get("output"),
                type(err).__name__,
                err,
            )
            return _bad_request("the callback could not be called with this request")

    dispatch_checked.__name__ = getattr(dispatch, "__name__", "dispatch")
    return dispatch_checked


def on_callback_error(err: Exception):
    """Dash's `on_error`: an exception inside a callback means "no update", logged."""
    ctx = dash.callback_context
    output = getattr(ctx, "outputs_list", None)
    log.warning(
        "callback for %s raised %s: %s (answered: no update)",
        _describe_outputs(output),
        type(err).__name__,
        err,
        exc_info=log.isEnabledFor(logging.DEBUG),
    )
    raise dash.exceptions.PreventUpdate


def _describe_outputs(outputs: Any) -> str:
    items = outputs if isinstance(outputs, list) else [outputs]
    names = []
    for item in items:
        for one in item if isinstance(item, list) else [item]:
            if isinstance(one, dict):
                names.append(f"{one.get('id')}.{one.get('property')}")
    return ", ".join(names) or "an unknown output"


def install(app: dash.Dash) -> None:
    server = app.server
    limit = settings.max_request_bytes
    server.config["MAX_CONTENT_LENGTH"] = limit  # caps chunked bodies as they are read

    @server.before_request
    def refuse_big_bodies():
        if request.content_length is not None and request.content_length > limit:
            abort(413)

    prefix = app.config.routes_pathname_prefix
    endpoint = prefix + DISPATCH
    server.view_functions[endpoint] = guarded_dispatch(app, server.view_functions[endpoint])

    suites_endpoint = prefix + SUITES + "/<string:package_name>/<path:fingerprinted_path>"
    serve_suite = server.view_functions[suites_endpoint]

    def serve_suite_checked(package_name: str, fingerprinted_path: str):
        try:
            return serve_suite(package_name, fingerprinted_path)
        except (dash.exceptions.DashException, KeyError, OSError, ValueError):
            return Response("Not found", status=404, mimetype="text/plain")

    server.view_functions[suites_endpoint] = serve_suite_checked
