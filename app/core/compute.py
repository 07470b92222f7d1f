"""Training compute, compute-optimal scaling, time and cost.

- FLOPs per token: Kaplan et al. 2020, Table 1 (forward 2N + 2·n_layer·n_ctx·d_attn;
  training ≈ 3× forward, i.e. 6N per token plus the attention term).
- Loss and compute-optimal sizes: Hoffmann et al. 2022 ("Chinchilla").
"""

from __future__ import annotations

import math
from functools import lru_cache

from app.core.architecture import ModelConfig, forward_flops_per_token

# Hoffmann et al. 2022, eq. (10): the parametric fit of Approach 3.
CHINCHILLA_E, CHINCHILLA_A, CHINCHILLA_B = 1.69, 406.4, 410.7
CHINCHILLA_ALPHA, CHINCHILLA_BETA = 0.34, 0.28
# Compute-optimal model size N_opt = G · C^a, least-squares fit (log space) to the nine rows
# of Hoffmann et al. 2022, Table 3 (Approach 1, whose exponent the paper gives as a = 0.50).
OPTIMAL_G, OPTIMAL_A = 0.09916, 0.4981
SECONDS_PER_DAY = 86_400


def _positive(value: float, name: str) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}.")
    return float(value)


def training_flops(n_params: float, n_tokens: float) -> float:
    """C ≈ 6·N·D: forward (2N) plus backward (4N) FLOPs per token (Kaplan et al. 2020)."""
    return 6.0 * _positive(n_params, "Parameters") * _positive(n_tokens, "Tokens")


def training_flops_with_attention(cfg: ModelConfig, n_tokens: float) -> float:
    """6N·D plus the attention term 6·n_layer·n_ctx·d_attn per token (Kaplan et al. 2020)."""
    return 3.0 * forward_flops_per_token(cfg) * _positive(n_tokens, "Tokens")


def chinchilla_loss(n_params: float, n_tokens: float) -> float:
    """Predicted pretraining loss L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 10)."""
    n = _positive(n_params, "Parameters")
    d = _positive(n_tokens, "Tokens")
    return CHINCHILLA_E + CHINCHILLA_A / n**CHINCHILLA_ALPHA + CHINCHILLA_B / d**CHINCHILLA_BETA


def chinchilla_optimal(compute_flops: float) -> tuple[float, float]:
    """Compute-optimal (parameters, tokens) for a FLOP budget, as in Hoffmann et al. 2022,
    Table 3: N_opt = G·C^a and D_opt = C / (6·N_opt), about 20 tokens per parameter."""
    c = _positive(compute_flops, "Compute budget")
    n_opt = OPTIMAL_G * c**OPTIMAL_A
    return n_opt, c / (6.0 * n_opt)


def chinchilla_tokens_for_params(n_params: float) -> float:
    """Tokens that make `n_params` compute-optimal: invert N_opt = G·C^a, then D = C/(6N)."""
    n = _positive(n_params, "Parameters")
    compute = (n / OPTIMAL_G) ** (1 / OPTIMAL_A)
    return compute / (6.0 * n)


def parametric_optimum(compute_flops: float) -> tuple[float, float]:
    """The (N, D) minimising `chinchilla_loss` at C = 6ND (Hoffmann et al. 2022, eq. 4):
    N = G·(C/6)^(β/(α+β)) with G = (αA / βB)^(1/(α+β))."""
    c = _positive(compute_flops, "Compute budget")
    a, b = CHINCHILLA_ALPHA, CHINCHILLA_BETA
    g = (a * CHINCHILLA_A / (b * CHINCHILLA_B)) ** (1 / (a + b))
    n = g * (c / 6) ** (b / (a + b))
    return n, c / (6 * n)


@lru_cache(maxsize=512)  # a planner redraws the same budgets' curves on every change
def isoflop_curve(
    compute_flops: float, n_points: int = 60, span: float = 30.0
) -> tuple[tuple[float, float, float], ...]:
    """(params, tokens, loss) along C = 6ND, from N_opt/span to N_opt·span (log-spaced)."""
    c = _positive(compute_flops, "Compute budget")
    n_mid, _ = parametric_optimum(c)
    out = []
    for i in range(n_points):
        n = n_mid * span ** (2 * i / (n_points - 1) - 1)
        d = c / (6 * n)
        out.append((n, d, chinchilla_loss(n, d)))
    return tuple(out)


def training_seconds(compute_flops: float, n_gpus: int, peak_tflops: float, mfu: float) -> float:
    """Wall-clock seconds: FLOPs / (GPUs × peak FLOP/s × model FLOPs utilisation)."""
    if not 0 < mfu <= 1:
        raise ValueError(f"MFU must be between 0 and 1 (e.g. 0.4 for 40%), got {mfu!r}.")
    gpus = _positive(n_gpus, "Number of GPUs")
    return _positive(compute_flops, "Compute") / (
        gpus * _positive(peak_tflops, "Peak") * 1e12 * mfu
    )


def gpu_hours(compute_flops: float, peak_tflops: float, mfu: float) -> float:
    """GPU-hours needed (independent of how many GPUs share the work)."""
    return training_seconds(compute_flops, 1, peak_tflops, mfu) / 3600


def training_cost(
    compute_flops: float, peak_tflops: float, mfu: float, price_per_gpu_hour: float
) -> float:
    """Cost in the price's currency: GPU-hours × price per GPU-hour."""
    if price_per_gpu_hour < 0:
        raise ValueError("The price per GPU-hour cannot be negative.")
    return gpu_hours(compute_flops, peak_tflops, mfu) * price_per_gpu_hour
