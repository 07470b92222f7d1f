"""Direct Preference Optimization (Rafailov et al. 2023, eq. 7) on the tiny GPT.

    L = −log σ( β [ (log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r)) ] )

for a prompt with a chosen answer c and a rejected answer r; π is the model being
trained, π_ref the frozen fine-tuned model it starts from, and log π(·) the sum of the
answer's token log-probabilities given the prompt. β·(log π − log π_ref) is the
*implicit reward* (paper §5): DPO trains a reward model and a policy in one.

The model's own backprop gives the gradient of a row's mean cross-entropy; the sum of
log-probabilities is −(scored tokens) × that mean, so each row's gradient is scaled by
dL/d log π of that row (one backward pass per answer, which a 250k-parameter model can
afford).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from app.core.tinylm.finetune import AdamWSubset, QAPair, clip_global_norm
from app.core.tinylm.model import IGNORE, TinyGPT, is_decayed
from app.core.tinylm.runtime import training_runtime
from app.core.tinylm.train import TrainConfig


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -z)


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta: float):
    """(mean loss, dL/d log π(c), dL/d log π(r)) for arrays of sequence log-probabilities."""
    if not beta > 0:
        raise ValueError("β must be positive.")
    pc, pr = np.asarray(policy_chosen, float), np.asarray(policy_rejected, float)
    rc, rr = np.asarray(ref_chosen, float), np.asarray(ref_rejected, float)
    z = beta * ((pc - rc) - (pr - rr))
    n = z.size
    weight = np.exp(log_sigmoid(-z))  # σ(−z): how wrong the implicit reward still is
    return float(-log_sigmoid(z).mean()), -beta * weight / n, beta * weight / n


@dataclass(frozen=True)
class PreferencePair:
    prompt: str
    chosen: str
    rejected: str


def preference_pairs(pairs: list[QAPair] | tuple[QAPair, ...], chars=None) -> list[PreferencePair]:
    """Chosen = the reference answer; rejected = the same answer padded with a generic
    filler sentence (app.core.rlhf.preferences.FILLER): preferences for concise answers,
    the opposite of the reward model's length bias. `chars`: the tokenizer's characters
    (filler is fitted to them)."""
    from app.core.rlhf.preferences import FILLER
    from app.core.tinylm.finetune import fit_to_vocab

    if not pairs:
        raise ValueError("DPO needs at least one question.")
    out = []
    for i, p in enumerate(pairs):
        filler = FILLER[i % len(FILLER)]
        if chars is not None:
            filler = fit_to_vocab(filler, chars)
        padded = f" {p.answer} {filler}\n"
        out.append(PreferencePair(p.prompt, p.completion, padded))
    return out


def _row(tokenizer, prompt: str, completion: str, seq_len: int):
    """(inputs, targets) with only the completion scored, cropped to the context."""
    p = tokenizer.encode(prompt)
    ids = p + tokenizer.encode(completion)
    targets = [IGNORE] * (len(p) - 1) + ids[len(p) :]
    return np.asarray(ids[:-1][-seq_len:]), np.asarray(targets[-seq_len:])


def _batch(rows, fallback_id: int):
    width = max(len(x) for x, _ in rows)
    x = np.full((len(rows), width), fallback_id, dtype=np.intp)
    y = np.full((len(rows), width), IGNORE, dtype=np.intp)
    for i, (ids, t) in enumerate(rows):
        x[i, : len(ids)], y[i, : len(t)] = ids, t
    return x, y


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits.astype(np.float64)
    logits -= logits.max(axis=-1, keepdims=True)
    return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))


def sequence_logps(model: TinyGPT, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Σ over scored positions of log p(target), per row."""
    logp = _log_softmax(model.logits(x))
    scored = y != IGNORE
    picked = np.take_along_axis(logp, np.where(scored, y, 0)[..., None], axis=-1)[..., 0]
    return (picked * scored).sum(axis=1)


def token_kl(model: TinyGPT, reference: TinyGPT, x: np.ndarray, y: np.ndarray) -> float:
    """Mean over scored positions of KL(π(·|context) ‖ π_ref(·|context)), in nats per token."""
    lp, lq = _log_softmax(model.logits(x)), _log_softmax(reference.logits(x))
    kl = (np.exp(lp) * (lp - lq)).sum(axis=-1)
    scored = y != IGNORE
    return float(kl[scored].mean())


@dataclass(frozen=True)
class DPOProgress:
    step: int
    total_steps: int
    loss: float | None  # this step's batch; None at step 0
    chosen_logp: float  # held-out pairs: mean log π(chosen)
    rejected_logp: float
    reward_accuracy: float  # share of held-out pairs whose implicit reward ranks them right
    kl: float  # held-out answers: mean per-token KL(π ‖ π_ref)
    elapsed_s: float


def dpo_train(
    reference: TinyGPT,
    tokenizer,
    train_pairs: list[PreferencePair],
    eval_pairs: list[PreferencePair],
    *,
    beta: float,
    cfg: TrainConfig,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[DPOProgress]:
    """Train a copy of `reference` with DPO; yield held-out progress at step 0, then every
    cfg.eval_every steps and at the end (the batch loss on the steps between)."""
    if not beta > 0 or not math.isfinite(beta):
        raise ValueError("β must be a positive number.")
    if not train_pairs or not eval_pairs:
        raise ValueError("DPO needs training and held-out pairs.")
    T, fb = reference.config.seq_len, tokenizer.fallback_id
    policy = reference.copy()

    def rows(pairs):
        return _batch(
            [_row(tokenizer, p.prompt, p.chosen, T) for p in pairs]
            + [_row(tokenizer, p.prompt, p.rejected, T) for p in pairs],
            fb,
        )

    ex, ey = rows(eval_pairs)
    ref_eval = sequence_logps(reference, ex, ey)
    k = len(eval_pairs)

    def evaluate(step, loss, start):
        lp = sequence_logps(policy, ex, ey)
        margin = (lp[:k] - ref_eval[:k]) - (lp[k:] - ref_eval[k:])
        return DPOProgress(
            step,
            cfg.steps,
            loss,
            float(lp[:k].mean()),
            float(lp[k:].mean()),
            float(np.mean(np.where(np.abs(margin) < 1e-6, 0.5, margin > 0))),  # a tie counts half
            token_kl(policy, reference, ex, ey),
            time.perf_counter() - start,
        )

    with training_runtime():
        start = time.perf_counter()
        yield evaluate(0, None, start)
        rng = np.random.default_rng(cfg.seed)
        params = policy.params
        optimizer = AdamWSubset(params, cfg, {n for n in params if is_decayed(n)})
        for step in range(cfg.steps):
            if should_stop is not None and should_stop():
                return
            pick = rng.choice(len(train_pairs), size=min(cfg.batch_size, len(train_pairs)))
            batch = [train_pairs[i] for i in pick]
            x, y = rows(batch)
            ref_lp = sequence_logps(reference, x, y)
            lp = sequence_logps(policy, x, y)
            b = len(batch)
            loss, d_chosen, d_rejected = dpo_loss(lp[:b], lp[b:], ref_lp[:b], ref_lp[b:], beta)
            d_logp = np.concatenate([d_chosen, d_rejected])
            grads = {n: np.zeros_like(p) for n, p in params.items()}
            for i in range(2 * b):
                n_scored = int((y[i] != IGNORE).sum())
                _, g = policy.loss_and_grads(x[i : i + 1], y[i : i + 1])
                scale = -d_logp[i] * n_scored  # d log π = −n · d(mean cross-entropy)
                for name, gi in g.items():
                    grads[name] += scale * gi
            clip_global_norm(grads, cfg.grad_clip)
            optimizer.step(grads, cfg.lr_at(step))
            done = step + 1
            if done % cfg.eval_every == 0 or done == cfg.steps:
                yield evaluate(done, loss, start)
