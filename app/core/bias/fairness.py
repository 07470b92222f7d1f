"""Group fairness metrics for a yes/no classifier with a score, and their trade-off with
accuracy (Hardt, Price & Srebro 2016; Barocas, Hardt & Narayanan, "Fairness and Machine
Learning", ch. 3).

- Demographic parity: both groups are selected (score ≥ threshold) at the same rate.
- Equalised odds: both groups have the same true-positive and false-positive rates.
- Calibration within groups: among people given score s, the share who are positive is
  the same in both groups.

When the groups' base rates differ, a classifier that is not perfect cannot satisfy
calibration and balance for both classes at once (Kleinberg, Mullainathan & Raghavan 2016,
"Inherent Trade-Offs in the Fair Determination of Risk Scores"); the data here is made to
show it: scores are calibrated in both groups by construction, base rates differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

GROUPS = ("A", "B")
BASE_RATES = {"A": 0.5, "B": 0.3}  # share of positives in each group (generated data)


@dataclass(frozen=True)
class Rates:
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def selection_rate(self) -> float:
        return (self.tp + self.fp) / self.n if self.n else 0.0

    @property
    def tpr(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0


def confusion(scores, labels, threshold: float) -> Rates:
    s, y = np.asarray(scores, float), np.asarray(labels, bool)
    pred = s >= threshold
    return Rates(
        int((pred & y).sum()),
        int((pred & ~y).sum()),
        int((~pred & ~y).sum()),
        int((~pred & y).sum()),
    )


def demographic_parity_gap(a: Rates, b: Rates) -> float:
    return abs(a.selection_rate - b.selection_rate)


def equalised_odds_gap(a: Rates, b: Rates) -> float:
    """The larger of the TPR gap and the FPR gap (Hardt et al. 2016)."""
    return max(abs(a.tpr - b.tpr), abs(a.fpr - b.fpr))


def calibration_gap(scores_a, labels_a, scores_b, labels_b, n_bins: int = 5) -> float:
    """Mean over score bins (with people of both groups) of |P(y=1 | bin, A) − P(y=1 | bin, B)|."""
    edges = np.linspace(0, 1, n_bins + 1)
    gaps = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        ma = (np.asarray(scores_a) >= lo) & (np.asarray(scores_a) < hi + (hi == 1))
        mb = (np.asarray(scores_b) >= lo) & (np.asarray(scores_b) < hi + (hi == 1))
        if ma.any() and mb.any():
            gaps.append(abs(np.mean(np.asarray(labels_a)[ma]) - np.mean(np.asarray(labels_b)[mb])))
    return float(np.mean(gaps)) if gaps else 0.0


@lru_cache(maxsize=1)
def generated_scores(n_per_group: int = 2000, seed: int = 0):
    """{group: (scores, labels)}: each person's score is drawn from a Beta distribution
    whose mean is the group's base rate, and the label is drawn with P(y=1) = score, so
    the scores are calibrated in both groups by construction."""
    rng = np.random.default_rng(seed)
    out = {}
    for g in GROUPS:
        m = BASE_RATES[g]
        scores = rng.beta(4 * m, 4 * (1 - m), n_per_group)
        labels = rng.random(n_per_group) < scores
        out[g] = (scores, labels)
    return out


@dataclass(frozen=True)
class FairnessReport:
    rates: dict[str, Rates]
    accuracy: float
    dp_gap: float
    eo_gap: float
    calibration_gap: float


def report(data, threshold_a: float, threshold_b: float) -> FairnessReport:
    for t in (threshold_a, threshold_b):
        if not 0 <= t <= 1:
            raise ValueError("Thresholds must be between 0 and 1.")
    (sa, ya), (sb, yb) = data["A"], data["B"]
    ra, rb = confusion(sa, ya, threshold_a), confusion(sb, yb, threshold_b)
    acc = (ra.tp + ra.tn + rb.tp + rb.tn) / (ra.n + rb.n)
    return FairnessReport(
        {"A": ra, "B": rb},
        acc,
        demographic_parity_gap(ra, rb),
        equalised_odds_gap(ra, rb),
        calibration_gap(sa, ya, sb, yb),
    )


def tradeoff_curve(
    data, gap: str = "dp", grid: int = 41
) -> list[tuple[float, float, float, float]]:
    """The Pareto front of (gap, accuracy) over every pair of thresholds on a grid:
    (gap, accuracy, threshold A, threshold B), gap ascending, accuracy rising."""
    if gap not in ("dp", "eo"):
        raise ValueError("The gap must be 'dp' or 'eo'.")
    ts = np.linspace(0, 1, grid)
    (sa, ya), (sb, yb) = data["A"], data["B"]
    ra = [confusion(sa, ya, t) for t in ts]
    rb = [confusion(sb, yb, t) for t in ts]
    points = []
    for i, a in enumerate(ra):
        for j, b in enumerate(rb):
            g = demographic_parity_gap(a, b) if gap == "dp" else equalised_odds_gap(a, b)
            acc = (a.tp + a.tn + b.tp + b.tn) / (a.n + b.n)
            points.append((g, acc, float(ts[i]), float(ts[j])))
    points.sort(key=lambda p: (p[0], -p[1]))
    front, best = [], -1.0
    for p in points:
        if p[1] > best + 1e-12:
            front.append(p)
            best = p[1]
    return front
