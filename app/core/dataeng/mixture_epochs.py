"""Sampling weights → how many times each source is repeated for a token budget.

A source with T_i tokens sampled with weight w_i in a run of B tokens is read
w_i · B / T_i times (its epochs). LLaMA's Table 1 prints weights and epochs for a 1.4T-token
run, which gives each source's size T_i = w_i · B / epochs_i; with those sizes, any new
weights or budget give new epochs. Muennighoff et al. 2023 ("Scaling Data-Constrained
Language Models") found up to about 4 epochs of repeated data cost little; far beyond that
the returns fall away.
"""

from __future__ import annotations

from app.core.mixtures import get_mixture

REPEAT_WARNING_EPOCHS = 4.0  # Muennighoff et al. 2023


def source_tokens(mixture_id: str = "llama1") -> dict[str, float]:
    """T_i = share_i · total / epochs_i, from a mixture that prints shares and epochs."""
    m = get_mixture(mixture_id)
    if not m.total_tokens or any(c.epochs is None for c in m.components):
        raise ValueError(f"{m.name} does not print the epochs and total needed for sizes.")
    return {c.name: c.share_percent / 100 * m.total_tokens / c.epochs for c in m.components}


def epochs(weights: dict[str, float], sizes: dict[str, float], budget_tokens: float) -> dict:
    """{source: epochs} for sampling weights (any positive scale; normalised here)."""
    if budget_tokens <= 0:
        raise ValueError("The token budget must be positive.")
    if set(weights) != set(sizes):
        raise ValueError("Give a weight for every source.")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("Weights must be non-negative, and not all zero.")
    total = sum(weights.values())
    return {s: weights[s] / total * budget_tokens / sizes[s] for s in sizes}
