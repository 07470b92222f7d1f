"""Which input characters drive the next-character prediction? Two gradient attributions,
both computed with the tiny GPT's own hand-written backward pass (app/core/tinylm/model.py):

- input × gradient (Shrikumar et al. 2017; Denil et al. 2014): for each input position t,
  the dot product of its input vector x_t (token + position embedding) with the gradient
  of the target's log-probability with respect to x_t.
- integrated gradients (Sundararajan et al. 2017): the same dot product, with the gradient
  averaged along the straight path from a baseline input x' to x, times (x − x'). The
  baseline is the same text with every character a space (position embeddings kept): an
  all-zero input would pass through LayerNorm's singularity at zero, where the gradient
  spikes and a Riemann sum misses it. The attributions add up to f(x) − f(x') (the
  paper's "completeness"), which the tests check.

The gradient with respect to x_t comes out of the backward pass as the gradient of the
position embedding wpe[t], because x_t = wte[idx_t] + wpe[t] and, for one sequence, wpe[t]
is used only there. To evaluate at a scaled input α·x, a copy of the model gets
wpe'[t] = α·x_t − wte[idx_t], so its input is exactly α·x_t while its output head (tied to
wte) is untouched.
"""

from __future__ import annotations

import numpy as np

from app.core.tinylm.model import IGNORE, TinyGPT
from app.core.tinylm.runtime import training_runtime

IG_STEPS = 48  # Riemann midpoint steps (the paper: 20–300); completeness is within ~1% here


def _inputs(model: TinyGPT, ids: np.ndarray) -> np.ndarray:
    P = model.params
    return (P["wte"][ids] + P["wpe"][: ids.size]).astype(np.float64)  # (T, C)


def _grad_at(model: TinyGPT, work: TinyGPT, ids, target: int, x_in: np.ndarray):
    """(log p(target | input x_in), d log p / d x_in) for the last position."""
    T = ids.size
    work.params["wpe"][:T] = x_in - model.params["wte"][ids]
    targets = np.full(T, IGNORE)
    targets[-1] = target
    loss, grads = work.loss_and_grads(ids[None, :], targets[None, :])
    return -loss, -grads["wpe"][:T].astype(np.float64)  # loss = −log p


def target_logprob_and_grad(model: TinyGPT, ids, target: int):
    ids = np.asarray(ids, dtype=np.intp)
    work = model.copy()
    with training_runtime():
        return _grad_at(model, work, ids, target, _inputs(model, ids))


def input_x_gradient(model: TinyGPT, ids, target: int) -> np.ndarray:
    """Per input position: x_t · d log p(target) / d x_t."""
    ids = np.asarray(ids, dtype=np.intp)
    _, grad = target_logprob_and_grad(model, ids, target)
    return np.einsum("tc,tc->t", _inputs(model, ids), grad)


def baseline_inputs(model: TinyGPT, ids, baseline_id: int) -> np.ndarray:
    ids = np.asarray(ids, dtype=np.intp)
    return _inputs(model, np.full_like(ids, baseline_id))


def integrated_gradients(model: TinyGPT, ids, target: int, baseline_id: int, steps: int = IG_STEPS):
    """(attributions per position, f(x) − f(x')): (x_t − x'_t) · the mean gradient at
    x' + α(x − x') over α at the midpoints of `steps` equal steps."""
    if not 1 <= steps <= 256:
        raise ValueError("Use 1 to 256 steps.")
    ids = np.asarray(ids, dtype=np.intp)
    x = _inputs(model, ids)
    x0 = baseline_inputs(model, ids, baseline_id)
    work = model.copy()
    total = np.zeros_like(x)
    with training_runtime():
        for k in range(steps):
            alpha = (k + 0.5) / steps
            total += _grad_at(model, work, ids, target, x0 + alpha * (x - x0))[1]
        f_x = _grad_at(model, work, ids, target, x)[0]
        f_0 = _grad_at(model, work, ids, target, x0)[0]
    return np.einsum("tc,tc->t", x - x0, total / steps), f_x - f_0
