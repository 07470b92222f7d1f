"""Train the attention-only model on repeated segments with Adam (Kingma & Ba 2015),
yielding progress: the mean loss on the first and on the second copy of a fixed set of
held-out [segment, segment] sequences, whose gap is in-context learning."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from app.core.induction.data import batch, repeated_segment
from app.core.induction.model import AttnOnlyConfig, AttnOnlyTransformer
from app.core.tinylm.runtime import training_runtime


@dataclass(frozen=True)
class InductionTrainConfig:
    steps: int = 3000
    batch_size: int = 32
    lr: float = 2e-3
    warmup_steps: int = 50
    eval_every: int = 25
    seed: int = 0

    def __post_init__(self) -> None:
        if not (isinstance(self.steps, int) and 1 <= self.steps <= 20_000):
            raise ValueError("Steps must be a whole number from 1 to 20,000.")
        if not (isinstance(self.lr, float | int) and 0 < self.lr <= 1):
            raise ValueError("The learning rate must be above 0 and at most 1.")


@dataclass(frozen=True)
class InductionProgress:
    step: int
    total_steps: int
    loss: float | None
    first_copy_loss: float | None  # held-out: positions predicting the first copy
    second_copy_loss: float | None  # held-out: positions predicting the second copy
    elapsed_s: float


def copy_losses(model: AttnOnlyTransformer, x, y, length: int) -> tuple[float, float, np.ndarray]:
    """Mean loss on the first copy (targets 1..L-1), on the second copy (after its first
    token) and the per-position loss averaged over the sequences."""
    per = model.per_token_loss(x, y).mean(axis=0)  # (T,)
    return float(per[: length - 1].mean()), float(per[length:].mean()), per


def eval_set(cfg: AttnOnlyConfig, n: int = 64, seed: int = 12345):
    return repeated_segment(np.random.default_rng(seed), cfg.seq_len, cfg.vocab_size, n)


def train(
    model: AttnOnlyTransformer,
    cfg: InductionTrainConfig,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[InductionProgress]:
    with training_runtime():
        yield from _steps(model, cfg, should_stop)


def _steps(model, cfg, should_stop):
    mc = model.config
    rng = np.random.default_rng(cfg.seed)
    ex, ey, length = eval_set(mc)
    m = {n: np.zeros_like(p) for n, p in model.params.items()}
    v = {n: np.zeros_like(p) for n, p in model.params.items()}
    b1, b2, eps = 0.9, 0.99, 1e-8
    start = time.perf_counter()
    first, second, _ = copy_losses(model, ex, ey, length)
    yield InductionProgress(0, cfg.steps, None, first, second, 0.0)
    for step in range(1, cfg.steps + 1):
        if should_stop is not None and should_stop():
            return
        x, y = batch(rng, cfg.batch_size, mc.seq_len, mc.vocab_size)
        loss, grads = model.loss_and_grads(x, y)
        lr = cfg.lr * min(1.0, step / max(1, cfg.warmup_steps))
        c1, c2 = 1 - b1**step, math.sqrt(1 - b2**step)
        for n, p in model.params.items():
            g = grads[n]
            m[n] = b1 * m[n] + (1 - b1) * g
            v[n] = b2 * v[n] + (1 - b2) * g * g
            p -= (lr / c1) * m[n] / (np.sqrt(v[n]) / c2 + eps)
        first = second = None
        if step % cfg.eval_every == 0 or step == cfg.steps:
            first, second, _ = copy_losses(model, ex, ey, length)
        yield InductionProgress(step, cfg.steps, loss, first, second, time.perf_counter() - start)


def prev_token_score(att: np.ndarray) -> np.ndarray:
    """Per head, the mean attention from each position to the one just before: (H,)."""
    diag = np.diagonal(att, offset=-1, axis1=-2, axis2=-1)  # (B, H, T-1)
    return diag.mean(axis=(0, 2))


def induction_score(att: np.ndarray, length: int) -> np.ndarray:
    """Per head, the mean attention from each position t of the second copy to position
    t - L + 1: the token right after the earlier occurrence of the current token (Olsson
    et al. 2022's induction pattern on repeated random tokens): (H,)."""
    T = att.shape[-1]
    rows = np.arange(length, T)
    return att[:, :, rows, rows - length + 1].mean(axis=(0, 2))


def head_roles(model: AttnOnlyTransformer, x, y, length: int) -> list[dict]:
    """Per head: how much the second-copy loss rises when it alone is switched off (the
    head that does the copying is the one the model cannot do without), and its
    previous-token and induction scores. Sorted, most needed first."""
    _, atts, _ = model.forward(x)
    base = model.per_token_loss(x, y)[:, length:].mean()
    roles = []
    for layer, att in enumerate(atts):
        prev, ind = prev_token_score(att), induction_score(att, length)
        for head in range(att.shape[1]):
            ablated = model.per_token_loss(x, y, ablate={(layer, head)})[:, length:].mean()
            roles.append(
                {
                    "layer": layer,
                    "head": head,
                    "second_copy_rise": float(ablated - base),
                    "previous_token": float(prev[head]),
                    "induction": float(ind[head]),
                }
            )
    return sorted(roles, key=lambda r: -r["second_copy_rise"])
