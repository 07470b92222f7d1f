"""Scores practitioners compute by hand: classification metrics and unbiased pass@k.

- Accuracy, precision, recall and F1 from a confusion matrix (the standard definitions;
  e.g. Manning, Raghavan & Schütze 2008, Introduction to Information Retrieval, §8.3).
- pass@k: Chen et al. 2021, *Evaluating Large Language Models Trained on Code* (Codex),
  §2.1: generate n ≥ k samples per problem, count the c that pass, and estimate
  pass@k = 1 − C(n − c, k) / C(n, k), computed as the numerically stable product of
  their Figure 3: 1 − ∏_{i = n−c+1}^{n} (1 − k / i).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClassificationScores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.total

    @property
    def precision(self) -> float | None:
        """Of the items called positive, the share that are; None when none were called."""
        called = self.tp + self.fp
        return self.tp / called if called else None

    @property
    def recall(self) -> float | None:
        """Of the real positives, the share found; None when there are none."""
        real = self.tp + self.fn
        return self.tp / real if real else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall: 2TP / (2TP + FP + FN)."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    @property
    def prevalence(self) -> float:
        return (self.tp + self.fn) / self.total

    @property
    def majority_baseline(self) -> float:
        """The accuracy of always answering the more common class."""
        return max(self.prevalence, 1 - self.prevalence)


def classification_scores(tp: int, fp: int, fn: int, tn: int) -> ClassificationScores:
    for name, value in (("TP", tp), ("FP", fp), ("FN", fn), ("TN", tn)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0.")
    if tp + fp + fn + tn == 0:
        raise ValueError("The confusion matrix is empty: enter at least one count.")
    return ClassificationScores(tp, fp, fn, tn)


def what_each_hides(s: ClassificationScores) -> dict[str, str]:
    """One sentence per score on what it does not show, using these counts."""
    out = {
        "accuracy": (
            f"Always answering the majority class would score {s.majority_baseline:.0%} here; "
            "with rare positives, accuracy looks high while missing them all."
        ),
        "precision": (
            f"Ignores the {s.fn:,} positives it missed: flag only the surest case and "
            "precision is perfect."
        ),
        "recall": (f"Ignores the {s.fp:,} false alarms: flag everything and recall is 100%."),
        "f1": (
            f"Never looks at the {s.tn:,} true negatives, and weighs a miss and a false "
            "alarm the same, which is rarely what they cost."
        ),
    }
    return out


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with n samples of which c pass (Chen et al. 2021)."""
    for name, value in (("n", n), ("c", c), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number.")
    if n < 1 or k < 1:
        raise ValueError("n and k must be at least 1.")
    if not 0 <= c <= n:
        raise ValueError("c (samples that pass) must be between 0 and n.")
    if k > n:
        raise ValueError("k cannot exceed n: the estimator needs at least k samples.")
    if n - c < k:
        return 1.0
    product = 1.0
    for i in range(n - c + 1, n + 1):  # Chen et al. 2021, Figure 3
        product *= 1.0 - k / i
    return 1.0 - product


def naive_pass_at_k(n: int, c: int, k: int) -> float:
    """The shortcut 1 − (1 − c/n)^k, which underestimates pass@k (Chen et al. 2021,
    Appendix A)."""
    return 1.0 - (1.0 - c / n) ** k
