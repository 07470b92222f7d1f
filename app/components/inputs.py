"""The one number input, select and inline error used by every lab."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from app.validation import range_text


def number_field(
    id: str,
    label: str,
    value: float | int | None,
    *,
    min: float | None = None,
    max: float | None = None,
    step: float | str | None = "any",
    unit: str = "",
    help: str = "",
    debounce: bool = True,
) -> html.Div:
    """A labelled number input with an optional unit and help line.

    `min`, `max` and `step` are checked on the server, by `app.validation.parse_number`,
    which says what is wrong; the form states the range under the box (so nothing is
    silently dropped). They are not given to the browser as constraints: a value outside a
    browser's min/max/step counts as invalid and reaches Dash as empty, so the learner would
    read "please enter a number" instead of "must be at most 4". `debounce` means the value
    is sent on blur/Enter.
    """
    whole = step == 1
    limits = range_text(min, max, integer=whole, unit=unit)
    control = dbc.Input(
        id=id,
        type="number",
        value=value,
        step="any",
        debounce=debounce,
        inputMode="numeric" if whole else "decimal",
        invalid=False,
    )
    if unit:
        control = dbc.InputGroup([control, dbc.InputGroupText(unit)], size="sm")
    else:
        control.size = "sm"
    children: list[Any] = [
        dbc.Label(label, html_for=id, className="form-label small mb-1"),
        control,
    ]
    note = " ".join(part for part in (help, limits) if part)
    if note:
        children.append(html.Div(note, className="form-text small"))
    return html.Div(children, className="mb-2")


def select_field(
    id: str, label: str, options: list[dict] | list[str], value: Any, *, help: str = ""
) -> html.Div:
    """A labelled dropdown (native select: fast, accessible, no typing)."""
    opts = [o if isinstance(o, dict) else {"label": o, "value": o} for o in options]
    children: list[Any] = [
        dbc.Label(label, html_for=id, className="form-label small mb-1"),
        dbc.Select(id=id, options=opts, value=value, size="sm"),
    ]
    if help:
        children.append(html.Div(help, className="form-text small"))
    return html.Div(children, className="mb-2")


def field_error(message: str | None) -> Any:
    """What an error slot shows: nothing when all is well, else a small warning alert."""
    if not message:
        return None
    return dbc.Alert(
        [html.I(className="bi bi-exclamation-triangle me-2"), message],
        color="warning",
        className="py-2 px-3 small mb-2",
    )


def spec_field(prefix: str, spec, value: Any = "default", **kwargs) -> html.Div:
    """The number input for an `app.validation.NumberSpec`, with id `{prefix}-{spec.name}`
    and the spec's label, unit and help: the one place a field's words live."""
    return number_field(
        f"{prefix}-{spec.name}",
        spec.label,
        spec.default if value == "default" else value,
        min=spec.minimum,
        max=spec.maximum,
        step=1 if spec.integer else "any",
        unit=spec.unit,
        help=spec.help,
        **kwargs,
    )


def field_errors(errors: dict[str, str]) -> Any:
    """Every invalid field's message at once (a list when there are several), or None."""
    messages = list(dict.fromkeys(errors.values()))
    if not messages:
        return None
    if len(messages) == 1:
        return field_error(messages[0])
    return dbc.Alert(
        [
            html.I(className="bi bi-exclamation-triangle me-2"),
            "Fix these to update:",
            html.Ul([html.Li(m) for m in messages], className="mb-0 mt-1"),
        ],
        color="warning",
        className="py-2 px-3 small mb-2",
    )


def invalid_flags(names, errors: dict[str, str]) -> list[bool]:
    """The `invalid` prop of each field in `names`: red outline on exactly the bad ones."""
    return [name in errors for name in names]


# ---------------------------------------------------------------------------------------
# Shareable settings: each field's value is written to the page's query string (its key is
# the field's id, e.g. ?memory_planner-micro=2) and to the tab's sessionStorage. On a page
# load the query string (a shared link) wins, then the session (the learner came back);
# values that are unknown, out of range or malformed are ignored, so the default stays and
# nothing errors. All in the browser: no request unless a value really changes.

_SHARE_JS = """
function() {
    const cfg = CONFIG;
    const dc = window.dash_clientside, nu = dc.no_update;
    const n = cfg.fields.length;
    const args = Array.prototype.slice.call(arguments);
    const values = args.slice(0, n);
    const selected = cfg.model ? args[n] : null;
    const options = cfg.model ? args[n + 1] : null;
    const trig = ((dc.callback_context || {}).triggered || [])
        .map(t => t.prop_id).filter(p => p && p !== ".");
    const initial = trig.length === 0;
    const key = "ogelo:" + cfg.lab;
    const modelIndex = cfg.fields.findIndex(f => f.id === cfg.model);
    const hasMine = selected && typeof selected === "object" && selected.config;

    function clean(f, raw, mine) {
        if (raw === null || raw === undefined) return undefined;
        if (f.kind === "number") {
            const s = String(raw).trim();
            if (s === "" || s.length > 40) return undefined;
            const v = Number(s);
            if (!Number.isFinite(v)) return undefined;
            if (f.min !== null && v < f.min) return undefined;
            if (f.max !== null && v > f.max) return undefined;
            if (f.integer && !Number.isInteger(v)) return undefined;
            return v;
        }
        let allowed = f.options.slice();
        if (f.id === cfg.model && mine) allowed.push(cfg.sel);
        if (f.kind === "list") {
            const parts = Array.isArray(raw) ? raw.map(String) : String(raw).split(",");
            return allowed.filter(o => parts.indexOf(String(o)) >= 0);
        }
        const hit = allowed.find(o => String(o) === String(raw));
        return hit === undefined ? undefined : hit;
    }
    function text(v) { return Array.isArray(v) ? v.join(",") : String(v); }

    let out = values.map(() => nu);
    let modelOptions = nu;
    if (cfg.model) {
        const base = (options || []).filter(o => o.value !== cfg.sel);
        if (hasMine) {
            const label = "Your model: " + String(selected.name || "custom");
            modelOptions = [{label: label, value: cfg.sel}].concat(base);
        } else if (base.length !== (options || []).length) {  // "Your model" is gone
            modelOptions = base;
            if (values[modelIndex] === cfg.sel) out[modelIndex] = cfg.fields[modelIndex].dflt;
        }
    }
    if (initial) {
        const query = new URLSearchParams(window.location.search);
        let saved = {};
        try { saved = JSON.parse(window.sessionStorage.getItem(key) || "{}") || {}; }
        catch (e) { saved = {}; }
        const fromLink = cfg.fields.some(f => query.has(f.id));
        let restored = false;
        cfg.fields.forEach((f, i) => {
            const raw = fromLink ? query.get(f.id) : saved[f.id];
            const v = clean(f, raw, hasMine);
            if (v !== undefined && text(v) !== text(values[i])) { out[i] = v; restored = true; }
        });
        if (cfg.model && hasMine && !fromLink && saved[cfg.model] === undefined) {
            out[modelIndex] = cfg.sel;  // nothing chosen before: follow stage 04's model
        }
    } else if (cfg.model && trig.indexOf("selected-model.data") >= 0 && hasMine) {
        out[modelIndex] = cfg.sel;  // a model was just chosen on stage 04: follow it
    }
    const now = values.map((v, i) => out[i] === nu ? v : out[i]);
    const query = new URLSearchParams(window.location.search);
    const keep = {};
    cfg.fields.forEach((f, i) => {
        const v = now[i];
        keep[f.id] = v;
        if (v === null || v === undefined || text(v) === text(f.dflt) || v === cfg.sel) {
            query.delete(f.id);
        } else {
            query.set(f.id, text(v));
        }
    });
    try { window.sessionStorage.setItem(key, JSON.stringify(keep)); } catch (e) {}
    const q = query.toString();
    const url = window.location.pathname + (q ? "?" + q : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
    }
    if (cfg.store) {  // the lab's own callback sets the fields from this store
        const picked = {};
        cfg.fields.forEach((f, i) => { if (out[i] !== nu) picked[f.id] = out[i]; });
        return Object.keys(picked).length ? picked : nu;
    }
    const result = cfg.model ? out.concat([modelOptions]) : out;
    return result.length === 1 ? result[0] : result;  // one output: its value, not a list
}
"""


def share_settings(
    lab: str, fields: list[dict], *, model: str | None = None, store: str | None = None
) -> None:
    """Register (once, at import) the clientside callback that keeps lab `lab`'s inputs in
    the URL and the session, and restores them on load. `fields`: dicts from `number_rule`
    and `choice_rule`. `model`: the id of a model picker among them, which also follows the
    learner's own model from stage 04 (`selected-model`). `store`: instead of setting the
    fields, put the values to restore ({id: value}) in this dcc.Store, for a lab whose own
    callback sets its fields (Dash allows one callback per output)."""
    import json

    from dash import Input, Output, State, clientside_callback

    from app.components.model_picker import SELECTED

    config = {"lab": lab, "fields": fields, "model": model, "sel": SELECTED, "store": store}
    targets = [(store, "data")] if store else [(f["id"], "value") for f in fields]
    outputs = [Output(i, prop) for i, prop in targets]
    inputs = [Input(f["id"], "value") for f in fields]
    extra: list[Any] = []
    if model:
        outputs.append(Output(model, "options"))
        extra = [Input("selected-model", "data"), State(model, "options")]
    clientside_callback(_SHARE_JS.replace("CONFIG", json.dumps(config)), *outputs, *inputs, *extra)


def number_rule(prefix: str, spec) -> dict:
    """What the browser checks before restoring a number from a link or the session."""
    return {
        "id": f"{prefix}-{spec.name}",
        "kind": "number",
        "min": spec.minimum,
        "max": spec.maximum,
        "integer": spec.integer,
        "dflt": spec.default,
    }


def choice_rule(id: str, options: list, default: Any, *, many: bool = False) -> dict:
    """A select/radio (or, with `many`, a checklist) whose value must be one of `options`
    (plain values or {"label", "value"} dicts)."""
    values = [o["value"] if isinstance(o, dict) else o for o in options]
    return {"id": id, "kind": "list" if many else "choice", "options": values, "dflt": default}
