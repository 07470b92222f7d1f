"""Follow one real model through the eight stages, with a number for each.

Published facts (training tokens, GPU hours, benchmark score) come from the sourced
table content/tables/model_journeys.yaml; everything else is computed here from the
model's preset: parameters (count_params), training compute (6ND, Kaplan et al. 2020),
and serving memory (weights and KV cache).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.units import human_bytes, human_count, scientific


@dataclass(frozen=True)
class StageNumber:
    order: int  # the stage (1..8) this number belongs to
    label: str
    short: str  # a few characters for the flow chart
    value: str  # the full sentence for the table
    source: str  # "computed: <formula>" or the table's source
    url: str | None = None


def model_journey(row: dict) -> list[StageNumber]:
    """The stage-by-stage numbers for one row of model_journeys.yaml."""
    from app.core.architecture import count_params
    from app.core.compute import training_flops
    from app.core.presets import get_preset
    from app.core.serving import kv_cache_bytes, weights_bytes

    cfg = get_preset(row["preset"])
    n_params = count_params(cfg).total
    tokens = row["training_tokens"]
    kv_per_token = kv_cache_bytes(cfg, seq_len=1, batch=1, bytes_per_value=2)
    gpu = (
        f"{human_count(row['gpu_hours'])} {row['gpu']} GPU-hours"
        if row.get("gpu_hours")
        else row["gpu"]
    )
    return [
        StageNumber(
            1,
            "Model",
            str(row["year"]),
            f"{row['name']} ({row['organization']}, {row['year']})",
            row["tokens_source"],
            row["tokens_url"],
        ),
        StageNumber(
            2,
            "Training data",
            f"{human_count(tokens, short=True)} tokens",
            f"{human_count(tokens)} tokens: {row['data']}",
            row["tokens_source"],
            row["tokens_url"],
        ),
        StageNumber(
            3,
            "Tokenizer",
            f"{cfg.vocab_size:,} vocab",
            f"{cfg.vocab_size:,} tokens in the vocabulary",
            "computed: the preset's vocab_size (model config)",
        ),
        StageNumber(
            4,
            "Architecture",
            f"{human_count(n_params, short=True)} params",
            f"{human_count(n_params)} parameters: {cfg.n_layers} layers, "
            f"d_model {cfg.d_model:,}, {cfg.seq_len:,}-token context",
            "computed: count_params on the published config",
        ),
        StageNumber(
            5,
            "Training compute",
            f"{scientific(training_flops(n_params, tokens), 2)} FLOPs",
            f"{scientific(training_flops(n_params, tokens))} FLOPs; {gpu}",
            "computed: 6 × parameters × tokens (Kaplan et al. 2020); hours: " + row["gpu_source"],
            row["gpu_url"],
        ),
        StageNumber(
            6,
            "Fine-tuning",
            row.get("fine_tuning_short", "see table"),
            row["fine_tuning"],
            row["fine_tuning_source"],
            row["fine_tuning_url"],
        ),
        StageNumber(
            7,
            "Evaluation",
            f"MMLU {row['mmlu_5shot']:.1f}%",
            f"MMLU (5-shot): {row['mmlu_5shot']:.1f}%",
            row["mmlu_source"],
            row["mmlu_url"],
        ),
        StageNumber(
            8,
            "Deployment",
            f"{human_bytes(weights_bytes(n_params, 16), 2)} bf16",
            f"{human_bytes(weights_bytes(n_params, 16))} of weights in bf16, "
            f"{human_bytes(weights_bytes(n_params, 4))} in 4-bit; KV cache "
            f"{human_bytes(kv_per_token)} per token",
            "computed: parameters × bits / 8; 2 × layers × KV heads × head size × 2 bytes",
        ),
    ]
