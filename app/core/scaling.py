"""Your own scaling law: fit L(N) = (N_c / N)^α (Kaplan et al. 2020, eq. 1.1) to the
tiny-GPT runs a learner trained, and L(D) = (D_c / D)^α_D (eq. 1.2) to tokens seen,
and say honestly how uncertain an extrapolation is.

The fit is a straight line in log–log space (least squares on log L = α log N_c − α log N).
The band is a bootstrap (Efron 1979): refit on runs resampled with replacement and take
the 5th and 95th percentiles of the predictions. With fewer than MIN_RUNS runs (or fewer
than two distinct sizes) there is no honest fit, and the lab says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MIN_RUNS = 3
REFERENCE_PATH = Path(__file__).resolve().parent / "scaling_reference_runs.json"


@dataclass(frozen=True)
class PowerLaw:
    alpha: float
    scale: float  # N_c (or D_c): the loss is 1 there

    def predict(self, n) -> np.ndarray:
        return (self.scale / np.asarray(n, float)) ** self.alpha


def fit_power_law(x, loss) -> PowerLaw:
    """Least squares on log L = α log x_c − α log x."""
    x, loss = np.asarray(x, float), np.asarray(loss, float)
    if len(x) < 2 or len(set(x.tolist())) < 2:
        raise ValueError("A power law needs at least two different sizes.")
    if (x <= 0).any() or (loss <= 0).any():
        raise ValueError("Sizes and losses must be positive.")
    slope, intercept = np.polyfit(np.log(x), np.log(loss), 1)
    alpha = -slope
    if alpha == 0:
        raise ValueError("The loss does not change with size: no power law to fit.")
    return PowerLaw(float(alpha), float(np.exp(intercept / alpha)))


def bootstrap_band(x, loss, at, n_boot: int = 300, seed: int = 0):
    """(5th, 50th, 95th percentile) of the predicted loss at each of `at`, over fits to
    bootstrap resamples of the runs (resamples with one distinct size are skipped)."""
    x, loss, at = np.asarray(x, float), np.asarray(loss, float), np.asarray(at, float)
    rng = np.random.default_rng(seed)
    preds = []
    for _ in range(n_boot):
        i = rng.integers(0, len(x), len(x))
        if len(set(x[i].tolist())) < 2:
            continue
        try:
            preds.append(fit_power_law(x[i], loss[i]).predict(at))
        except ValueError:
            continue
    if not preds:
        raise ValueError("Too few distinct runs for a bootstrap.")
    p = np.array(preds)
    return tuple(np.percentile(p, q, axis=0) for q in (5, 50, 95))


def usable_runs(runs) -> list[dict]:
    """Runs with a final validation loss and a parameter count (older records lack one)."""
    return [
        r
        for r in runs
        if isinstance(r.get("final_val_loss"), int | float)
        and isinstance(r.get("n_params"), int | float)
        and r["final_val_loss"] > 0
        and r["n_params"] > 0
    ]


@lru_cache(maxsize=1)
def reference_runs() -> dict:
    """Shipped runs made by `python -m app.core.make_scaling_runs` (see that script)."""
    return json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))
