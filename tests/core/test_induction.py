"""The attention-only model of app/core/induction and its shipped checkpoint."""

import numpy as np

from app.core.induction.make_checkpoint import CHECKPOINT_PATH
from app.core.induction.model import AttnOnlyConfig, AttnOnlyTransformer
from app.core.induction.train import InductionTrainConfig, copy_losses, eval_set, train


def test_backward_matches_finite_differences():
    cfg = AttnOnlyConfig(vocab_size=7, d_model=8, n_heads=2, seq_len=6)
    model = AttnOnlyTransformer(cfg, seed=1, dtype=np.float64)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 7, (2, 6)), rng.integers(0, 7, (2, 6))
    _, grads = model.loss_and_grads(x, y)
    for name, p in model.params.items():
        i = np.unravel_index(np.argmax(np.abs(grads[name])), p.shape)
        old, eps = p[i], 1e-6
        p[i] = old + eps
        up = model.per_token_loss(x, y).mean()
        p[i] = old - eps
        down = model.per_token_loss(x, y).mean()
        p[i] = old
        assert abs((up - down) / (2 * eps) - grads[name][i]) < 1e-6, name


def test_shipped_model_predicts_the_second_copy_far_better_than_the_first():
    # Olsson et al. 2022: on [random tokens, the same tokens again] an induction head makes
    # the second copy predictable while the first stays at chance, ln(vocab).
    model, meta = AttnOnlyTransformer.load(CHECKPOINT_PATH)
    x, y, length = eval_set(model.config)
    first, second, _ = copy_losses(model, x, y, length)
    assert first > 0.9 * np.log(model.config.vocab_size)
    assert second < 0.25 * first
    assert meta["command"] == "python -m app.core.induction.make_checkpoint"


def test_training_yields_progress_and_stops_when_asked():
    model = AttnOnlyTransformer(AttnOnlyConfig(d_model=16, seq_len=8, vocab_size=8))
    steps = [p.step for p in train(model, InductionTrainConfig(steps=3, eval_every=1))]
    assert steps == [0, 1, 2, 3]
    calls = iter([False, True])
    stopped = list(train(model, InductionTrainConfig(steps=10), should_stop=lambda: next(calls)))
    assert [p.step for p in stopped] == [0, 1]
