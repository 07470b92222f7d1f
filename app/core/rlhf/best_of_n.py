"""Best-of-n sampling (rejection sampling against a reward model): draw n answers from the
policy, keep the one the reward model scores highest.

Its KL divergence from the policy is at most log n − (n − 1)/n (Stiennon et al. 2020,
appendix G.3; Beirami et al. 2024 prove it is an upper bound), so plotting against it
puts best-of-n on the same axis as RL fine-tuning (Gao et al. 2023, "Scaling Laws for
Reward Model Overoptimization").
"""

from __future__ import annotations

import math

import numpy as np


def kl_bound(n: int) -> float:
    """log n − (n − 1)/n nats: 0 for n = 1, growing like log n."""
    if n < 1:
        raise ValueError("n must be at least 1.")
    return math.log(n) - (n - 1) / n


def best_of_n_expectation(rewards, values, n: int) -> float:
    """E[value of the highest-reward answer among n drawn without replacement from the m
    samples], computed exactly: after sorting by reward, the i-th smallest (1-based) is
    the best of a random n-subset with probability C(i−1, n−1) / C(m, n). Ties in reward
    are broken by sample order."""
    rewards, values = np.asarray(rewards, float), np.asarray(values, float)
    m = len(rewards)
    if not 1 <= n <= m:
        raise ValueError(f"n must be between 1 and the number of samples ({m}).")
    order = np.argsort(rewards, kind="stable")
    weights = np.array([math.comb(i - 1, n - 1) for i in range(1, m + 1)], float)
    weights /= math.comb(m, n)
    return float(weights @ values[order])


def best_of_n_curve(groups, max_n: int) -> dict[str, list[float]]:
    """For n = 1..max_n: mean over questions of the best-of-n reward and correctness.
    `groups`: one (rewards, correctness) pair of arrays per question."""
    ns = list(range(1, max_n + 1))
    reward = [float(np.mean([best_of_n_expectation(r, r, n) for r, _ in groups])) for n in ns]
    correct = [float(np.mean([best_of_n_expectation(r, c, n) for r, c in groups])) for n in ns]
    return {"n": ns, "kl": [kl_bound(n) for n in ns], "reward": reward, "correctness": correct}
