"""The DPO job of the RLHF page: Direct Preference Optimization of the shipped fine-tuned
tiny GPT (app/core/rlhf/sft.npz) on chosen/rejected answers to the stage-06 questions.

No Dash here. The job holds a slot (`job_slot`) and stops on Cancel or the time limit
(`JobGuard`), as the training and fine-tuning jobs do; steps are capped at MAX_STEPS.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from app.config import settings
from app.services.jobs import JobGuard, job_slot
from app.validation import parse_number

MAX_STEPS = 120
MAX_EVAL_PAIRS = 16
BATCH_PAIRS = 4


@dataclass(frozen=True)
class DPOSettings:
    beta: float = 0.1
    steps: int = 40
    lr: float = 3e-5


def parse_settings(raw: dict) -> DPOSettings:
    """Typed settings or InputError naming the field."""
    beta = parse_number(raw.get("beta"), "β", minimum=0.01, maximum=5)
    steps = parse_number(raw.get("steps"), "Steps", minimum=5, maximum=MAX_STEPS, integer=True)
    lr = parse_number(raw.get("lr"), "Learning rate", minimum=1e-6, maximum=1e-3)
    return DPOSettings(float(beta), int(steps), float(lr))


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
) -> dict:
    """Train and return the history (JSON-safe). Raises JobsBusy when every slot is taken."""
    from app.core.rlhf.dpo import dpo_train
    from app.core.tinylm.train import TrainConfig

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
    with job_slot() as lease:
        guard = JobGuard(lease, should_stop)
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
            if on_progress is not None:
                on_progress(history)
    history["stopped_because"] = guard.stopped_because
    history["train_pairs"] = len(train_pairs)
    history["eval_pairs"] = len(eval_pairs)
    return history
