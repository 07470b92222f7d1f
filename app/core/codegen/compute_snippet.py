"""A compute plan as a short Python script: the same formulas, with their papers."""

from __future__ import annotations

from app.core.codegen import Snippet
from app.core.compute import (
    CHINCHILLA_A,
    CHINCHILLA_ALPHA,
    CHINCHILLA_B,
    CHINCHILLA_BETA,
    CHINCHILLA_E,
    OPTIMAL_A,
    OPTIMAL_G,
)


def python_code(
    *,
    compute_flops: float,
    n_params: float,
    gpu_name: str,
    peak_tflops: float,
    n_gpus: int,
    mfu: float,
    price_per_hour: float,
) -> str:
    if compute_flops <= 0 or n_params <= 0 or n_gpus < 1 or not 0 < mfu <= 1:
        raise ValueError("Compute, parameters, GPUs and MFU must be positive (MFU at most 1).")
    return f"""# A training plan, worked out with the formulas of the papers.
C = {compute_flops:.4g}  # compute budget, FLOPs
N = {n_params:.4g}  # parameters

# Training costs about 6 FLOPs per parameter per token: 2 forward, 4 backward
# (Kaplan et al. 2020, Scaling Laws for Neural Language Models, Table 1).
D = C / (6 * N)  # training tokens

# Compute-optimal size for this budget: N_opt = G * C**a, a least-squares fit to the nine
# rows of Hoffmann et al. 2022 (Chinchilla), Table 3; D_opt = C / (6 * N_opt).
N_opt = {OPTIMAL_G} * C**{OPTIMAL_A}
D_opt = C / (6 * N_opt)

# Predicted loss L(N, D) = E + A / N**alpha + B / D**beta (Hoffmann et al. 2022, eq. 10).
E, A, B = {CHINCHILLA_E}, {CHINCHILLA_A}, {CHINCHILLA_B}
alpha, beta = {CHINCHILLA_ALPHA}, {CHINCHILLA_BETA}
loss = E + A / N**alpha + B / D**beta

# Time and cost on {n_gpus:,} × {gpu_name} ({peak_tflops:g} dense BF16 TFLOPS each) at a
# model FLOPs utilisation (MFU) of {100 * mfu:.0f}%.
n_gpus, peak_flops = {n_gpus}, {peak_tflops:g}e12
mfu, price_per_gpu_hour = {mfu:g}, {price_per_hour:g}
gpu_hours = C / (peak_flops * mfu) / 3600
days = gpu_hours / n_gpus / 24
cost = gpu_hours * price_per_gpu_hour

print(f"{{D:.3g}} tokens, {{D / N:.1f}} per parameter (compute-optimal: {{N_opt:.3g}} "
      f"parameters on {{D_opt:.3g}} tokens)")
print(f"predicted loss {{loss:.3f}} nats per token")
print(f"{{gpu_hours:,.0f}} GPU-hours: {{days:,.1f}} days on {{n_gpus:,}} GPUs, ${{cost:,.0f}}")
"""


def snippets(**kwargs) -> list[Snippet]:
    return [Snippet("plan.py", "python", python_code(**kwargs))]
