"""The tiny GPT's forward pass with its insides kept: every layer's attention weights and
residual stream, and optionally some heads switched off.

It is TinyGPT._forward (app/core/tinylm/model.py) written out again with the same
building blocks, so that it can keep what the model throws away; with no head switched
off it gives exactly the model's own logits (tests/core check this).

- Logit lens (nostalgebraist 2020): read the residual stream after each layer through the
  final LayerNorm and the output head, as if the model stopped there.
- Head ablation (zero-ablation, as in Michel et al. 2019, "Are Sixteen Heads Really Better
  than One?"): a switched-off head's output is set to zero before the output projection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.core.tinylm.model import (
    IGNORE,
    TinyGPT,
    _gelu,
    _layernorm,
    _linear,
    _softmax_lastaxis,
)
from app.core.tinylm.runtime import training_runtime

MAX_TEXT_CHARS = 128


@dataclass(frozen=True)
class Inside:
    logits: np.ndarray  # (B, T, V)
    attention: list[np.ndarray]  # per layer (B, H, T, T)
    residual: list[np.ndarray]  # after the embeddings, then after each block: (B, T, C)


def run(model: TinyGPT, idx, ablate=frozenset()) -> Inside:
    """Forward pass keeping attention and residuals; `ablate` holds (layer, head) pairs."""
    idx = model._check_idx(idx)
    P, cfg = model.params, model.config
    B, T = idx.shape
    C, H = cfg.d_model, cfg.n_heads
    D = C // H
    N = B * T
    mask = np.triu(np.full((T, T), -np.inf, dtype=model.dtype), k=1)
    x = (P["wte"][idx] + P["wpe"][:T]).reshape(N, C)
    atts, resid = [], [x.reshape(B, T, C).copy()]
    for i in range(cfg.n_layers):
        p = f"h.{i}."
        h, _ = _layernorm(x, P[p + "ln_1.weight"], P[p + "ln_1.bias"])
        qkv = _linear(h, P[p + "attn.c_attn.weight"], P[p + "attn.c_attn.bias"])
        qkv = qkv.reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * (1.0 / math.sqrt(D)), qkv[1], qkv[2]
        att = q @ k.transpose(0, 1, 3, 2)
        att += mask
        att = _softmax_lastaxis(att)
        atts.append(att)
        heads = att @ v  # (B, H, T, D)
        for layer, head in ablate:
            if layer == i:
                heads[:, head] = 0.0
        y = heads.transpose(0, 2, 1, 3).reshape(N, C)
        x = x + _linear(y, P[p + "attn.c_proj.weight"], P[p + "attn.c_proj.bias"])
        h2, _ = _layernorm(x, P[p + "ln_2.weight"], P[p + "ln_2.bias"])
        g, _ = _gelu(_linear(h2, P[p + "mlp.c_fc.weight"], P[p + "mlp.c_fc.bias"]))
        x = x + _linear(g, P[p + "mlp.c_proj.weight"], P[p + "mlp.c_proj.bias"])
        resid.append(x.reshape(B, T, C).copy())
    return Inside(unembed(model, x).reshape(B, T, -1), atts, resid)


def unembed(model: TinyGPT, x: np.ndarray) -> np.ndarray:
    """Residual (..., C) -> logits (..., V) through ln_f and the tied output head."""
    P = model.params
    flat = x.reshape(-1, x.shape[-1])
    xf, _ = _layernorm(flat, P["ln_f.weight"], P["ln_f.bias"])
    return (xf @ P["wte"].T).reshape(*x.shape[:-1], -1)


def encode_text(tokenizer, text, seq_len: int) -> list[int]:
    if not isinstance(text, str) or not text:
        raise ValueError("Type some text (at least one character).")
    if len(text) > min(MAX_TEXT_CHARS, seq_len):
        raise ValueError(f"Keep the text to {min(MAX_TEXT_CHARS, seq_len)} characters or fewer.")
    return tokenizer.encode(text)


def logit_lens(model: TinyGPT, ids) -> list[list[tuple[int, float]]]:
    """For each layer (0 = embeddings only) and position: (top next-token id, its prob)."""
    with training_runtime():
        inside = run(model, np.asarray(ids)[None, :])
    out = []
    for r in inside.residual:
        logits = unembed(model, r[0]).astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=-1, keepdims=True)
        top = probs.argmax(axis=-1)
        out.append([(int(t), float(probs[j, t])) for j, t in enumerate(top)])
    return out


def windows(ids, seq_len: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n evenly spaced (input, target) windows of a long id sequence."""
    ids = np.asarray(ids, dtype=np.intp)
    if ids.size < seq_len + 1:
        raise ValueError("The text is shorter than one window.")
    starts = np.linspace(0, ids.size - seq_len - 1, n).astype(int)
    rows = starts[:, None] + np.arange(seq_len + 1)
    return ids[rows[:, :-1]], ids[rows[:, 1:]]


def mean_loss(logits: np.ndarray, targets: np.ndarray) -> float:
    logits = logits.reshape(-1, logits.shape[-1]).astype(np.float64)
    targets = targets.reshape(-1)
    keep = targets != IGNORE
    logits, targets = logits[keep], targets[keep]
    logits -= logits.max(axis=-1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    return float(-logp[np.arange(targets.size), targets].mean())


def head_ablation(model: TinyGPT, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(loss with every head on, (layers, heads) array of the loss change with each head
    switched off alone)."""
    with training_runtime():
        base = mean_loss(run(model, x).logits, y)
        cfg = model.config
        delta = np.zeros((cfg.n_layers, cfg.n_heads))
        for layer in range(cfg.n_layers):
            for head in range(cfg.n_heads):
                delta[layer, head] = mean_loss(run(model, x, {(layer, head)}).logits, y) - base
    return base, delta
