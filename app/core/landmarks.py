"""Tokens per parameter of the landmark models (content/tables/landmark_models.csv).

The compute-optimal ratio of Hoffmann et al. 2022 (about 20 tokens per parameter) is a
statement about training compute, 6·N·D, where N is the parameters each token passes
through. For a mixture-of-experts model that is the *active* count, not the total: a
DeepSeek-V3 token meets 37B of its 671B parameters (DeepSeek-AI 2024, abstract), so its
14.8T tokens are about 400 per active parameter, far past compute-optimal, not the 22 per
parameter that dividing by the total would suggest.
"""

from __future__ import annotations


def tokens_per_param(
    training_tokens: float, total_params: float, active_params: float | None = None
) -> float:
    """Training tokens per parameter that each token uses (active for MoE, else all)."""
    n = active_params or total_params
    if n <= 0 or training_tokens < 0:
        raise ValueError("Parameters must be positive and tokens at least 0.")
    if active_params is not None and active_params > total_params:
        raise ValueError("Active parameters cannot exceed the total.")
    return training_tokens / n


def with_active(row: dict) -> dict:
    """A landmark row with `active_params` (an int, the total for dense models), `is_moe`
    and `tokens_per_param` computed over the active parameters."""
    raw = str(row.get("active_params") or "").strip()
    active = int(raw) if raw else int(row["params"])
    return {
        **row,
        "active_params": active,
        "is_moe": active < int(row["params"]),
        "tokens_per_param": tokens_per_param(row["training_tokens"], row["params"], active),
    }
