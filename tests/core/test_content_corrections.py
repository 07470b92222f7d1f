"""Numbers the stage texts quote after the content review (issue 11), each from app/core."""

from __future__ import annotations

import pytest

from app.core import facts
from app.core.finetune import finetune_memory, qlora_peak_memory
from app.core.landmarks import tokens_per_param, with_active
from app.core.presets import get_preset


def test_qlora_realistic_minimum_for_a_7b_model_is_between_5_5_and_6_gb():
    """The 4-bit base + adapters + saved inputs (4.28 GB) leaves out the 16-bit embedding
    and output layers, the recomputed layer's working set and fp32 logits."""
    cfg = get_preset("llama-2-7b")
    parts = qlora_peak_memory(cfg, rank=16)
    total = sum(parts.values())
    assert 5.5e9 < total < 6.0e9
    assert total > finetune_memory(cfg, "qlora").total + 1e9
    assert parts["16-bit embeddings and output layer"] == 2 * 2 * 32_000 * 4096
    assert parts["fp32 logits"] == 4 * 2048 * 32_000


def test_full_fine_tuning_of_llama_2_7b_fits_only_the_largest_gpus():
    # 108 GB: more than 80 GB, less than an H200's 141 GB (gpus.yaml, NVIDIA datasheets)
    assert facts.full_ft_llama2_7b() == "108 GB"
    assert facts.gpus_holding_full_ft_llama2_7b() == "H200 SXM (141 GB) and B200 (180 GB)"


def test_moe_tokens_per_parameter_count_the_active_parameters():
    """DeepSeek-AI 2024: 14.8T tokens, 671B parameters of which 37B are active per token."""
    assert tokens_per_param(14.8e12, 671e9, 37e9) == pytest.approx(400, rel=0.001)
    # the CSV's row, as app.content loads it (extra columns stay strings)
    row = with_active(
        {
            "params": 671_000_000_000,
            "training_tokens": 14_800_000_000_000,
            "active_params": "37000000000",
        }
    )
    assert row["is_moe"] and round(row["tokens_per_param"]) == 400
    dense = with_active({"params": 8_000_000_000, "training_tokens": 15e12, "active_params": ""})
    assert not dense["is_moe"] and dense["active_params"] == 8_000_000_000


def test_lsh_threshold_for_fineweb_14_bands_of_8():
    # (1/b)^(1/r) = (1/14)^(1/8) ≈ 0.72 (Leskovec, Rajaraman & Ullman, §3.4.2)
    assert facts.minhash_threshold_14x8() == "0.72"
