"""Architecture lab: pick a published model, build one, or paste a config.json; see where
its parameters are and what a token costs. The chosen model is saved for later stages."""

from __future__ import annotations

import json
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from app.components.inputs import field_error, number_field, select_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.model_picker import preset_options
from app.core.architecture import ModelConfig, count_params, forward_flops_per_token
from app.core.presets import get_preset, list_presets
from app.core.units import human_count, scientific
from app.figures.bars import parts_figure
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.validation import InputError, parse_choice, parse_number

LAB = "model_builder"
DEFAULT = "llama-2-7b"
MAX_CONFIG_CHARS = 20_000

# (field, label, minimum, maximum, help); all whole numbers
NUMBERS = (
    ("n_layers", "Layers", 1, 1_000, ""),
    ("d_model", "Width d_model", 1, 1_000_000, ""),
    ("n_heads", "Attention heads", 1, 10_000, "Must divide d_model."),
    ("n_kv_heads", "KV heads", 1, 10_000, "= heads: MHA; 1: MQA; between: GQA."),
    ("d_ff", "MLP width d_ff", 1, 10_000_000, "Blank = 4 × d_model."),
    ("vocab_size", "Vocabulary", 1, 10_000_000, ""),
    ("seq_len", "Context length", 1, 10_000_000, "Tokens."),
    ("n_experts", "Experts", 1, 1_024, "1 = dense MLP."),
    ("experts_per_token", "Experts per token", 1, 1_024, ""),
)
CHOICES = (
    ("mlp", "MLP", [("GELU (2 matrices)", "gelu"), ("SwiGLU (3 matrices)", "swiglu")]),
    ("norm", "Norm", [("LayerNorm", "layernorm"), ("RMSNorm", "rmsnorm")]),
    ("position", "Positions", [("Learned table", "learned"), ("RoPE (no weights)", "rope")]),
)
FLAGS = (("bias", "Biases"), ("tied_embeddings", "Tied input/output embeddings"))
FIELDS = [n for n, *_ in NUMBERS] + [n for n, *_ in CHOICES] + [n for n, _ in FLAGS]


def _field_values(cfg: ModelConfig) -> list[Any]:
    d = cfg.to_dict()
    d["n_kv_heads"] = cfg.kv_heads
    d["d_ff"] = cfg.ffn_dim
    values = [d[n] for n, *_ in NUMBERS] + [d[n] for n, *_ in CHOICES]
    return values + [[n] if d[n] else [] for n, _ in FLAGS]


def controls(cfg: ModelConfig) -> html.Div:
    values = _field_values(cfg)
    numbers = [
        dbc.Col(number_field(f"{LAB}-{n}", label, v, min=lo, step=1, help=h), xs=6, md=4, lg=3)
        for (n, label, lo, _hi, h), v in zip(NUMBERS, values, strict=False)
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
            html.Div(id=f"{LAB}-error", className="mt-2"),
            html.Div(id=f"{LAB}-stats", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config=GRAPH_CONFIG),
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


@callback(
    *[Output(f"{LAB}-{n}", "value") for n in FIELDS],
    Output(f"{LAB}-load-error", "children"),
    Input(f"{LAB}-preset", "value"),
    Input(f"{LAB}-paste-apply", "n_clicks"),
    State(f"{LAB}-paste", "value"),
    State("selected-model", "data"),
)
def load_config(preset, _clicks, pasted, saved):
    """Fill the fields from a preset or a pasted config.json; on page load, bring back the
    model this learner built earlier in the session."""
    try:
        if ctx.triggered_id is None:
            # Always return values here: a page-load call that returned no_update would
            # keep Dash from ever running `analyse`, which waits on these fields.
            cfg = saved_config(saved) or get_preset(DEFAULT)
        elif ctx.triggered_id == f"{LAB}-paste-apply":
            cfg = config_from_json(pasted)
        else:
            cfg = get_preset(parse_choice(preset, "Model", [p.name for p in list_presets()]))
    except (InputError, ValueError) as err:
        return *[no_update] * len(FIELDS), field_error(str(err))
    return *_field_values(cfg), None


def saved_config(saved: Any) -> ModelConfig | None:
    """The stage-04 model kept in the session store, if it is still a valid config."""
    if not (isinstance(saved, dict) and isinstance(saved.get("config"), dict)):
        return None
    try:
        return ModelConfig.from_dict(saved["config"])
    except (TypeError, ValueError):
        return None


def read_config(values: dict[str, Any]) -> ModelConfig:
    """The form's raw values → ModelConfig; InputError names the field at fault."""
    kwargs: dict[str, Any] = {}
    for name, label, lo, hi, _ in NUMBERS:
        raw = values.get(name)
        if name == "d_ff" and (raw is None or raw == ""):
            continue
        kwargs[name] = int(parse_number(raw, label, minimum=lo, maximum=hi, integer=True))
    for name, label, opts in CHOICES:
        kwargs[name] = parse_choice(values.get(name), label, [v for _, v in opts])
    for name, _ in FLAGS:
        kwargs[name] = name in (values.get(name) or [])
    try:
        return ModelConfig(**kwargs)
    except ValueError as err:
        raise InputError(str(err)) from None


def matching_preset(cfg: ModelConfig) -> str | None:
    for p in list_presets():
        if _field_values(p.config) == _field_values(cfg):
            return p.label
    return None


@callback(
    Output(f"{LAB}-stats", "children"),
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-error", "children"),
    Output("selected-model", "data"),
    *[Input(f"{LAB}-{n}", "value") for n in FIELDS],
)
def analyse(*raw):
    try:
        cfg = read_config(dict(zip(FIELDS, raw, strict=True)))
    except InputError as err:
        return (
            None,
            message_figure("Fix the input named above to see the breakdown."),
            (field_error(str(err))),
            no_update,
        )
    name = matching_preset(cfg) or "Custom model"
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
    return stats, fig, None, {"name": name, "config": cfg.to_dict()}
