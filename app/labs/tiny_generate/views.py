"""What the deployment lab shows: pure builders of its views (no callbacks).

Kept apart from `tiny_generate.py`, which owns the layout and the callbacks."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from app.components.lab_card import stat
from app.core.units import char_label, human_bytes, human_count
from app.services.tinygpt.generation import Generation, memory_rows
from app.services.tinygpt.models import LoadedModel

LAB = "tiny_generate"


def tail(prompt: str, n: int = 24) -> str:
    """The prompt's last `n` characters for a chart title, new lines shown as ↵."""
    shown = "".join(char_label(c) if c == "\n" else c for c in prompt[-n:])
    return ("…" if len(prompt) > n else "") + shown


def speed_view(g: Generation) -> list:
    """The generation's measured speed, as stat tiles."""
    per_char_ms = 1000 * g.seconds / len(g.text) if g.text else 0.0
    return [
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


def no_memory():
    return html.Div("Pick a model to see its serving memory.", className="small text-muted")


def memory_table(loaded: LoadedModel):
    """Serving memory of the tiny model next to a real one, with the KV-cache arithmetic."""
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
