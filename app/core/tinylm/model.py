"""A tiny GPT in pure NumPy: forward pass, hand-written backward pass, sampling, save/load.

The architecture is GPT-2's (Radford et al. 2019, "Language Models are Unsupervised
Multitask Learners"), which is the decoder of the Transformer (Vaswani et al. 2017,
"Attention Is All You Need") with LayerNorm moved before each sub-layer:

    x = wte[idx] + wpe[:T]                          token + learned position embeddings
    for each block:
        x = x + attn(ln_1(x))                       causal multi-head self-attention
        x = x + mlp(ln_2(x))                        Linear(C, 4C) -> GELU -> Linear(4C, C)
    logits = ln_f(x) @ wte.T                        output head tied to the token embedding

Shapes in the comments: B batch, T time (tokens), C d_model, H heads, D = C/H head size,
V vocabulary, N = B*T rows. Weights are stored as (in, out), like GPT-2's Conv1D, so a
linear layer is `x @ W + b`. Everything runs in the parameters' dtype (float32 by default;
float64 is only for the finite-difference gradient test). No Python loops over tokens
or heads: attention is one batched matmul over (B, H).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from app.core.tinylm.runtime import training_runtime
from app.core.tinylm.tokenizer import CharTokenizer

# GELU, tanh approximation (Hendrycks & Gimpel 2016), as in GPT-2's code.
_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_A = 0.044715
_LN_EPS = 1e-5  # LayerNorm epsilon, as in GPT-2 / PyTorch
# A target of IGNORE is not scored (PyTorch's ignore_index): fine-tuning scores answers only.
IGNORE = -1


@dataclass(frozen=True)
class TinyGPTConfig:
    """The shape of a TinyGPT. d_ff is 4*d_model and the output head is tied (GPT-2)."""

    vocab_size: int
    n_layers: int = 2
    d_model: int = 64
    n_heads: int = 4
    seq_len: int = 64

    def __post_init__(self) -> None:
        checks = [
            (self.vocab_size, 2, 100_000, "The vocabulary size"),
            (self.n_layers, 1, 4, "The number of layers"),
            (self.d_model, 16, 256, "The model width (d_model)"),
            (self.n_heads, 1, 64, "The number of attention heads"),
            (self.seq_len, 16, 256, "The context length (seq_len)"),
        ]
        for value, low, high, what in checks:
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise ValueError(f"{what} must be a whole number, got {value!r}.")
            if not low <= value <= high:
                raise ValueError(f"{what} must be between {low} and {high}, got {value}.")
        if self.d_model % self.n_heads:
            raise ValueError(
                f"The model width ({self.d_model}) must divide evenly by the number of "
                f"attention heads ({self.n_heads})."
            )

    @property
    def d_ff(self) -> int:
        return 4 * self.d_model

    def n_params(self) -> int:
        """Exact number of trainable parameters; the tied head (= wte) is counted once.

        V*C (wte) + T*C (wpe) + L * (12*C^2 + 13*C) + 2*C (ln_f), where one block has
        ln_1 (2C) + qkv (3C^2 + 3C) + attn proj (C^2 + C) + ln_2 (2C) + fc (4C^2 + 4C)
        + mlp proj (4C^2 + C).
        """
        c = self.d_model
        block = 12 * c * c + 13 * c
        return self.vocab_size * c + self.seq_len * c + self.n_layers * block + 2 * c


def param_shapes(config: TinyGPTConfig) -> dict[str, tuple[int, ...]]:
    """Name -> shape of every parameter, in a fixed order (names follow GPT-2's checkpoint)."""
    c, v, t = config.d_model, config.vocab_size, config.seq_len
    shapes: dict[str, tuple[int, ...]] = {"wte": (v, c), "wpe": (t, c)}
    for i in range(config.n_layers):
        p = f"h.{i}."
        shapes |= {
            p + "ln_1.weight": (c,),
            p + "ln_1.bias": (c,),
            p + "attn.c_attn.weight": (c, 3 * c),  # fused Q, K, V projection
            p + "attn.c_attn.bias": (3 * c,),
            p + "attn.c_proj.weight": (c, c),
            p + "attn.c_proj.bias": (c,),
            p + "ln_2.weight": (c,),
            p + "ln_2.bias": (c,),
            p + "mlp.c_fc.weight": (c, 4 * c),
            p + "mlp.c_fc.bias": (4 * c,),
            p + "mlp.c_proj.weight": (4 * c, c),
            p + "mlp.c_proj.bias": (c,),
        }
    shapes |= {"ln_f.weight": (c,), "ln_f.bias": (c,)}
    return shapes


def is_decayed(name: str) -> bool:
    """Whether AdamW's weight decay applies: every 2-D tensor (matmul weights and the
    embeddings), not biases or LayerNorm gains, as in nanoGPT's configure_optimizers."""
    return name in ("wte", "wpe") or name.endswith(("c_attn.weight", "c_proj.weight", "fc.weight"))


# ---------------------------------------------------------------------------- layers


def _rowsum(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis, keeping it. einsum is ~4x faster than .sum(-1) on short rows."""
    return np.einsum("...i->...", x)[..., None]


def _linear(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x (N, in) @ w (in, out) + b (out,), adding the bias in place."""
    out = x @ w
    out += b
    return out


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray):
    """LayerNorm over the last axis (Ba et al. 2016). x (N, C) -> y (N, C), cache."""
    c = x.shape[-1]
    xc = x - _rowsum(x) / c  # (N, C) centred
    var = np.einsum("nc,nc->n", xc, xc)[:, None] / c  # (N, 1)
    rstd = 1.0 / np.sqrt(var + _LN_EPS)
    xhat = xc
    xhat *= rstd  # (N, C)
    y = xhat * w
    y += b
    return y, (xhat, rstd, w)


def _layernorm_backward(dy: np.ndarray, cache):
    xhat, rstd, w = cache
    dw = np.einsum("nc,nc->c", dy, xhat)
    db = dy.sum(axis=0)
    dxhat = dy * w  # (N, C)
    c = dy.shape[-1]
    # dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
    mean_dxhat_xhat = np.einsum("nc,nc->n", dxhat, xhat)[:, None] / c
    dx = dxhat - _rowsum(dxhat) / c
    dx -= xhat * mean_dxhat_xhat
    dx *= rstd
    return dx, dw, db


def _gelu(u: np.ndarray):
    """GELU, tanh approximation: 0.5 u (1 + tanh(sqrt(2/pi) (u + 0.044715 u^3))).

    Written as in-place passes over one temporary: elementwise passes over the (N, 4C)
    activations, not the matmuls, are what this model's step time is made of.
    """
    z = u * u
    z *= _GELU_A * _GELU_C
    z += _GELU_C
    z *= u  # sqrt(2/pi) (u + 0.044715 u^3)
    t = np.tanh(z, out=z)
    g = t + 1.0
    g *= u
    g *= 0.5
    return g, t


def _gelu_backward(dg: np.ndarray, u: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/du = dg * (0.5 (1 + t) + 0.5 u (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 u^2))."""
    du = u * u
    du *= 3 * _GELU_A * _GELU_C
    du += _GELU_C
    du *= u
    t2 = t * t
    np.subtract(1.0, t2, out=t2)
    du *= t2
    du += t
    du += 1.0
    du *= 0.5
    du *= dg
    return du


def _softmax_lastaxis(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, as a new array.

    The textbook form subtracts each row's max before exp for safety, but a max over a
    short last axis is the slowest reduction NumPy has (~3x the cost of the exp). So the
    fast path exponentiates directly and checks every row sum: exp only misbehaves when a
    score exceeds ~88 (float32 overflow) or a whole row is below ~-87 (underflow), and then
    the row sums show it and we redo the stable version. Same result either way.
    """
    with np.errstate(over="ignore", under="ignore"):  # checked just below
        e = np.exp(x)
    sums = _rowsum(e)
    lo = np.finfo(x.dtype).tiny * 1e10
    if not (np.all(sums < np.inf) and np.all(sums > lo)):  # rare: scores near exp's limits
        np.subtract(x, x.max(axis=-1, keepdims=True), out=e)
        np.exp(e, out=e)
        sums = _rowsum(e)
    e *= 1.0 / sums
    return e


# ----------------------------------------------------------------------------- model


class TinyGPT:
    """A GPT-2-style decoder-only transformer small enough to train in seconds on a CPU."""

    def __init__(self, config: TinyGPTConfig, seed: int = 0, dtype=np.float32):
        self.config = config
        self.dtype = np.dtype(dtype)
        shapes = param_shapes(config)
        # All parameters are views into one flat buffer, so the optimizer updates them
        # with a handful of vectorised operations instead of one per tensor.
        sizes = [math.prod(s) for s in shapes.values()]
        self._flat = np.zeros(sum(sizes), dtype=self.dtype)
        self._params: dict[str, np.ndarray] = {}
        offset = 0
        for (name, shape), size in zip(shapes.items(), sizes, strict=True):
            self._params[name] = self._flat[offset : offset + size].reshape(shape)
            offset += size
        self._init_weights(seed)
        t = config.seq_len
        # additive causal mask (T, T): 0 on and below the diagonal, -inf above
        self._mask = np.triu(np.full((t, t), -np.inf, dtype=self.dtype), k=1)

    def _init_weights(self, seed: int) -> None:
        """GPT-2 init: N(0, 0.02) weights and embeddings, zero biases, unit LayerNorm gains,
        and residual projections scaled by 1/sqrt(2 * n_layers) (Radford et al. 2019, 2.3)."""
        rng = np.random.default_rng(seed)
        resid_std = 0.02 / math.sqrt(2 * self.config.n_layers)
        for name, p in self._params.items():
            if (
                name.endswith("ln_1.weight")
                or name.endswith("ln_2.weight")
                or name == "ln_f.weight"
            ):
                p[...] = 1.0
            elif p.ndim == 2:
                std = resid_std if name.endswith("c_proj.weight") else 0.02
                p[...] = rng.standard_normal(p.shape) * std
            else:
                p[...] = 0.0

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Name -> array (views into one buffer: assign with `p[...] = x`, not `params[k] = x`)."""
        return self._params

    def n_params(self) -> int:
        return int(self._flat.size)

    # ------------------------------------------------------------------- forward

    def _check_idx(self, idx) -> np.ndarray:
        idx = np.asarray(idx)
        if idx.ndim == 1:
            idx = idx[None, :]
        if idx.ndim != 2 or idx.shape[1] < 1:
            raise ValueError("Token ids must be a (batch, time) array with at least one token.")
        if idx.shape[1] > self.config.seq_len:
            raise ValueError(
                f"The input has {idx.shape[1]} tokens but the context length is "
                f"{self.config.seq_len}."
            )
        if idx.min() < 0 or idx.max() >= self.config.vocab_size:
            raise ValueError(f"Token ids must be between 0 and {self.config.vocab_size - 1}.")
        return idx

    def _forward(self, idx: np.ndarray, keep_cache: bool):
        """idx (B, T) -> logits (N, V) and, if asked, everything backward needs."""
        P, cfg = self._params, self.config
        B, T = idx.shape
        C, H = cfg.d_model, cfg.n_heads
        D = C // H
        N = B * T
        scale = 1.0 / math.sqrt(D)  # scaled dot-product attention (Vaswani et al. 2017)
        caches = []
        x = (P["wte"][idx] + P["wpe"][:T]).reshape(N, C)  # (N, C)
        for i in range(cfg.n_layers):
            p = f"h.{i}."
            # --- attention sub-layer
            h, ln1 = _layernorm(x, P[p + "ln_1.weight"], P[p + "ln_1.bias"])
            qkv = _linear(h, P[p + "attn.c_attn.weight"], P[p + "attn.c_attn.bias"])  # (N, 3C)
            qkv = qkv.reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)  # (3, B, H, T, D)
            q, k, v = qkv[0] * scale, qkv[1], qkv[2]  # q pre-scaled by 1/sqrt(D)
            att = q @ k.transpose(0, 1, 3, 2)  # (B, H, T, T)
            att += self._mask[:T, :T]  # causal: token t sees tokens <= t
            att = _softmax_lastaxis(att)
            y = (att @ v).transpose(0, 2, 1, 3).reshape(N, C)  # (B,H,T,D) -> (N, C)
            out = _linear(y, P[p + "attn.c_proj.weight"], P[p + "attn.c_proj.bias"])  # (N, C)
            out += x  # residual
            x = out
            # --- MLP sub-layer
            h2, ln2 = _layernorm(x, P[p + "ln_2.weight"], P[p + "ln_2.bias"])
            u = _linear(h2, P[p + "mlp.c_fc.weight"], P[p + "mlp.c_fc.bias"])  # (N, 4C)
            g, tanh_u = _gelu(u)
            out = _linear(g, P[p + "mlp.c_proj.weight"], P[p + "mlp.c_proj.bias"])  # (N, C)
            out += x  # residual
            x = out
            if keep_cache:
                caches.append((ln1, h, q, k, v, att, y, ln2, h2, u, tanh_u, g))
        xf, lnf = _layernorm(x, P["ln_f.weight"], P["ln_f.bias"])  # (N, C)
        logits = xf @ P["wte"].T  # (N, V), tied head
        return logits, (idx, caches, lnf, xf) if keep_cache else None

    def logits(self, idx) -> np.ndarray:
        """idx (B, T) -> logits (B, T, V)."""
        idx = self._check_idx(idx)
        logits, _ = self._forward(idx, keep_cache=False)
        return logits.reshape(*idx.shape, -1)

    @staticmethod
    def _cross_entropy(logits: np.ndarray, targets: np.ndarray):
        """Mean cross-entropy (nats) of logits (N, V) against targets (N,) over the scored
        positions (targets != IGNORE); also the probs, the scored rows and their count."""
        probs = _softmax_lastaxis(logits)
        scored = targets != IGNORE
        rows = np.arange(targets.size) if scored.all() else np.flatnonzero(scored)
        count = max(1, rows.size)  # a batch with nothing scored has loss 0 and no gradient
        picked = probs[rows, targets[rows]]
        loss = -np.log(np.maximum(picked, np.finfo(probs.dtype).tiny)).sum() / count
        return float(loss), probs, rows, count

    def _check_targets(self, idx: np.ndarray, targets) -> np.ndarray:
        targets = np.asarray(targets).reshape(-1)
        if targets.size != idx.size:
            raise ValueError("Targets must have the same shape as the input ids.")
        if targets.min() < IGNORE or targets.max() >= self.config.vocab_size:
            raise ValueError(
                f"Targets must be between 0 and {self.config.vocab_size - 1} "
                f"(or {IGNORE}: not scored)."
            )
        return targets

    def loss(self, idx, targets) -> float:
        """Mean next-token cross-entropy in nats; targets (B, T) are idx shifted by one,
        and positions whose target is IGNORE are left out of the mean."""
        idx = self._check_idx(idx)
        targets = self._check_targets(idx, targets)
        logits, _ = self._forward(idx, keep_cache=False)
        return self._cross_entropy(logits, targets)[0]

    # ------------------------------------------------------------------- backward

    def loss_and_grads(self, idx, targets) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and d(loss)/d(param) for every parameter, by hand-written backprop."""
        idx = self._check_idx(idx)
        targets = self._check_targets(idx, targets)
        loss, flat = self._loss_and_flat_grads(idx, targets)
        return loss, self._views(flat)

    def _views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Name -> view into a flat buffer laid out like the parameters."""
        views, offset = {}, 0
        for name, p in self._params.items():
            views[name] = flat[offset : offset + p.size].reshape(p.shape)
            offset += p.size
        return views

    def _loss_and_flat_grads(self, idx: np.ndarray, targets: np.ndarray):
        """Like loss_and_grads, but the gradients come as one flat buffer (for training)."""
        flat = np.zeros_like(self._flat)
        return self._backward(idx, targets.reshape(-1), self._views(flat)), flat

    def _backward(self, idx: np.ndarray, targets: np.ndarray, G: dict[str, np.ndarray]) -> float:
        """Forward with caches, then backprop into the gradient views G. Returns the loss."""
        P, cfg = self._params, self.config
        logits, (idx, caches, lnf, xf) = self._forward(idx, keep_cache=True)
        loss, probs, rows, count = self._cross_entropy(logits, targets)
        B, T = idx.shape
        C, H = cfg.d_model, cfg.n_heads
        D = C // H
        N = B * T
        scale = 1.0 / math.sqrt(D)
        # d(mean CE)/d(logits) = (softmax - onehot) / count on scored rows, 0 elsewhere
        dlogits = probs
        dlogits[rows, targets[rows]] -= 1.0
        if rows.size < N:
            dlogits[targets == IGNORE] = 0.0
        dlogits /= count  # (N, V)
        np.matmul(dlogits.T, xf, out=G["wte"])  # (V, C): the tied head's share of wte's gradient
        dx, G["ln_f.weight"][...], G["ln_f.bias"][...] = _layernorm_backward(
            dlogits @ P["wte"], lnf
        )
        for i in reversed(range(cfg.n_layers)):
            p = f"h.{i}."
            ln1, h, q, k, v, att, y, ln2, h2, u, tanh_u, g = caches[i]
            # --- MLP: x = x + g @ Wp + bp,  g = gelu(u),  u = h2 @ Wfc + bfc
            np.matmul(g.T, dx, out=G[p + "mlp.c_proj.weight"])
            G[p + "mlp.c_proj.bias"][...] = dx.sum(axis=0)
            du = _gelu_backward(dx @ P[p + "mlp.c_proj.weight"].T, u, tanh_u)  # (N, 4C)
            np.matmul(h2.T, du, out=G[p + "mlp.c_fc.weight"])
            G[p + "mlp.c_fc.bias"][...] = du.sum(axis=0)
            dh2 = du @ P[p + "mlp.c_fc.weight"].T
            dln, G[p + "ln_2.weight"][...], G[p + "ln_2.bias"][...] = _layernorm_backward(dh2, ln2)
            dx += dln
            # --- attention: x = x + y @ Wo + bo
            np.matmul(y.T, dx, out=G[p + "attn.c_proj.weight"])
            G[p + "attn.c_proj.bias"][...] = dx.sum(axis=0)
            dy = (dx @ P[p + "attn.c_proj.weight"].T).reshape(B, T, H, D).transpose(0, 2, 1, 3)
            # y = att @ v;  att = softmax(q k^T + mask)
            dqkv = np.empty((3, B, H, T, D), dtype=dx.dtype)
            np.matmul(att.transpose(0, 1, 3, 2), dy, out=dqkv[2])  # dv (B, H, T, D)
            datt = dy @ v.transpose(0, 1, 3, 2)  # (B, H, T, T)
            # softmax backward: dpre = att * (datt - sum(datt * att, -1))
            datt -= np.einsum("bhts,bhts->bht", datt, att)[..., None]
            datt *= att
            np.matmul(datt, k, out=dqkv[0])  # dq (q was pre-scaled)
            dqkv[0] *= scale
            np.matmul(datt.transpose(0, 1, 3, 2), q, out=dqkv[1])  # dk
            dqkv = dqkv.transpose(1, 3, 0, 2, 4).reshape(N, 3 * C)  # (3,B,H,T,D) -> (N, 3C)
            np.matmul(h.T, dqkv, out=G[p + "attn.c_attn.weight"])
            G[p + "attn.c_attn.bias"][...] = dqkv.sum(axis=0)
            dh = dqkv @ P[p + "attn.c_attn.weight"].T
            dln, G[p + "ln_1.weight"][...], G[p + "ln_1.bias"][...] = _layernorm_backward(dh, ln1)
            dx += dln
        # --- embeddings: x = wte[idx] + wpe[:T]
        dx = dx.reshape(B, T, C)
        G["wpe"][:T] = dx.sum(axis=0)
        # scatter-add into the looked-up rows, as a one-hot matmul (np.add.at is slower)
        onehot = np.zeros((N, cfg.vocab_size), dtype=dx.dtype)
        onehot[np.arange(N), idx.reshape(-1)] = 1.0
        G["wte"] += onehot.T @ dx.reshape(N, C)
        return loss

    # ------------------------------------------------------------------- inference

    def next_token_probs(self, ids: list[int]) -> np.ndarray:
        """Softmax over the vocabulary for the token after `ids` (cropped to seq_len)."""
        ids = list(ids)[-self.config.seq_len :]
        if not ids:
            raise ValueError("Give at least one token to predict the next one from.")
        with training_runtime():
            logits = self.logits(np.asarray(ids)[None, :])[0, -1].astype(np.float64)
        logits -= logits.max()
        probs = np.exp(logits)
        return probs / probs.sum()

    def generate(
        self,
        prompt_ids: list[int],
        max_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        seed: int = 0,
    ) -> list[int]:
        """Sample up to `max_tokens` new ids after the prompt; returns only the new ids.

        temperature 0 is greedy (argmax); top_k keeps the k likeliest tokens; top_p keeps
        the smallest set whose probability reaches p (nucleus sampling, Holtzman et al.
        2019). The context is cropped to the last seq_len tokens.
        """
        if not isinstance(max_tokens, int | np.integer) or max_tokens < 0:
            raise ValueError("The number of tokens to generate must be a whole number ≥ 0.")
        if not math.isfinite(temperature) or temperature < 0:
            raise ValueError("The temperature must be 0 (greedy) or a positive number.")
        if top_k is not None and top_k < 1:
            raise ValueError("top-k must be at least 1.")
        if top_p is not None and not 0 < top_p <= 1:
            raise ValueError("top-p must be above 0 and at most 1.")
        ids = [int(i) for i in prompt_ids]
        if not ids:
            raise ValueError("Give a prompt of at least one token.")
        rng = np.random.default_rng(seed)
        out: list[int] = []
        with training_runtime():  # one BLAS thread: these matmuls are tiny
            for _ in range(max_tokens):  # no KV cache: each step reruns the cropped context
                logits = self.logits(np.asarray(ids[-self.config.seq_len :])[None, :])[0, -1]
                nxt = _sample(logits.astype(np.float64), temperature, top_k, top_p, rng)
                ids.append(nxt)
                out.append(nxt)
        return out

    # ------------------------------------------------------------------- save / load

    def save(self, path, tokenizer: CharTokenizer | None = None, meta: dict | None = None) -> None:
        """One .npz: the config and meta as JSON, the tokenizer's characters, the weights."""
        arrays = {f"param/{name}": p for name, p in self._params.items()}
        arrays["config"] = np.array(json.dumps(asdict(self.config)))
        arrays["meta"] = np.array(json.dumps(meta or {}))
        if tokenizer is not None:
            arrays["tokenizer_chars"] = np.array(json.dumps(tokenizer.chars))
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path) -> tuple[TinyGPT, CharTokenizer | None, dict]:
        """Read a file written by `save` (no pickle) -> (model, tokenizer or None, meta)."""
        with np.load(Path(path), allow_pickle=False) as data:
            config = TinyGPTConfig(**json.loads(str(data["config"])))
            names = [k.removeprefix("param/") for k in data.files if k.startswith("param/")]
            dtype = data[f"param/{names[0]}"].dtype
            model = cls(config, dtype=dtype)
            if set(names) != set(model._params):
                raise ValueError(f"{path} does not hold the parameters of a {config}.")
            for name, p in model._params.items():
                p[...] = data[f"param/{name}"]
            meta = json.loads(str(data["meta"]))
            tokenizer = None
            if "tokenizer_chars" in data.files:
                tokenizer = CharTokenizer(json.loads(str(data["tokenizer_chars"])))
        return model, tokenizer, meta

    def copy(self) -> TinyGPT:
        """An independent copy (same config and weights), e.g. to fine-tune a shared model."""
        other = TinyGPT(self.config, dtype=self.dtype)
        other._flat[...] = self._flat
        return other


def _sample(logits: np.ndarray, temperature, top_k, top_p, rng: np.random.Generator) -> int:
    """One token id from logits (V,) with temperature, top-k and top-p filtering."""
    if temperature == 0:
        return int(np.argmax(logits))
    logits = logits / temperature
    if top_k is not None and top_k < logits.size:
        kth = np.partition(logits, -top_k)[-top_k]
        logits = np.where(logits < kth, -np.inf, logits)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    if top_p is not None and top_p < 1:
        order = np.argsort(-probs, kind="stable")
        cumulative = np.cumsum(probs[order])
        keep = order[: int(np.searchsorted(cumulative, top_p)) + 1]  # smallest set reaching p
        mask = np.zeros_like(probs)
        mask[keep] = 1.0
        probs = probs * mask
        probs /= probs.sum()
    return int(rng.choice(probs.size, p=probs))
