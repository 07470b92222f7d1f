"""Reward model, best-of-n and DPO (app/core/rlhf)."""

import itertools
import math

import numpy as np
import pytest

from app.core.rlhf.best_of_n import best_of_n_curve, best_of_n_expectation, kl_bound
from app.core.rlhf.dpo import PreferencePair, dpo_loss, dpo_train
from app.core.rlhf.preferences import FEATURES, load_preferences, token_f1
from app.core.rlhf.reward_model import (
    accuracy,
    calibration,
    expected_calibration_error,
    fit_bradley_terry,
    split,
)
from app.core.tinylm import CharTokenizer, TinyGPT, TinyGPTConfig, TrainConfig


def test_bradley_terry_recovers_known_weights_on_synthetic_pairs():
    rng = np.random.default_rng(0)
    true_w = np.array([1.5, -1.0, 0.5])
    x_a, x_b = rng.standard_normal((20_000, 3)), rng.standard_normal((20_000, 3))
    p = 1 / (1 + np.exp(-(x_a - x_b) @ true_w))
    y = (rng.random(20_000) < p).astype(int)
    model = fit_bradley_terry(x_a, x_b, y, c=1e6)
    # features are standardised (std ≈ 1 here), so the weights are the true ones
    assert np.allclose(model.weights / model.scale, true_w, atol=0.1)


def test_bradley_terry_rejects_one_sided_labels():
    x = np.ones((4, 2))
    with pytest.raises(ValueError, match="both outcomes"):
        fit_bradley_terry(x, x * 2, np.ones(4, int))


def test_shipped_pairs_are_enough_and_reward_model_finds_the_length_bias():
    data = load_preferences()
    assert len(data.pairs) >= 300
    train, held = split(len(data.y), 0.25)
    model = fit_bradley_terry(data.x_a[train], data.x_b[train], data.y[train], FEATURES)
    # better than chance, not better than the rater's own hidden utility (≈ 0.79 here)
    assert 0.6 < accuracy(model, data.x_a[held], data.x_b[held], data.y[held]) < 0.8
    # the planted bias: length is the feature the reward model weighs most
    assert int(np.argmax(model.weights)) == FEATURES.index("words")


def test_calibration_bins_and_error():
    p = np.array([0.1, 0.1, 0.9, 0.9])
    y = np.array([0, 0, 1, 1])
    assert calibration(p, y, 2) == [(0.1, 0.0, 2), (0.9, 1.0, 2)]
    assert expected_calibration_error(p, y, 2) == pytest.approx(0.1)


def test_token_f1_is_squad_style_overlap():
    assert token_f1("the cat sat", "the cat sat") == 1.0
    assert token_f1("the cat", "a dog") == 0.0
    assert token_f1("cat sat down", "the cat sat") == pytest.approx(2 / 3)


def test_best_of_n_kl_bound_is_log_n_minus_n_minus_1_over_n():
    """Stiennon et al. 2020, appendix G.3: KL(best-of-n ‖ policy) ≤ log n − (n − 1)/n."""
    assert kl_bound(1) == 0.0
    assert kl_bound(2) == pytest.approx(math.log(2) - 0.5)
    assert kl_bound(16) == pytest.approx(math.log(16) - 15 / 16)
    with pytest.raises(ValueError):
        kl_bound(0)


def test_best_of_n_expectation_matches_brute_force_over_subsets():
    rewards = np.array([0.3, 2.0, -1.0, 0.7, 1.1])
    values = np.array([1.0, 0.0, 5.0, 2.0, 3.0])
    for n in range(1, 6):
        subsets = list(itertools.combinations(range(5), n))
        brute = np.mean([values[max(s, key=lambda i: rewards[i])] for s in subsets])
        assert best_of_n_expectation(rewards, values, n) == pytest.approx(brute)
    curve = best_of_n_curve([(rewards, values)], 5)
    assert curve["reward"] == sorted(curve["reward"])  # best-of-n reward never falls


def test_dpo_loss_matches_a_hand_computed_case():
    # z = β[(−10 − −11) − (−12 − −11)] = 0.1 · 2 = 0.2; L = log(1 + e^−0.2)
    loss, d_c, d_r = dpo_loss([-10.0], [-12.0], [-11.0], [-11.0], beta=0.1)
    assert loss == pytest.approx(math.log1p(math.exp(-0.2)))
    sigma = 1 / (1 + math.exp(0.2))  # σ(−z)
    assert d_c[0] == pytest.approx(-0.1 * sigma)
    assert d_r[0] == pytest.approx(0.1 * sigma)


def test_dpo_gradient_matches_finite_differences_of_the_loss():
    rng = np.random.default_rng(1)
    pc, pr, rc, rr = rng.normal(size=(4, 3))
    _, d_c, _ = dpo_loss(pc, pr, rc, rr, 0.5)
    eps = 1e-6
    bumped = pc.copy()
    bumped[1] += eps
    numeric = (dpo_loss(bumped, pr, rc, rr, 0.5)[0] - dpo_loss(pc, pr, rc, rr, 0.5)[0]) / eps
    assert d_c[1] == pytest.approx(numeric, rel=1e-4)


def test_dpo_training_raises_the_margin_of_chosen_over_rejected():
    text = "Q: a?\nA: yes\nno\n"
    tok = CharTokenizer.from_text(text)
    ref = TinyGPT(
        TinyGPTConfig(vocab_size=tok.vocab_size, n_layers=1, d_model=16, n_heads=2, seq_len=16),
        seed=0,
    )
    pairs = [PreferencePair("Q: a?\nA:", " yes\n", " no\n")]
    cfg = TrainConfig(steps=20, batch_size=1, lr=1e-2, warmup_steps=1, eval_every=20)
    progress = list(dpo_train(ref, tok, pairs, pairs, beta=0.5, cfg=cfg))
    first, last = progress[0], progress[-1]
    assert first.kl == pytest.approx(0.0, abs=1e-9)
    assert (last.chosen_logp - last.rejected_logp) > (first.chosen_logp - first.rejected_logp)
    assert last.reward_accuracy == 1.0 and last.kl > 0
