"""What serving costs: a roofline of prefill and decode as the batch grows, and the price
of a million tokens.

One decode step for a batch of b sequences multiplies every sequence's vector by every
weight matrix (about 2·N_active FLOPs per sequence, Kaplan et al. 2020) and reads the
weights once, so the matrix part takes max(2·N·b / peak, W / bandwidth): the roofline
model (Williams et al. 2009), applied to LLM inference by Pope et al. 2022. Small batches
wait on memory; the matrix part turns compute-bound from

    b* = W · peak / (2 · N · bandwidth)

(for bf16 weights, the GPU's FLOPs-per-byte ridge point: about 153 on an A100). Attention
also reads every sequence's KV cache at about one FLOP per byte, which stays memory-bound
at any batch, so a step takes max(2·N·b / peak, W / bandwidth) + b · KV / bandwidth, and
long contexts keep decode slow even past b*. Prefill pushes many prompt tokens through
together: compute-bound at about peak / (2·N) tokens per second.

Cost per million tokens = price per GPU-hour × GPUs / (tokens per second × 3,600 / 10⁶).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.architecture import ModelConfig, count_params
from app.core.serving import WEIGHT_FORMATS, kv_cache_bytes, weights_bytes


@dataclass(frozen=True)
class Roofline:
    batches: tuple[int, ...]
    decode_tokens_per_second: tuple[float, ...]  # all sequences together
    weights_only: tuple[float, ...]  # the matrix part alone, no KV reading
    compute_bound_ceiling: float  # peak / (2·N_active): also prefill's rate
    crossover_batch: float  # b*: where the matrix part turns compute-bound
    weight_bytes: float
    kv_bytes_per_sequence: float


def decode_step_seconds(
    batch: int,
    *,
    active_params: float,
    weight_bytes: float,
    kv_bytes: float,
    peak_flops: float,
    bandwidth: float,
) -> float:
    """Matrix part (compute or weight reading, whichever is slower) + reading the KV caches."""
    matrices = max(2.0 * active_params * batch / peak_flops, weight_bytes / bandwidth)
    return matrices + kv_bytes * batch / bandwidth


def roofline(
    cfg: ModelConfig,
    *,
    weight_format: str,
    context: int,
    n_gpus: int,
    peak_tflops: float,
    bandwidth_tbs: float,
    max_batch: int = 1024,
) -> Roofline:
    """Decode throughput for batches 1..max_batch (powers of two and the crossover)."""
    if weight_format not in WEIGHT_FORMATS:
        raise ValueError(f"Weight format must be one of {', '.join(WEIGHT_FORMATS)}.")
    if context < 1 or n_gpus < 1 or max_batch < 1:
        raise ValueError("Context, GPUs and batch must be at least 1.")
    p = count_params(cfg)
    bits, group = WEIGHT_FORMATS[weight_format]
    # MoE: a step reads only the routed experts' weights when the batch is small; we use
    # the active share, as app.core.serving does (a lower bound on the bytes read).
    w = weights_bytes(p.total, bits, group) * p.active / p.total
    kv = float(kv_cache_bytes(cfg, context, 1))
    peak = n_gpus * peak_tflops * 1e12
    bw = n_gpus * bandwidth_tbs * 1e12
    batches = sorted({2**i for i in range(int(math.log2(max_batch)) + 1)} | {max_batch})
    batches = sorted(set(batches) | {b for b in range(1, max_batch + 1) if b % 16 == 0})
    step = [
        decode_step_seconds(
            b, active_params=p.active, weight_bytes=w, kv_bytes=kv, peak_flops=peak, bandwidth=bw
        )
        for b in batches
    ]
    crossover = w * peak / (2.0 * p.active * bw)
    matrices = [max(2.0 * p.active * b / peak, w / bw) for b in batches]
    return Roofline(
        batches=tuple(batches),
        decode_tokens_per_second=tuple(b / s for b, s in zip(batches, step, strict=True)),
        weights_only=tuple(b / m for b, m in zip(batches, matrices, strict=True)),
        compute_bound_ceiling=peak / (2.0 * p.active),
        crossover_batch=crossover,
        weight_bytes=w,
        kv_bytes_per_sequence=kv,
    )


def cost_per_million_tokens(price_per_gpu_hour: float, n_gpus: int, tokens_per_second: float):
    """Dollars per 10⁶ tokens when `n_gpus` rented at `price_per_gpu_hour` produce
    `tokens_per_second` together, kept busy all hour."""
    if price_per_gpu_hour < 0 or n_gpus < 1 or tokens_per_second <= 0:
        raise ValueError("Price must be ≥ 0, GPUs ≥ 1 and throughput above 0.")
    return price_per_gpu_hour * n_gpus / (tokens_per_second * 3600 / 1e6)
