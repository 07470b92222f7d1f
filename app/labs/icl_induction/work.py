"""Dash-free work of the induction lab: the shipped model's views, and one retraining run as
a job (validated settings, a job slot, progress, stop on cancel or the time limit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.config import settings
from app.services.jobs import JobGuard, job_slot
from app.validation import InputError, parse_number

DEFAULT_STEPS = 2000
DEFAULT_LR = 2e-3


@dataclass(frozen=True)
class RetrainSettings:
    steps: int = DEFAULT_STEPS
    lr: float = DEFAULT_LR
    seed: int = 1


def parse_settings(steps, lr, seed) -> RetrainSettings:
    steps = parse_number(steps, "Steps", minimum=10, maximum=settings.job_max_steps, integer=True)
    lr = parse_number(lr, "Learning rate", minimum=1e-5, maximum=0.1)
    seed = parse_number(seed, "Seed", minimum=0, maximum=2**31 - 1, integer=True)
    return RetrainSettings(int(steps), float(lr), int(seed))


@lru_cache(maxsize=1)
def shipped():
    from app.core.induction.make_checkpoint import CHECKPOINT_PATH
    from app.core.induction.model import AttnOnlyTransformer

    return AttnOnlyTransformer.load(CHECKPOINT_PATH)


def analyse(model) -> dict:
    """Per-position loss on held-out [segment, segment], the heads' roles, and the
    attention of the head the second copy depends on most, on one example (JSON-safe)."""
    from app.core.induction.train import copy_losses, eval_set, head_roles

    x, y, length = eval_set(model.config)
    first, second, per = copy_losses(model, x, y, length)
    roles = head_roles(model, x, y, length)
    top = roles[0]
    _, atts, _ = model.forward(x[:1])
    return {
        "per_position": [float(v) for v in per],
        "length": length,
        "first": first,
        "second": second,
        "chance": float(np.log(model.config.vocab_size)),
        "roles": roles,
        "attention": atts[top["layer"]][0, top["head"]].tolist(),
        "tokens": [int(t) for t in x[0]],
    }


@lru_cache(maxsize=1)
def shipped_analysis() -> dict:
    model, meta = shipped()
    return analyse(model) | {"history": meta["history"], "train_seconds": meta["train_seconds"]}


def run_retrain(
    run: RetrainSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress_every_s: float = 0.4,
) -> dict:
    """Train a fresh model; returns the analysis plus the history and why it stopped.
    Raises JobsBusy when every job slot is taken."""
    from app.core.induction.make_checkpoint import MODEL
    from app.core.induction.model import AttnOnlyTransformer
    from app.core.induction.train import InductionTrainConfig, train

    try:
        cfg = InductionTrainConfig(steps=run.steps, lr=run.lr, seed=run.seed)
    except ValueError as err:
        raise InputError(str(err)) from None
    model = AttnOnlyTransformer(MODEL, seed=run.seed)
    history: list[list] = []
    last = None
    with job_slot() as lease:
        guard = JobGuard(lease, should_stop, progress_every_s=progress_every_s)
        for p in train(model, cfg, should_stop=guard.stop_now):
            last = p
            if p.first_copy_loss is not None:
                history.append([p.step, p.loss, p.first_copy_loss, p.second_copy_loss])
            if on_progress is not None and (guard.report_due() or p.step == cfg.steps):
                on_progress(
                    {
                        "history": history,
                        "step": p.step,
                        "total": cfg.steps,
                        "elapsed_s": p.elapsed_s,
                    }
                )
    result = analyse(model)
    result["history"] = history
    result["steps_done"] = last.step if last else 0
    result["stopped_because"] = guard.stopped_because
    return result
