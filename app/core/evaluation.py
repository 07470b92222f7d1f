"""Evaluation arithmetic: perplexity, bits per character, and how noisy a benchmark is."""

from __future__ import annotations

import math


def perplexity(mean_nll_nats: float) -> float:
    """exp(mean negative log-likelihood per token, in nats): the effective number of
    equally likely next tokens the model is choosing between."""
    if not math.isfinite(mean_nll_nats) or mean_nll_nats < 0:
        raise ValueError("The mean loss must be a non-negative number of nats.")
    return math.exp(mean_nll_nats)


def bits_per_character(mean_nll_nats: float, chars_per_token: float) -> float:
    """Loss per token converted to bits (÷ ln 2) and spread over the characters a token
    covers: comparable across tokenizers, unlike per-token perplexity."""
    if chars_per_token <= 0:
        raise ValueError("Characters per token must be positive.")
    return mean_nll_nats / math.log(2) / chars_per_token


def accuracy_interval(correct: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for an accuracy of correct/total (95% for z = 1.96)."""
    if total < 1 or not 0 <= correct <= total:
        raise ValueError("Need at least one question and 0 ≤ correct ≤ total.")
    p = correct / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def margin_of_error(accuracy: float, total: int, z: float = 1.96) -> float:
    """Half-width of the normal-approximation interval: z·sqrt(p(1−p)/n)."""
    if total < 1 or not 0 <= accuracy <= 1:
        raise ValueError("Need at least one question and an accuracy between 0 and 1.")
    return z * math.sqrt(accuracy * (1 - accuracy) / total)


def difference_interval(acc_a: float, acc_b: float, total: int, z: float = 1.96):
    """(difference, half-width) for acc_a − acc_b when two models answer `total` different
    (independent) questions each: z·sqrt(pA(1−pA)/n + pB(1−pB)/n). Scoring both on the
    same questions and pairing the answers gives a tighter interval (Miller 2024, §4)."""
    half = math.hypot(margin_of_error(acc_a, total, z), margin_of_error(acc_b, total, z))
    return acc_a - acc_b, half


def questions_to_separate(acc_a: float, acc_b: float, z: float = 1.96) -> int:
    """Smallest n for which the 95% interval of the difference excludes zero, assuming
    the observed accuracies hold: n = z²·(pA(1−pA) + pB(1−pB)) / (pA − pB)²."""
    if acc_a == acc_b:
        raise ValueError("The two accuracies are equal: no number of questions separates them.")
    for p in (acc_a, acc_b):
        if not 0 <= p <= 1:
            raise ValueError("Accuracies must be between 0 and 1.")
    var = acc_a * (1 - acc_a) + acc_b * (1 - acc_b)
    return max(1, math.ceil(z * z * var / (acc_a - acc_b) ** 2))


def unigram_cross_entropy(train_ids, eval_ids, vocab_size: int) -> float:
    """Loss in nats per token of a model that knows only how often each token occurs in
    the training text (add-one smoothed) and predicts `eval_ids` with those frequencies.

    The baseline a language model must beat to show it learned more than letter counts;
    a model that guesses uniformly scores ln(vocab_size), which is always higher or equal
    in expectation."""
    import numpy as np

    if vocab_size < 1:
        raise ValueError("The vocabulary needs at least one token.")
    train = np.asarray(train_ids, dtype=np.int64)
    held = np.asarray(eval_ids, dtype=np.int64)
    if held.size == 0:
        raise ValueError("Need some evaluation tokens.")
    counts = np.bincount(train, minlength=vocab_size).astype(np.float64) + 1.0
    log_probs = np.log(counts / counts.sum())
    return float(-log_probs[held].mean())
