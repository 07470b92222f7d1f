"""Learning-rate schedules as functions of the step (0-based)."""

from __future__ import annotations

import math

SCHEDULES = ("constant", "cosine", "wsd", "inverse_sqrt")


def learning_rate(
    schedule: str,
    step: int,
    *,
    peak_lr: float,
    total_steps: int,
    warmup_steps: int = 0,
    min_lr_ratio: float = 0.1,
    decay_fraction: float = 0.2,
) -> float:
    """The learning rate at `step`.

    - constant: linear warmup, then `peak_lr`.
    - cosine: linear warmup, then cosine decay to min_lr_ratio·peak at `total_steps`
      (GPT-3, Brown et al. 2020, decays to 10%; Chinchilla matches the cycle to the run).
    - wsd: warmup, stable at peak, then linear decay over the last `decay_fraction` of the
      run (warmup-stable-decay; Hu et al. 2024, MiniCPM).
    - inverse_sqrt: warmup, then peak·sqrt(warmup/step) (Vaswani et al. 2017).
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}.")
    if total_steps < 1 or not 0 <= warmup_steps <= total_steps:
        raise ValueError("Warmup steps must be between 0 and the total number of steps.")
    if peak_lr <= 0 or not math.isfinite(peak_lr):
        raise ValueError("The peak learning rate must be a positive number.")
    if warmup_steps and step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    min_lr = peak_lr * min_lr_ratio
    if schedule == "constant":
        return peak_lr
    if schedule == "cosine":
        span = max(1, total_steps - warmup_steps)
        progress = min(1.0, (step - warmup_steps) / span)
        return min_lr + 0.5 * (peak_lr - min_lr) * (1 + math.cos(math.pi * progress))
    if schedule == "wsd":
        decay_start = total_steps - int(round(decay_fraction * total_steps))
        if step < decay_start:
            return peak_lr
        progress = min(1.0, (step - decay_start) / max(1, total_steps - decay_start))
        return peak_lr + (min_lr - peak_lr) * progress
    return peak_lr * math.sqrt(max(1, warmup_steps) / max(step + 1, 1))  # inverse_sqrt


def schedule_curve(schedule: str, **kwargs) -> list[float]:
    """The learning rate at every step of the run."""
    return [learning_rate(schedule, s, **kwargs) for s in range(kwargs["total_steps"])]
