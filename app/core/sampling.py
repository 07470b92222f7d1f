"""What a sampler does to the next-token distribution: temperature, then top-k, then top-p.

The same rules, in the same order, as `app.core.tinylm.model._sample`, which draws the
tokens the tiny GPT generates; here they are spelled out so a lab can show which
candidates survive. Temperature divides the logits (0 means greedy: only the likeliest
token); top-k keeps the k highest logits (ties at the k-th all stay); top-p keeps the
smallest set of likeliest tokens whose probabilities reach p (nucleus sampling, Holtzman
et al. 2019, "The Curious Case of Neural Text Degeneration").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SamplingDistribution:
    """For every token of the vocabulary (arrays of shape (V,)):

    tempered: softmax(logits / temperature), before any filter (temperature 0: the
        plain softmax, since dividing by zero has no distribution to show);
    kept: whether the token survives temperature, top-k and top-p;
    final: the probability the sampler actually draws with (0 where not kept, sums to 1).
    """

    tempered: np.ndarray
    kept: np.ndarray
    final: np.ndarray

    @property
    def n_kept(self) -> int:
        return int(self.kept.sum())

    @property
    def kept_mass(self) -> float:
        """Share of the tempered probability held by the kept tokens, before renormalising."""
        return float(self.tempered[self.kept].sum())


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


def sampling_distribution(
    logits, temperature: float, top_k: int | None = None, top_p: float | None = None
) -> SamplingDistribution:
    """Apply temperature, top-k and top-p to next-token logits (V,), as the sampler does."""
    logits = np.asarray(logits, dtype=np.float64).reshape(-1)
    if logits.size < 1 or not np.all(np.isfinite(logits)):
        raise ValueError("The logits must be a non-empty list of finite numbers.")
    if not np.isfinite(temperature) or temperature < 0:
        raise ValueError("The temperature must be 0 (greedy) or a positive number.")
    if top_k is not None and top_k < 1:
        raise ValueError("top-k must be at least 1.")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top-p must be above 0 and at most 1.")
    if temperature == 0:  # greedy: argmax, whatever the filters say
        tempered = _softmax(logits)
        kept = np.zeros(logits.size, dtype=bool)
        kept[int(np.argmax(logits))] = True
        return SamplingDistribution(tempered, kept, kept.astype(np.float64))
    scaled = logits / temperature
    tempered = _softmax(scaled)
    kept = np.ones(logits.size, dtype=bool)
    if top_k is not None and top_k < logits.size:
        kth = np.partition(scaled, -top_k)[-top_k]
        kept &= scaled >= kth
    probs = np.where(kept, tempered, 0.0)
    probs /= probs.sum()
    if top_p is not None and top_p < 1:
        order = np.argsort(-probs, kind="stable")
        cumulative = np.cumsum(probs[order])
        nucleus = np.zeros(logits.size, dtype=bool)
        nucleus[order[: int(np.searchsorted(cumulative, top_p)) + 1]] = True
        kept &= nucleus
    final = np.where(kept, tempered, 0.0)
    final /= final.sum()
    return SamplingDistribution(tempered, kept, final)
