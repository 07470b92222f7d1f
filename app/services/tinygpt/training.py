"""One live training run of the tiny GPT, as a job: validate the learner's settings, take a
job slot, train with progress, stop on cancel, time limit or divergence, and summarise.

No Dash here: the stage-05 lab starts the job kind "training" (`app.services.jobs`), and
the tests call `run_training` directly. Limits come from `app.config.settings` (JOB_*
variables); the form's fields are described once, in `FIELDS`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from functools import lru_cache

import numpy as np

from app.config import settings
from app.core.schedules import SCHEDULES
from app.services.jobs import FormErrors, JobGuard, job_kind
from app.services.tinygpt.models import save_model
from app.state.runs import CURVE_POINTS
from app.validation import InputError, NumberSpec, parse_choice, parse_fields

HEAD_CHOICES = (1, 2, 4, 8)
MAX_TOKENS_PER_STEP = 16_384  # batch × context: keeps one step's activations to tens of MB
SAMPLE_CHARS = 160


@dataclass(frozen=True)
class RunSettings:
    """What the learner chose, checked against the limits."""

    n_layers: int = 2
    d_model: int = 64
    n_heads: int = 4
    seq_len: int = 64
    batch_size: int = 16
    steps: int = 300
    lr: float = 3e-3
    warmup_steps: int = 30
    schedule: str = "cosine"
    seed: int = 0
    prompt: str = "The model "


DEFAULTS = RunSettings()


@lru_cache(maxsize=1)
def corpus():
    """(tokenizer, train ids, validation ids) of the shipped corpus, encoded once per process."""
    from app.core.tinylm import CharTokenizer, load_corpus

    train_text, val_text = load_corpus(settings.content_dir)
    tokenizer = CharTokenizer.from_text(train_text + val_text)
    train_ids = np.asarray(tokenizer.encode(train_text), dtype=np.int64)
    val_ids = np.asarray(tokenizer.encode(val_text), dtype=np.int64)
    return tokenizer, train_ids, val_ids


@lru_cache(maxsize=1)
def baselines() -> tuple[float, float]:
    """(ln vocab: the loss of uniform guessing, the unigram model's validation loss)."""
    from app.core.evaluation import unigram_cross_entropy

    tokenizer, train_ids, val_ids = corpus()
    vocab = tokenizer.vocab_size
    return math.log(vocab), unigram_cross_entropy(train_ids, val_ids, vocab)


FIELDS = (
    NumberSpec("n_layers", "Layers", DEFAULTS.n_layers, 1, 4, integer=True),
    NumberSpec("d_model", "Width (d_model)", DEFAULTS.d_model, 16, 256, integer=True),
    NumberSpec(
        "seq_len", "Context length", DEFAULTS.seq_len, 16, 256, integer=True, unit="characters"
    ),
    NumberSpec("batch_size", "Batch size", DEFAULTS.batch_size, 1, 128, True, "sequences"),
    NumberSpec("steps", "Steps", DEFAULTS.steps, 1, settings.job_max_steps, integer=True),
    NumberSpec("lr", "Learning rate", DEFAULTS.lr, 1e-6, 1.0),
    NumberSpec("warmup_steps", "Warmup steps", DEFAULTS.warmup_steps, 0, None, True, "steps"),
    NumberSpec("seed", "Seed", DEFAULTS.seed, 0, 2**31 - 1, integer=True),
)
SPECS = {spec.name: spec for spec in FIELDS}


def parse_settings(raw: dict) -> RunSettings:
    """The learner's raw form values → RunSettings, or FormErrors (an InputError) naming
    every bad field at once."""
    specs = FIELDS
    if settings.job_max_steps != SPECS["steps"].maximum:  # the limit is a setting
        specs = tuple(
            NumberSpec(**{**asdict(s), "maximum": settings.job_max_steps})
            if s.name == "steps"
            else s
            for s in FIELDS
        )
    values, errors = parse_fields(specs, raw)
    try:
        values["n_heads"] = int(
            parse_choice(_int_or_none(raw.get("n_heads")), "Heads", HEAD_CHOICES)
        )
    except InputError as err:
        errors["n_heads"] = str(err)
    try:
        values["schedule"] = parse_choice(raw.get("schedule"), "Schedule", SCHEDULES)
    except InputError as err:
        errors["schedule"] = str(err)
    if "d_model" in values and "n_heads" in values and values["d_model"] % values["n_heads"]:
        errors["d_model"] = (
            f"Width {values['d_model']} must split evenly into {values['n_heads']} heads."
        )
    if "warmup_steps" in values and "steps" in values and values["warmup_steps"] > values["steps"]:
        errors["warmup_steps"] = f"Warmup steps: must be at most {values['steps']:,}."
    if "batch_size" in values and "seq_len" in values:
        tokens = values["batch_size"] * values["seq_len"]
        if tokens > MAX_TOKENS_PER_STEP:
            errors["batch_size"] = (
                f"Batch size × context length is {tokens:,} tokens per step; keep it at "
                f"most {MAX_TOKENS_PER_STEP:,} so a step fits in this server's memory."
            )
    if errors:
        raise FormErrors(errors)
    prompt = raw.get("prompt") if isinstance(raw.get("prompt"), str) else ""
    chosen = RunSettings(**{**values, "prompt": prompt[:200]})
    n_params = model_config(chosen).n_params()
    if n_params > settings.job_max_params:
        raise FormErrors(
            {
                "d_model": f"That model has {n_params:,} parameters; this server trains at "
                f"most {settings.job_max_params:,}. Use fewer layers or a smaller width."
            }
        )
    return chosen


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def model_config(run: RunSettings):
    from app.core.tinylm import TinyGPTConfig

    tokenizer, _, _ = corpus()
    return TinyGPTConfig(
        vocab_size=tokenizer.vocab_size,
        n_layers=run.n_layers,
        d_model=run.d_model,
        n_heads=run.n_heads,
        seq_len=run.seq_len,
    )


def train_config(run: RunSettings):
    from app.core.tinylm import TrainConfig

    return TrainConfig(
        steps=run.steps,
        batch_size=run.batch_size,
        lr=run.lr,
        warmup_steps=run.warmup_steps,
        schedule=run.schedule,
        seed=run.seed,
        eval_every=max(5, run.steps // 20),
    )


def sample(model, tokenizer, prompt: str, seed: int) -> str:
    """A short continuation of `prompt` (temperature 0.8, top-k 20: readable, not greedy)."""
    ids = tokenizer.encode(prompt or " ")
    out = model.generate(ids, max_tokens=SAMPLE_CHARS, temperature=0.8, top_k=20, seed=seed)
    return tokenizer.decode(out)


@dataclass(frozen=True)
class TrainingResult:
    """A finished training run: what the result view shows and the runs chart keeps."""

    id: str
    settings: dict
    n_params: int
    vocab_size: int
    steps_done: int
    stopped_because: str | None
    final_train_loss: float | None
    final_val_loss: float | None
    tokens_per_second: int
    elapsed_s: float
    sample_before: str
    sample_after: str
    history: dict

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TrainingResult:
        return cls(**{f.name: data[f.name] for f in fields(cls)})

    @property
    def label(self) -> str:
        s = self.settings
        return f"{s['n_layers']}L·{s['d_model']}d·lr {s['lr']:g}·{self.steps_done} steps"


def run_training(
    run: RunSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress_every_s: float = 0.4,
    guard: JobGuard | None = None,
    learner: str | None = None,
) -> TrainingResult:
    """Train one model and return its result; keep the model for `learner` (if given) in
    the model store. Progress (the history dict) goes to `guard.report`, at most every
    `progress_every_s`; `guard` (from the job runner) also decides when to stop."""
    from app.core.tinylm import TinyGPT

    if guard is None:
        guard = JobGuard(
            None, should_stop, on_progress=on_progress, progress_every_s=progress_every_s
        )
    tokenizer, train_ids, val_ids = corpus()
    model = TinyGPT(model_config(run), seed=run.seed)
    before = sample(model, tokenizer, run.prompt, run.seed)
    guard.restart_clock()
    history = {
        "step": [],
        "train_loss": [],
        "val_step": [],
        "val_loss": [],
        "total_steps": run.steps,
        "tokens_per_second": 0.0,
        "elapsed_s": 0.0,
        "lr": 0.0,
    }
    for p in _train(model, train_ids, val_ids, run, guard.stop_now):
        history["step"].append(p.step)
        history["train_loss"].append(round(float(p.train_loss), 4))
        if p.val_loss is not None:
            history["val_step"].append(p.step)
            history["val_loss"].append(round(float(p.val_loss), 4))
        history.update(tokens_per_second=p.tokens_per_second, elapsed_s=p.elapsed_s, lr=p.lr)
        if not math.isfinite(p.train_loss):
            guard.stopped_because = "diverged"
            break
        guard.report(history)
    stopped_because = guard.stopped_because
    if stopped_because is None or stopped_because == "time limit":
        _final_validation(model, val_ids, run, history)
    guard.report(history, force=True)
    after = sample(model, tokenizer, run.prompt, run.seed) if stopped_because != "diverged" else ""
    result = TrainingResult(
        id=uuid.uuid4().hex[:12],
        settings=asdict(run),
        n_params=model.config.n_params(),
        vocab_size=tokenizer.vocab_size,
        steps_done=history["step"][-1] if history["step"] else 0,
        stopped_because=stopped_because,
        final_train_loss=history["train_loss"][-1] if history["train_loss"] else None,
        final_val_loss=history["val_loss"][-1] if history["val_loss"] else None,
        tokens_per_second=round(history["tokens_per_second"]),
        elapsed_s=round(history["elapsed_s"], 1),
        sample_before=before,
        sample_after=after,
        history=history,
    )
    if stopped_because not in ("cancelled", "abandoned", "diverged"):
        meta = {"settings": asdict(run), "final_val_loss": result.final_val_loss}
        save_model(learner, "trained", result.id, model, tokenizer, result.label, meta)
    return result


@job_kind("training")
def training_job(params: dict, guard: JobGuard) -> dict:
    """The job: params {"run": RunSettings as a dict, "learner": id}."""
    run = RunSettings(**params["run"])
    return run_training(run, guard=guard, learner=params.get("learner")).to_json()


def _train(model, train_ids, val_ids, run, stop_now):
    from app.core.tinylm import train

    return train(model, train_ids, val_ids, train_config(run), should_stop=stop_now)


def _final_validation(model, val_ids, run, history) -> None:
    """Make sure the run ends with a validation loss at its last step, measured on the
    same fixed evaluation batches as every other point (`app.core.tinylm.train.train`
    draws them from the seed; a run stopped early has not measured its last step)."""
    from app.core.tinylm.train import evaluate, get_batch

    if not history["step"] or (
        history["val_step"] and history["val_step"][-1] == history["step"][-1]
    ):
        return
    cfg = train_config(run)
    val_rng = np.random.default_rng([cfg.seed, 1])  # as train() draws them
    batches = [
        get_batch(val_ids, cfg.batch_size, model.config.seq_len, val_rng)
        for _ in range(cfg.eval_batches)
    ]
    history["val_step"].append(history["step"][-1])
    history["val_loss"].append(round(float(evaluate(model, batches)), 4))


def run_record(result: TrainingResult) -> dict:
    """The small summary of a finished run that the browser keeps for the comparison chart."""
    h = result.history
    keep = _thin(len(h["val_step"]), CURVE_POINTS)
    return {
        "id": result.id,
        "label": result.label,
        "final_val_loss": result.final_val_loss,
        "final_train_loss": result.final_train_loss,
        "tokens_per_second": result.tokens_per_second,
        "stopped_because": result.stopped_because,
        # for the scaling-law lab (model-selection page): model size and data seen
        "n_params": result.n_params,
        "tokens_seen": result.steps_done
        * result.settings["batch_size"]
        * result.settings["seq_len"],
        "val_step": [h["val_step"][i] for i in keep],
        "val_loss": [h["val_loss"][i] for i in keep],
    }


def _thin(n: int, most: int) -> list[int]:
    """Indices of at most `most` evenly spaced items of n, always keeping the last."""
    if n <= most:
        return list(range(n))
    step = n / most
    picked = sorted({int(i * step) for i in range(most)} | {n - 1})
    return picked
