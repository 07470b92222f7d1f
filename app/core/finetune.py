"""Fine-tuning: LoRA parameter counts and the memory of full, LoRA and QLoRA fine-tuning.

- LoRA (Hu et al. 2021): a frozen weight W (d_in × d_out) gets a trainable update B·A with
  A: d_in × r and B: r × d_out, so r·(d_in + d_out) trainable parameters per matrix.
- QLoRA (Dettmers et al. 2023): the frozen base is stored in 4-bit NormalFloat with one
  8-bit scale per 64 weights, whose scales are quantised again per 256 (double
  quantisation): 4 + 8/64 + 32/(64·256) = 4.127 bits per parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.architecture import ModelConfig, count_params
from app.core.memory import activation_bytes_per_layer

TARGETS = ("q", "k", "v", "o", "gate", "up", "down")
METHODS = ("full", "lora", "qlora")
QLORA_BITS_PER_PARAM = 4 + 8 / 64 + 32 / (64 * 256)
ADAPTER_BYTES_PER_PARAM = 16  # mixed-precision Adam on the adapters: 2 + 2 + 12


def _matrix_shapes(cfg: ModelConfig) -> dict[str, tuple[int, int, int]]:
    """target → (d_in, d_out, copies per layer)."""
    q_dim, kv_dim, ff = cfg.n_heads * cfg.head_size, cfg.kv_heads * cfg.head_size, cfg.ffn_dim
    shapes = {
        "q": (cfg.d_model, q_dim, 1),
        "k": (cfg.d_model, kv_dim, 1),
        "v": (cfg.d_model, kv_dim, 1),
        "o": (q_dim, cfg.d_model, 1),
        "up": (cfg.d_model, ff, cfg.n_experts),
        "down": (ff, cfg.d_model, cfg.n_experts),
    }
    if cfg.mlp == "swiglu":
        shapes["gate"] = (cfg.d_model, ff, cfg.n_experts)
    return shapes


def lora_params(cfg: ModelConfig, rank: int, targets: tuple[str, ...] | list[str]) -> int:
    """Trainable LoRA parameters: Σ over layers and target matrices of r·(d_in + d_out)."""
    if not isinstance(rank, int) or rank < 1:
        raise ValueError("The LoRA rank must be a whole number of at least 1.")
    if not targets:
        raise ValueError("Choose at least one weight matrix to adapt.")
    shapes = _matrix_shapes(cfg)
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        raise ValueError(f"Unknown LoRA target(s): {', '.join(unknown)}.")
    missing = [t for t in targets if t not in shapes]
    if missing:
        raise ValueError(f"This model has no {', '.join(missing)} matrix (GELU MLPs have no gate).")
    per_layer = sum(rank * (shapes[t][0] + shapes[t][1]) * shapes[t][2] for t in set(targets))
    return cfg.n_layers * per_layer


@dataclass(frozen=True)
class FinetuneMemory:
    """Bytes on one GPU."""

    base_weights: float
    trainable_states: float  # trainable weights + gradients + optimizer states
    activations: float
    trainable_params: int

    @property
    def total(self) -> float:
        return self.base_weights + self.trainable_states + self.activations

    def as_dict(self) -> dict[str, float]:
        return {
            "Frozen base weights": self.base_weights,
            "Trainable weights, gradients, optimizer": self.trainable_states,
            "Activations": self.activations,
        }


def finetune_memory(
    cfg: ModelConfig,
    method: str,
    *,
    rank: int = 16,
    targets: tuple[str, ...] = ("q", "k", "v", "o"),
    micro_batch: int = 1,
    seq_len: int = 2048,
    checkpointing: bool = True,
) -> FinetuneMemory:
    """Memory to fine-tune `cfg` on one GPU with full fine-tuning, LoRA or QLoRA.

    Full: every weight trains with mixed-precision Adam (16 bytes per parameter, ZeRO paper).
    LoRA: 16-bit frozen base (2 bytes/parameter) + adapters at 16 bytes per parameter.
    QLoRA: 4.127-bit frozen base + the same adapters. Activations follow Korthikanti et al.
    2022 (Table 2), with full recomputation when `checkpointing` is on.
    """
    if method not in METHODS:
        raise ValueError(f"Method must be one of {', '.join(METHODS)}.")
    n = count_params(cfg).total
    per_layer = activation_bytes_per_layer(
        seq_len,
        micro_batch,
        cfg.d_model,
        cfg.n_heads,
        recompute="full" if checkpointing else "none",
    )
    activations = per_layer * cfg.n_layers
    if method == "full":
        return FinetuneMemory(0.0, 16.0 * n, activations, n)
    trainable = lora_params(cfg, rank, targets)
    base_bits = 16 if method == "lora" else QLORA_BITS_PER_PARAM
    return FinetuneMemory(
        n * base_bits / 8, ADAPTER_BYTES_PER_PARAM * trainable, activations, trainable
    )


def qlora_peak_memory(
    cfg: ModelConfig,
    *,
    rank: int = 16,
    targets: tuple[str, ...] = ("q", "k", "v", "o"),
    micro_batch: int = 1,
    seq_len: int = 2048,
) -> dict[str, float]:
    """A realistic minimum for QLoRA on one GPU, in bytes, part by part.

    `finetune_memory(..., "qlora")` counts the 4-bit base, the adapters and the saved layer
    inputs. At the peak of the backward pass three more things are in memory:

    - the embedding table and the output layer, which bitsandbytes leaves in 16 bits
      (only the linear layers inside the blocks are quantised, Dettmers et al. 2023);
    - the working set of the one layer being recomputed: all its activations, as if
      nothing were checkpointed (Korthikanti et al. 2022, Table 2: sbh(34 + 5as/h));
    - the logits in fp32 for the loss: sequence × micro-batch × vocabulary × 4 bytes
      (Hugging Face's causal-LM heads upcast the logits to float32 before the loss).

    Framework overheads (CUDA context, allocator fragmentation) come on top.
    """
    p = count_params(cfg)
    outer = p.embeddings + p.output_head + p.position
    quantised = p.total - outer
    trainable = lora_params(cfg, rank, targets)
    saved_inputs = cfg.n_layers * activation_bytes_per_layer(
        seq_len, micro_batch, cfg.d_model, cfg.n_heads, recompute="full"
    )
    return {
        "4-bit NF4 linear layers": quantised * QLORA_BITS_PER_PARAM / 8,
        "16-bit embeddings and output layer": 2.0 * outer,
        "Adapters, their gradients and optimizer": ADAPTER_BYTES_PER_PARAM * trainable,
        "Saved layer inputs (checkpoints)": saved_inputs,
        "Working set of the recomputed layer": activation_bytes_per_layer(
            seq_len, micro_batch, cfg.d_model, cfg.n_heads, recompute="none"
        ),
        "fp32 logits": 4.0 * seq_len * micro_batch * cfg.vocab_size,
    }
