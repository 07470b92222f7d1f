"""Deployment lab: serve the tiny GPT. Generate text with temperature, top-k and top-p,
see which next characters the sampler keeps, time the generation on this server, and
size the model's serving memory (weights and KV cache) next to Llama 2 7B's.

The model is the shipped checkpoint or one of the learner's stage-05 runs
(`app.tiny_models`); sampling rules are `app.core.sampling` (the same as
`TinyGPT.generate`); memory is `app.core.serving`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, callback, dcc, html

from app.components.inputs import field_error, number_field
from app.components.lab_card import formula_note, lab_card, stat
from app.components.tiny_model_picker import follow_trained_runs, tiny_model_select
from app.core.architecture import count_params
from app.core.presets import get_preset, preset_info
from app.core.sampling import sampling_distribution
from app.core.serving import kv_cache_bytes, weights_bytes
from app.core.units import human_bytes, human_count
from app.figures.theme import GRAPH_CONFIG, message_figure
from app.figures.tiny import char_label, next_char_figure
from app.tiny_models import PRETRAINED, resolve, to_model_config
from app.validation import InputError, parse_number

LAB = "tiny_generate"
MAX_NEW_CHARS = 300  # 1.3-2.5 ms a character on this 2-core server (busy or not): under 1 s
MAX_PROMPT = 200
BAR_CHARS = 24  # candidates drawn in the next-character chart
REAL_MODEL = "llama-2-7b"
FIELDS = ("model", "prompt", "temperature", "top_k", "top_p", "max_new", "seed")
DEFAULTS = {
    "model": PRETRAINED,
    "prompt": "The model ",
    "temperature": 0.8,
    "top_k": 20,
    "top_p": 0.95,
    "max_new": 200,
    "seed": 0,
}


@dataclass(frozen=True)
class Request:
    """The learner's sampling settings, checked. top_k None / top_p None mean "off"."""

    model: str
    prompt: str
    temperature: float
    top_k: int | None
    top_p: float | None
    max_new: int
    seed: int


def parse_request(model, prompt, temperature, top_k, top_p, max_new, seed) -> Request:
    """Raw form values → Request, or InputError with one sentence."""
    prompt = prompt if isinstance(prompt, str) else ""
    prompt = prompt.replace("\r\n", "\n").replace("\r", "\n")
    if not prompt:
        raise InputError("Prompt: type at least one character for the model to continue.")
    if len(prompt) > MAX_PROMPT:
        raise InputError(
            f"Prompt: keep it to at most {MAX_PROMPT} characters (it has {len(prompt):,})."
        )
    temperature = parse_number(temperature, "Temperature", minimum=0, maximum=5)
    top_k = int(parse_number(top_k, "Top-k", minimum=0, maximum=100_000, integer=True))
    top_p = parse_number(top_p, "Top-p", minimum=0, maximum=1)
    if top_p == 0:
        raise InputError("Top-p: must be above 0 (1 keeps every character).")
    max_new = int(
        parse_number(max_new, "New characters", minimum=1, maximum=MAX_NEW_CHARS, integer=True)
    )
    seed = int(parse_number(seed, "Seed", minimum=0, maximum=2**31 - 1, integer=True))
    return Request(
        model=model,
        prompt=prompt,
        temperature=float(temperature),
        top_k=top_k or None,
        top_p=float(top_p) if top_p < 1 else None,
        max_new=max_new,
        seed=seed,
    )


# ------------------------------------------------------------------ the work


def next_char_distribution(loaded, req: Request):
    """The sampler's view of the first new character: (the vocabulary's characters, the
    SamplingDistribution over them, in the same order)."""
    model, tokenizer = loaded.model, loaded.tokenizer
    ids = tokenizer.encode(req.prompt)[-model.config.seq_len :]
    logits = model.logits(np.asarray(ids)[None, :])[0, -1]
    dist = sampling_distribution(logits, req.temperature, req.top_k, req.top_p)
    return tokenizer.chars, dist


@dataclass(frozen=True)
class Generation:
    text: str
    seconds: float
    first_char_seconds: float

    @property
    def chars_per_second(self) -> float:
        return len(self.text) / self.seconds if self.seconds > 0 else float("inf")


def generate(loaded, req: Request) -> Generation:
    """Generate and time it on this server. The time to the first character is measured
    by a separate one-character run (reading the prompt, then one sampling step)."""
    model, tokenizer = loaded.model, loaded.tokenizer
    ids = tokenizer.encode(req.prompt)
    args = dict(temperature=req.temperature, top_k=req.top_k, top_p=req.top_p, seed=req.seed)
    start = time.perf_counter()
    model.generate(ids, 1, **args)
    first = time.perf_counter() - start
    start = time.perf_counter()
    out = model.generate(ids, req.max_new, **args)
    seconds = time.perf_counter() - start
    return Generation(tokenizer.decode(out), seconds, first)


@dataclass(frozen=True)
class ServingMemory:
    name: str
    n_params: int
    weights_fp32: float
    weights_bf16: float
    kv_per_token: float  # bf16
    context: int
    kv_full_context: float  # bf16, one sequence


def serving_memory(name: str, cfg, n_params: int) -> ServingMemory:
    """Weights at 32 and 16 bits, and the bf16 KV cache per token and for one full context
    (2 × layers × KV heads × head size × 2 bytes per token; Pope et al. 2022)."""
    return ServingMemory(
        name=name,
        n_params=n_params,
        weights_fp32=weights_bytes(n_params, 32),
        weights_bf16=weights_bytes(n_params, 16),
        kv_per_token=kv_cache_bytes(cfg, 1, 1, bytes_per_value=2),
        context=cfg.seq_len,
        kv_full_context=kv_cache_bytes(cfg, cfg.seq_len, 1, bytes_per_value=2),
    )


def memory_rows(loaded) -> tuple[ServingMemory, ServingMemory]:
    tiny = loaded.model.config
    real_cfg = get_preset(REAL_MODEL)
    return (
        serving_memory("Tiny GPT", to_model_config(tiny), tiny.n_params()),
        serving_memory(preset_info(REAL_MODEL).label, real_cfg, count_params(real_cfg).total),
    )


# ------------------------------------------------------------------ layout


def layout():
    d, f = DEFAULTS, f"{LAB}-"
    controls = dbc.Row(
        [
            dbc.Col(
                tiny_model_select(f + "model", "Model"),
                md=6,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Label(
                            "Prompt", html_for=f + "prompt", className="form-label small mb-1"
                        ),
                        dbc.Input(
                            id=f + "prompt",
                            value=d["prompt"],
                            maxLength=MAX_PROMPT,
                            size="sm",
                            debounce=True,
                        ),
                    ],
                    className="mb-2",
                ),
                md=6,
            ),
            dbc.Col(
                number_field(
                    f + "temperature",
                    "Temperature",
                    d["temperature"],
                    min=0,
                    max=5,
                    step=0.1,
                    help="0 = always the likeliest",
                ),
                xs=6,
                md=4,
                lg=2,
            ),
            dbc.Col(
                number_field(f + "top_k", "Top-k", d["top_k"], min=0, step=1, help="0 = off"),
                xs=6,
                md=4,
                lg=2,
            ),
            dbc.Col(
                number_field(
                    f + "top_p", "Top-p", d["top_p"], min=0, max=1, step=0.05, help="1 = off"
                ),
                xs=6,
                md=4,
                lg=2,
            ),
            dbc.Col(
                number_field(
                    f + "max_new",
                    "New characters",
                    d["max_new"],
                    min=1,
                    max=MAX_NEW_CHARS,
                    step=1,
                    help=f"at most {MAX_NEW_CHARS}",
                ),
                xs=6,
                md=4,
                lg=3,
            ),
            dbc.Col(
                number_field(
                    f + "seed", "Seed", d["seed"], min=0, step=1, help="same seed, same text"
                ),
                xs=6,
                md=4,
                lg=3,
            ),
        ],
        className="g-2",
    )
    body = html.Div(
        [
            controls,
            html.Div(id=f"{LAB}-error"),
            dbc.Button(
                [html.I(className="bi bi-play-fill me-1"), "Generate"],
                id=f"{LAB}-run",
                color="primary",
                className="my-2",
            ),
            html.Div(id=f"{LAB}-about", className="small text-muted mb-2"),
            html.Div(
                html.Div(
                    "Press Generate: the text appears here, and its speed on this server below.",
                    className="small text-muted",
                ),
                id=f"{LAB}-output",
                className="mb-2",
            ),
            html.Div(id=f"{LAB}-speed", className="stat-row my-3"),
            dcc.Graph(id=f"{LAB}-chart", config={**GRAPH_CONFIG, "displayModeBar": False}),
            html.Div(id=f"{LAB}-chart-note", className="small text-muted"),
            html.H4("Serving memory, for scale", className="h6 mt-4"),
            html.Div(id=f"{LAB}-memory"),
            formula_note(
                "KV cache per token = 2 (K and V) × layers × KV heads × head size × bytes per "
                "number; weights = parameters × bytes per weight",
                "Pope et al. 2022, Efficiently Scaling Transformer Inference",
                "https://arxiv.org/abs/2211.05102",
            ),
        ]
    )
    return lab_card(
        LAB,
        "Serve the tiny GPT",
        "Generate text with the tiny model, running on this server right now. Change the "
        "**temperature**, **top-k** and **top-p** and watch which next characters stay in "
        "the draw, then see how fast it writes and how much memory serving it takes next to "
        "a real 7-billion-parameter model.",
        body,
        icon="bi-chat-left-text",
        sources=[
            ("Holtzman et al. 2020 (top-p)", "https://arxiv.org/abs/1904.09751"),
            ("Pope et al. 2022", "https://arxiv.org/abs/2211.05102"),
            ("Touvron et al. 2023 (Llama 2)", "https://arxiv.org/abs/2307.09288"),
        ],
    )


# ------------------------------------------------------------------ callbacks


INPUTS = [Input(f"{LAB}-{name}", "value") for name in FIELDS]


@callback(
    Output(f"{LAB}-chart", "figure"),
    Output(f"{LAB}-chart-note", "children"),
    Output(f"{LAB}-memory", "children"),
    Output(f"{LAB}-about", "children"),
    Output(f"{LAB}-error", "children"),
    *INPUTS,
)
def preview(*values):
    """Live, while editing: the next-character distribution and the memory table."""
    try:
        req = parse_request(*values)
        loaded = resolve(req.model)
    except InputError as err:
        return (
            message_figure("Fix the input above to see the next character."),
            None,
            no_memory(),
            None,
            field_error(str(err)),
        )
    except (OSError, ValueError) as err:
        return (
            message_figure("No model to serve."),
            None,
            no_memory(),
            None,
            field_error(f"The model could not be loaded: {err}"),
        )
    chars, dist = next_char_distribution(loaded, req)
    order = np.argsort(-dist.tempered, kind="stable")
    shown = [int(i) for i in order[:BAR_CHARS]]
    fig = next_char_figure(
        [chars[i] for i in shown],
        [float(dist.tempered[i]) for i in shown],
        [bool(dist.kept[i]) for i in shown],
        [float(dist.final[i]) for i in shown],
        title=f"Next character after “{_tail(req.prompt)}”",
    )
    if req.temperature == 0:
        note = (
            "Temperature 0: the sampler always takes the likeliest character, so the "
            "same prompt always gives the same text. The bars show the model's own "
            "probabilities (␣ is a space, ↵ a new line)."
        )
    else:
        note = (
            f"The sampler keeps {dist.n_kept} of {len(chars)} characters, holding "
            f"{100 * dist.kept_mass:.0f}% of the probability; it rescales them to add up "
            f"to 100% and draws one. The chart shows the {len(shown)} likeliest "
            "(␣ is a space, ↵ a new line)."
        )
    about = [html.Span(loaded.description)]
    unknown = sorted(set(req.prompt) - set(chars))
    if unknown:
        about.append(
            html.Span(
                f" Not in its vocabulary, so read as a space: {' '.join(map(repr, unknown[:8]))}."
            )
        )
    if loaded.note:
        about.insert(0, dbc.Alert(loaded.note, color="warning", className="py-2 small mb-1"))
    return fig, html.Span(note, id=f"{LAB}-kept"), memory_table(loaded), about, None


def _tail(prompt: str, n: int = 24) -> str:
    shown = "".join(char_label(c) if c == "\n" else c for c in prompt[-n:])
    return ("…" if len(prompt) > n else "") + shown


@callback(
    Output(f"{LAB}-output", "children"),
    Output(f"{LAB}-speed", "children"),
    Input(f"{LAB}-run", "n_clicks"),
    *[State(f"{LAB}-{name}", "value") for name in FIELDS],
    prevent_initial_call=True,  # timed alone, not while the page's other callbacks load
)
def run(n_clicks, *values):
    """Generate on click, and time it."""
    try:
        req = parse_request(*values)
        loaded = resolve(req.model)
    except InputError as err:
        return field_error(str(err)), None
    except (OSError, ValueError) as err:
        return field_error(f"The model could not be loaded: {err}"), None
    g = generate(loaded, req)
    output = html.Pre(
        [html.Span(req.prompt, className="text-muted"), html.Strong(g.text)],
        className="sample-text mb-0 p-2 border rounded bg-white",
        id=f"{LAB}-text",
    )  # plain text children: nothing typed or generated becomes HTML
    per_char_ms = 1000 * g.seconds / len(g.text) if g.text else 0.0
    speed = [
        stat(
            "Speed",
            f"{g.chars_per_second:,.0f}",
            id=f"{LAB}-cps",
            hint="characters per second, on this server",
        ),
        stat(
            "Time to first character",
            f"{1000 * g.first_char_seconds:.1f} ms",
            id=f"{LAB}-ttft",
            hint="read the prompt, pick one",
        ),
        stat("Per character", f"{per_char_ms:.1f} ms", hint="one full pass of the model"),
        stat("Generated", f"{len(g.text):,} characters", hint=f"in {g.seconds:.2f} s"),
    ]
    return output, speed


# ------------------------------------------------------------------ memory table


def no_memory():
    return html.Div("Pick a model to see its serving memory.", className="small text-muted")


def memory_table(loaded):
    tiny, real = memory_rows(loaded)

    def times(a: float, b: float) -> str:
        return f"{b / a:,.0f}×" if a else "–"

    rows = [
        (
            "Parameters",
            human_count(tiny.n_params),
            human_count(real.n_params),
            times(tiny.n_params, real.n_params),
        ),
        (
            "Weights, fp32",
            human_bytes(tiny.weights_fp32),
            human_bytes(real.weights_fp32),
            times(tiny.weights_fp32, real.weights_fp32),
        ),
        (
            "Weights, bf16",
            human_bytes(tiny.weights_bf16),
            human_bytes(real.weights_bf16),
            times(tiny.weights_bf16, real.weights_bf16),
        ),
        (
            "KV cache per token",
            human_bytes(tiny.kv_per_token),
            human_bytes(real.kv_per_token),
            times(tiny.kv_per_token, real.kv_per_token),
        ),
        (
            f"KV cache, full context ({tiny.context:,} / {real.context:,} tokens)",
            human_bytes(tiny.kv_full_context),
            human_bytes(real.kv_full_context),
            times(tiny.kv_full_context, real.kv_full_context),
        ),
    ]
    cfg = loaded.model.config
    head = html.Thead(
        html.Tr(
            [
                html.Th(""),
                *[html.Th(h, className="text-end") for h in (tiny.name, real.name, "Ratio")],
            ]
        )
    )
    body = html.Tbody(
        [html.Tr([html.Td(r[0]), *[html.Td(c, className="text-end") for c in r[1:]]]) for r in rows]
    )
    return html.Div(
        [
            dbc.Table(
                [head, body],
                size="sm",
                striped=True,
                className="small mb-1",
                responsive=True,
                id=f"{LAB}-memory-table",
            ),
            html.P(
                "Weights take 4 bytes each in fp32 (how this NumPy model runs) and 2 in bf16 "
                "(how servers usually keep them); the KV cache is counted at 2 bytes a number. "
                f"The tiny GPT has {cfg.n_layers} layers × {cfg.n_heads} heads × "
                f"{cfg.d_model // cfg.n_heads} numbers per head, so its KV cache takes 2 × "
                f"{cfg.n_layers} × {cfg.n_heads} × {cfg.d_model // cfg.n_heads} × 2 bytes = "
                f"{human_bytes(tiny.kv_per_token)} per token. This NumPy model keeps no KV "
                "cache: each new character re-reads its whole window, which is simple but "
                "repeats work that a real server would store.",
                className="small text-muted mb-0",
            ),
        ]
    )


fill_models = follow_trained_runs(f"{LAB}-model")
