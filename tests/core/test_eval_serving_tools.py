"""Evaluation and serving calculators against published values and definitions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.eval_metrics import (
    classification_scores,
    naive_pass_at_k,
    pass_at_k,
    what_each_hides,
)
from app.core.presets import get_preset
from app.core.serving_economics import cost_per_million_tokens, roofline
from app.core.text_overlap import build_index, find_overlaps, overlap_scores


# ---- classification ----------------------------------------------------------------------
def test_rare_positives_make_accuracy_look_good():
    # 1,000 items, 10 positives, a model that finds 2 and raises 8 false alarms
    s = classification_scores(tp=2, fp=8, fn=8, tn=982)
    assert s.accuracy == pytest.approx(0.984)
    assert s.precision == pytest.approx(0.2) and s.recall == pytest.approx(0.2)
    assert s.f1 == pytest.approx(0.2)
    assert s.majority_baseline == pytest.approx(0.99)  # beats the model on accuracy
    assert "99%" in what_each_hides(s)["accuracy"]


def test_undefined_scores_are_none_not_a_division_error():
    s = classification_scores(tp=0, fp=0, fn=5, tn=5)
    assert s.precision is None and s.recall == 0 and s.f1 == 0
    with pytest.raises(ValueError, match="empty"):
        classification_scores(0, 0, 0, 0)
    with pytest.raises(ValueError, match="TP"):
        classification_scores(-1, 0, 0, 1)


# ---- pass@k (Chen et al. 2021) ---------------------------------------------------------------
@given(st.integers(1, 300), st.data())
def test_stable_product_equals_the_binomial_form(n, data):
    """Chen et al. 2021, §2.1: pass@k = 1 − C(n−c, k)/C(n, k); Figure 3 computes it as a
    product to avoid huge binomials. Both must agree."""
    c = data.draw(st.integers(0, n))
    k = data.draw(st.integers(1, n))
    exact = 1 - math.comb(n - c, k) / math.comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12)


def test_pass_at_1_is_the_share_that_passes_and_naive_underestimates():
    assert pass_at_k(200, 57, 1) == pytest.approx(57 / 200)
    # the paper's point (Appendix A): plugging c/n into 1 − (1 − p)^k is biased low
    assert naive_pass_at_k(20, 2, 10) < pass_at_k(20, 2, 10)
    assert pass_at_k(10, 9, 5) == 1.0  # fewer than k failures: some draw of k passes


def test_pass_at_k_rejects_impossible_counts():
    for n, c, k in ((10, 11, 1), (5, 1, 6), (0, 0, 1)):
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)


# ---- BLEU and ROUGE -----------------------------------------------------------------------
def test_sacrebleu_reproduces_its_readme_example():
    """sacrebleu's README: the three-sentence example with two reference sets scores
    BLEU = 48.53."""
    import sacrebleu

    hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    refs = [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ]
    assert round(sacrebleu.corpus_bleu(hyps, refs).score, 2) == 48.53


def test_overlap_scores_by_hand():
    s = overlap_scores("the cat on the mat", "the cat sat on the mat")
    # ROUGE-1: 5 of 5 candidate words match, 5 of 6 reference words: F = 2·1·(5/6)/(1+5/6)
    assert s.rouge1 == pytest.approx(10 / 11)
    assert s.brevity_penalty == pytest.approx(math.exp(1 - 6 / 5))  # Papineni et al. 2002
    assert s.bleu_precisions[0] == pytest.approx(100.0)
    assert overlap_scores("same words", "same words").bleu == pytest.approx(100.0)
    with pytest.raises(ValueError):
        overlap_scores(" ", "reference")


def test_a_paraphrase_scores_low_though_it_means_the_same():
    s = overlap_scores("The feline rested upon the rug.", "The cat sat on the mat.")
    assert s.bleu < 20 and s.rouge2 == 0


# ---- contamination (GPT-3, Appendix C) ---------------------------------------------------------
TRAIN = (
    "Benchmarks are public and training data is scraped from the web so test questions "
    "leak into training sets and a model that saw the answers can score well."
)


def test_a_copied_passage_shows_its_13_word_overlap_and_a_short_one_does_not():
    index = build_index([("train", TRAIN)])
    copied = "Note: TRAINING data is scraped, from the web so test questions leak into training!"
    (overlap,) = find_overlaps(copied, index)
    assert overlap.source == "train"
    assert overlap.text.startswith("training data is scraped")
    assert overlap.end - overlap.start >= 13
    assert find_overlaps("training data is scraped from the web", index) == []  # 8 words


# ---- serving roofline and cost ------------------------------------------------------------------
def test_bf16_decode_turns_compute_bound_at_the_a100_ridge_point():
    """With 2-byte weights and 2 FLOPs per weight per sequence, b* is the GPU's
    FLOPs-per-byte ridge: 312 TFLOPS / 2.039 TB/s ≈ 153 for an A100 80GB."""
    r = roofline(
        get_preset("llama-2-7b"),
        weight_format="bf16",
        context=1,
        n_gpus=1,
        peak_tflops=312,
        bandwidth_tbs=2.039,
    )
    assert r.crossover_batch == pytest.approx(312 / 2.039, rel=0.01)
    int4 = roofline(
        get_preset("llama-2-7b"),
        weight_format="int4-g128",
        context=1,
        n_gpus=1,
        peak_tflops=312,
        bandwidth_tbs=2.039,
    )
    assert int4.crossover_batch < r.crossover_batch / 3  # fewer bytes: compute-bound sooner


def test_throughput_grows_with_batch_but_never_passes_the_compute_ceiling():
    r = roofline(
        get_preset("llama-3-8b"),
        weight_format="bf16",
        context=4096,
        n_gpus=1,
        peak_tflops=989,
        bandwidth_tbs=3.35,
    )
    tps = r.decode_tokens_per_second
    assert all(b >= a * (1 - 1e-9) for a, b in zip(tps, tps[1:], strict=False))
    assert tps[-1] > 10 * tps[0]
    assert max(tps) < r.compute_bound_ceiling


def test_cost_per_million_tokens():
    # $2.99 an hour, 1,000 tokens/s = 3.6 M tokens an hour → $0.83 per million
    assert cost_per_million_tokens(2.99, 1, 1000) == pytest.approx(2.99 / 3.6)
    with pytest.raises(ValueError):
        cost_per_million_tokens(2.99, 1, 0)
