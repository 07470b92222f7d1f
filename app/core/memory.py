"""Memory per GPU for training: model states (ZeRO) and activations (Megatron).

- Model states: Rajbhandari et al. 2020, "ZeRO", section 3.1 and Figure 1: mixed-precision
  Adam keeps 2Ψ (fp16 weights) + 2Ψ (fp16 gradients) + KΨ (K = 12: fp32 weights, momentum,
  variance); stages 1/2/3 shard optimizer states / + gradients / + weights over data parallel.
- Activations: Korthikanti et al. 2022, "Reducing Activation Recomputation in Large
  Transformer Models", Table 2 (bytes per layer, 16-bit activations, GPT-style layer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.architecture import ModelConfig, count_params

# bytes per parameter: (weights, gradients, optimizer states)
PRECISIONS = {
    "mixed_adam": (2, 2, 12),  # bf16/fp16 weights+grads; fp32 master, m, v (ZeRO paper)
    "fp32_adam": (4, 4, 8),  # fp32 everything; m and v
    "mixed_adam_8bit": (2, 2, 6),  # fp32 master + 8-bit m and v (Dettmers et al. 2022)
    "mixed_sgd_momentum": (2, 2, 8),  # fp32 master + fp32 momentum
}
RECOMPUTE = ("none", "selective", "full")


@dataclass(frozen=True)
class MemoryBreakdown:
    """Bytes per GPU."""

    weights: float
    gradients: float
    optimizer: float
    activations: float

    @property
    def model_states(self) -> float:
        return self.weights + self.gradients + self.optimizer

    @property
    def total(self) -> float:
        return self.model_states + self.activations

    def as_dict(self) -> dict[str, float]:
        return {
            "Weights": self.weights,
            "Gradients": self.gradients,
            "Optimizer states": self.optimizer,
            "Activations": self.activations,
        }


def model_state_bytes(
    n_params: float, *, dp: int = 1, zero_stage: int = 0, precision: str = "mixed_adam"
) -> tuple[float, float, float]:
    """(weights, gradients, optimizer) bytes per GPU for `n_params` held by this GPU's
    model-parallel shard, with ZeRO stage 0–3 over `dp` data-parallel ranks."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}.")
    if zero_stage not in (0, 1, 2, 3):
        raise ValueError("ZeRO stage must be 0, 1, 2 or 3.")
    if dp < 1:
        raise ValueError("Data-parallel size must be at least 1.")
    w, g, k = PRECISIONS[precision]
    return (
        n_params * w / (dp if zero_stage >= 3 else 1),
        n_params * g / (dp if zero_stage >= 2 else 1),
        n_params * k / (dp if zero_stage >= 1 else 1),
    )


def activation_bytes_per_layer(
    s: int,
    b: int,
    h: int,
    a: int,
    *,
    tp: int = 1,
    sequence_parallel: bool = False,
    recompute: str = "none",
) -> float:
    """Korthikanti et al. 2022, Table 2: activation bytes of one transformer layer for
    sequence length s, micro-batch b, hidden size h, a heads, tensor parallel t."""
    if recompute not in RECOMPUTE:
        raise ValueError(f"recompute must be one of {', '.join(RECOMPUTE)}.")
    t = tp
    sbh = s * b * h
    if recompute == "full":  # only each layer's input is kept
        return 2 * sbh / (t if sequence_parallel else 1)
    attention_scores = 5 * a * s / (h * t)  # softmax input/output and dropout mask
    if recompute == "selective":  # the attention-score part is recomputed
        attention_scores = 0.0
    if sequence_parallel:
        return sbh * (34 / t + attention_scores)
    return sbh * (10 + 24 / t + attention_scores)


def training_memory(
    cfg: ModelConfig,
    micro_batch: int,
    seq_len: int,
    *,
    dp: int = 1,
    tp: int = 1,
    pp: int = 1,
    zero_stage: int = 0,
    recompute: str = "none",
    sequence_parallel: bool = False,
    precision: str = "mixed_adam",
) -> MemoryBreakdown:
    """Bytes per GPU to train `cfg` (the first pipeline stage, which holds the most).

    Weights are split over tensor (tp) and pipeline (pp) parallel ranks, then ZeRO shards
    them over dp. With 1F1B pipelining the first stage keeps `pp` micro-batches of
    activations for its L/pp layers, so activations ≈ L layers' worth (Korthikanti et al.
    2022, section 4.2.3) whatever pp is.
    """
    for value, name in (
        (micro_batch, "Micro-batch"),
        (seq_len, "Sequence length"),
        (dp, "Data parallel"),
        (tp, "Tensor parallel"),
        (pp, "Pipeline parallel"),
    ):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1.")
    if cfg.n_heads % tp:
        raise ValueError(f"Tensor parallel size ({tp}) must divide the heads ({cfg.n_heads}).")
    if pp > cfg.n_layers:
        raise ValueError(f"Pipeline stages ({pp}) cannot exceed the layers ({cfg.n_layers}).")
    n_shard = count_params(cfg).total / (tp * pp)
    weights, grads, optim = model_state_bytes(
        n_shard, dp=dp, zero_stage=zero_stage, precision=precision
    )
    per_layer = activation_bytes_per_layer(
        seq_len,
        micro_batch,
        cfg.d_model,
        cfg.n_heads,
        tp=tp,
        sequence_parallel=sequence_parallel,
        recompute=recompute,
    )
    layers_held = math.ceil(cfg.n_layers / pp) * pp if pp > 1 else cfg.n_layers
    return MemoryBreakdown(weights, grads, optim, per_layer * layers_held)
