"""Dash-free work of the induction lab: the shipped model's views, and one retraining run as
the job kind "icl_induction" (`app.services.jobs`): validated settings, progress, stop on
cancel or the time limit, and a typed result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache

import numpy as np

from app.config import settings
from app.services.jobs import FormErrors, JobGuard, job_kind
from app.validation import InputError, NumberSpec, parse_fields

DEFAULT_STEPS = 2000
DEFAULT_LR = 2e-3


@dataclass(frozen=True)
class RetrainSettings:
    steps: int = DEFAULT_STEPS
    lr: float = DEFAULT_LR
    seed: int = 1


FIELDS = (
    NumberSpec("steps", "Steps", DEFAULT_STEPS, 10, settings.job_max_steps, integer=True),
    NumberSpec("lr", "Learning rate", DEFAULT_LR, 1e-5, 0.1),
    NumberSpec("seed", "Seed", 1, 0, 2**31 - 1, integer=True),
)
FIELD_NAMES = tuple(spec.name for spec in FIELDS)


def parse_settings(raw: dict) -> RetrainSettings:
    """The form's raw values → RetrainSettings, or FormErrors naming every bad field."""
    specs = tuple(  # the step limit is a setting: read it now, not at import
        replace(s, maximum=settings.job_max_steps) if s.name == "steps" else s for s in FIELDS
    )
    values, errors = parse_fields(specs, raw)
    if errors:
        raise FormErrors(errors)
    return RetrainSettings(int(values["steps"]), float(values["lr"]), int(values["seed"]))


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


@dataclass(frozen=True)
class RetrainResult:
    """A finished (or stopped) retraining: the same analysis as the shipped model's, its
    held-out loss history ([step, loss, first copy, second copy]) and why it stopped."""

    per_position: list
    length: int
    first: float
    second: float
    chance: float
    roles: list
    attention: list
    tokens: list
    history: list
    steps_done: int
    stopped_because: str | None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RetrainResult:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


def run_retrain(
    run: RetrainSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress_every_s: float = 0.4,
    guard: JobGuard | None = None,
) -> RetrainResult:
    """Train a fresh model and analyse it. Progress ({history, step, total, elapsed_s})
    goes to `guard.report` (throttled; the last step always); `guard` (from the job
    runner) also decides when to stop."""
    from app.core.induction.make_checkpoint import MODEL
    from app.core.induction.model import AttnOnlyTransformer
    from app.core.induction.train import InductionTrainConfig, train

    if guard is None:
        guard = JobGuard(
            None, should_stop, on_progress=on_progress, progress_every_s=progress_every_s
        )
    try:
        cfg = InductionTrainConfig(steps=run.steps, lr=run.lr, seed=run.seed)
    except ValueError as err:
        raise InputError(str(err)) from None
    model = AttnOnlyTransformer(MODEL, seed=run.seed)
    history: list[list] = []
    last = None
    guard.restart_clock()
    for p in train(model, cfg, should_stop=guard.stop_now):
        last = p
        if p.first_copy_loss is not None:
            history.append([p.step, p.loss, p.first_copy_loss, p.second_copy_loss])
        payload = {"history": history, "step": p.step, "total": cfg.steps, "elapsed_s": p.elapsed_s}
        guard.report(payload, force=p.step == cfg.steps)
    if last is not None and last.step != cfg.steps:  # stopped early: say where
        guard.report(
            {
                "history": history,
                "step": last.step,
                "total": cfg.steps,
                "elapsed_s": last.elapsed_s,
            },
            force=True,
        )
    return RetrainResult(
        **analyse(model),
        history=history,
        steps_done=last.step if last else 0,
        stopped_because=guard.stopped_because,
    )


@job_kind("icl_induction")
def retrain_job(params: dict, guard: JobGuard) -> dict:
    """The job: params {"run": RetrainSettings as a dict, "learner": id}."""
    return run_retrain(RetrainSettings(**params["run"]), guard=guard).to_json()
