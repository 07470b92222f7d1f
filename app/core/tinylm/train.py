"""Training loop for TinyGPT: random batches, AdamW, LR schedule, clipping, periodic eval.

AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"): Adam's update
(Kingma & Ba 2015) with bias correction, plus weight decay applied directly to the
weights rather than through the gradient. Decay applies to every 2-D tensor (the matmul
weights and both embeddings) and not to biases or LayerNorm gains, as nanoGPT does.
Gradients are clipped to a global L2 norm first (Pascanu et al. 2013), and the learning
rate follows app.core.schedules.learning_rate (warmup, then e.g. cosine decay).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from app.core.schedules import SCHEDULES, learning_rate
from app.core.tinylm.model import TinyGPT, is_decayed
from app.core.tinylm.runtime import training_runtime


@dataclass(frozen=True)
class TrainConfig:
    """Everything about one training run except the model's shape and the data."""

    steps: int = 300
    batch_size: int = 16
    lr: float = 3e-3  # peak learning rate
    warmup_steps: int = 30
    schedule: str = "cosine"
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-8
    grad_clip: float = 1.0  # global-norm clipping; 0 disables it
    eval_every: int = 25
    eval_batches: int = 4
    seed: int = 0

    def lr_at(self, step: int) -> float:
        """The learning rate at `step` (0-based) under this run's schedule."""
        return learning_rate(
            self.schedule,
            step,
            peak_lr=self.lr,
            total_steps=self.steps,
            warmup_steps=self.warmup_steps,
            min_lr_ratio=self.min_lr_ratio,
        )

    def __post_init__(self) -> None:
        def whole(value, low, high, what):
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise ValueError(f"{what} must be a whole number, got {value!r}.")
            if not low <= value <= high:
                raise ValueError(f"{what} must be between {low} and {high}, got {value}.")

        def number(value, low, high, what, low_open=False):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value):
                raise ValueError(f"{what} must be a number, got {value!r}.")
            if value < low or value > high or (low_open and value == low):
                bound = f"above {low}" if low_open else f"at least {low}"
                raise ValueError(f"{what} must be {bound} and at most {high}, got {value}.")

        whole(self.steps, 1, 1_000_000, "The number of steps")
        whole(self.batch_size, 1, 128, "The batch size")
        number(self.lr, 0.0, 1.0, "The learning rate", low_open=True)
        whole(self.warmup_steps, 0, self.steps, "The warmup steps (at most the number of steps)")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"The schedule must be one of {', '.join(SCHEDULES)}.")
        number(self.min_lr_ratio, 0.0, 1.0, "The minimum learning-rate ratio")
        number(self.weight_decay, 0.0, 10.0, "The weight decay")
        number(self.beta1, 0.0, 1.0, "Adam's beta1")
        number(self.beta2, 0.0, 1.0, "Adam's beta2")
        if self.beta1 >= 1 or self.beta2 >= 1:
            raise ValueError("Adam's betas must be below 1.")
        number(self.eps, 0.0, 1.0, "Adam's epsilon", low_open=True)
        number(self.grad_clip, 0.0, 1e6, "The gradient clip")
        whole(self.eval_every, 1, 1_000_000, "The evaluation interval")
        whole(self.eval_batches, 1, 1000, "The number of evaluation batches")
        whole(self.seed, 0, 2**32 - 1, "The seed")


@dataclass(frozen=True)
class TrainProgress:
    step: int  # 1-based steps done
    total_steps: int
    train_loss: float  # loss of this step's batch
    val_loss: float | None  # set on eval steps (and the final step), else None
    lr: float
    tokens_per_second: float  # training throughput so far (evaluation time excluded)
    elapsed_s: float


def _as_ids(ids, seq_len: int, vocab_size: int, what: str) -> np.ndarray:
    ids = np.asarray(ids).reshape(-1)
    if ids.size < seq_len + 1:
        raise ValueError(
            f"The {what} text is too short: it needs at least {seq_len + 1} tokens for one "
            f"sequence of {seq_len}, but has {ids.size}."
        )
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"The {what} ids must be between 0 and {vocab_size - 1}.")
    return ids.astype(np.intp, copy=False)


def get_batch(ids: np.ndarray, batch_size: int, seq_len: int, rng: np.random.Generator):
    """Random windows: x (B, T) and targets y (B, T) = x shifted left by one token."""
    starts = rng.integers(0, ids.size - seq_len, size=batch_size)  # last start: size-T-1
    rows = starts[:, None] + np.arange(seq_len + 1)  # (B, T+1)
    window = ids[rows]
    return window[:, :-1], window[:, 1:]


class AdamW:
    """AdamW over all of a model's parameters at once (they share one flat buffer).

    Per element, at step t (Loshchilov & Hutter 2019, Algorithm 2):
        m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
        w = w - lr * wd * w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    with wd = 0 for biases and LayerNorm gains (see model.is_decayed).
    """

    def __init__(self, model: TinyGPT, cfg: TrainConfig):
        self.params = model._flat  # every parameter is a view into this buffer
        self.cfg = cfg
        self.m = np.zeros_like(self.params)  # first moment
        self.v = np.zeros_like(self.params)  # second moment
        self.t = 0
        self.decay_mask = np.concatenate(
            [
                np.full(p.size, is_decayed(n), dtype=self.params.dtype)
                for n, p in model.params.items()
            ]
        )
        self._update = np.empty_like(self.params)

    def step(self, grads: np.ndarray, lr: float) -> None:
        """Update the weights in place from flat gradients (which are overwritten)."""
        cfg, w, m, v, upd = self.cfg, self.params, self.m, self.v, self._update
        self.t += 1
        m *= cfg.beta1
        m += (1 - cfg.beta1) * grads
        v *= cfg.beta2
        grads *= grads
        v += (1 - cfg.beta2) * grads
        np.sqrt(v, out=upd)
        upd /= math.sqrt(1 - cfg.beta2**self.t)
        upd += cfg.eps
        np.divide(m, upd, out=upd)
        upd *= lr / (1 - cfg.beta1**self.t)
        if cfg.weight_decay:
            w -= (lr * cfg.weight_decay) * self.decay_mask * w  # decoupled weight decay
        w -= upd


def train_step(model: TinyGPT, optimizer: AdamW, x: np.ndarray, y: np.ndarray, lr: float) -> float:
    """One optimisation step on batch (x, y): backprop, clip the global norm, AdamW."""
    loss, grads = model._loss_and_flat_grads(x, y)
    clip = optimizer.cfg.grad_clip
    if clip > 0:
        norm = math.sqrt(float(np.dot(grads, grads)))
        if norm > clip:
            grads *= clip / (norm + 1e-6)
    optimizer.step(grads, lr)
    return loss


def evaluate(model: TinyGPT, batches: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Mean loss over fixed batches."""
    return float(np.mean([model.loss(x, y) for x, y in batches]))


def text_loss(model: TinyGPT, ids, max_windows: int | None = None) -> float:
    """Mean loss over a whole text, cut into consecutive windows of seq_len + 1 tokens
    (each token after a window's first is predicted once); deterministic.
    max_windows evenly spaced windows bound the cost on a long text."""
    T = model.config.seq_len
    ids = _as_ids(ids, T, model.config.vocab_size, "evaluation")
    n = (ids.size - 1) // T  # windows
    starts = np.arange(n) * T
    if max_windows is not None and n > max_windows:
        starts = starts[np.linspace(0, n - 1, max_windows).round().astype(int)]
    rows = starts[:, None] + np.arange(T + 1)
    window = ids[rows]  # (n, T+1)
    losses, weights = [], []
    for chunk in np.array_split(np.arange(len(window)), max(1, len(window) // 32)):
        x, y = window[chunk, :-1], window[chunk, 1:]
        losses.append(model.loss(x, y))
        weights.append(len(chunk))
    return float(np.average(losses, weights=weights))


def train(
    model: TinyGPT,
    train_ids: np.ndarray,
    val_ids: np.ndarray,
    cfg: TrainConfig,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[TrainProgress]:
    """Train `model` in place, yielding a TrainProgress after every step.

    Bad data raises ValueError here, at the call, before any step runs.
    should_stop() is checked before each step; when it returns True the loop returns at
    once. Same model init, config, seed and data -> identical losses. Validation uses the
    same eval_batches random windows (chosen by the seed) at every evaluation, so the
    curve moves only because the model changed.
    """
    T, V = model.config.seq_len, model.config.vocab_size
    train_ids = _as_ids(train_ids, T, V, "training")
    val_ids = _as_ids(val_ids, T, V, "validation")
    val_rng = np.random.default_rng([cfg.seed, 1])
    val_batches = [get_batch(val_ids, cfg.batch_size, T, val_rng) for _ in range(cfg.eval_batches)]

    return _train(model, train_ids, val_batches, cfg, should_stop)


def _train(model, train_ids, val_batches, cfg, should_stop) -> Iterator[TrainProgress]:
    with training_runtime():  # one BLAS thread, no page-fault churn: see runtime.py
        yield from _steps(model, train_ids, val_batches, cfg, should_stop)


def _steps(model, train_ids, val_batches, cfg, should_stop) -> Iterator[TrainProgress]:
    T = model.config.seq_len
    rng = np.random.default_rng(cfg.seed)
    optimizer = AdamW(model, cfg)
    start = time.perf_counter()
    train_time = 0.0
    tokens = 0
    for step in range(cfg.steps):
        if should_stop is not None and should_stop():
            return
        t0 = time.perf_counter()
        x, y = get_batch(train_ids, cfg.batch_size, T, rng)
        lr = cfg.lr_at(step)
        loss = train_step(model, optimizer, x, y, lr)
        train_time += time.perf_counter() - t0
        tokens += x.size
        done = step + 1
        val_loss = None
        if done % cfg.eval_every == 0 or done == cfg.steps:
            val_loss = evaluate(model, val_batches)
        yield TrainProgress(
            step=done,
            total_steps=cfg.steps,
            train_loss=loss,
            val_loss=val_loss,
            lr=lr,
            tokens_per_second=tokens / max(train_time, 1e-9),
            elapsed_s=time.perf_counter() - start,
        )
