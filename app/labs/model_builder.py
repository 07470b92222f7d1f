"""Architecture lab: pick a published model, build one, or paste a config.json; see where
its parameters are and what a token costs. The chosen model is saved for later stages."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from app.components.inputs import (
    choice_rule,
    field_error,
    field_errors,
    invalid_flags,
    number_field,
    number_rule,
    select_field,
    share_settings,
)
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import preset_options
from app.components.relay import relay
from app.core.architecture import ModelConfig, count_params, forward_flops_per_token
from app.core.presets import get_preset, list_presets
from app.core.units import human_count, scientific
from app.figures.bars import parts_figure
from app.figures.theme import GRAPH_CONFIG
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

LAB = "model_builder"
DEFAULT = "llama-2-7b"
MAX_CONFIG_CHARS = 20_000

PASTED = "__pasted__"  # the preset picker's entry for a pasted config.json
CUSTOM = "__custom__"  # ... and for a model changed by hand
# Every number field, described once (all whole numbers): input, parsing and message.
NUMBERS = (
    NumberSpec("n_layers", "Layers", None, 1, 1_000, True),
    NumberSpec("d_model", "Width d_model", None, 1, 1_000_000, True),
    NumberSpec(
        "n_heads",
        "Attention heads",
        None,
        1,
        10_000,
        True,
        help="Usually divides d_model (head size can be set on its own).",
    ),
    NumberSpec(
        "n_kv_heads", "KV heads", None, 1, 10_000, True, help="= heads: MHA; 1: MQA; between: GQA."
    ),
    NumberSpec("d_ff", "MLP width d_ff", None, 1, 10_000_000, True, help="Blank = 4 × d_model."),
    NumberSpec("vocab_size", "Vocabulary", None, 1, 10_000_000, True),
    NumberSpec("seq_len", "Context length", None, 1, 10_000_000, True, "tokens"),
    NumberSpec("n_experts", "Experts", None, 1, 1_024, True, help="1 = dense MLP."),
    NumberSpec("experts_per_token", "Experts per token", None, 1, 1_024, True),
)
CHOICES = (
    ("mlp", "MLP", [("GELU (2 matrices)", "gelu"), ("SwiGLU (3 matrices)", "swiglu")]),
    ("norm", "Norm", [("LayerNorm", "layernorm"), ("RMSNorm", "rmsnorm")]),
    ("position", "Positions", [("Learned table", "learned"), ("RoPE (no weights)", "rope")]),
)
FLAGS = (("bias", "Biases"), ("tied_embeddings", "Tied input/output embeddings"))
NUMBER_NAMES = [spec.name for spec in NUMBERS]
FIELDS = NUMBER_NAMES + [n for n, *_ in CHOICES] + [n for n, _ in FLAGS]


def _field_values(cfg: ModelConfig) -> list[Any]:
    d = cfg.to_dict()
    d["n_kv_heads"] = cfg.kv_heads
    d["d_ff"] = cfg.ffn_dim
    values = [d[n] for n in NUMBER_NAMES] + [d[n] for n, *_ in CHOICES]
    return values + [[n] if d[n] else [] for n, _ in FLAGS]


def controls(cfg: ModelConfig) -> html.Div:
    values = _field_values(cfg)
    numbers = [
        dbc.Col(
            number_field(
                f"{LAB}-{spec.name}",
                spec.label,
                v,
                min=spec.minimum,
                max=spec.maximum,
                step=1,
                unit=spec.unit,
                help=spec.help,
            ),
            xs=6,
            md=4,
            lg=3,
        )
        for spec, v in zip(NUMBERS, values, strict=False)
    ]
    choices = [
        dbc.Col(
            select_field(f"{LAB}-{n}", label, [{"label": a, "value": b} for a, b in opts], v),
            xs=6,
            md=4,
            lg=3,
        )
        for (n, label, opts), v in zip(CHOICES, values[len(NUMBERS) :], strict=False)
    ]
    flags = [
        dbc.Col(
            dbc.Checklist(
                id=f"{LAB}-{n}",
                options=[{"label": label, "value": n}],
                value=v,
                switch=True,
                className="small mt-md-4",
            ),
            xs=12,
            md=4,
            lg=3,
        )
        for (n, label), v in zip(FLAGS, values[len(NUMBERS) + len(CHOICES) :], strict=False)
    ]
    return dbc.Row(numbers + choices + flags, className="g-2")


def layout():
    cfg = get_preset(DEFAULT)
    stats, fig, *_ = analyse(*_field_values(cfg))
    source = dbc.Row(
        [
            dbc.Col(
                select_field(
                    f"{LAB}-preset",
                    "Start from a published model",
                    preset_options(),
                    DEFAULT,
                    help="Then change any field below.",
                ),
                md=6,
            ),
            dbc.Col(
                dbc.Accordion(
                    dbc.AccordionItem(
                        [
                            dbc.Textarea(
                                id=f"{LAB}-paste",
                                placeholder='{"num_hidden_layers": 32, "hidden_size": 4096, ...}',
                                rows=5,
                                className="font-monospace small mb-2",
                            ),
                            dbc.Button(
                                "Use this config",
                                id=f"{LAB}-paste-apply",
                                size="sm",
                                color="secondary",
                            ),
                        ],
                        title="Or paste a Hugging Face config.json",
                    ),
                    start_collapsed=True,
                    className="mt-md-4",
                ),
                md=6,
            ),
        ],
        className="g-2 mb-2",
    )
    body = html.Div(
        [
            source,
            html.Div(id=f"{LAB}-load-error"),
            controls(cfg),
            dcc.Store(id=f"{LAB}-pasted"),
            dcc.Store(id=f"{LAB}-restore"),
            dcc.Store(id=f"{LAB}-saved"),  # relayed to the shell's selected-model
            html.Div(id=f"{LAB}-error", className="mt-2"),
            html.Div(stats, id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", figure=fig, config=GRAPH_CONFIG),
            formula_note(
                "params = vocab·d (+ positions) + L·(attention + MLP + norms) (+ output head); "
                "forward FLOPs/token ≈ 2·N_non-embedding + 2·L·n_ctx·d_attn",
                "Kaplan et al. 2020, Table 1",
                "https://arxiv.org/abs/2001.08361",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Build a model and count its parameters",
        "Start from a published model, change its shape, and see every parameter counted. "
        "The count matches the released checkpoints exactly (model cards round it: 124M, "
        "7B). The model you build here is used by the planners on the next stages.",
        body,
        icon="bi-boxes",
        sources=[
            ("GPT-2 model card", "https://huggingface.co/openai-community/gpt2"),
            ("Llama 2 paper", "https://arxiv.org/abs/2307.09288"),
        ],
        updates="fields",
    )


def config_from_json(text: Any) -> ModelConfig:
    """A pasted config.json → ModelConfig, or InputError in plain words."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("Paste the contents of a config.json first.")
    if len(text) > MAX_CONFIG_CHARS:
        raise InputError("That is too long for a config.json (over 20,000 characters).")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"That is not valid JSON (line {err.lineno}: {err.msg}).") from None
    try:
        return ModelConfig.from_hf_config(data)
    except ValueError as err:
        raise InputError(str(err)) from None


def config_name(text: str) -> str:
    """The name a pasted config.json gives itself: the last part of `_name_or_path`
    ('meta-llama/Llama-2-7b-hf' → 'Llama-2-7b-hf'), else its `model_type`, else 'Pasted
    model'. Shown as plain text (and escaped in charts), at most 60 characters."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return "Pasted model"
    if isinstance(data, dict):
        for key in ("_name_or_path", "name_or_path", "model_type"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip().rstrip("/").split("/")[-1][:60]
    return "Pasted model"


def picker_options(pasted: Any) -> list[dict[str, str]]:
    """The presets, then the pasted config (if any), then 'Custom model'."""
    options = preset_options()
    if isinstance(pasted, dict) and isinstance(pasted.get("name"), str):
        options.append({"label": f"Pasted: {pasted['name']}", "value": PASTED})
    return [*options, {"label": "Custom model (changed by hand)", "value": CUSTOM}]


# The model goes to the other stages' planners through the shell's session store; a relay,
# so that drawing this page asks the server nothing (see app.components.relay).
relay(f"{LAB}-saved", "data", "selected-model")


@callback(
    *[Output(f"{LAB}-{n}", "value") for n in FIELDS],
    Output(f"{LAB}-preset", "options"),
    Output(f"{LAB}-preset", "value"),
    Output(f"{LAB}-pasted", "data"),
    Output(f"{LAB}-load-error", "children"),
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Output(f"{LAB}-saved", "data"),
    *[Output(f"{LAB}-{n}", "invalid") for n in NUMBER_NAMES],
    Input(f"{LAB}-preset", "value"),
    Input(f"{LAB}-paste-apply", "n_clicks"),
    Input(f"{LAB}-restore", "data"),
    *[Input(f"{LAB}-{n}", "value") for n in FIELDS],
    State(f"{LAB}-paste", "value"),
    State(f"{LAB}-pasted", "data"),
    prevent_initial_call=True,  # the layout already shows the default model
)
def update(preset, _clicks, restore, *rest):
    """One callback for the whole form: a preset or a pasted config fills the fields; any
    change recounts; the picker then names what the fields hold (a preset, the pasted
    model by its own name, or 'Custom model')."""
    *raw, text, pasted = rest
    keep = [no_update] * len(FIELDS)
    load_error = None
    try:
        if ctx.triggered_id == f"{LAB}-paste-apply":
            cfg = config_from_json(text)
            raw = _field_values(cfg)
            pasted = {"name": config_name(text), "values": raw}
            keep = raw
        elif ctx.triggered_id == f"{LAB}-restore" and isinstance(restore, dict):
            # a link or the session: the browser checked each value against FIELDS' bounds
            raw = keep = [restore.get(f"{LAB}-{n}", v) for n, v in zip(FIELDS, raw, strict=True)]
        elif ctx.triggered_id == f"{LAB}-preset" and preset not in (PASTED, CUSTOM):
            cfg = get_preset(parse_choice(preset, "Model", [p.name for p in list_presets()]))
            raw = keep = _field_values(cfg)
    except (InputError, ValueError) as err:
        load_error = field_error(str(err))
    stats, fig, error, saved, *invalid = analyse(*raw, pasted=pasted)
    choice = no_update
    if saved is not no_update:
        choice = next(
            (p.name for p in list_presets() if p.label == saved["name"]),
            PASTED if saved.get("pasted") else CUSTOM,
        )
        saved = {"name": saved["name"], "config": saved["config"]}
    return (
        *keep,
        picker_options(pasted),
        choice,
        pasted,
        load_error,
        stats,
        fig,
        error,
        saved,
        *invalid,
    )


def saved_config(saved: Any) -> ModelConfig | None:
    """The stage-04 model kept in the session store, if it is still a valid config."""
    if not (isinstance(saved, dict) and isinstance(saved.get("config"), dict)):
        return None
    try:
        return ModelConfig.from_dict(saved["config"])
    except (TypeError, ValueError):
        return None


def read_config(values: dict[str, Any]) -> ModelConfig:
    """The form's raw values → ModelConfig; InputError's second argument is {field name:
    message} for every bad field."""
    numbers = [
        spec for spec in NUMBERS if not (spec.name == "d_ff" and values.get("d_ff") in (None, ""))
    ]
    kwargs, errors = parse_fields(numbers, values)
    for name, label, opts in CHOICES:
        try:
            kwargs[name] = parse_choice(values.get(name), label, [v for _, v in opts])
        except InputError as err:
            errors[name] = str(err)
    if errors:
        raise InputError("; ".join(errors.values()), errors)
    for name, _ in FLAGS:
        kwargs[name] = name in (values.get(name) or [])
    try:
        return ModelConfig(**kwargs)
    except ValueError as err:
        raise InputError(str(err), {"shape": str(err)}) from None


@lru_cache(maxsize=1)
def _preset_fields() -> tuple[tuple[str, list[Any]], ...]:
    """Each preset's label and form values, computed once (the presets never change)."""
    return tuple((p.label, _field_values(p.config)) for p in list_presets())


def matching_preset(cfg: ModelConfig) -> str | None:
    values = _field_values(cfg)
    return next((label for label, v in _preset_fields() if v == values), None)


def analyse(*raw, pasted: Any = None):
    """(stats, figure, error, saved model, *invalid flags of the number fields). A bad form
    names every bad field and keeps the last good result (no_update)."""
    try:
        cfg = read_config(dict(zip(FIELDS, raw, strict=True)))
    except InputError as err:
        errors = err.args[1] if len(err.args) > 1 else {"": str(err)}
        return (
            no_update,
            no_update,
            field_errors(errors),
            no_update,
            *invalid_flags(NUMBER_NAMES, errors),
        )
    name = matching_preset(cfg)
    from_paste = (
        not name
        and isinstance(pasted, dict)
        and pasted.get("values") == _field_values(cfg)
        and isinstance(pasted.get("name"), str)
    )
    if from_paste:
        name = pasted["name"]
    name = name or "Custom model"
    p = count_params(cfg)
    flops = forward_flops_per_token(cfg)
    stats = [
        stat("Parameters", human_count(p.total), id=f"{LAB}-total", hint=f"{p.total:,}"),
        stat("Embedding share", f"{100 * p.embedding_params / p.total:.1f}%"),
        stat("Forward FLOPs per token", scientific(flops), hint=f"at {cfg.seq_len:,} context"),
        stat("Attention", cfg.attention_variant, hint=f"{cfg.n_heads} heads, {cfg.kv_heads} KV"),
    ]
    if cfg.n_experts > 1:
        stats.insert(1, stat("Active per token", human_count(p.active)))
    parts = p.as_dict()
    if cfg.n_experts > 1:
        parts["MLP (active per token)"] = p.active_mlp
        parts["MLP (idle experts)"] = parts.pop("MLP") - p.active_mlp
    fig = parts_figure(
        parts,
        title=f"Where {name}'s parameters are",
        axis_title="Parameters",
        fmt=human_count,
    )
    saved = {"name": name, "config": cfg.to_dict(), "pasted": from_paste}
    return stats, fig, None, saved, *invalid_flags(NUMBER_NAMES, {})


_DEFAULTS = dict(zip(FIELDS, _field_values(get_preset(DEFAULT)), strict=True))
share_settings(
    LAB,
    [
        *({**number_rule(LAB, spec), "dflt": _DEFAULTS[spec.name]} for spec in NUMBERS),
        *(choice_rule(f"{LAB}-{n}", [v for _, v in opts], _DEFAULTS[n]) for n, _, opts in CHOICES),
        *(choice_rule(f"{LAB}-{n}", [n], _DEFAULTS[n], many=True) for n, _ in FLAGS),
    ],
    store=f"{LAB}-restore",
)
