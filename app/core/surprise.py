"""How surprised a language model is by each token of a text: −ln p(token | the text before).

The mean of these surprises over a text is exactly the cross-entropy loss the model is
trained to lower (nats per token), and e raised to it is the perplexity (see
`app.core.evaluation`). A model only sees its context window, so each token is scored
given at most the `seq_len` tokens before it, as when the model generates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ROWS_PER_PASS = 4096  # tokens per batched forward pass: bounds the attention memory


@dataclass(frozen=True)
class TokenSurprise:
    """Per scored token (arrays of length n): its id, −ln p in nats, and the model's
    top guesses for that position as (token ids (n, k), probabilities (n, k))."""

    target_ids: np.ndarray
    surprise_nats: np.ndarray
    top_ids: np.ndarray
    top_probs: np.ndarray

    @property
    def probability(self) -> np.ndarray:
        return np.exp(-self.surprise_nats)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax over the last axis, in float64 (stable: the max is subtracted first)."""
    z = logits.astype(np.float64)
    z -= z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def default_stride(seq_len: int) -> int:
    """A quarter of the window: every token then sees at least 3/4 of a full context."""
    return max(1, seq_len // 4)


def next_token_log_probs(model, ids, start: int = 1, stride: int | None = None) -> np.ndarray:
    """log p(token p | the tokens before it) for every position p in [start, len(ids)): (n, V).

    Tokens inside the first window are scored in one forward pass (causal attention lets
    each position see only what came before), each given everything before it. Past the
    first window, a window of T tokens slides forward `stride` tokens at a time and scores
    only its last `stride` positions, so each of those tokens sees between T − stride + 1
    and T tokens of context: the strided sliding-window evaluation of fixed-length models
    (Hugging Face Transformers docs, "Perplexity of fixed-length models"). stride 1 gives
    every token a full window, at one forward pass per token.
    """
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if start < 1 or start >= ids.size:
        raise ValueError("Need at least one token before the first token to score.")
    T = model.config.seq_len
    stride = default_stride(T) if stride is None else stride
    if not 1 <= stride <= T:
        raise ValueError(f"The stride must be between 1 and the context length {T}.")
    first = ids[: min(ids.size - 1, T)]  # positions 0..T-1 predict tokens 1..T
    rows = [_log_softmax(model.logits(first[None, :])[0])[start - 1 :]]
    # Later windows: targets [lo, hi) read window ids[hi - 1 - T : hi - 1].
    spans = [(lo, min(lo + stride, ids.size)) for lo in range(T + 1, ids.size, stride)]
    spans = [(max(lo, start), hi) for lo, hi in spans if hi > start]
    per_pass = max(1, MAX_ROWS_PER_PASS // T)
    for i in range(0, len(spans), per_pass):
        batch = spans[i : i + per_pass]
        windows = np.stack([ids[hi - 1 - T : hi - 1] for _, hi in batch])  # (b, T)
        logits = model.logits(windows)  # (b, T, V)
        for row, (lo, hi) in enumerate(batch):
            # target p is predicted at window position p - 1 - (hi - 1 - T) = p - hi + T
            rows.append(_log_softmax(logits[row, lo - hi + T : T]))
    return np.concatenate(rows)


def token_surprise(
    model, ids, start: int = 1, top: int = 3, stride: int | None = None
) -> TokenSurprise:
    """The surprise of every token from `start` on, and the model's `top` guesses there."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    log_probs = next_token_log_probs(model, ids, start, stride)  # (n, V)
    targets = ids[start:]
    surprise = -log_probs[np.arange(targets.size), targets]
    top = min(top, log_probs.shape[1])
    top_ids = np.argsort(-log_probs, axis=1, kind="stable")[:, :top]
    top_probs = np.exp(np.take_along_axis(log_probs, top_ids, axis=1))
    return TokenSurprise(targets, surprise, top_ids, top_probs)
