"""Choosing an open model: which fit your hardware, context, speed, budget and licence,
and which are on the Pareto front of quality against cost per million tokens.

Memory and decode speed come from `app.core.serving.plan_serving` (weights + KV cache,
and the memory-bandwidth bound on decoding, Pope et al. 2022); parameter counts from the
architecture in content/tables/model_presets.yaml. The one new formula is the price of a
token: GPU-hours per million tokens at the bound's speed times the hourly price.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.core.gpus import GPU
from app.core.presets import get_preset
from app.core.serving import WEIGHT_FORMATS, plan_serving

MODELS_FILE = Path(__file__).resolve().parents[2] / "content" / "tables" / "open_models.yaml"
BENCHMARKS = {"mmlu": "MMLU (5-shot)", "gsm8k": "GSM8K", "humaneval": "HumanEval (pass@1)"}
LICENCE_KINDS = ("any", "permissive")


@dataclass(frozen=True)
class OpenModel:
    name: str
    preset: str
    params_total_b: float
    params_active_b: float
    context: int
    licence: str
    licence_kind: str
    scores: dict
    source: str
    source_url: str


@lru_cache(maxsize=1)
def open_models(path: Path = MODELS_FILE) -> tuple[OpenModel, ...]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for row in rows:
        try:
            m = OpenModel(**row)
            get_preset(m.preset)
            if m.licence_kind not in ("custom", "permissive"):
                raise ValueError("licence_kind must be custom or permissive")
            if not m.source_url.startswith("https://") or not set(m.scores) <= set(BENCHMARKS):
                raise ValueError("needs an https source_url and known benchmarks")
        except (TypeError, ValueError) as err:
            raise ValueError(f"{path.name}: model {row.get('name')!r}: {err}") from None
        out.append(m)
    return tuple(out)


def cost_per_million_tokens(
    price_per_gpu_hour: float, n_gpus: int, tokens_per_second: float
) -> float:
    """$ per million generated tokens: (n_gpus × price per hour) / (tokens per hour) × 10⁶."""
    if tokens_per_second <= 0:
        raise ValueError("The speed must be positive.")
    return n_gpus * price_per_gpu_hour / (tokens_per_second * 3600) * 1e6


@dataclass(frozen=True)
class Candidate:
    model: OpenModel
    fits: bool
    reasons: tuple[str, ...]  # why it does not fit; empty when it fits
    memory_gb: float
    ms_per_token: float  # per sequence, the decode bound
    cost_per_million: float  # $ at the chosen batch, all sequences together


def choose(
    gpu: GPU,
    n_gpus: int,
    *,
    weight_format: str = "bf16",
    context: int = 4096,
    batch: int = 8,
    max_ms_per_token: float = 100.0,
    max_cost_per_million: float = 10.0,
    licence: str = "any",
    price_per_hour: float | None = None,
) -> list[Candidate]:
    """Every model in the table, with whether it meets all the constraints and why not."""
    if licence not in LICENCE_KINDS:
        raise ValueError(f"Licence must be one of {', '.join(LICENCE_KINDS)}.")
    if weight_format not in WEIGHT_FORMATS:
        raise ValueError(f"Weight format must be one of {', '.join(WEIGHT_FORMATS)}.")
    price = gpu.price_per_hour if price_per_hour is None else price_per_hour
    out = []
    for m in open_models():
        cfg = get_preset(m.preset)
        reasons = []
        if cfg.n_heads % n_gpus:
            reasons.append(f"{n_gpus} GPUs do not divide its {cfg.n_heads} heads")
            out.append(
                Candidate(m, False, tuple(reasons), float("nan"), float("nan"), float("nan"))
            )
            continue
        plan = plan_serving(
            cfg,
            weight_format=weight_format,
            context=context,
            batch=batch,
            n_gpus=n_gpus,
            gpu_memory_gb=gpu.memory_gb,
            gpu_bandwidth_tbs=gpu.bandwidth_tbs,
        )
        ms = 1000 / plan.per_sequence_tokens_per_second
        cost = cost_per_million_tokens(price, n_gpus, plan.decode_tokens_per_second)
        if not plan.fits:
            reasons.append(
                f"needs {plan.total_bytes / 1e9:,.0f} GB, {plan.memory_bytes / 1e9:,.0f} GB usable"
            )
        if context > m.context:
            reasons.append(f"context {m.context:,} tokens")
        if ms > max_ms_per_token:
            reasons.append(f"{ms:,.0f} ms per token")
        if cost > max_cost_per_million:
            reasons.append(f"${cost:,.2f} per million tokens")
        if licence == "permissive" and m.licence_kind != "permissive":
            reasons.append(f"licence: {m.licence}")
        out.append(Candidate(m, not reasons, tuple(reasons), plan.total_bytes / 1e9, ms, cost))
    return out


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the (cost, quality) points no other point beats on both (cheaper or equal
    and better or equal, one strictly), sorted by cost."""
    idx = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    front, best = [], float("-inf")
    for i in idx:
        if points[i][1] > best:
            front.append(i)
            best = points[i][1]
    return front
