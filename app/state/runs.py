"""The learner's finished training runs, kept in browser local storage (`trained-runs`)
for the comparison chart and the model pickers of stages 06-08.

Schema: a list (newest last) of at most MAX_RUNS_KEPT records::

    {"id": str, "label": str, "final_val_loss": float | None, "final_train_loss": ...,
     "tokens_per_second": ..., "stopped_because": None | "cancelled" | "time limit" |
     "diverged", "n_params": int, "tokens_seen": int (optional),
     "val_step": [int, ...], "val_loss": [float, ...]}

Everything the browser gives back goes through `sanitize_runs()`. No Dash here.
"""

from __future__ import annotations

import math

CURVE_POINTS = 60  # points of a run's curve kept in the browser for comparison
MAX_RUNS_KEPT = 8


def sanitize_runs(data) -> list[dict]:
    """The runs kept in the browser, repaired: anything malformed or tampered is dropped,
    valid records are kept (newest last, at most MAX_RUNS_KEPT)."""
    if not isinstance(data, list):
        return []
    kept = []
    for r in data[-MAX_RUNS_KEPT * 4 :]:
        if not isinstance(r, dict):
            continue
        steps, losses = r.get("val_step"), r.get("val_loss")
        if not (
            isinstance(r.get("id"), str)
            and isinstance(r.get("label"), str)
            and isinstance(steps, list)
            and isinstance(losses, list)
            and len(steps) == len(losses) <= 4 * CURVE_POINTS
        ):
            continue
        if not all(_is_number(x) for x in steps + losses):
            continue
        record = {
            "id": r["id"][:40],
            "label": r["label"][:80],
            "final_val_loss": r.get("final_val_loss")
            if _is_number(r.get("final_val_loss"))
            else None,
            "final_train_loss": r.get("final_train_loss")
            if _is_number(r.get("final_train_loss"))
            else None,
            "tokens_per_second": r.get("tokens_per_second")
            if _is_number(r.get("tokens_per_second"))
            else None,
            "stopped_because": r.get("stopped_because")
            if r.get("stopped_because") in (None, "cancelled", "time limit", "diverged")
            else None,
            "val_step": steps,
            "val_loss": losses,
        }
        # optional: model size and data seen, for the scaling-law lab (older records lack them)
        for key in ("n_params", "tokens_seen"):
            if _is_number(r.get(key)) and r[key] > 0:
                record[key] = r[key]
        kept.append(record)
    return kept[-MAX_RUNS_KEPT:]


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
