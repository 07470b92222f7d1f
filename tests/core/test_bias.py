"""WEAT, fairness metrics and filter removal rates per group (app/core/bias)."""

import numpy as np
import pytest

from app.core.bias import filters
from app.core.bias.fairness import (
    Rates,
    calibration_gap,
    confusion,
    demographic_parity_gap,
    equalised_odds_gap,
    generated_scores,
    report,
    tradeoff_curve,
)
from app.core.bias.weat import association, augment, weat
from app.core.data import quality


def test_weat_on_a_constructed_example_with_a_known_effect():
    a, b = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    x = np.array([[1.0, 0.1], [1.0, 0.2], [1.0, 0.3]])  # near A
    y = x[:, ::-1]  # mirror images: near B
    r = weat(x, y, a, b)
    s = association(np.vstack([x, y]), a, b)
    assert np.allclose(s[3:], -s[:3])  # the mirror flips every association
    expected = (s[:3].mean() - s[3:].mean()) / s.std(ddof=1)
    assert r.effect_size == pytest.approx(expected)
    assert r.effect_size > 1.5
    # only the true split of 6 words into 3 + 3 reaches S: no re-partition exceeds it
    assert r.exact and r.n_partitions == 20 and r.p_value == 0.0
    assert weat(y, x, a, b).effect_size == pytest.approx(-r.effect_size)


def test_cda_adds_a_gender_swapped_copy():
    out = augment([["he", "is", "a", "nurse"], ["the", "sky"]])
    assert ["she", "is", "a", "nurse"] in out and len(out) == 3


def test_fairness_metrics_on_a_toy_confusion_matrix():
    # group A: TP 3, FP 1, TN 4, FN 2 ; group B: TP 1, FP 1, TN 6, FN 2
    ra, rb = Rates(3, 1, 4, 2), Rates(1, 1, 6, 2)
    assert ra.selection_rate == pytest.approx(0.4) and rb.selection_rate == pytest.approx(0.2)
    assert demographic_parity_gap(ra, rb) == pytest.approx(0.2)
    assert ra.tpr == pytest.approx(0.6) and rb.tpr == pytest.approx(1 / 3)
    assert ra.fpr == pytest.approx(0.2) and rb.fpr == pytest.approx(1 / 7)
    assert equalised_odds_gap(ra, rb) == pytest.approx(0.6 - 1 / 3)
    scores = [0.9, 0.8, 0.2, 0.1]
    assert confusion(scores, [1, 0, 1, 0], 0.5) == Rates(1, 1, 1, 1)


def test_generated_scores_are_calibrated_yet_unequal_when_base_rates_differ():
    """Kleinberg et al. 2016: calibrated scores with different base rates cannot also give
    equal error rates."""
    data = generated_scores()
    r = report(data, 0.5, 0.5)
    assert r.calibration_gap < 0.08
    assert r.eo_gap > 0.15 and r.dp_gap > 0.15
    front = tradeoff_curve(data, "dp")
    assert front[0][0] < 0.02 and front[-1][1] >= r.accuracy - 1e-9
    assert [p[1] for p in front] == sorted(p[1] for p in front)


def test_calibration_gap_is_zero_for_identical_groups():
    s, y = np.array([0.1, 0.3, 0.7, 0.9]), np.array([0, 0, 1, 1])
    assert calibration_gap(s, y, s, y) == 0.0


def test_filters_drop_more_good_pages_from_some_groups_and_thresholds_move_the_gap():
    rates = filters.removal_rates()
    assert rates["any rule"]["standard"] < 0.1
    assert rates["any rule"]["dialect"] > rates["any rule"]["standard"] + 0.3
    relaxed = filters.removal_rates(quality.thresholds_from(min_stop_words=0))
    assert relaxed["gopher_stop_words"]["dialect"] == 0.0
    blocked = filters.removal_rates(use_blocklist=True)
    assert blocked["c4_bad_words"]["identity"] == 1.0
    assert blocked["c4_bad_words"]["standard"] == 0.0


def test_word2vec_weat_finds_the_planted_skew_and_not_a_balanced_corpus():
    """Seeded, one worker: the same vectors every run (gensim's documented condition)."""
    from app.core.bias.weat import occupation_bias

    skewed, _ = occupation_bias(0.85, False)
    balanced, _ = occupation_bias(0.5, False)
    augmented, _ = occupation_bias(0.85, True)
    assert skewed.effect_size > 1.0 and skewed.p_value < 0.01
    assert abs(balanced.effect_size) < 0.5 and balanced.p_value > 0.05
    assert abs(augmented.effect_size) < 0.5 and augmented.p_value > 0.05
