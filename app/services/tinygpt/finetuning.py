"""One fine-tuning run of the tiny GPT, as a job: validate the learner's settings, take a
job slot, fine-tune with progress (full or LoRA), stop on cancel, time limit or
divergence, and summarise: trainable parameters, task loss, forgetting, answers before
and after.

No Dash here: the stage-06 lab starts the job kind "finetuning" (`app.services.jobs`), and
the tests call `run_finetune` directly; the fine-tuned model joins the learner's models in
the model store (offered on stages 07 and 08). The science is `app.core.tinylm.finetune`;
limits come from `app.config.settings` (JOB_* variables), as for stage 05's
`app.services.tinygpt.training`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from functools import lru_cache

import numpy as np

from app.config import settings
from app.services.jobs import FormErrors, JobGuard, job_kind
from app.services.tinygpt.models import PRETRAINED, save_model
from app.services.tinygpt.training import sample
from app.validation import InputError, NumberSpec, parse_choice, parse_fields, parse_number

METHODS = ("lora", "full")
SCOPES = ("all", "last_block")  # app.core.tinylm.finetune.FULL_SCOPES
TARGETS = ("qkv", "attn_out", "mlp_in", "mlp_out")  # app.core.tinylm.finetune.LORA_TARGETS
BATCH_SIZE = 8  # examples are ~150 characters: 8 windows of 128 is ~7 examples per step
MAX_RANK = 32
SUGGESTED_LR = {"lora": 3e-3, "full": 3e-4}  # adapters usually want a higher rate


@dataclass(frozen=True)
class FinetuneSettings:
    """What the learner chose, checked against the limits."""

    model: str = PRETRAINED  # or a stage-05 run id (app.services.tinygpt.models)
    method: str = "lora"
    rank: int = 4
    alpha: float = 8.0
    targets: tuple[str, ...] = ("qkv", "attn_out")
    scope: str = "all"  # full fine-tuning: every weight, or the last block only
    steps: int = 100
    lr: float = 3e-3
    seed: int = 0
    question: int = 0  # which held-out question to ask before and after


DEFAULTS = FinetuneSettings()


FIELDS = (
    NumberSpec(
        "rank",
        "LoRA rank",
        DEFAULTS.rank,
        1,
        MAX_RANK,
        True,
        "",
        f"4–16 is common; at most {MAX_RANK}.",
    ),
    NumberSpec(
        "alpha", "LoRA alpha", DEFAULTS.alpha, 0.1, 1024, help="The update is scaled by α / r."
    ),
    NumberSpec(
        "steps",
        "Steps",
        DEFAULTS.steps,
        1,
        settings.job_max_steps,
        True,
        help=f"At most {settings.job_max_steps:,}.",
    ),
    NumberSpec(
        "lr", "Learning rate", DEFAULTS.lr, 1e-6, 1.0, help="Set for the method; try others."
    ),
    NumberSpec("seed", "Seed", DEFAULTS.seed, 0, 2**31 - 1, integer=True),
)


def parse_settings(raw: dict) -> FinetuneSettings:
    """The learner's raw form values -> FinetuneSettings, or FormErrors (an InputError)
    naming every bad field at once."""
    specs = tuple(
        NumberSpec(**{**asdict(s), "maximum": settings.job_max_steps}) if s.name == "steps" else s
        for s in FIELDS
    )
    values, errors = parse_fields(specs, raw)
    model = raw.get("model")
    if not isinstance(model, str) or not model or len(model) > 40:
        errors["model"] = "Model: choose one of the models in the list."
    try:
        method = parse_choice(raw.get("method"), "Method", METHODS)
    except InputError as err:
        errors["method"], method = str(err), None
    targets = raw.get("targets")
    if method == "lora":
        if not targets:
            errors["targets"] = "LoRA: choose at least one weight matrix to adapt."
        elif not isinstance(targets, list | tuple) or any(t not in TARGETS for t in targets):
            errors["targets"] = "LoRA: choose weight matrices from the list."
    else:  # full fine-tuning: LoRA's own fields do not matter
        errors.pop("rank", None)
        errors.pop("alpha", None)
        values.setdefault("rank", DEFAULTS.rank)
        values.setdefault("alpha", DEFAULTS.alpha)
    targets = tuple(t for t in TARGETS if isinstance(targets, list | tuple) and t in targets)
    try:
        scope = parse_choice(raw.get("scope"), "Weights to train", SCOPES)
    except InputError as err:
        errors["scope"], scope = str(err), None
    n_questions = len(task_for(_shipped_tokenizer()).held_out)
    try:
        question = parse_number(
            _int_or_none(raw.get("question")),
            "Question",
            minimum=0,
            maximum=n_questions - 1,
            integer=True,
        )
    except InputError as err:
        errors["question"], question = str(err), 0
    if errors:
        raise FormErrors(errors)
    return FinetuneSettings(
        model,
        method,
        int(values["rank"]),
        float(values["alpha"]),
        targets or DEFAULTS.targets,
        scope,
        int(values["steps"]),
        float(values["lr"]),
        int(values["seed"]),
        int(question),
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _shipped_tokenizer():
    from app.core.tinylm import load_pretrained

    return load_pretrained()[1]


@lru_cache(maxsize=4)
def task_for(tokenizer):
    """The question-answer task fitted to a tokenizer's characters, built once per process."""
    from app.core.tinylm.finetune import task_data

    return task_data(tokenizer, settings.content_dir)


@lru_cache(maxsize=4)
def reference_ids(tokenizer) -> np.ndarray:
    """The pretraining validation text in this tokenizer's ids: its loss shows forgetting."""
    from app.core.tinylm import load_corpus

    return np.asarray(tokenizer.encode(load_corpus(settings.content_dir)[1]), dtype=np.intp)


def held_out_questions() -> list[str]:
    """The held-out questions (for the question picker), in the shipped tokenizer's text."""
    return [p.question for p in task_for(_shipped_tokenizer()).held_out]


def load_model(value, learner=None):
    """(model, tokenizer, description) for a model choice of this learner; the model is
    shared: not trained in place (the tuners copy it)."""
    from app.services.tinygpt.models import load_choice

    return load_choice(value, learner)


def make_tuner(model, run: FinetuneSettings):
    """The core tuner for the run's method; a setting the model cannot take -> InputError."""
    from app.core.tinylm.finetune import FullFinetune, LoRAConfig, LoRAFinetune

    try:
        if run.method == "full":
            return FullFinetune(model, run.scope)
        return LoRAFinetune(
            model, LoRAConfig(rank=run.rank, alpha=run.alpha, targets=run.targets, seed=run.seed)
        )
    except ValueError as err:
        raise InputError(str(err)) from None


def trainable_count(model, run: FinetuneSettings) -> tuple[int, int]:
    """(trainable, total) parameters of the run on this model, or InputError."""
    tuner = make_tuner(model, run)  # a copy of a ~250k-parameter model: about a millisecond
    return tuner.n_trainable(), tuner.n_total()


def train_config(run: FinetuneSettings):
    from app.core.tinylm import TrainConfig

    return TrainConfig(
        steps=run.steps,
        batch_size=BATCH_SIZE,
        lr=run.lr,
        warmup_steps=min(10, run.steps // 10),
        schedule="cosine",
        weight_decay=0.0,
        eval_every=max(5, run.steps // 20),
        seed=run.seed,
    )


def run_finetune(
    run: FinetuneSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress_every_s: float = 0.4,
    guard: JobGuard | None = None,
    learner: str | None = None,
) -> FinetuneResult:
    """Fine-tune one of this learner's models and return the result; keep the tuned model
    for them in the model store. InputError when the model cannot take the settings (e.g.
    a rank above its width). Progress (the history dict) goes to `guard.report`."""
    from app.core.tinylm.finetune import finetune
    from app.core.tinylm.runtime import training_runtime

    if guard is None:
        guard = JobGuard(
            None, should_stop, on_progress=on_progress, progress_every_s=progress_every_s
        )
    base, tokenizer, description = load_model(run.model, learner)
    task = task_for(tokenizer)
    reference = reference_ids(tokenizer)
    tuner = make_tuner(base, run)
    pair = task.held_out[min(run.question, len(task.held_out) - 1)]
    history = {
        "step": [],
        "train_loss": [],
        "eval_step": [],
        "task_val_loss": [],
        "pretrain_val_loss": [],
        "total_steps": run.steps,
        "tokens_per_second": 0.0,
        "elapsed_s": 0.0,
        "lr": 0.0,
    }
    with training_runtime():
        answer_before = sample(base, tokenizer, pair.prompt, run.seed)
    guard.restart_clock()
    for p in finetune(tuner, task, reference, train_config(run), should_stop=guard.stop_now):
        if p.step:
            history["step"].append(p.step)
            history["train_loss"].append(_round(p.train_loss))
        if p.task_val_loss is not None:
            history["eval_step"].append(p.step)
            history["task_val_loss"].append(_round(p.task_val_loss))
            history["pretrain_val_loss"].append(_round(p.pretrain_val_loss))
        history.update(tokens_per_second=p.tokens_per_second, elapsed_s=p.elapsed_s, lr=p.lr)
        if p.train_loss is not None and not math.isfinite(p.train_loss):
            guard.stopped_because = "diverged"
            break
        guard.report(history)
    stopped_because = guard.stopped_because
    if stopped_because != "diverged":
        _final_evaluation(tuner, task, reference, history)
    guard.report(history, force=True)
    tuned = tuner.merge()
    answer_after = ""
    if stopped_because != "diverged":
        with training_runtime():
            answer_after = sample(tuned, tokenizer, pair.prompt, run.seed)
    task_losses, pretrain_losses = history["task_val_loss"], history["pretrain_val_loss"]
    settings_dict = asdict(run)
    settings_dict["targets"] = list(run.targets)
    result = FinetuneResult(
        id=uuid.uuid4().hex[:12],
        settings=settings_dict,
        model_description=description,
        method=run.method,
        n_trainable=tuner.n_trainable(),
        n_total=tuner.n_total(),
        trainable_percent=round(100 * tuner.n_trainable() / tuner.n_total(), 3),
        steps_done=history["step"][-1] if history["step"] else 0,
        stopped_because=stopped_because,
        task_loss_before=task_losses[0],
        task_loss_after=task_losses[-1] if len(task_losses) > 1 else None,
        pretrain_loss_before=pretrain_losses[0],
        pretrain_loss_after=pretrain_losses[-1] if len(pretrain_losses) > 1 else None,
        train_examples=len(task.train_pairs),
        held_out_examples=len(task.held_out),
        tokens_per_second=round(history["tokens_per_second"]),
        elapsed_s=round(history["elapsed_s"], 1),
        question=pair.question,
        prompt=pair.prompt,
        reference_answer=pair.answer,
        answer_before=answer_before,
        answer_after=answer_after,
        history=history,
    )
    if stopped_because not in ("cancelled", "abandoned", "diverged"):
        meta = {"settings": settings_dict, "base": run.model}
        save_model(learner, "finetuned", result.id, tuned, tokenizer, result.label, meta)
    return result


@dataclass(frozen=True)
class FinetuneResult:
    """A finished fine-tuning run: what the result view shows."""

    id: str
    settings: dict
    model_description: str
    method: str
    n_trainable: int
    n_total: int
    trainable_percent: float
    steps_done: int
    stopped_because: str | None
    task_loss_before: float | None
    task_loss_after: float | None
    pretrain_loss_before: float | None
    pretrain_loss_after: float | None
    train_examples: int
    held_out_examples: int
    tokens_per_second: int
    elapsed_s: float
    question: str
    prompt: str
    reference_answer: str
    answer_before: str
    answer_after: str
    history: dict

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> FinetuneResult:
        return cls(**{f.name: data[f.name] for f in fields(cls)})

    @property
    def label(self) -> str:
        what = "LoRA" if self.method == "lora" else "full"
        return f"{what}, {self.steps_done} steps, lr {self.settings['lr']:g}"


@job_kind("finetuning")
def finetuning_job(params: dict, guard: JobGuard) -> dict:
    """The job: params {"run": FinetuneSettings as a dict, "learner": id}."""
    raw = dict(params["run"])
    raw["targets"] = tuple(raw.get("targets") or ())
    run = FinetuneSettings(**raw)
    return run_finetune(run, guard=guard, learner=params.get("learner")).to_json()


def _final_evaluation(tuner, task, reference, history) -> None:
    """Make sure the curves end at the last step done (after a cancel or the time limit)."""
    from app.core.tinylm.finetune import REFERENCE_WINDOWS, answer_loss
    from app.core.tinylm.train import text_loss

    if not history["step"] or history["eval_step"][-1] == history["step"][-1]:
        return
    history["eval_step"].append(history["step"][-1])
    history["task_val_loss"].append(_round(answer_loss(tuner.model, task.tokenizer, task.held_out)))
    history["pretrain_val_loss"].append(
        _round(text_loss(tuner.model, reference, max_windows=REFERENCE_WINDOWS))
    )


def _round(x: float | None) -> float | None:
    if x is None:
        return None
    return round(float(x), 4) if math.isfinite(x) else None
