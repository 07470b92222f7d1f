"""One live training run of the tiny GPT, as a job: validate the learner's settings, take a
job slot, train with progress, stop on cancel, time limit or divergence, and summarise.

No Dash here: the stage-05 lab runs `run_training` inside a background callback, and the
tests call it directly. Limits come from `app.config.settings` (JOB_* variables).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.config import settings
from app.core.schedules import SCHEDULES
from app.services.jobs import JobGuard, job_slot
from app.state.runs import CURVE_POINTS
from app.validation import InputError, parse_choice, parse_number

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


def parse_settings(raw: dict) -> RunSettings:
    """The learner's raw form values → RunSettings, or InputError with one clear sentence."""
    n_layers = parse_number(raw.get("n_layers"), "Layers", minimum=1, maximum=4, integer=True)
    d_model = parse_number(
        raw.get("d_model"), "Width (d_model)", minimum=16, maximum=256, integer=True
    )
    n_heads = int(parse_choice(_int_or_none(raw.get("n_heads")), "Heads", HEAD_CHOICES))
    if d_model % n_heads:
        raise InputError(f"Width {d_model} must split evenly into {n_heads} heads.")
    seq_len = parse_number(
        raw.get("seq_len"),
        "Context length",
        minimum=16,
        maximum=256,
        integer=True,
        unit="characters",
    )
    batch_size = parse_number(
        raw.get("batch_size"), "Batch size", minimum=1, maximum=128, integer=True, unit="sequences"
    )
    if batch_size * seq_len > MAX_TOKENS_PER_STEP:
        raise InputError(
            f"Batch size × context length is {batch_size * seq_len:,} tokens per step; keep "
            f"it at most {MAX_TOKENS_PER_STEP:,} so a step fits in this server's memory."
        )
    steps = parse_number(
        raw.get("steps"), "Steps", minimum=1, maximum=settings.job_max_steps, integer=True
    )
    lr = parse_number(raw.get("lr"), "Learning rate", minimum=1e-6, maximum=1.0)
    warmup = parse_number(
        raw.get("warmup_steps"), "Warmup steps", minimum=0, maximum=steps, integer=True
    )
    schedule = parse_choice(raw.get("schedule"), "Schedule", SCHEDULES)
    seed = parse_number(raw.get("seed"), "Seed", minimum=0, maximum=2**31 - 1, integer=True)
    prompt = raw.get("prompt") if isinstance(raw.get("prompt"), str) else ""
    chosen = RunSettings(
        int(n_layers),
        int(d_model),
        n_heads,
        int(seq_len),
        int(batch_size),
        int(steps),
        float(lr),
        int(warmup),
        schedule,
        int(seed),
        prompt[:200],
    )
    n_params = model_config(chosen).n_params()
    if n_params > settings.job_max_params:
        raise InputError(
            f"That model has {n_params:,} parameters; this server trains at most "
            f"{settings.job_max_params:,}. Use fewer layers or a smaller width."
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


def run_training(
    run: RunSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress_every_s: float = 0.4,
) -> dict:
    """Train one model and return a summary (JSON-safe). Raises JobsBusy when every job
    slot is taken. `on_progress(history)` is called at most every `progress_every_s`."""
    from app.core.tinylm import TinyGPT

    tokenizer, train_ids, val_ids = corpus()
    model = TinyGPT(model_config(run), seed=run.seed)
    before = sample(model, tokenizer, run.prompt, run.seed)
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
    with job_slot() as lease:
        guard = JobGuard(lease, should_stop, progress_every_s=progress_every_s)
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
            if on_progress is not None and guard.report_due():
                on_progress(history)
    stopped_because = guard.stopped_because
    if stopped_because is None or stopped_because == "time limit":
        _final_validation(model, val_ids, run, history)
    if on_progress is not None:
        on_progress(history)
    after = sample(model, tokenizer, run.prompt, run.seed) if stopped_because != "diverged" else ""
    run_id = uuid.uuid4().hex[:12]
    _save_model(model, tokenizer, run, run_id)
    return {
        "id": run_id,
        "settings": asdict(run),
        "n_params": model.config.n_params(),
        "vocab_size": tokenizer.vocab_size,
        "steps_done": history["step"][-1] if history["step"] else 0,
        "stopped_because": stopped_because,
        "final_train_loss": history["train_loss"][-1] if history["train_loss"] else None,
        "final_val_loss": history["val_loss"][-1] if history["val_loss"] else None,
        "tokens_per_second": round(history["tokens_per_second"]),
        "elapsed_s": round(history["elapsed_s"], 1),
        "sample_before": before,
        "sample_after": after,
        "history": history,
    }


def _train(model, train_ids, val_ids, run, stop_now):
    from app.core.tinylm import train

    return train(model, train_ids, val_ids, train_config(run), should_stop=stop_now)


def _final_validation(model, val_ids, run, history) -> None:
    """Make sure the run ends with a validation loss at its last step."""
    if not history["step"] or (
        history["val_step"] and history["val_step"][-1] == history["step"][-1]
    ):
        return
    rng = np.random.default_rng(run.seed + 1)
    n, t = 8, model.config.seq_len
    starts = rng.integers(0, len(val_ids) - t - 1, size=n)
    x = np.stack([val_ids[s : s + t] for s in starts])
    y = np.stack([val_ids[s + 1 : s + t + 1] for s in starts])
    history["val_step"].append(history["step"][-1])
    history["val_loss"].append(round(float(model.loss(x, y)), 4))


def _save_model(model, tokenizer, run: RunSettings, run_id: str) -> None:
    """Keep the trained weights in the cache folder (its size limit applies to the
    diskcache only, so only the newest few files are kept)."""
    folder = Path(settings.cache_dir) / "models"
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / f"{run_id}.npz", tokenizer=tokenizer, meta={"settings": asdict(run)})
    kept = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[20:]:
        old.unlink(missing_ok=True)


def run_record(result: dict) -> dict:
    """The small summary of a finished run that the browser keeps for the comparison chart."""
    h = result["history"]
    keep = _thin(len(h["val_step"]), CURVE_POINTS)
    s = result["settings"]
    return {
        "id": result["id"],
        "label": f"{s['n_layers']}L·{s['d_model']}d·lr {s['lr']:g}·{result['steps_done']} steps",
        "final_val_loss": result["final_val_loss"],
        "final_train_loss": result["final_train_loss"],
        "tokens_per_second": result["tokens_per_second"],
        "stopped_because": result["stopped_because"],
        # for the scaling-law lab (model-selection page): model size and data seen
        "n_params": result["n_params"],
        "tokens_seen": result["steps_done"] * s["batch_size"] * s["seq_len"],
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
