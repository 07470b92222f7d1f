"""Serving arithmetic: weights, KV cache, what fits, and how fast decoding can go.

KV cache: each layer stores a key and a value vector of n_kv_heads × head_dim numbers per
token (Pope et al. 2022, "Efficiently Scaling Transformer Inference"; grouped-query
attention shrinks it by n_heads / n_kv_heads, Ainslie et al. 2023).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.architecture import ModelConfig, count_params

# Weight formats: bits per weight, and the group size of their fp16 scales (0 = none).
WEIGHT_FORMATS = {
    "bf16": (16, 0),
    "int8": (8, 0),  # per-channel scales: negligible
    "int4-g128": (4, 128),  # GPTQ / AWQ style: one fp16 scale (+ zero point) per 128 weights
}


def kv_cache_bytes(cfg: ModelConfig, seq_len: int, batch: int, bytes_per_value: float = 2) -> int:
    """2 (K and V) × layers × KV heads × head size × tokens × sequences × bytes per value."""
    if seq_len < 0 or batch < 0:
        raise ValueError("Context length and batch size cannot be negative.")
    return int(2 * cfg.n_layers * cfg.kv_heads * cfg.head_size * seq_len * batch * bytes_per_value)


def weights_bytes(n_params: float, bits: float, group_size: int = 0) -> float:
    """Bytes of weights stored with `bits` per weight, plus a 16-bit scale and zero point
    per `group_size` weights when quantised group-wise."""
    if bits <= 0 or n_params < 0:
        raise ValueError("Bits per weight must be positive and parameters not negative.")
    overhead = n_params / group_size * 4 if group_size else 0.0  # fp16 scale + fp16 zero
    return n_params * bits / 8 + overhead


@dataclass(frozen=True)
class ServingPlan:
    weights_bytes: float
    kv_bytes_per_sequence: float
    kv_bytes: float
    total_bytes: float
    memory_bytes: float
    max_batch: int
    decode_tokens_per_second: float  # all sequences together, memory-bandwidth bound
    per_sequence_tokens_per_second: float

    @property
    def fits(self) -> bool:
        return self.total_bytes <= self.memory_bytes


def plan_serving(
    cfg: ModelConfig,
    *,
    weight_format: str,
    context: int,
    batch: int,
    n_gpus: int,
    gpu_memory_gb: float,
    gpu_bandwidth_tbs: float,
    kv_bytes_per_value: float = 2,
    reserve_fraction: float = 0.1,
) -> ServingPlan:
    """Memory and a decode-speed bound for serving `batch` sequences of `context` tokens.

    Decoding one token per sequence must read every weight once plus every sequence's KV
    cache, so a step takes at least bytes_read / bandwidth (the memory-bound regime of
    small batches; Pope et al. 2022). `reserve_fraction` of memory is kept for activations
    and fragmentation.
    """
    if weight_format not in WEIGHT_FORMATS:
        raise ValueError(f"Weight format must be one of {', '.join(WEIGHT_FORMATS)}.")
    if context < 1 or batch < 1 or n_gpus < 1:
        raise ValueError("Context, batch and GPU count must be at least 1.")
    if cfg.n_heads % n_gpus:  # the same rule as training's tensor parallelism (memory.py)
        raise ValueError(
            f"Tensor parallel size ({n_gpus} GPUs) must divide the heads ({cfg.n_heads})."
        )
    bits, group = WEIGHT_FORMATS[weight_format]
    weights = weights_bytes(count_params(cfg).total, bits, group)
    kv_seq = kv_cache_bytes(cfg, context, 1, kv_bytes_per_value)
    memory = n_gpus * gpu_memory_gb * 1e9
    usable = memory * (1 - reserve_fraction)
    max_batch = max(0, math.floor((usable - weights) / kv_seq)) if kv_seq else 0
    # Reading the active weights (MoE: only routed experts) and the KV caches once per step.
    active_weights = weights * count_params(cfg).active / count_params(cfg).total
    step_seconds = (active_weights + kv_seq * batch) / (n_gpus * gpu_bandwidth_tbs * 1e12)
    return ServingPlan(
        weights_bytes=weights,
        kv_bytes_per_sequence=kv_seq,
        kv_bytes=kv_seq * batch,
        total_bytes=weights + kv_seq * batch,
        memory_bytes=usable,
        max_batch=max_batch,
        decode_tokens_per_second=batch / step_seconds,
        per_sequence_tokens_per_second=1 / step_seconds,
    )
