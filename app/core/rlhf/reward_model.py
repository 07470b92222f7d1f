"""A Bradley–Terry reward model: logistic regression on the difference of two answers'
features (Bradley & Terry 1952; the reward-model loss of Ouyang et al. 2022, eq. 1).

    P(A ≻ B) = σ(r(A) − r(B)),   r(x) = w · standardise(x)

Fitting w by maximum likelihood is logistic regression without an intercept on
x_A − x_B (scikit-learn's LogisticRegression). Features are standardised first, so the
weights are comparable: each says how much one standard deviation of that feature adds
to the reward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class RewardModel:
    weights: np.ndarray  # per standardised feature
    mean: np.ndarray
    scale: np.ndarray
    features: tuple[str, ...]

    def reward(self, x: np.ndarray) -> np.ndarray:
        """r(x) for rows of raw features (columns not in `features` are ignored upstream)."""
        return ((np.asarray(x, float) - self.mean) / self.scale) @ self.weights

    def prob_first(self, x_a: np.ndarray, x_b: np.ndarray) -> np.ndarray:
        """P(A preferred) = σ(r(A) − r(B))."""
        return 1 / (1 + np.exp(-(self.reward(x_a) - self.reward(x_b))))


def fit_bradley_terry(
    x_a: np.ndarray,
    x_b: np.ndarray,
    y: np.ndarray,
    features: tuple[str, ...] = (),
    *,
    c: float = 1.0,
) -> RewardModel:
    """Fit w by L2-regularised maximum likelihood (C = 1/strength, scikit-learn's C)."""
    x_a, x_b, y = np.asarray(x_a, float), np.asarray(x_b, float), np.asarray(y, int)
    if x_a.shape != x_b.shape or x_a.ndim != 2 or len(y) != len(x_a):
        raise ValueError("Give two feature tables of the same shape and one label per pair.")
    if len(set(y.tolist())) < 2:
        raise ValueError("The labels need both outcomes (A preferred and B preferred).")
    both = np.vstack([x_a, x_b])
    mean, scale = both.mean(axis=0), both.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    diff = (x_a - x_b) / scale  # the mean cancels in a difference
    clf = LogisticRegression(C=c, fit_intercept=False, max_iter=1000)
    clf.fit(diff, y)
    names = tuple(features) or tuple(f"x{i}" for i in range(x_a.shape[1]))
    return RewardModel(clf.coef_[0].copy(), mean, scale, names)


def accuracy(model: RewardModel, x_a, x_b, y) -> float:
    """Share of pairs where the model gives the preferred answer the higher reward."""
    return float(np.mean((model.prob_first(x_a, x_b) > 0.5) == (np.asarray(y) == 1)))


def calibration(p: np.ndarray, y: np.ndarray, n_bins: int = 5) -> list[tuple[float, float, int]]:
    """(mean predicted P, observed share preferred, count) per equal-width bin of P:
    a calibrated model's points lie on the diagonal (Guo et al. 2017)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    edges = np.linspace(0, 1, n_bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
    out = []
    for b in range(n_bins):
        m = which == b
        if m.any():
            out.append((float(p[m].mean()), float(y[m].mean()), int(m.sum())))
    return out


def expected_calibration_error(p, y, n_bins: int = 5) -> float:
    """Σ over bins of (count / n) · |mean P − observed share| (Guo et al. 2017)."""
    bins = calibration(p, y, n_bins)
    n = sum(c for _, _, c in bins)
    return float(sum(c / n * abs(mp - ob) for mp, ob, c in bins)) if n else 0.0


def split(n: int, held_out_share: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices), a seeded shuffle."""
    if not 0.05 <= held_out_share <= 0.8:
        raise ValueError("The held-out share must be between 5% and 80%.")
    order = np.random.default_rng(seed).permutation(n)
    k = max(1, round(n * held_out_share))
    return np.sort(order[k:]), np.sort(order[:k])
