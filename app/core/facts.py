"""Named numbers that the stage texts quote as {{fact:NAME}}, each computed by app/core.

Inputs typed here (a budget, a batch size) are the worked examples' premises, stated in
the text beside the fact; every result is computed, never typed.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from app.core.units import human_bytes, human_count, scientific


def _params(name: str) -> int:
    from app.core.architecture import count_params
    from app.core.presets import get_preset

    return count_params(get_preset(name)).total


def _cfg(name: str):
    from app.core.presets import get_preset

    return get_preset(name)


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


# ---- 01 Overview ------------------------------------------------------------------------
def gpt3_training_flops() -> str:
    from app.core.compute import training_flops

    return scientific(training_flops(_params("gpt3-175b"), 300e9))


def gpt3_gpu_years_a100() -> str:
    from app.core.compute import gpu_hours, training_flops

    hours = gpu_hours(training_flops(_params("gpt3-175b"), 300e9), 312, 0.4)
    return f"{hours / (24 * 365):,.0f}"


def llama3_8b_tokens_per_param() -> str:
    return f"{15e12 / _params('llama-3-8b'):,.0f}"


# ---- 02 Data collection -----------------------------------------------------------------
def chinchilla_tokens_llama2_7b() -> str:
    from app.core.compute import chinchilla_tokens_for_params

    return human_count(chinchilla_tokens_for_params(_params("llama-2-7b")))


def chinchilla_text_llama2_7b() -> str:
    from app.core.compute import chinchilla_tokens_for_params

    return human_bytes(chinchilla_tokens_for_params(_params("llama-2-7b")) * 4)


def llama3_8b_overtraining() -> str:
    from app.core.compute import chinchilla_tokens_for_params

    return f"{15e12 / chinchilla_tokens_for_params(_params('llama-3-8b')):.0f}"


def llama3_8b_text() -> str:
    return human_bytes(15e12 * 4)


# ---- 03 Data preprocessing --------------------------------------------------------------
def minhash_catch_08() -> str:
    from app.core.data.dedup import match_probability

    return _pct(match_probability(0.8, 14, 8))


def minhash_threshold_14x8() -> str:
    """Where the LSH S-curve is steepest: about (1/b)^(1/r) (Leskovec et al., Mining of
    Massive Datasets, §3.4.2)."""
    from app.core.data.dedup import threshold

    return f"{threshold(14, 8):.2f}"


def minhash_catch_05() -> str:
    from app.core.data.dedup import match_probability

    return _pct(match_probability(0.5, 14, 8), 2)


# ---- 04 Model architecture --------------------------------------------------------------
def gpt2_params() -> str:
    return f"{_params('gpt2'):,}"


def gpt2_embedding_params() -> str:
    from app.core.architecture import count_params

    p = count_params(_cfg("gpt2"))
    return f"{p.embeddings + p.position:,}"


def gpt2_block_params() -> str:
    from app.core.architecture import count_params

    p = count_params(_cfg("gpt2"))
    return f"{(p.attention + p.mlp) // 12 + 4 * 768:,}"


def gpt2_embedding_share() -> str:
    from app.core.architecture import count_params

    p = count_params(_cfg("gpt2"))
    return _pct((p.embeddings + p.position) / p.total, 0)


def llama2_7b_params() -> str:
    return f"{_params('llama-2-7b'):,}"


def llama3_8b_embedding_share() -> str:
    from app.core.architecture import count_params

    p = count_params(_cfg("llama-3-8b"))
    return _pct((p.embeddings + p.output_head) / p.total, 0)


def mixtral_active_params() -> str:
    from app.core.architecture import count_params

    return human_count(count_params(_cfg("mixtral-8x7b")).active)


def deepseek_v3_tokens_per_active_param() -> str:
    """DeepSeek-V3: 14.8T tokens over 37B active parameters (of 671B in all)."""
    from app.core.landmarks import tokens_per_param

    return f"{tokens_per_param(14.8e12, 671e9, 37e9):,.0f}"


def mixtral_total_params() -> str:
    return human_count(_params("mixtral-8x7b"))


# ---- 05 Training ------------------------------------------------------------------------
def gopher_budget_optimal_params() -> str:
    from app.core.compute import chinchilla_optimal

    return human_count(chinchilla_optimal(5.76e23)[0])


def gopher_budget_optimal_tokens() -> str:
    from app.core.compute import chinchilla_optimal

    return human_count(chinchilla_optimal(5.76e23)[1])


def zero_7_5b_baseline_gb() -> str:
    from app.core.memory import model_state_bytes

    return human_bytes(sum(model_state_bytes(7.5e9)))


def zero_7_5b_stage3_gb() -> str:
    from app.core.memory import model_state_bytes

    return human_bytes(sum(model_state_bytes(7.5e9, dp=64, zero_stage=3)))


def gpt3_model_states() -> str:
    from app.core.memory import model_state_bytes

    return human_bytes(sum(model_state_bytes(_params("gpt3-175b"))))


# ---- 06 Fine-tuning ---------------------------------------------------------------------
def lora_llama2_7b_r16() -> str:
    from app.core.finetune import lora_params

    return human_count(lora_params(_cfg("llama-2-7b"), 16, ("q", "k", "v", "o")))


def lora_llama2_7b_r16_share() -> str:
    from app.core.finetune import lora_params

    return _pct(
        lora_params(_cfg("llama-2-7b"), 16, ("q", "k", "v", "o")) / _params("llama-2-7b"), 2
    )


def _ft(method: str) -> str:
    from app.core.finetune import finetune_memory

    return human_bytes(
        finetune_memory(_cfg("llama-2-7b"), method, rank=16, micro_batch=1, seq_len=2048).total
    )


def full_ft_llama2_7b() -> str:
    return _ft("full")


def lora_llama2_7b_memory() -> str:
    return _ft("lora")


def qlora_llama2_7b_memory() -> str:
    """The realistic minimum: 4-bit base, 16-bit embeddings and output layer, adapters,
    saved layer inputs, the recomputed layer's working set and fp32 logits."""
    from app.core.finetune import qlora_peak_memory

    return human_bytes(sum(qlora_peak_memory(_cfg("llama-2-7b"), rank=16).values()))


def qlora_llama2_7b_floor() -> str:
    """Only the 4-bit base, the adapters and the saved layer inputs: the planner's count."""
    return _ft("qlora")


def gpus_holding_full_ft_llama2_7b() -> str:
    """The GPUs of content/tables/gpus.yaml whose memory holds full fine-tuning of
    Llama 2 7B (weights, gradients, Adam states and activations), e.g. 'H200 SXM (141 GB)'."""
    from app.core.finetune import finetune_memory
    from app.core.gpus import list_gpus

    need = finetune_memory(_cfg("llama-2-7b"), "full", rank=16, micro_batch=1, seq_len=2048)
    fits = [g for g in list_gpus() if g.memory_gb * 1e9 >= need.total]
    names = [f"{g.name} ({g.memory_gb:g} GB)" for g in fits]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


# ---- 07 Evaluation ----------------------------------------------------------------------
def perplexity_of_loss_2() -> str:
    from app.core.evaluation import perplexity

    return f"{perplexity(2.0):.1f}"


def uniform_gpt2_loss() -> str:
    return f"{math.log(50257):.2f}"


def margin_100_questions() -> str:
    from app.core.evaluation import margin_of_error

    return f"±{100 * margin_of_error(0.7, 100):.0f} points"


def margin_mmlu() -> str:
    from app.core.evaluation import margin_of_error

    return f"±{100 * margin_of_error(0.7, 14042):.1f} points"


# ---- 08 Deployment ----------------------------------------------------------------------
def llama2_7b_bf16_weights() -> str:
    from app.core.serving import weights_bytes

    return human_bytes(weights_bytes(_params("llama-2-7b"), 16))


def llama2_7b_kv_per_token() -> str:
    from app.core.serving import kv_cache_bytes

    return human_bytes(kv_cache_bytes(_cfg("llama-2-7b"), 1, 1))


def llama2_7b_kv_4k_batch8() -> str:
    from app.core.serving import kv_cache_bytes

    return human_bytes(kv_cache_bytes(_cfg("llama-2-7b"), 4096, 8))


def llama2_70b_kv_per_token() -> str:
    from app.core.serving import kv_cache_bytes

    return human_bytes(kv_cache_bytes(_cfg("llama-2-70b"), 1, 1))


def llama2_70b_int4_weights() -> str:
    from app.core.serving import weights_bytes

    return human_bytes(weights_bytes(_params("llama-2-70b"), 4, 128))


def llama2_7b_decode_bound_a100() -> str:
    from app.core.serving import weights_bytes

    return f"{2.039e12 / weights_bytes(_params('llama-2-7b'), 16):.0f}"


# ---- 11 Embeddings, 12 RAG, 13 Agents ------------------------------------------------------
def word_vectors_vocabulary() -> str:
    from app.core.embeddings import load_vectors

    return f"{len(load_vectors().words):,}"


def word_vectors_training_words() -> str:
    from app.core.embeddings import load_vectors

    return f"{sum(load_vectors().source_words.values()):,}"


def _king_queen():
    from app.core.embeddings import compare, load_vectors

    return compare(load_vectors(), "king", "queen")


def king_queen_cosine() -> str:
    return f"{_king_queen().cosine:.2f}"


def king_queen_dot() -> str:
    return f"{_king_queen().dot:.1f}"


def king_queen_euclidean() -> str:
    return f"{_king_queen().euclidean:.2f}"


def king_length() -> str:
    return f"{_king_queen().norm_a:.2f}"


def queen_length() -> str:
    return f"{_king_queen().norm_b:.2f}"


def _bm25_toy():
    """Three toy chunks; the query 'cache' occurs twice in the 4-word chunk 1, nowhere else.
    Lucene BM25 (k1 = 1.5, b = 0.75) by the bm25s library."""
    import bm25s

    docs = [["kv", "cache", "grows", "cache"], ["loss", "falls"], ["batch", "size", "grows"]]
    index = bm25s.BM25()
    index.index(docs, show_progress=False)
    return index.get_scores(["cache"])


def bm25_toy_idf() -> str:
    return f"{math.log(1 + (3 - 1 + 0.5) / (1 + 0.5)):.3f}"


def bm25_toy_score() -> str:
    return f"{float(_bm25_toy()[0]):.3f}"


def rrf_rank_1_and_3() -> str:
    from app.core.retrieval.index import rrf_fuse

    return f"{dict(rrf_fuse([[7, 1, 2], [1, 2, 7]]))[7]:.4f}"


def rrf_rank_2_and_1() -> str:
    from app.core.retrieval.index import rrf_fuse

    return f"{dict(rrf_fuse([[7, 1, 2], [1, 2, 7]]))[1]:.4f}"


def _agent_example():
    import json

    from app.core.agents.context import Step, context_cost
    from app.core.agents.tools import call

    task = "Can Llama 2 7B be fully fine-tuned on one 80 GB GPU?"
    args = [
        ("param_count", {"preset": "llama-2-7b"}),
        ("training_memory", {"preset": "llama-2-7b", "micro_batch": 1, "seq_len": 2048}),
        ("calculator", {"expression": "16 * 6.74e9 / 1e9"}),
    ]
    steps = [
        Step("I need the next number.", tool, json.dumps(a), json.dumps(call(tool, a)))
        for tool, a in args
    ]
    return context_cost(task, steps, 3.0, 15.0)


def agent_example_first_context() -> str:
    return f"{_agent_example().context_tokens[0]:,}"


def agent_example_last_context() -> str:
    return f"{_agent_example().context_tokens[-1]:,}"


def agent_example_billed() -> str:
    return f"{_agent_example().input_tokens_billed + _agent_example().context_tokens[-1]:,}"


def agent_example_cost() -> str:
    cost = _agent_example()
    dollars = (cost.input_tokens_billed + cost.context_tokens[-1]) * 3.0 / 1e6
    return f"${dollars:.3f}"


FACTS: dict[str, Callable[[], str]] = {
    name: fn
    for name, fn in globals().items()
    if callable(fn)
    and not name.startswith("_")
    and fn.__module__ == __name__
    and name not in {"human_bytes", "human_count", "scientific"}
}
