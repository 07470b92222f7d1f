"""An attention-only transformer in NumPy: the smallest model that grows induction heads.

Olsson et al. 2022 ("In-context Learning and Induction Heads") study attention-only
models: no MLPs, only attention layers adding into the residual stream. With two layers
one head can look at the previous token and a head in the next layer can use that to
find "the token after the last time the current token appeared" and copy it: an
induction head. Architecture (pre-LayerNorm, as app.core.tinylm, whose LayerNorm and
softmax it reuses):

    x = wte[idx] + wpe[:T]                        (N, C)
    for each layer:  x = x + attn(ln(x))          causal multi-head attention, no biases
    logits = ln_f(x) @ w_u                        (N, V), untied unembedding

Shapes: B batch, T time, C d_model, H heads, D = C/H, V vocabulary, N = B*T.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from app.core.tinylm.model import _layernorm, _layernorm_backward, _softmax_lastaxis


@dataclass(frozen=True)
class AttnOnlyConfig:
    vocab_size: int = 64
    n_layers: int = 2
    d_model: int = 64
    n_heads: int = 4
    seq_len: int = 32

    def __post_init__(self) -> None:
        for value, low, high, what in [
            (self.vocab_size, 2, 1000, "The vocabulary size"),
            (self.n_layers, 1, 4, "The number of layers"),
            (self.d_model, 4, 256, "The model width"),
            (self.n_heads, 1, 16, "The number of heads"),
            (self.seq_len, 4, 256, "The context length"),
        ]:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{what} must be a whole number from {low} to {high}.")
        if self.d_model % self.n_heads:
            raise ValueError("The model width must divide evenly by the number of heads.")


def param_shapes(cfg: AttnOnlyConfig) -> dict[str, tuple[int, ...]]:
    c = cfg.d_model
    shapes = {"wte": (cfg.vocab_size, c), "wpe": (cfg.seq_len, c)}
    for i in range(cfg.n_layers):
        shapes |= {
            f"h.{i}.ln.weight": (c,),
            f"h.{i}.ln.bias": (c,),
            f"h.{i}.w_qkv": (c, 3 * c),
            f"h.{i}.w_o": (c, c),
        }
    return shapes | {"ln_f.weight": (c,), "ln_f.bias": (c,), "w_u": (c, cfg.vocab_size)}


class AttnOnlyTransformer:
    def __init__(self, cfg: AttnOnlyConfig, seed: int = 0, dtype=np.float32):
        self.config = cfg
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = {}
        for name, shape in param_shapes(cfg).items():
            if name.endswith("ln.weight") or name == "ln_f.weight":
                p = np.ones(shape)
            elif len(shape) == 1:
                p = np.zeros(shape)
            else:
                p = rng.standard_normal(shape) / math.sqrt(shape[0])  # variance-preserving
            self.params[name] = p.astype(self.dtype)
        t = cfg.seq_len
        self._mask = np.triu(np.full((t, t), -np.inf, dtype=self.dtype), k=1)

    def n_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def _check(self, idx) -> np.ndarray:
        idx = np.asarray(idx)
        if idx.ndim == 1:
            idx = idx[None, :]
        if idx.ndim != 2 or not 1 <= idx.shape[1] <= self.config.seq_len:
            raise ValueError(f"Give (batch, time) ids with 1 to {self.config.seq_len} tokens.")
        if idx.min() < 0 or idx.max() >= self.config.vocab_size:
            raise ValueError(f"Token ids must be between 0 and {self.config.vocab_size - 1}.")
        return idx

    def forward(self, idx, keep_cache: bool = False, ablate=frozenset()):
        """idx (B, T) -> logits (B, T, V), the attention weights per layer (B, H, T, T), and
        the cache backward needs. `ablate`: (layer, head) pairs whose output is zeroed."""
        idx = self._check(idx)
        P, cfg = self.params, self.config
        B, T = idx.shape
        C, H = cfg.d_model, cfg.n_heads
        D = C // H
        N = B * T
        x = (P["wte"][idx] + P["wpe"][:T]).reshape(N, C)
        caches, atts = [], []
        for i in range(cfg.n_layers):
            h, ln = _layernorm(x, P[f"h.{i}.ln.weight"], P[f"h.{i}.ln.bias"])
            qkv = (h @ P[f"h.{i}.w_qkv"]).reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0] / math.sqrt(D), qkv[1], qkv[2]
            att = q @ k.transpose(0, 1, 3, 2) + self._mask[:T, :T]
            att = _softmax_lastaxis(att)  # (B, H, T, T)
            heads = att @ v  # (B, H, T, D)
            for layer, head in ablate:
                if layer == i:
                    heads[:, head] = 0.0
            y = heads.transpose(0, 2, 1, 3).reshape(N, C)
            x = x + y @ P[f"h.{i}.w_o"]
            atts.append(att)
            if keep_cache:
                caches.append((ln, h, q, k, v, att, y))
        xf, lnf = _layernorm(x, P["ln_f.weight"], P["ln_f.bias"])
        logits = (xf @ P["w_u"]).reshape(B, T, -1)
        return logits, atts, (idx, caches, lnf, xf) if keep_cache else None

    def per_token_loss(self, idx, targets, ablate=frozenset()) -> np.ndarray:
        """Cross-entropy (nats) at every position: (B, T)."""
        logits, _, _ = self.forward(idx, ablate=ablate)
        logits = logits.astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        targets = np.asarray(targets).reshape(logp.shape[:2])
        return -np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]

    def loss_and_grads(self, idx, targets) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy over every position and its gradient for every parameter."""
        P, cfg = self.params, self.config
        logits, _, (idx, caches, lnf, xf) = self.forward(idx, keep_cache=True)
        B, T = idx.shape
        C, H = cfg.d_model, cfg.n_heads
        D = C // H
        N = B * T
        logits = logits.reshape(N, -1)
        probs = _softmax_lastaxis(logits)
        targets = np.asarray(targets).reshape(-1)
        loss = float(-np.log(np.maximum(probs[np.arange(N), targets], 1e-30)).mean())
        G = {}
        dlogits = probs
        dlogits[np.arange(N), targets] -= 1.0
        dlogits /= N
        G["w_u"] = xf.T @ dlogits
        dx, G["ln_f.weight"], G["ln_f.bias"] = _layernorm_backward(dlogits @ P["w_u"].T, lnf)
        for i in reversed(range(cfg.n_layers)):
            ln, h, q, k, v, att, y = caches[i]
            G[f"h.{i}.w_o"] = y.T @ dx
            dy = (dx @ P[f"h.{i}.w_o"].T).reshape(B, T, H, D).transpose(0, 2, 1, 3)
            dv = att.transpose(0, 1, 3, 2) @ dy
            datt = dy @ v.transpose(0, 1, 3, 2)
            datt = att * (datt - np.einsum("bhts,bhts->bht", datt, att)[..., None])
            dq = (datt @ k) / math.sqrt(D)
            dk = datt.transpose(0, 1, 3, 2) @ q
            dqkv = np.stack([dq, dk, dv]).transpose(1, 3, 0, 2, 4).reshape(N, 3 * C)
            G[f"h.{i}.w_qkv"] = h.T @ dqkv
            dh = dqkv @ P[f"h.{i}.w_qkv"].T
            dln, G[f"h.{i}.ln.weight"], G[f"h.{i}.ln.bias"] = _layernorm_backward(dh, ln)
            dx = dx + dln
        dx = dx.reshape(B, T, C)
        G["wpe"] = np.zeros_like(P["wpe"])
        G["wpe"][:T] = dx.sum(axis=0)
        G["wte"] = np.zeros_like(P["wte"])
        np.add.at(G["wte"], idx.reshape(-1), dx.reshape(N, C))
        return loss, G

    def save(self, path, meta: dict | None = None) -> None:
        arrays = {f"param/{n}": p for n, p in self.params.items()}
        arrays["config"] = np.array(json.dumps(asdict(self.config)))
        arrays["meta"] = np.array(json.dumps(meta or {}))
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path) -> tuple[AttnOnlyTransformer, dict]:
        with np.load(Path(path), allow_pickle=False) as data:
            cfg = AttnOnlyConfig(**json.loads(str(data["config"])))
            model = cls(cfg)
            for n in model.params:
                model.params[n] = data[f"param/{n}"].astype(model.dtype)
            meta = json.loads(str(data["meta"]))
        return model, meta
