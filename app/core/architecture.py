"""Transformer configurations and exact parameter counts.

`count_params` counts every weight of a decoder-only transformer the way the model
cards do, so it reproduces published totals to the parameter: GPT-2 (Radford et al.
2019), GPT-3 (Brown et al. 2020, Table 2.1 / D.1), Llama 2 (Touvron et al. 2023),
Llama 3 (Llama Team 2024), Mistral 7B and Mixtral 8x7B (Jiang et al. 2023, 2024).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

MLP_KINDS = ("gelu", "swiglu")
NORM_KINDS = ("layernorm", "rmsnorm")
POSITION_KINDS = ("learned", "rope")


@dataclass(frozen=True)
class ModelConfig:
    """A decoder-only transformer. Sizes are counts, not bytes.

    d_ff defaults to 4·d_model (GPT-2/3); n_kv_heads defaults to n_heads (multi-head
    attention); fewer KV heads is grouped-query attention (Ainslie et al. 2023), one is
    multi-query attention (Shazeer 2019). head_dim defaults to d_model / n_heads, the usual
    convention; it can be set on its own, as in Gemma 7B (Gemma Team 2024, Table 1: width
    3,072, 16 heads of 256).
    """

    n_layers: int
    d_model: int
    n_heads: int
    vocab_size: int
    seq_len: int
    d_ff: int | None = None
    n_kv_heads: int | None = None
    head_dim: int | None = None
    mlp: str = "gelu"
    norm: str = "layernorm"
    bias: bool = True
    tied_embeddings: bool = True
    position: str = "learned"
    n_experts: int = 1
    experts_per_token: int = 1

    def __post_init__(self) -> None:
        for name in ("n_layers", "d_model", "n_heads", "vocab_size", "seq_len"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        for name in ("d_ff", "n_kv_heads", "head_dim"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        if self.head_dim is None and self.d_model % self.n_heads:
            raise ValueError(
                f"The number of heads ({self.n_heads}) must divide d_model ({self.d_model}) "
                "evenly: each head gets an equal slice of the model width."
            )
        if self.kv_heads > self.n_heads or self.n_heads % self.kv_heads:
            raise ValueError(
                f"KV heads ({self.kv_heads}) must divide the attention heads ({self.n_heads}): "
                "each group of query heads shares one key/value head."
            )
        if self.mlp not in MLP_KINDS:
            raise ValueError(f"mlp must be one of {', '.join(MLP_KINDS)}, got {self.mlp!r}.")
        if self.norm not in NORM_KINDS:
            raise ValueError(f"norm must be one of {', '.join(NORM_KINDS)}, got {self.norm!r}.")
        if self.position not in POSITION_KINDS:
            raise ValueError(
                f"position must be one of {', '.join(POSITION_KINDS)}, got {self.position!r}."
            )
        if self.n_experts < 1 or not 1 <= self.experts_per_token <= self.n_experts:
            raise ValueError(
                "Experts per token must be between 1 and the number of experts "
                f"({self.n_experts}), got {self.experts_per_token}."
            )

    # ---- derived sizes ---------------------------------------------------------------
    @property
    def ffn_dim(self) -> int:
        return self.d_ff if self.d_ff is not None else 4 * self.d_model

    @property
    def kv_heads(self) -> int:
        return self.n_kv_heads if self.n_kv_heads is not None else self.n_heads

    @property
    def head_size(self) -> int:
        return self.head_dim if self.head_dim is not None else self.d_model // self.n_heads

    @property
    def attention_variant(self) -> str:
        if self.kv_heads == self.n_heads:
            return "MHA"
        return "MQA" if self.kv_heads == 1 else "GQA"

    # ---- (de)serialisation -----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        # Every field is a number, text or flag: a flat copy is all asdict's deep copy gives,
        # at a tenth of its cost (the model builder asks for it on every change).
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        """Build from a dict of this class's fields; unknown keys are an error."""
        if not isinstance(data, dict):
            raise ValueError("A model config must be a mapping of field names to values.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Unknown config field(s): {', '.join(unknown)}.")
        return cls(**data)

    @classmethod
    def from_hf_config(cls, d: dict[str, Any]) -> ModelConfig:
        """Read a Hugging Face `config.json` (GPT-2 style or Llama/Mistral/Mixtral style)."""
        if not isinstance(d, dict):
            raise ValueError("config.json must be a JSON object.")
        try:
            if "n_embd" in d:  # GPT-2 style
                return cls(
                    n_layers=int(d["n_layer"]),
                    d_model=int(d["n_embd"]),
                    n_heads=int(d["n_head"]),
                    vocab_size=int(d["vocab_size"]),
                    seq_len=int(d.get("n_positions", d.get("n_ctx", 1024))),
                    d_ff=int(d["n_inner"]) if d.get("n_inner") else None,
                    mlp="gelu",
                    norm="layernorm",
                    bias=True,
                    tied_embeddings=bool(d.get("tie_word_embeddings", True)),
                    position="learned",
                )
            act = str(d.get("hidden_act", "silu")).lower()
            return cls(
                n_layers=int(d["num_hidden_layers"]),
                d_model=int(d["hidden_size"]),
                n_heads=int(d["num_attention_heads"]),
                vocab_size=int(d["vocab_size"]),
                seq_len=int(d.get("max_position_embeddings", 2048)),
                d_ff=int(d["intermediate_size"]),
                n_kv_heads=int(d.get("num_key_value_heads") or d["num_attention_heads"]),
                head_dim=int(d["head_dim"]) if d.get("head_dim") else None,
                mlp="swiglu" if act in {"silu", "swish"} else "gelu",
                norm="rmsnorm" if "rms_norm_eps" in d else "layernorm",
                bias=bool(d.get("attention_bias", False) or d.get("mlp_bias", False)),
                tied_embeddings=bool(d.get("tie_word_embeddings", False)),
                position="rope",
                n_experts=int(d.get("num_local_experts", 1)),
                experts_per_token=int(d.get("num_experts_per_tok", 1)),
            )
        except KeyError as err:
            raise ValueError(f"config.json is missing the key {err.args[0]!r}.") from None
        except (TypeError, ValueError) as err:
            if isinstance(err, ValueError) and "must" in str(err):
                raise
            raise ValueError(f"config.json has a value that is not a number: {err}") from None


@dataclass(frozen=True)
class ParamBreakdown:
    """Parameter counts by part of the model. `total` counts every weight stored;
    `active` counts those one token passes through (differs only for mixture of experts)."""

    embeddings: int
    position: int
    attention: int
    mlp: int
    norms: int
    output_head: int
    active_mlp: int

    @property
    def total(self) -> int:
        return (
            self.embeddings
            + self.position
            + self.attention
            + self.mlp
            + self.norms
            + self.output_head
        )

    @property
    def active(self) -> int:
        return self.total - self.mlp + self.active_mlp

    @property
    def embedding_params(self) -> int:
        """Token and position tables plus an untied output head: the vocabulary's share."""
        return self.embeddings + self.position + self.output_head

    def as_dict(self) -> dict[str, int]:
        return {
            "Token embeddings": self.embeddings,
            "Position embeddings": self.position,
            "Attention": self.attention,
            "MLP": self.mlp,
            "Norms": self.norms,
            "Output head": self.output_head,
        }


def count_params(cfg: ModelConfig) -> ParamBreakdown:
    """Exact parameter count of `cfg`, by part."""
    d, L, hd = cfg.d_model, cfg.n_layers, cfg.head_size
    q_dim, kv_dim = cfg.n_heads * hd, cfg.kv_heads * hd
    # Attention: W_q (d×q), W_k and W_v (d×kv each), W_o (q×d), plus biases if any.
    attn = d * q_dim + 2 * d * kv_dim + q_dim * d
    if cfg.bias:
        attn += q_dim + 2 * kv_dim + d
    # MLP: GELU has up (d×ff) and down (ff×d); SwiGLU adds a gate (Shazeer 2020).
    ff = cfg.ffn_dim
    n_mats = 3 if cfg.mlp == "swiglu" else 2
    expert = n_mats * d * ff
    if cfg.bias:
        expert += (n_mats - 1) * ff + d
    router = d * cfg.n_experts if cfg.n_experts > 1 else 0
    # Norms: two per block and one at the end; LayerNorm has a gain and a bias, RMSNorm a gain.
    per_norm = 2 * d if cfg.norm == "layernorm" else d
    return ParamBreakdown(
        embeddings=cfg.vocab_size * d,
        position=cfg.seq_len * d if cfg.position == "learned" else 0,
        attention=L * attn,
        mlp=L * (cfg.n_experts * expert + router),
        norms=(2 * L + 1) * per_norm,
        output_head=0 if cfg.tied_embeddings else cfg.vocab_size * d,
        active_mlp=L * (cfg.experts_per_token * expert + router),
    )


def forward_flops_per_token(cfg: ModelConfig, n_ctx: int | None = None) -> float:
    """Kaplan et al. 2020 (Table 1): C_forward ≈ 2N + 2·n_layer·n_ctx·d_attn, with N the
    non-embedding parameters a token passes through (active parameters for MoE)."""
    p = count_params(cfg)
    n_non_embedding = p.active - p.embeddings - p.position
    ctx = cfg.seq_len if n_ctx is None else n_ctx
    return 2 * n_non_embedding + 2 * cfg.n_layers * ctx * cfg.n_heads * cfg.head_size
