"""Looking inside the tiny GPT (app/core/interpret)."""

import numpy as np
import pytest

from app.core.interpret import inspect, probes, saliency
from app.core.tinylm.model import TinyGPT, TinyGPTConfig


@pytest.fixture(scope="module")
def tiny():
    model = TinyGPT(
        TinyGPTConfig(vocab_size=11, n_layers=2, d_model=16, n_heads=4, seq_len=16),
        seed=3,
        dtype=np.float64,
    )
    rng = np.random.default_rng(0)
    for p in model.params.values():  # move away from init so every path carries signal
        p += rng.standard_normal(p.shape) * 0.3
    return model


def test_inspected_forward_equals_the_models_own(tiny):
    ids = np.random.default_rng(1).integers(0, 11, (2, 9))
    assert np.allclose(inspect.run(tiny, ids).logits, tiny.logits(ids), atol=1e-12)


def test_saliency_gradient_matches_finite_differences(tiny):
    ids = np.array([1, 4, 2, 7, 3])
    target = 5
    logp, grad = saliency.target_logprob_and_grad(tiny, ids, target)
    work = tiny.copy()
    eps = 1e-6
    for t in range(ids.size):
        for c in (0, 7):
            work.params["wpe"][t, c] += eps
            up = np.log(work.next_token_probs(list(ids))[target])
            work.params["wpe"][t, c] -= 2 * eps
            down = np.log(work.next_token_probs(list(ids))[target])
            work.params["wpe"][t, c] += eps
            assert abs((up - down) / (2 * eps) - grad[t, c]) < 1e-6
    assert np.isclose(logp, np.log(tiny.next_token_probs(list(ids))[target]))


def test_integrated_gradients_add_up_to_the_output_change(tiny):
    # Sundararajan et al. 2017, completeness: sum of attributions = f(x) - f(baseline)
    attributions, change = saliency.integrated_gradients(tiny, [1, 4, 2, 7], 5, 0, steps=128)
    assert abs(attributions.sum() - change) < 0.01 * max(1.0, abs(change))


def test_ablating_a_head_that_does_nothing_changes_nothing(tiny):
    model = tiny.copy()
    D = model.config.d_model // model.config.n_heads
    model.params["h.1.attn.c_proj.weight"][2 * D : 3 * D] = 0.0  # head 2 of layer 1 writes nothing
    rng = np.random.default_rng(2)
    x, y = rng.integers(0, 11, (3, 16)), rng.integers(0, 11, (3, 16))
    base, delta = inspect.head_ablation(model, x, y)
    assert delta[1, 2] == pytest.approx(0.0, abs=1e-12)
    assert np.abs(delta).max() > 1e-4  # other heads do matter
    assert base == pytest.approx(model.loss(x, y))


def test_control_task_labels_depend_on_the_character_alone():
    text = "the cat sat on the mat, then ran. " * 3
    real = probes.labels(text, "next_space")
    control = probes.control_labels(text, real)
    by_char = {}
    for t, label in enumerate(control):
        assert by_char.setdefault(text[t], label) == label
    assert list(probes.labels("ab cd", "word_position")) == [1, 2, 0, 1]
