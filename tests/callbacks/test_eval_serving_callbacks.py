"""The evaluation and serving calculators' callbacks: right numbers, and a message (never
a traceback) for bad input."""

from __future__ import annotations

import math

from app.labs import (
    bleu_rouge,
    classification_metrics,
    contamination_checker,
    pass_at_k,
    serving_economics,
)
from tests.helpers import error_text, is_message_figure, stat_values


def test_classification_metrics_show_the_rare_class_trap():
    results, error = classification_metrics.update(2, 8, 8, 982)
    assert error is None
    values = stat_values(results.children[0].children)
    assert values["Accuracy"] == "98.4%" and values["Recall"] == "20.0%"


def test_classification_metrics_reject_bad_counts():
    for bad in (("x", 1, 1, 1), (1, -1, 1, 1), (0, 0, 0, 0), (1.5, 1, 1, 1)):
        results, error = classification_metrics.update(*bad)
        assert results is None and error_text(error)
    _, error = classification_metrics.update(0, 0, 0, 0)
    assert "empty" in error_text(error)


def test_precision_with_nothing_flagged_is_undefined_not_a_crash():
    results, error = classification_metrics.update(0, 0, 3, 7)
    assert error is None
    assert stat_values(results.children[0].children)["Precision"] == "undefined"


def test_pass_at_k_lab():
    stats, fig, error = pass_at_k.update(200, 12, 10)
    exact = 1 - math.comb(188, 10) / math.comb(200, 10)  # Chen et al. 2021, §2.1
    assert error is None and stat_values(stats)["pass@k (unbiased)"] == f"{100 * exact:.1f}%"
    stats, fig, error = pass_at_k.update(10, 11, 1)
    assert stats is None and is_message_figure(fig) and "c (samples" in error_text(error)
    _, _, error = pass_at_k.update(10, 2, 20)
    assert "k" in error_text(error)


def test_bleu_rouge_scores_and_rejects_empty_text():
    stats, error = bleu_rouge.score("the cat on the mat", "the cat sat on the mat")
    assert error is None and stat_values(stats)["ROUGE-1"] == "0.91"
    stats, error = bleu_rouge.score("   ", "the cat")
    assert stats is None and "Candidate" in error_text(error)
    _, error = bleu_rouge.score("x", "y" * (bleu_rouge.MAX_CHARS + 1))
    assert "at most" in error_text(error)


def test_tiny_gpt_writes_a_candidate_that_starts_with_the_prompt():
    text, error = bleu_rouge.generate(1, bleu_rouge.REFERENCE)
    assert error is None and text.startswith(bleu_rouge.PROMPT) and len(text) > 40


def test_contamination_checker_finds_the_copied_half():
    result, error = contamination_checker.update(1, contamination_checker.SAMPLE)
    assert error is None
    values = stat_values(result.children[0].children)
    assert values["Overlapping stretches"] == "1"
    _, error = contamination_checker.update(1, "too short to overlap")
    assert "13" in error_text(error)
    _, error = contamination_checker.update(1, "word " * 2000)
    assert "at most" in error_text(error)
    result, error = contamination_checker.update(None, None)
    assert result is None and error_text(error)


def test_serving_economics_lab_and_its_errors():
    stats, fig, error = serving_economics.update(*serving_economics.DEFAULTS, None)
    assert error is None and stat_values(stats)["Compute-bound from batch"] == "≈153"
    values = list(serving_economics.DEFAULTS)
    values[5] = 5000
    stats, fig, error = serving_economics.update(*values, None)
    assert stats is None and is_message_figure(fig) and "Batch" in error_text(error)
    values = list(serving_economics.DEFAULTS)
    values[6] = "-1"
    _, _, error = serving_economics.update(*values, None)
    assert "Price" in error_text(error)
