"""The HTTP edge (app/server): size limits, malformed requests, query parameters, unknown
paths, security headers, /healthz and the private cache folder."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat

import pytest

from app.config import settings
from app.content import get_content
from app.server.cache_dir import UnsafeCacheDir, ensure_private_dir
from app.server.headers import inline_script_hashes
from app.server.limits import MAX_JSON_DEPTH, too_deep
from tests.helpers import callback_body

UPDATE = "/_dash-update-component"
ROUTES = ["/", "/glossary"] + [s.path for s in get_content().pages]


def _pages_callback(app):
    for key, spec in app.callback_map.items():
        ids = [(i["id"], i["property"]) for i in spec["inputs"]]
        if ("_pages_location", "pathname") in ids and "callback" in spec:
            return key, spec
    raise AssertionError("Dash pages' routing callback not found")


def _page(client, app, pathname, search=""):
    key, spec = _pages_callback(app)
    values = {"pathname": pathname, "search": search}
    inputs = [values.get(i["property"]) for i in spec["inputs"]]
    return client.post(UPDATE, json=callback_body(key, spec, inputs))


def _a_calculator(app):
    """A plain server callback with at least one input (the glossary search)."""
    for key, spec in app.callback_map.items():
        if key.startswith("..glossary-list.children"):
            return key, spec
    raise AssertionError("the glossary callback is not registered")


# ---- size --------------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413_before_it_is_parsed(client):
    too_big = b"{" * (settings.max_request_bytes + 1)  # not even JSON: never parsed
    r = client.post(UPDATE, data=too_big, content_type="application/json")
    assert r.status_code == 413


def test_a_body_under_the_limit_is_served(client, guide_app):
    key, spec = _a_calculator(guide_app)
    body = callback_body(key, spec, ["token"])
    assert client.post(UPDATE, json=body).status_code == 200


# ---- malformed callback requests ---------------------------------------------------


def _malformed(app) -> dict[str, bytes]:
    key, spec = _a_calculator(app)
    good = callback_body(key, spec, ["token"])
    pkey, pspec = _pages_callback(app)
    clientside = next(k for k, v in app.callback_map.items() if "callback" not in v)

    def variant(**changes):
        return json.dumps({**good, **changes}).encode()

    without = {k: v for k, v in good.items() if k != "inputs"}
    deep = "[" * 5000 + "]" * 5000
    return {
        "unknown output id": variant(output="no-such-output.children"),
        "output not text": variant(output=["glossary-list"]),
        "a clientside callback's output": variant(output=clientside),
        "no inputs key": json.dumps(without).encode(),
        "no output key": json.dumps({k: v for k, v in good.items() if k != "output"}).encode(),
        "too many inputs": variant(inputs=good["inputs"] * 2),
        "no inputs": variant(inputs=[]),
        "an input without an id": variant(inputs=[{"property": "value", "value": "x"}]),
        "an input that is not an object": variant(inputs=["glossary-search"]),
        "a wrong property": variant(inputs=[{"id": "glossary-search", "property": "x"}]),
        "state not a list": variant(state="x"),
        "changedPropIds not a list": variant(changedPropIds=7),
        "outputs a number": variant(outputs=3),
        "body a list": b"[1, 2]",
        "body a string": b'"hello"',
        "invalid JSON": b'{"output": ',
        "non-UTF-8 bytes": b'{"output": "\xff\xfe"}',
        "5,000-deep JSON": deep.encode(),
        "5,000-deep value": variant(
            inputs=[{**good["inputs"][0], "value": json.loads("[" * 900 + "]" * 900)}]
        ),
        "pathname a number": json.dumps(
            callback_body(
                pkey, pspec, [7, ""][: len(pspec["inputs"])] + [None] * (len(pspec["inputs"]) - 2)
            )
        ).encode(),
        "pathname a dict": json.dumps(
            callback_body(pkey, pspec, [{"a": 1}] + [None] * (len(pspec["inputs"]) - 1))
        ).encode(),
        "empty body": b"",
    }


MALFORMED = [
    "unknown output id",
    "output not text",
    "a clientside callback's output",
    "no inputs key",
    "no output key",
    "too many inputs",
    "no inputs",
    "an input without an id",
    "an input that is not an object",
    "a wrong property",
    "state not a list",
    "changedPropIds not a list",
    "outputs a number",
    "body a list",
    "body a string",
    "invalid JSON",
    "non-UTF-8 bytes",
    "5,000-deep JSON",
    "5,000-deep value",
    "pathname a number",
    "pathname a dict",
    "empty body",
]


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_callback_requests_get_4xx_not_500(client, guide_app, case):
    body = _malformed(guide_app)[case]
    r = client.post(UPDATE, data=body, content_type="application/json")
    assert 400 <= r.status_code < 500, (case, r.status_code, r.data[:200])


def test_a_4xx_says_what_is_wrong(client):
    r = client.post(UPDATE, json={"output": "nope.children", "inputs": []})
    assert r.status_code == 400
    assert r.get_json() == {"error": "no callback has that output"}


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/no_such_package/x.js",
        "/_dash-component-suites/dash/no-such-file.js",
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/os/x.js",
        "/_dash-component-suites/dash/dash-renderer/build/nope.v1_0_0m1.min.js",
    ],
)
def test_bad_component_suite_paths_get_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert b"Registered" not in r.data  # Dash's message listed every file it serves


def test_too_deep_counts_levels_without_recursion():
    assert not too_deep({"a": [{"b": [1, 2]}]})
    value: list = []
    for _ in range(MAX_JSON_DEPTH + 1):
        value = [value]
    assert too_deep(value)
    assert not too_deep(value[0][0])


# ---- pages -------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("search", ["?slug=x", "?layout=1&pathname=/x&_=3", "?%ff=%fe"])
def test_page_layouts_ignore_unknown_query_parameters(client, guide_app, route, search):
    plain = _page(client, guide_app, route)
    with_query = _page(client, guide_app, route, search)
    assert with_query.status_code == plain.status_code == 200
    # the same page: its heading is in both answers
    assert (
        json.loads(with_query.data)["response"].keys() == json.loads(plain.data)["response"].keys()
    )
    heading = _first_heading(json.loads(plain.data))
    assert heading and heading == _first_heading(json.loads(with_query.data))


def _first_heading(payload):
    found = []

    def walk(node):
        if found:
            return
        if isinstance(node, dict):
            if node.get("type") == "H1":
                found.append(json.dumps(node.get("props", {}).get("children")))
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(payload)
    return found[0] if found else None


@pytest.mark.parametrize("route", ROUTES + ["/training/", "/glossary/"])
def test_known_routes_answer_200(client, route):
    assert client.get(route).status_code == 200


@pytest.mark.parametrize("path", ["/no-such-page", "/training/extra", "/not-found-404", "/x.php"])
def test_unknown_paths_answer_404_with_the_app_page(client, guide_app, path):
    r = client.get(path)
    assert r.status_code == 404
    assert b'id="react-entry-point"' in r.data  # the browser still draws the friendly page
    routed = json.loads(_page(client, guide_app, path).data)
    assert "This page is not part of the pipeline" in json.dumps(routed)


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json()["status"] == "ok"


# ---- headers -----------------------------------------------------------------------


def _all_kinds(client, guide_app):
    key, spec = _a_calculator(guide_app)
    return {
        "page": client.get("/training"),
        "404": client.get("/nope"),
        "layout": client.get("/_dash-layout"),
        "callback": client.post(UPDATE, json=callback_body(key, spec, ["token"])),
        "bad callback": client.post(UPDATE, json={"output": 1}),
        "asset": client.get("/assets/app.css"),
        "healthz": client.get("/healthz"),
    }


def test_every_response_has_the_security_headers(client, guide_app):
    for kind, r in _all_kinds(client, guide_app).items():
        h = r.headers
        assert h["X-Content-Type-Options"] == "nosniff", kind
        assert h["X-Frame-Options"] == "DENY", kind
        assert h["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
        assert "camera=()" in h["Permissions-Policy"], kind
        csp = h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, kind
        assert "Strict-Transport-Security" not in h, kind  # plain HTTP: no HSTS


def test_the_csp_allows_only_the_page_own_inline_scripts(client, guide_app):
    page = client.get("/")
    directives = dict(
        d.strip().split(" ", 1) for d in page.headers["Content-Security-Policy"].split(";")
    )
    script_src = directives["script-src"].split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    hashes = {s for s in script_src if s.startswith("'sha256-")}
    in_page = set(inline_script_hashes(page.get_data(as_text=True)))
    assert in_page and in_page <= hashes  # every inline script the page runs is allowed
    assert hashes == in_page | set(guide_app.csp_hashes())  # and nothing else
    assert directives["object-src"] == "'none'"


def test_inline_script_hashes_skip_data_blocks_and_files():
    html = (
        '<script id="_dash-config" type="application/json">{"a": 1}</script>'
        '<script src="/x.js"></script>'
        '<script type="application/javascript">var a = 1;</script><script>b()</script>'
    )
    expected = [
        "'sha256-" + base64.b64encode(hashlib.sha256(js.encode()).digest()).decode() + "'"
        for js in ("var a = 1;", "b()")
    ]
    assert inline_script_hashes(html) == expected


def test_hsts_over_https_behind_a_proxy(client):
    r = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    r = client.get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" in r.headers


def test_the_page_config_does_not_tell_the_python_version(client):
    html = client.get("/").get_data(as_text=True)
    config = html.split('id="_dash-config" type="application/json">', 1)[1].split("</script>")[0]
    assert "python_version" not in json.loads(config)


# ---- cache folder ------------------------------------------------------------------


def test_the_app_makes_its_cache_folder_private(guide_app):
    from app.config import DEFAULT_CACHE_DIR

    if settings.cache_dir == DEFAULT_CACHE_DIR:  # a CACHE_DIR someone set is left as it is
        assert stat.S_IMODE(os.stat(settings.cache_dir).st_mode) == 0o700


def test_the_default_cache_folder_is_created_private(tmp_path):
    folder = ensure_private_dir(tmp_path / "cache", strict=True)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_cache_folder_open_to_others_is_made_private(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    ensure_private_dir(folder, strict=True)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_symlinked_cache_folder_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "cache")
    with pytest.raises(UnsafeCacheDir, match="symlink"):
        ensure_private_dir(tmp_path / "cache", strict=True)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_a_cache_folder_of_another_user_is_refused(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(UnsafeCacheDir, match="another user"):
        ensure_private_dir(folder, strict=True)


def test_a_chosen_cache_folder_is_created_private_and_left_alone_if_it_exists(tmp_path):
    assert stat.S_IMODE(ensure_private_dir(tmp_path / "new", strict=False).stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    ensure_private_dir(shared, strict=False)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


# ---- the settings fixture -----------------------------------------------------------


def test_override_settings_reaches_every_module_that_imported_them(override_settings, tmp_path):
    import app.config
    import app.services.jobs
    import app.services.tinygpt.training

    before = app.config.settings
    changed = override_settings(cache_dir=str(tmp_path), job_max_concurrent=7)
    for module in (app.config, app.services.jobs, app.services.tinygpt.training):
        assert module.settings is changed, module.__name__
    assert changed.job_max_concurrent == 7 and changed.port == before.port
