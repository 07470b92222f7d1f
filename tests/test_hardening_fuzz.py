"""Every server callback, sent values of the wrong type, answers without a 500.

The callbacks are read from the running app's callback map (a new lab's callbacks are
covered without editing this file). Each gets well-formed requests whose values are
wrong: None, numbers where text belongs and text where numbers belong, NaN and
infinities, huge and negative numbers, long text, lone surrogates, lists and objects.
A callback may answer with a field message (200) or no update (204), or refuse (4xx);
it never answers 500, and never takes longer than a few seconds.

Background callbacks (they start jobs) and clientside callbacks are not driven here.
"""

from __future__ import annotations

import json
import logging
import math
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import callback_body

UPDATE = "/_dash-update-component"
SECONDS_PER_REQUEST = 10

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 2**63, -(2**63), 10**300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e-308, 5e-324]),
    st.text(max_size=20),
    st.sampled_from(["", " ", "abc", "1e999", "-5", "NaN", "\ud800", "a\udfffb", "<b>x</b>"]),
    st.just("x" * 20_000),
)
wild_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
match_values = st.sampled_from([0, 1, "training", "overview", "x", -1])


def server_callbacks(app) -> list[str]:
    return sorted(
        key
        for key, spec in app.callback_map.items()
        if "callback" in spec and not spec.get("background")
    )


class TooSlow(BaseException):
    """Not an Exception: neither a callback nor the edge's error handler may catch it."""


def _alarm(_signum, _frame):
    raise TooSlow


def _post(client, body) -> int:
    data = json.dumps(body).encode()  # lone surrogates travel as \\ud800 escapes, as in JS
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_REQUEST)
    try:
        return client.post(UPDATE, data=data, content_type="application/json").status_code
    except TooSlow:
        return -1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def drive(client, key: str, spec: dict, examples: int) -> list[str]:
    """Problems found driving one callback: "500 for {...}" or "slow for {...}"."""
    problems: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        inputs=st.lists(wild_values, min_size=len(spec["inputs"]), max_size=len(spec["inputs"])),
        state=st.lists(wild_values, min_size=len(spec["state"]), max_size=len(spec["state"])),
        match=match_values,
    )
    def one(inputs, state, match):
        if len(problems) >= 3:
            return
        body = callback_body(key, spec, inputs, state, match=match)
        status = _post(client, body)
        if status == -1 or status >= 500:
            what = "slow" if status == -1 else str(status)
            problems.append(f"{what} for inputs={inputs!r:.200} state={state!r:.200}")

    one()
    return problems


@pytest.mark.slow
def test_every_server_callback_survives_wrong_typed_values(guide_app, client, caplog):
    keys = server_callbacks(guide_app)
    assert len(keys) > 30, "the callback map looks empty: are the labs imported?"
    failures = {}
    with caplog.at_level(logging.WARNING, logger="app.server.limits"):
        for key in keys:
            problems = drive(client, key, guide_app.callback_map[key], examples=12)
            if problems:
                failures[key] = problems
    assert not failures, json.dumps(failures, indent=1)[:4000]


def test_a_callback_that_raises_answers_no_update(guide_app, client):
    """The edge's generic guard: an exception inside a callback is "no update" (204)."""
    from dash import Input, Output, _callback, callback

    @callback(Output("fuzz-probe-out", "children"), Input("fuzz-probe-in", "value"))
    def probe(value):
        return str(1 + value)  # raises on anything but a number

    guide_app.callback_map.update(_callback.GLOBAL_CALLBACK_MAP)  # as on a first request
    key = "fuzz-probe-out.children"
    spec = guide_app.callback_map[key]
    try:
        assert _post(client, callback_body(key, spec, [1])) == 200
        assert _post(client, callback_body(key, spec, ["text"])) == 204
        assert not drive(client, key, spec, examples=30)
    finally:
        del guide_app.callback_map[key]


def test_the_fuzzer_reports_a_500(guide_app):
    """The check above can fail: a server that answers 500 to some values is reported."""

    class Answers500ToWrongTypes:
        def post(self, _url, data, content_type):
            value = json.loads(data)["inputs"][0]["value"]

            class R:
                status_code = 200 if value is None or type(value) in (int, float) else 500

            return R()

    key = next(k for k in server_callbacks(guide_app) if k.startswith("..glossary-list"))
    problems = drive(Answers500ToWrongTypes(), key, guide_app.callback_map[key], examples=60)
    assert problems and all(p.startswith("500 for inputs=") for p in problems)
