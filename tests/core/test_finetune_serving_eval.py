"""LoRA/QLoRA, KV cache and evaluation arithmetic against the papers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.evaluation import accuracy_interval, bits_per_character, margin_of_error, perplexity
from app.core.finetune import QLORA_BITS_PER_PARAM, finetune_memory, lora_params
from app.core.presets import get_preset
from app.core.serving import kv_cache_bytes, plan_serving, weights_bytes


def test_lora_on_gpt3_wq_wv_matches_the_papers_budgets():
    # Hu et al. 2021, Table 4: 4.7M (r=1) and 37.7M (r=8) trainable on W_q, W_v of GPT-3;
    # section 7.1: an 18M budget is r=4 on W_q and W_v.
    cfg = get_preset("gpt3-175b")
    assert lora_params(cfg, 1, ("q", "v")) == pytest.approx(4.7e6, rel=0.01)
    assert lora_params(cfg, 4, ("q", "v")) == pytest.approx(18.9e6, rel=0.01)
    assert lora_params(cfg, 8, ("q", "v")) == pytest.approx(37.7e6, rel=0.01)


def test_qlora_stores_4_127_bits_per_parameter():
    # Dettmers et al. 2023, section 3 (double quantisation): 0.127 bits of constants.
    assert pytest.approx(4.127, abs=5e-4) == QLORA_BITS_PER_PARAM


def test_qlora_lets_a_65b_model_fit_in_48_gb():
    # Dettmers et al. 2023, abstract: "finetune a 65B parameter model on a single 48GB GPU".
    cfg = get_preset("llama-2-70b")
    assert finetune_memory(cfg, "qlora", rank=64, micro_batch=1, seq_len=512).total / 1e9 < 48 * 1.1


@given(st.sampled_from(["gpt2", "llama-2-7b", "mixtral-8x7b"]), st.integers(1, 256))
def test_memory_order_is_qlora_lora_full_and_rank_adds_parameters(name, rank):
    cfg = get_preset(name)
    mem = [finetune_memory(cfg, m, rank=rank).total for m in ("qlora", "lora", "full")]
    assert mem == sorted(mem)
    assert lora_params(cfg, rank + 1, ("q", "v")) > lora_params(cfg, rank, ("q", "v"))


def test_kv_cache_per_token_of_llama_2():
    # 2 × 32 layers × 4096 × 2 bytes = 0.5 MiB per token for 7B (multi-head);
    # 70B's 8 KV heads of 128 (GQA): 2 × 80 × 1024 × 2 bytes = 320 KiB per token.
    assert kv_cache_bytes(get_preset("llama-2-7b"), 1, 1) == 512 * 1024
    assert kv_cache_bytes(get_preset("llama-2-70b"), 1, 1) == 320 * 1024
    assert kv_cache_bytes(get_preset("llama-2-7b"), 4096, 8) == 4096 * 8 * 512 * 1024


def test_weights_in_bf16_and_group_quantised_int4():
    assert weights_bytes(7e9, 16) == 14e9
    assert weights_bytes(7e9, 4, 128) == pytest.approx(7e9 * 0.5 + 7e9 / 128 * 4)


def test_serving_plan_reports_fit_batch_and_a_bandwidth_bound():
    plan = plan_serving(
        get_preset("llama-2-7b"),
        weight_format="bf16",
        context=4096,
        batch=1,
        n_gpus=1,
        gpu_memory_gb=80,
        gpu_bandwidth_tbs=2.039,
    )
    assert plan.fits
    assert plan.max_batch == math.floor((80e9 * 0.9 - plan.weights_bytes) / (4096 * 512 * 1024))
    # each step reads 13.5 GB of weights + a full 4k-token KV cache (2.1 GB) from 2 TB/s
    expected = 2.039e12 / (6_738_415_616 * 2 + 4096 * 512 * 1024)
    assert plan.per_sequence_tokens_per_second == pytest.approx(expected)
    assert 125 < expected < 135


def test_perplexity_and_bits_per_character():
    assert perplexity(math.log(50257)) == pytest.approx(50257)
    assert bits_per_character(math.log(2) * 4, 4) == pytest.approx(1.0)


def test_benchmark_noise_shrinks_with_more_questions():
    # 70% on 100 questions: ±9 points (95%); on MMLU's 14,042 test questions: ±0.76.
    assert margin_of_error(0.7, 100) == pytest.approx(0.0898, abs=1e-3)
    assert margin_of_error(0.7, 14042) == pytest.approx(0.0076, abs=1e-4)
    low, high = accuracy_interval(70, 100)
    assert low < 0.7 < high and high - low == pytest.approx(0.178, abs=0.01)
