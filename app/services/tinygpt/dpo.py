"""The DPO job of the RLHF page: Direct Preference Optimization of the shipped fine-tuned
tiny GPT (app/core/rlhf/sft.npz) on chosen/rejected answers to the stage-06 questions.

No Dash here: the RLHF lab starts the job kind "dpo" (`app.services.jobs`), which takes a
slot, stops on Cancel, an abandoned page or the time limit (`JobGuard`) and reports
progress, as the training and fine-tuning jobs do; steps are capped at MAX_STEPS. The
tests call `run_dpo` directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from functools import lru_cache

from app.config import settings
from app.services.jobs import FormErrors, JobGuard, job_kind
from app.validation import NumberSpec, parse_fields

MAX_STEPS = 120
MAX_EVAL_PAIRS = 16
BATCH_PAIRS = 4


@dataclass(frozen=True)
class DPOSettings:
    beta: float = 0.1
    steps: int = 40
    lr: float = 3e-5


DEFAULTS = DPOSettings()
FIELDS = (
    NumberSpec("beta", "β", DEFAULTS.beta, 0.01, 5),
    NumberSpec("steps", "Steps", DEFAULTS.steps, 5, MAX_STEPS, True),
    NumberSpec("lr", "Learning rate", DEFAULTS.lr, 1e-6, 1e-3),
)


def parse_settings(raw: dict) -> DPOSettings:
    """Typed settings, or FormErrors (an InputError) naming every bad field at once."""
    values, errors = parse_fields(FIELDS, raw)
    if errors:
        raise FormErrors(errors)
    return DPOSettings(float(values["beta"]), int(values["steps"]), float(values["lr"]))


@dataclass(frozen=True)
class DPOResult:
    """A finished (or stopped) DPO run: what the result view shows. `history` holds the
    curves: step, loss, chosen_logp, rejected_logp, reward_accuracy, kl (one per eval)."""

    beta: float
    steps_done: int
    total_steps: int
    elapsed_s: float
    stopped_because: str | None
    train_pairs: int
    eval_pairs: int
    history: dict

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> DPOResult:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@lru_cache(maxsize=1)
def sft_model():
    from app.core.rlhf.make_sft import SFT_PATH
    from app.core.tinylm.model import TinyGPT

    model, tokenizer, _ = TinyGPT.load(SFT_PATH)
    return model, tokenizer


@lru_cache(maxsize=1)
def pairs():
    """(training pairs, held-out pairs) from the stage-06 task in the SFT tokenizer."""
    from app.core.rlhf.dpo import preference_pairs
    from app.core.tinylm.finetune import task_data

    _, tokenizer = sft_model()
    task = task_data(tokenizer, settings.content_dir)
    chars = tokenizer.chars
    held = preference_pairs(task.held_out, chars)[:MAX_EVAL_PAIRS]
    return preference_pairs(task.train_pairs, chars), held


def run_dpo(
    run: DPOSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    guard: JobGuard | None = None,
) -> DPOResult:
    """Train and return the result; progress (the history dict, JSON-safe) goes to
    `guard.report` (or `on_progress` when run without a job)."""
    from app.core.rlhf.dpo import dpo_train
    from app.core.tinylm.train import TrainConfig

    if guard is None:
        guard = JobGuard(None, should_stop, on_progress=on_progress, progress_every_s=0.0)
    reference, tokenizer = sft_model()
    train_pairs, eval_pairs = pairs()
    cfg = TrainConfig(
        steps=run.steps,
        batch_size=BATCH_PAIRS,
        lr=run.lr,
        warmup_steps=max(1, run.steps // 10),
        eval_every=max(1, run.steps // 12),
        weight_decay=0.0,
    )
    history = {
        "step": [],
        "loss": [],
        "chosen_logp": [],
        "rejected_logp": [],
        "reward_accuracy": [],
        "kl": [],
        "total_steps": run.steps,
        "elapsed_s": 0.0,
        "beta": run.beta,
    }
    guard.restart_clock()
    for p in dpo_train(
        reference,
        tokenizer,
        train_pairs,
        eval_pairs,
        beta=run.beta,
        cfg=cfg,
        should_stop=guard.stop_now,
    ):
        if p.loss is not None and not math.isfinite(p.loss):
            guard.stopped_because = "diverged"
            break
        history["step"].append(p.step)
        history["loss"].append(None if p.loss is None else round(p.loss, 4))
        history["chosen_logp"].append(round(p.chosen_logp, 3))
        history["rejected_logp"].append(round(p.rejected_logp, 3))
        history["reward_accuracy"].append(round(p.reward_accuracy, 4))
        history["kl"].append(round(p.kl, 5))
        history["elapsed_s"] = round(p.elapsed_s, 1)
        guard.report(history)
    if history["step"]:
        guard.report(history, force=True)
    return DPOResult(
        beta=run.beta,
        steps_done=history["step"][-1] if history["step"] else 0,
        total_steps=run.steps,
        elapsed_s=history["elapsed_s"],
        stopped_because=guard.stopped_because,
        train_pairs=len(train_pairs),
        eval_pairs=len(eval_pairs),
        history=history,
    )


@job_kind("dpo")
def dpo_job(params: dict, guard: JobGuard) -> dict:
    """The job: params {"run": DPOSettings as a dict, "learner": id}."""
    return run_dpo(DPOSettings(**params["run"]), guard=guard).to_json()
